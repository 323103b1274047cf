"""パスワードを忘れた方: key mail, new password, every other session ended."""

from __future__ import annotations

import re

import pytest

from tests import factories, helpers
from tests.helpers import KEY_IN_MAIL, another_browser, auth_key, csrf_token, submit

EMAIL = "taro@example.com"
OLD = "Kasumi#2719"
NEW = "Tsubame$4821"
BIRTH = {"year": "1990", "month": "4", "day": "1"}


def ask(client, email=EMAIL, **birth):
    return submit(client, "/password/forgot", {"email": email, **BIRTH, **birth})


def reset(client, key, password=NEW):
    return submit(
        client,
        "/password/reset",
        {"password": password, "password_confirm": password, "auth_key": key},
    )


def login(client, password):
    return helpers.login(client, EMAIL, password)


def body_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_login_page_links_to_the_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").text
    assert "パスワードを忘れた方" in client.get("/password/forgot").text


def test_reset_sets_a_new_password_and_ends_other_sessions(client, smtp):
    factories.seeker(client, password=OLD)
    phone = another_browser(client)
    assert login(phone, OLD).url.path == "/mypage"

    response = ask(client)
    assert response.url.path == "/password/reset"
    assert "パスワードの再設定" in response.text and EMAIL in response.text
    mail = smtp.wait_for(EMAIL, 2)[-1]  # the first was the phone's login code
    assert mail["Subject"] == "【ハローワーク】パスワード再設定申込受付通知"
    response = reset(client, auth_key(mail))
    assert response.url.path == "/password/reset/done"
    assert "ほかの端末のログインはすべて終了しました" in response.text

    assert phone.get("/mypage").url.path == "/login"  # the other session is gone
    assert login(client, OLD).status_code == 422
    assert login(client, NEW).url.path == "/mypage"
    assert smtp.wait_for(EMAIL, 3)[2]["Subject"] == "【ハローワーク】パスワード変更のお知らせ"


def test_unknown_address_gets_the_same_page_and_no_mail(client, smtp):
    factories.seeker(client, password=OLD)
    known = ask(client)
    other = another_browser(client)
    unknown = ask(other, email="nobody@example.com")
    assert known.url.path == unknown.url.path == "/password/reset"
    assert known.status_code == unknown.status_code == 200
    smtp.wait_for(EMAIL)
    assert smtp.to("nobody@example.com") == []


def test_a_counter_registration_without_password_cannot_reset(client, smtp):
    factories.seeker(client)  # no password yet: the wizard is the way in
    ask(client)
    response = reset(client, "ABCDEFGHJK")
    assert "認証キーが正しくありません" in response.text
    # No key: the owner is told the way in instead.
    (mail,) = smtp.wait_for(EMAIL)
    assert mail["Subject"] == "【ハローワーク】求職者マイページはまだ開設されていません"
    body = body_of(mail)
    assert not KEY_IN_MAIL.search(body) and "認証キーはお送りしていません" in body
    assert "http://testserver/register\n" in body
    assert "ハローワーク砺波　TEL 0763-32-2914" in body


def test_a_wrong_birthdate_is_told_by_mail(client, smtp):
    factories.seeker(client, password=OLD)
    ask(client, year="1991")
    (mail,) = smtp.wait_for(EMAIL)
    assert mail["Subject"] == "【ハローワーク】パスワードの再設定の申込を受け付けられませんでした"
    body = body_of(mail)
    assert "生年月日が窓口で登録された内容と一致しませんでした" in body
    assert "入力された生年月日: 1991年4月1日" in body and not KEY_IN_MAIL.search(body)
    assert "http://testserver/password/forgot\n" in body
    assert "パスワードは変更されません。" in body


def test_the_reset_page_lists_why_a_mail_may_not_come(client):
    howto = ask(client).text.split("メールが届かない場合", 1)[1].split("</details>", 1)[0]
    assert "まだマイページを開設していない場合" in howto and 'href="/register"' in howto
    assert "生年月日が窓口で登録された内容と一致しなかった場合" in howto
    assert "窓口で登録したものと違うメールアドレスを入力した場合" in howto


def test_the_mail_link_continues_the_reset_in_another_browser(client, smtp):
    factories.seeker(client, password=OLD)
    ask(client)
    mail = smtp.wait_for(EMAIL)[0]
    link = re.search(r"^(http://testserver/password/reset\?resume=\S+)$", body_of(mail), re.M)
    mail_app = another_browser(client)
    page = mail_app.get(link.group(1))
    assert page.url.path == "/password/reset" and "resume" not in str(page.url)
    assert "パスワードの再設定" in page.text and EMAIL in page.text
    assert reset(mail_app, auth_key(mail)).url.path == "/password/reset/done"
    assert login(mail_app, NEW).url.path == "/mypage"
    # A registration's wizard is not opened by it.
    assert mail_app.get("/register/password", follow_redirects=False).status_code == 303


def test_reset_key_rules_match_the_wizard(client, smtp, clock):
    factories.seeker(client, password=OLD)
    ask(client)
    key = auth_key(smtp.wait_for(EMAIL)[-1])
    assert "あと4回間違えると" in reset(client, "WRONGKEY22").text
    clock.advance(minutes=51)
    assert "有効期限（メール配信から50分）が過ぎました" in reset(client, key).text


def test_a_registration_key_does_not_reset_and_vice_versa(client, smtp):
    factories.seeker(client, password=OLD)
    ask(client)
    key = auth_key(smtp.wait_for(EMAIL)[-1])
    # The reset cookie does not open the registration wizard.
    assert client.get("/register/password", follow_redirects=False).status_code == 303
    token = csrf_token(client, "/password/reset")
    data = {"csrf_token": token, "password": NEW, "password_confirm": NEW, "auth_key": key}
    assert client.post("/password/reset", data=data).url.path == "/password/reset/done"
    # A second tap on the same form is harmless.
    assert client.post("/password/reset", data=data).url.path == "/password/reset/done"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "8文字以上"),
        ("P@ssw0rd1", "よく使われているパスワード"),
        ("Taro#2024x", "あなたに関係する推測されやすい語句"),
    ],
)
def test_new_password_follows_the_same_rules(client, smtp, password, message):
    factories.seeker(client, password=OLD)
    ask(client)
    response = reset(client, auth_key(smtp.wait_for(EMAIL)[-1]), password=password)
    assert response.status_code == 422 and message in response.text


def test_a_reset_forgets_every_remembered_browser(client, smtp):
    factories.seeker(client, password=OLD)
    phone = another_browser(client)
    assert helpers.login(phone, EMAIL, OLD, remember=True).url.path == "/mypage"
    submit(phone, "/logout", page="/mypage")
    assert submit(phone, "/login", {"email": EMAIL, "password": OLD}).url.path == "/mypage"
    ask(client)
    assert reset(client, auth_key(smtp.wait_for(EMAIL, 2)[-1])).url.path == "/password/reset/done"
    asked = submit(phone, "/login", {"email": EMAIL, "password": NEW})
    assert asked.url.path == "/login/code"
