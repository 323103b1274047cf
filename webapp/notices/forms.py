"""The staff's send form (お知らせ, 求人情報の提供): input rules and Japanese messages."""

from __future__ import annotations

import re

from webapp import validation
from webapp.forms import Form
from webapp.notices.service import CHOSEN, JOB, NOTICE, OFFICE
from webapp.seekers import service as seekers

TITLE_MAX = 100
BODY_MAX = 2000
NUMBERS_MAX = 1000  # 求職番号 per send: a longer list is an office-wide お知らせ
JOB_NUMBER = re.compile(r"\d{5}-\d{8}")
_SEPARATORS = re.compile(r"[\s,、，;；]+")


def parse_numbers(text: str, office_code: str) -> tuple[list[str], list[str]]:
    """求職番号 one per line or comma separated, each read as the staff search reads one
    (seekers.parse_seeker_number: full-width, any dash or none, or this office's serial
    alone): (the numbers, the pieces that are none), each once and in the order typed."""
    numbers: list[str] = []
    malformed: list[str] = []
    for piece in _SEPARATORS.split(validation.nfkc(text)):
        if not piece:
            continue
        number = seekers.parse_seeker_number(piece, office_code)
        target, item = (numbers, number) if number else (malformed, piece)
        if item not in target:
            target.append(item)
    return numbers, malformed


def _text(data, name: str, limit: int) -> str:
    # Cut far above the limit: the length message must still see that it was too long.
    return str(data.get(name, ""))[: limit * 2].strip()


CONFIRM_ALL = (
    "全員に送信するときは、「有効な求職者全員に送信することを確認しました」に"
    "チェックを付けてください。"
)


def read_send_form(data, office_code: str) -> tuple[Form, list[str]]:
    """Check what does not need the database; returns the form and the 求職番号 typed
    (`office_code`: the staff member's office, whose serials may be typed alone)."""
    form = Form()
    data = form.read(data, multiline=("body", "seeker_numbers"))
    kind = JOB if data.get("kind") == JOB else NOTICE
    form.values.update(
        {
            "kind": kind,
            "title": _text(data, "title", TITLE_MAX),
            "body": _text(data, "body", BODY_MAX),
            "audience": str(data.get("audience", "")),
            "confirm_all": data.get("confirm_all") == "yes",
            "seeker_numbers": _text(data, "seeker_numbers", 20 * NUMBERS_MAX),
            "job_number": validation.hyphens(validation.nfkc(str(data.get("job_number", ""))[:40])),
        }
    )
    values = form.values
    numbers: list[str] = []
    if kind == JOB:
        values["audience"] = CHOSEN  # a posting is offered to chosen job-seekers only
        if not values["job_number"]:
            form.add("job_number", "求人番号を入力してください。")
        elif not JOB_NUMBER.fullmatch(values["job_number"]):
            form.add(
                "job_number",
                "求人番号は「13010-00000001」のように数字とハイフンで入力してください。",
            )
        numbers = _check_numbers(form, office_code)
        _check_body(form, "メッセージ")
    else:
        if not values["title"]:
            form.add("title", "件名を入力してください。")
        elif len(values["title"]) > TITLE_MAX:
            form.add("title", f"件名は{TITLE_MAX}文字以内で入力してください。")
        _check_body(form, "本文")
        if values["audience"] not in (OFFICE, CHOSEN):
            form.add("audience", "送信先を選んでください。")
        elif values["audience"] == OFFICE and not values["confirm_all"]:
            # A mail to every job-seeker of the office cannot be taken back: ask once more.
            form.add("confirm_all", CONFIRM_ALL)
        elif values["audience"] == CHOSEN:
            numbers = _check_numbers(form, office_code)
    return form, numbers


def _check_body(form: Form, label: str) -> None:
    if not form.values["body"]:
        form.add("body", f"{label}を入力してください。")
    elif len(form.values["body"]) > BODY_MAX:
        form.add("body", f"{label}は{BODY_MAX}文字以内で入力してください。")


def _check_numbers(form: Form, office_code: str) -> list[str]:
    numbers, malformed = parse_numbers(form.values["seeker_numbers"], office_code)
    if malformed:
        form.add(
            "seeker_numbers",
            f"求職番号の形式が正しくありません（例: 16040-00000001）: {listing(malformed)}",
        )
    elif not numbers:
        form.add("seeker_numbers", "送信先の求職番号を入力してください。")
    elif len(numbers) > NUMBERS_MAX:
        form.add(
            "seeker_numbers",
            f"一度に指定できる求職番号は{NUMBERS_MAX:,}件までです（{len(numbers):,}件）。",
        )
    return numbers


def listing(items: list[str], shown: int = 20) -> str:
    """「a、b、c」, and 「ほかN件」 past `shown` items, so a pasted list stays readable."""
    text = "、".join(items[:shown])
    return text + (f" ほか{len(items) - shown}件" if len(items) > shown else "")
