"""The 求職申込書 online, as tests fill it: the person (砺波 花子), each step's data, opening
an account (terms, address, key, password) and sending every step."""

from __future__ import annotations

from tests.helpers import auth_key, errors_of, submit

EMAIL = "hanako@example.com"
BIRTH = {"year": "1995", "month": "6", "day": "15"}
PASSWORD = "Kasumi#2719"
BASIC = {
    "name": "砺波 花子",
    "kana": "となみ はなこ",
    **BIRTH,
    "gender": "female",
    "postcode": "939-1363",
    "address": "富山県砺波市太郎丸1-2-3",
    "phone": "090-1234-5678",
}
WISH = {
    "desired_occupation": "C",
    "desired_employment_type": "regular",
    "desired_prefecture": "16",
    "desired_municipality": "砺波市",
    "desired_wage_type": "monthly",
    "desired_wage_min": "200000",
    "desired_hours": "9時〜17時",
    "desired_holidays": "土日祝",
}
HISTORY = {
    "education": "2014年3月 砺波高等学校 卒業",
    "company_0": "株式会社となみ",
    "job_0": "一般事務",
    "started_0": "2014-04",
    "ended_0": "2020-03",
}


def open_account(client, smtp, email=EMAIL):
    """Terms, address, key and password: the person is signed in on the 申込書."""
    assert submit(client, "/apply", {"agree": "yes"}, follow_redirects=False).status_code == 303
    response = submit(client, "/apply/email", {"email": email, **BIRTH}, follow_redirects=False)
    assert response.headers["location"] == "/apply/password"
    key = auth_key(smtp.wait_for(email)[-1])
    return submit(
        client,
        "/apply/password",
        {"password": PASSWORD, "password_confirm": PASSWORD, "auth_key": key},
        follow_redirects=False,
    )


def fill(client, step, data):
    return submit(client, f"/apply/form/{step}", data, follow_redirects=False)


def fill_all(client):
    for step, data in (
        ("basic", BASIC),
        ("wish", WISH),
        ("history", HISTORY),
        ("licenses", {"licenses": "普通自動車第一種運転免許"}),
        ("disability", {"disability": "no"}),
    ):
        response = fill(client, step, data)
        assert response.status_code == 303, (step, errors_of(response))
    return submit(client, "/apply/form/confirm", {}, follow_redirects=False)
