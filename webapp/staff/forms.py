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
