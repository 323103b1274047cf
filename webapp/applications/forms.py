"""The application forms' input and their Japanese messages: 応募, 辞退, 面接日時, 不採用."""

from __future__ import annotations

import datetime as dt
import re

from webapp import validation
from webapp.applications import documents
from webapp.clock import JST
from webapp.forms import Form

MOTIVATION_MAX = 2000
NOTE_MAX = 200
REJECTION_NOTE_MAX = 500
# How far ahead an interview may be set: a year covers 新卒 schedules; more is a typo.
INTERVIEW_WITHIN = dt.timedelta(days=366)

NOT_ACKNOWLEDGED = (
    "オンライン自主応募に関する注意点を確認し、"
    "「上記の注意事項を確認しました」にチェックを付けてください。"
)
NO_MOTIVATION = "志望動機を入力してください。"
NOT_WITHDRAW_CONFIRMED = "辞退する場合は「この応募を辞退します」にチェックを付けてください。"


def _text(value) -> str:
    return str(value or "").strip()


async def application(data) -> tuple[Form, list[documents.Document]]:
    """注意事項の確認, 志望動機 and the two optional documents."""
    form = Form()
    data = form.read(data, multiline=("motivation",))
    form.values.update(
        acknowledged=data.get("acknowledged") == "yes",
        motivation=_text(data.get("motivation"))[: MOTIVATION_MAX * 2],
    )
    _check_text(form)
    chosen = []
    for kind in documents.KINDS:
        if kind in form.errors:  # its name was refused (a control character): not kept
            continue
        uploads = data.getlist(kind)
        if len(uploads) > 1:
            form.add(kind, f"{documents.KINDS[kind]}は1つだけ選んでください。")
            continue
        try:
            document = await documents.read_upload(uploads[0] if uploads else None, kind)
        except documents.DocumentError as error:
            form.add(kind, str(error))
            continue
        if document is not None:
            chosen.append(document)
    return form, chosen


def _check_text(form: Form) -> None:
    """The rules of the acknowledgement and 志望動機, on form.values."""
    if not form.values["acknowledged"]:
        form.add("acknowledged", NOT_ACKNOWLEDGED)
    motivation = form.values["motivation"]
    if not motivation:
        form.add("motivation", NO_MOTIVATION)
    elif len(motivation) > MOTIVATION_MAX:
        form.add(
            "motivation",
            f"志望動機は{MOTIVATION_MAX}文字以内で入力してください（現在{len(motivation)}文字）。",
        )


def from_draft(draft, *, checked: bool) -> Form:
    """The application form as the draft keeps it; `checked`: with the rules' errors (is
    the draft still complete enough to send)."""
    form = Form(values={"acknowledged": draft.acknowledged, "motivation": draft.message})
    if checked:
        _check_text(form)
    return form


def removal(data) -> str | None:
    """The kind of kept 応募書類 whose 「外す」 button was pressed, or None."""
    kind = str(data.get("remove", ""))
    return kind if kind in documents.KINDS else None


def withdrawal(data) -> Form:
    form = Form(values={"confirm": data.get("confirm") == "yes"})
    if not form.values["confirm"]:
        form.add("confirm", NOT_WITHDRAW_CONFIRMED)
    return form


def _date(value: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _time(value: str) -> dt.time | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", value)
    if not match:
        return None
    try:
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        return None


def interview(data, *, now: dt.datetime) -> tuple[Form, dt.datetime | None]:
    """面接日時 in JST (date and time fields), in the future, and an optional 連絡事項: the
    form and the moment, which is None whenever the form has an error."""
    form = Form()
    data = form.read(data, multiline=("note",))
    form.values.update(
        interview_date=validation.nfkc(str(data.get("interview_date", ""))[:20]),
        interview_time=validation.nfkc(str(data.get("interview_time", ""))[:10]),
        note=_text(data.get("note"))[: NOTE_MAX * 2],
    )
    day, time = form.values["interview_date"], form.values["interview_time"]
    parsed_day, parsed_time = _date(day), _time(time)
    if not day:
        form.add("interview_date", "面接の日付を入力してください。")
    elif parsed_day is None:
        form.add("interview_date", "面接の日付を正しく入力してください（例: 2025-04-01）。")
    if not time:
        form.add("interview_time", "面接の時刻を入力してください。")
    elif parsed_time is None:
        form.add("interview_time", "面接の時刻を正しく入力してください（例: 14:00）。")
    if len(form.values["note"]) > NOTE_MAX:
        form.add("note", f"連絡事項は{NOTE_MAX}文字以内で入力してください。")
    at = None
    if parsed_day and parsed_time:
        at = dt.datetime.combine(parsed_day, parsed_time, tzinfo=JST).astimezone(dt.UTC)
        if at <= now:
            form.add("interview_date", "面接の日時には、これから先の日時を入力してください。")
        elif at > now + INTERVIEW_WITHIN:
            form.add("interview_date", "面接の日時は1年以内の日時を入力してください。")
    return form, (at if form.valid else None)


def rejection(data) -> Form:
    """不採用: an optional message to the applicant (their page and the mail show it)."""
    form = Form()
    data = form.read(data, multiline=("note",))
    note = _text(data.get("note"))[: REJECTION_NOTE_MAX * 2]
    form.values["note"] = note
    if len(note) > REJECTION_NOTE_MAX:
        form.add(
            "note",
            f"応募者へのメッセージは{REJECTION_NOTE_MAX}文字以内で入力してください"
            f"（現在{len(note)}文字）。",
        )
    return form
