"""The free-text fields of 職業紹介, with their Japanese messages."""

from __future__ import annotations

from webapp.forms import Form

TEXT_MAX = 500  # 連絡事項, the job-seeker's message and the reason for 見送り

FIELD_NAMES = {
    "note": "連絡事項",
    "message": "ハローワークへの連絡事項",
    "reason": "見送りの理由",
}


def clean_text(raw) -> str:
    """One kind of line break, no surrounding blanks; capped so a huge post stays cheap."""
    text = str(raw or "")[: TEXT_MAX * 4]
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_field(
    form: Form, data, name: str, *, required: bool = False, key: str | None = None
) -> str:
    """Read one free-text field into `form`, adding its error if it breaks a rule. `key`:
    where the value and error go when one page holds many such forms (the staff queue)."""
    value = clean_text(data.get(name))
    key = key or name
    form.values[key] = value
    label = FIELD_NAMES[name]
    if required and not value:
        form.add(key, f"{label}を入力してください。")
    elif len(value) > TEXT_MAX:
        form.add(
            key,
            f"{label}は{TEXT_MAX}文字以内で入力してください"
            f"（入力された文字数: {len(value):,}文字）。",
        )
    return value


def posting_id(raw) -> int | None:
    """The chosen posting's id from a hidden field or query parameter, or None."""
    text = str(raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None
