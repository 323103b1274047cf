"""Input of the staff console's forms: the counter registration (求職申込み)."""

from __future__ import annotations

import datetime as dt

from webapp import validation
from webapp.forms import BIRTHDATE_BOXES, Form
from webapp.seekers import service as seekers
from webapp.seekers.service import NewSeeker

# At the counter the staff member has the job-seeker in front of them: contact details and
# a desired occupation are asked for every time (the CLI may leave them out).
COUNTER_REQUIRED = frozenset({"phone", "address", "desired_occupation"})

# The form's field names, and the longest text kept from each (anything longer is cut
# before validation, so a hostile post cannot make us normalize megabytes).
FIELDS = {
    "name": 200,
    "kana": 200,
    "year": 10,
    "month": 10,
    "day": 10,
    "email": 1000,
    "phone": 100,
    "address": 1000,
    "desired_occupation": 10,
    "desired_prefecture": 10,
    "desired_municipality": 200,
    "desired_employment_type": 30,
}


ORDER = (
    "name",
    "kana",
    "birthdate",
    "email",
    "phone",
    "address",
    "desired_occupation",
    "desired_prefecture",
    "desired_municipality",
    "desired_employment_type",
)


def counter_form(data, *, today: dt.date) -> tuple[Form, NewSeeker | None]:
    """求職申込み: the typed values (half-width where NFKC makes them so) and one error per
    field, checked by the same registration service as the CLI."""
    form = Form()
    data = form.read(data, errors_at=BIRTHDATE_BOXES)
    raw = {name: str(data.get(name, ""))[:size] for name, size in FIELDS.items()}
    form.values = {name: validation.nfkc(value) for name, value in raw.items()}
    new, problems = seekers.check_new_seeker(
        name=raw["name"],
        kana=raw["kana"],
        birthdate=(raw["year"], raw["month"], raw["day"]),
        email=raw["email"],
        today=today,
        required=COUNTER_REQUIRED,
        phone=raw["phone"],
        address=raw["address"],
        desired_occupation=raw["desired_occupation"],
        desired_prefecture=raw["desired_prefecture"],
        desired_municipality=raw["desired_municipality"],
        desired_employment_type=raw["desired_employment_type"],
    )
    for name in ORDER:  # the page's order, so the error summary reads top to bottom
        if name in problems:
            form.add(name, problems[name])
    if new is not None:
        # Show back what will be registered (カタカナ for ひらがな, one space between names).
        form.values.update(
            name=new.name,
            kana=new.kana,
            email=new.email,
            phone=new.phone,
            address=new.address,
            desired_municipality=new.desired_municipality,
        )
    return form, new


# 登録内容の訂正: what staff may correct, and the reason, which the history keeps.
CORRECTION_FIELDS = {"name": 200, "kana": 200, "year": 10, "month": 10, "day": 10, "email": 1000}
REASON_MAX = 200


def correction_form(data, *, today: dt.date) -> tuple[Form, seekers.Correction | None]:
    """氏名, フリガナ, 生年月日 and メールアドレス by the registration's rules, and 訂正の理由
    (required: the history says why a registration changed)."""
    form = Form()
    data = form.read(data, multiline=("reason",), errors_at=BIRTHDATE_BOXES)
    raw = {name: str(data.get(name, ""))[:size] for name, size in CORRECTION_FIELDS.items()}
    form.values = {name: validation.nfkc(value) for name, value in raw.items()}
    correction, problems = seekers.check_correction(
        name=raw["name"],
        kana=raw["kana"],
        birthdate=(raw["year"], raw["month"], raw["day"]),
        email=raw["email"],
        today=today,
    )
    for name, message in problems.items():
        form.add(name, message)
    check_reason(data, form)
    if correction is not None:
        form.values.update(name=correction.name, kana=correction.kana, email=correction.email)
    return form, (correction if form.valid else None)


def check_reason(data, form: Form, example: str = "窓口でメールアドレスを聞き誤ったため") -> str:
    """訂正の理由 (already read by Form.read as a multi-line field), required: the change
    history says why a registration changed. The reason, also put in form.values."""
    reason = str(data.get("reason", ""))[: REASON_MAX * 2].strip()
    form.values["reason"] = reason
    if not reason:
        form.add("reason", f"訂正の理由を入力してください（例: {example}）。")
    elif len(reason) > REASON_MAX:
        form.add("reason", f"訂正の理由は{REASON_MAX}文字以内で入力してください。")
    return reason


def correction_values(seeker) -> Form:
    """The registration as it stands, to be corrected."""
    birthdate = seeker["birthdate"]
    return Form(
        values={
            "name": seeker["name"],
            "kana": seeker["kana"],
            "year": str(birthdate.year),
            "month": str(birthdate.month),
            "day": str(birthdate.day),
            "email": seeker["email"],
            "reason": "",
        }
    )
