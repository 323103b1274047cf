"""The message a job-seeker or an employer writes: plain text, cleaned and checked."""

from __future__ import annotations

from webapp.forms import Form

BODY_MAX = 1000  # characters, counted as the writer sees them (after trimming)

EMPTY = "メッセージを入力してください。"
TOO_LONG = "メッセージは{max}文字以内で入力してください（いま{count}文字）。"


def message_form(data) -> Form:
    """The typed text kept as typed in values["body"] (Form.read has made its line ends
    "\\n" and refused control characters: C0 but newline and tab, DEL, C1, and the bidi
    marks that can make a message read differently from what it says); the stored text,
    trimmed, in values["text"] when valid.

    No NFKC: a message is the writer's own words, and full-width letters or ① are theirs
    to keep (NFKC is for fields that are compared, such as addresses)."""
    form = Form()
    data = form.read(data, multiline=("body",))
    typed = str(data.get("body", ""))
    form.values["body"] = typed
    text = typed.strip()
    if not text:
        form.add("body", EMPTY)
    elif len(text) > BODY_MAX:
        form.add("body", TOO_LONG.format(max=BODY_MAX, count=len(text)))
    else:
        form.values["text"] = text
    return form


def seen_up_to(data) -> int | None:
    """The newest message id on the writer's page when they sent the form (see
    service.write: it tells a second send of the same form from a new message)."""
    value = str(data.get("after", ""))
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
