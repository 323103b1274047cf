"""The message a job-seeker or an employer writes: plain text, cleaned and checked."""

from __future__ import annotations

import re

from webapp.forms import Form

BODY_MAX = 1000  # characters, counted as the writer sees them (after trimming)

EMPTY = "メッセージを入力してください。"
TOO_LONG = "メッセージは{max}文字以内で入力してください（いま{count}文字）。"

# Control characters (C0 but newline and tab, DEL, C1) and the bidi embedding, override
# and isolate marks: invisible, and the latter can make a message read differently from
# what it says (the "Trojan Source" trick). Newlines are kept: a message has paragraphs.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(raw: str) -> str:
    """The text as it will be kept: one kind of line break, no control characters.

    No NFKC: a message is the writer's own words, and full-width letters or ① are theirs
    to keep (NFKC is for fields that are compared, such as addresses)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


def message_form(data) -> Form:
    """The typed text kept as typed (cleaned) in values["body"]; the stored text, trimmed,
    in values["text"] when valid."""
    typed = clean(str(data.get("body", "")))
    form = Form(values={"body": typed})
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
