"""Hostile and odd input on every public form: a clear Japanese error, a 4xx, never a 500,
and nothing written. The refusals share one app and database (nothing they send may
change it: factories.unchanged checks at the end); the tests that write have their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import factories, helpers
from tests.helpers import another_browser, submit
from webapp.schema import auth_keys, job_seekers, outbox, security_events

BAD_ADDRESSES = [
    ("", "ID（メールアドレス）を入力してください。"),
    ("a" * 89 + "@example.com", "100文字以内"),  # 101 characters
    ("x" * 5000, "100文字以内"),
    ("taro\x00@example.com", "改行や制御文字は使えません。"),
    ("taro\x07\x1b@example.com", "改行や制御文字は使えません。"),
    ("taro@example.com\r\nBcc: evil@example.net", "改行や制御文字は使えません。"),
    ("<script>alert(1)</script>@example.com", "形式が正しくありません"),
    ("' OR '1'='1@example.com", "形式が正しくありません"),
    ("taro@example.com'; DROP TABLE job_seekers;--", "形式が正しくありません"),
    ("たろう@example.com", "形式が正しくありません"),
    ("taro@ｅｘａｍｐｌｅ", "形式が正しくありません"),
]
BAD_BIRTHDATES = [
    ({"year": "2990", "month": "1", "day": "1"}, "未来の日付"),
    ({"year": "1990", "month": "2", "day": "31"}, "存在しない日付"),
    ({"year": "1990", "month": "13", "day": "1"}, "存在しない日付"),
    ({"year": "19\x0090", "month": "1", "day": "1"}, "改行や制御文字は使えません。"),
    ({"year": "1990", "month": "-1", "day": "1"}, "半角数字"),
    ({"year": "<b>", "month": "1", "day": "1"}, "西暦4桁の半角数字"),
    ({"year": "9" * 5000, "month": "1", "day": "1"}, "西暦4桁の半角数字"),
    ({"year": "", "month": "", "day": ""}, "すべて入力してください"),
]


def counts(client) -> dict:
    async def work(conn):
        return {
            t.name: await conn.fetch_val(sa.select(sa.func.count()).select_from(t))
            for t in (job_seekers, auth_keys, outbox)
        }

    return factories.run(client, work)


def on_step2(client):
    submit(client, "/register", {"agree": "yes"})


@pytest.fixture(scope="module")
def at_step2(module_client):
    """A browser at ステップ2 of パスワード登録 on the module's app, whose database the
    refusals below share: a counter-registered Taro, and nothing else."""
    factories.seeker(module_client)
    browser = another_browser(module_client)
    on_step2(browser)
    with factories.unchanged(module_client):
        yield browser


@pytest.mark.parametrize(("email", "message"), BAD_ADDRESSES)
@pytest.mark.parametrize("url", ["/register/email", "/password/forgot"])
def test_key_request_forms_refuse_bad_addresses(at_step2, url, email, message):
    before = counts(at_step2)
    response = submit(at_step2, url, {"email": email, "year": "1990", "month": "4", "day": "1"})
    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert" not in response.text  # escaped when shown back
    assert counts(at_step2) == before


@pytest.mark.parametrize(("birth", "message"), BAD_BIRTHDATES)
@pytest.mark.parametrize("url", ["/register/email", "/password/forgot"])
def test_key_request_forms_refuse_bad_birthdates(at_step2, url, birth, message):
    before = counts(at_step2)
    response = submit(at_step2, url, {"email": "taro@example.com", **birth})
    assert response.status_code == 422
    assert message in response.text
    assert counts(at_step2) == before


@pytest.mark.parametrize(("email", "message"), BAD_ADDRESSES[1:])
def test_login_refuses_bad_addresses_without_counting(shared_client, at_step2, email, message):
    response = submit(shared_client, "/login", {"email": email, "password": "x\x00y"})
    assert response.status_code == 422 and message in response.text
    assert factories.rows(shared_client, security_events) == []


@pytest.mark.parametrize(
    "password",
    ["\x00" * 20, "a" * 10_000, "' OR 1=1 --", "<img src=x onerror=alert(1)>", "パスワード"],
)
def test_login_with_odd_passwords_is_a_plain_refusal(client, password):
    factories.seeker(client, password="Kasumi#2719")
    response = submit(client, "/login", {"email": "taro@example.com", "password": password})
    assert response.status_code == 422
    assert "ID（メールアドレス）またはパスワードが正しくありません。" in response.text


@pytest.mark.parametrize(
    "password",
    ["Abc#1234\x00", "Abc#1234\n", "Ａｂｃ＃１２３４５", "Abc#1234" + "x" * 5000, "<script>alert"],
)
def test_odd_new_passwords_get_a_message_and_no_key_is_spent(client, smtp, password):
    factories.seeker(client)
    on_step2(client)
    submit(
        client,
        "/register/email",
        {"email": "taro@example.com", "year": "1990", "month": "4", "day": "1"},
    )
    response = submit(
        client,
        "/register/password",
        {"password": password, "password_confirm": password, "auth_key": "X"},
    )
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    rows = factories.run(client, lambda conn: conn.fetch_all(sa.select(auth_keys)))
    assert rows[0]["failed_attempts"] == 0 and rows[0]["used_at"] is None


def test_a_spoofed_host_never_reaches_a_mail_link(client, smtp):
    factories.seeker(client)
    on_step2(client)
    token = helpers.csrf_token(client, "/register/email")
    client.post(
        "/register/email",
        headers={"Host": "evil.example"},
        data={
            "csrf_token": token,
            "email": "taro@example.com",
            "year": "1990",
            "month": "4",
            "day": "1",
        },
    )
    body = smtp.wait_for("taro@example.com")[-1].get_body(("plain",)).get_content()
    assert "evil.example" not in body
    assert "http://testserver/register/password" in body  # BASE_URL, always


def test_extra_fields_are_ignored(client, smtp):
    factories.seeker(client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ")
    factories.seeker(client, password="Kasumi#2719")
    helpers.login(client, "taro@example.com", "Kasumi#2719")
    submit(
        client,
        "/mypage/account/email",
        {
            "email": "taro.new@example.com",
            "current_password": "Kasumi#2719",
            "seeker_id": "1",
            "id": "1",
            "role": "staff",
            "is_admin": "1",
        },
    )
    keys = factories.run(client, lambda conn: conn.fetch_all(sa.select(auth_keys)))
    (key,) = [k for k in keys if k["purpose"] == "email_change"]
    hanako = factories.run(
        client,
        lambda conn: conn.fetch_one(
            sa.select(job_seekers).where(job_seekers.c.email == "hanako@example.com")
        ),
    )
    assert key["seeker_id"] != hanako["id"]


@pytest.mark.parametrize("path", ["/register", "/register/email", "/login", "/password/forgot"])
def test_query_string_garbage_is_harmless(shared_client, at_step2, path):
    response = shared_client.get(path + "?next=%00%ff&to=<script>&" + "a=1&" * 500)
    assert response.status_code < 500
