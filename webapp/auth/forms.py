"""Input of the password pages (パスワード登録's ステップ2 and 3, and パスワードの再設定):
normalized values and per-field Japanese errors."""

from __future__ import annotations

import datetime as dt

from webapp import validation
from webapp.forms import BIRTHDATE_BOXES, Form
from webapp.security.passwords import guessable_errors, rule_errors


def email_form(data, *, today: dt.date) -> Form:
    """ステップ2: ID（メールアドレス） and 生年月日 (年・月・日)."""
    form = Form()
    data = form.read(data, errors_at=BIRTHDATE_BOXES)
    raw_email = str(data.get("email", ""))[:1000]
    year, month, day = (
        validation.nfkc(str(data.get(k, ""))[:10]) for k in ("year", "month", "day")
    )
    # What the user typed comes back (converted to half-width) if anything is wrong.
    form.values = {"email": validation.nfkc(raw_email), "year": year, "month": month, "day": day}
    try:
        form.values["email"] = validation.email(raw_email)
    except validation.FieldError as error:
        form.add("email", str(error))
    try:
        form.values["birthdate"] = validation.birthdate(year, month, day, today=today)
    except validation.FieldError as error:
        form.add("birthdate", str(error))
    return form


def password_form(data, *, email: str = "", birthdate: dt.date | None = None) -> Form:
    """ステップ3: 登録するパスワード, its confirmation, and the 認証キー. `email` and
    `birthdate` are what the user typed at ステップ2: guessable passwords are refused."""
    form = Form()
    data = form.read(data)
    password = str(data.get("password", ""))
    confirm = str(data.get("password_confirm", ""))
    key = str(data.get("auth_key", ""))[:100]
    form.values = {"auth_key": validation.nfkc(key)}  # passwords are never sent back
    for message in rule_errors(password) or guessable_errors(
        password, email=email, birthdate=birthdate
    ):
        form.add("password", message)
    if not confirm:
        form.add("password_confirm", "登録するパスワード（確認用）を入力してください。")
    elif confirm != password:
        form.add(
            "password_confirm",
            "登録するパスワードと登録するパスワード（確認用）が一致しません。",
        )
    if not validation.nfkc(key):
        form.add("auth_key", "メールに記載された認証キーを入力してください。")
    form.values["password"] = password
    return form
