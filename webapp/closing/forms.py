"""The staff's form for ending a registration: a reason (就職, 取消) and its details."""

from __future__ import annotations

from webapp.closing.service import STAFF_REASONS
from webapp.forms import Form

NOTE_MAX = 200


def end_form(data) -> tuple[Form, str | None, str]:
    """(the form with what was typed and its errors, the reason or None, the details)."""
    form = Form()
    read = form.read(data, multiline=("note",))
    reason = str(read.get("reason", ""))
    note = str(read.get("note", ""))[: NOTE_MAX * 2].strip()
    form.values = {"reason": reason, "note": note}
    if reason not in STAFF_REASONS:
        form.add("reason", "終了の理由（就職・取消）を選んでください。")
    if not note:
        form.add("note", "終了の理由の詳細を入力してください。")
    elif len(note) > NOTE_MAX:
        form.add("note", f"終了の理由の詳細は{NOTE_MAX}文字以内で入力してください。")
    return form, (reason if form.valid else None), note
