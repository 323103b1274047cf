"""My Page アカウント設定: password and address changes, devices, sign-in history."""

from __future__ import annotations

import re

from tests import factories, helpers
from tests.helpers import another_browser, auth_key, submit

EMAIL = "taro@example.com"
PASSWORD = "Kasumi#2719"
NEW = "Tsubame$4821"
UA_PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def login(client, email=EMAIL, password=PASSWORD, **kwargs):
    return helpers.login(client, email, password, **kwargs)


def signed_in(client):
    factories.seeker(client, password=PASSWORD)
    assert login(client).url.path == "/mypage"


def test_account_pages_need_a_login(client):
    for path in ("/mypage/account", "/mypage/account/password", "/mypage/account/email"):
        assert client.get(path, follow_redirects=False).status_code == 303


def test_change_password_asks_the_current_one_and_ends_other_sessions(client, smtp):
    signed_in(client)
    phone = another_browser(client)
    login(phone)
    wrong = submit(
        client,
        "/mypage/account/password",
        {"current_password": "Nope#1234x", "password": NEW, "password_confirm": NEW},
    )
    assert wrong.status_code == 422 and "現在のパスワードが正しくありません。" in wrong.text
    response = submit(
        client,
        "/mypage/account/password",
        {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW},
    )
    assert response.url.path == "/mypage/account"
    assert "パスワードを変更しました" in response.text
    assert phone.get("/mypage").url.path == "/login"  # the other device is out
    assert client.get("/mypage").url.path == "/mypage"  # this one stays in
    # Mails to this address: two login codes (this browser, the phone), then the notice.
    assert smtp.wait_for(EMAIL, 3)[2]["Subject"] == "【ハローワーク】パスワード変更のお知らせ"
    submit(client, "/logout", page="/mypage")
    assert login(client, password=NEW).url.path == "/mypage"


def test_new_password_follows_every_rule(client, smtp):
    signed_in(client)
    for password, message in (
        ("abc", "8文字以上"),
        ("P@ssw0rd1", "よく使われている"),
        (PASSWORD, "現在のパスワードとは違う"),
    ):
        response = submit(
            client,
            "/mypage/account/password",
            {"current_password": PASSWORD, "password": password, "password_confirm": password},
        )
        assert response.status_code == 422 and message in response.text


def test_change_address_with_a_key_sent_to_the_new_one(client, smtp):
    signed_in(client)
    phone = another_browser(client)
    login(phone)
    response = submit(
        client,
        "/mypage/account/email",
        {"email": "taro.new@example.com", "current_password": PASSWORD},
    )
    assert "taro.new@example.com" in response.text and "認証キー" in response.text
    key = auth_key(smtp.wait_for("taro.new@example.com")[-1])
    wrong = submit(
        client,
        "/mypage/account/email/confirm",
        {"auth_key": "WRONGKEY22"},
        page="/mypage/account/email",
    )
    assert wrong.status_code == 422 and "あと4回間違えると" in wrong.text
    response = submit(
        client, "/mypage/account/email/confirm", {"auth_key": key}, page="/mypage/account/email"
    )
    assert "メールアドレスを変更しました" in response.text
    assert "taro.new@example.com" in response.text
    notice = smtp.wait_for(EMAIL, 3)[2]  # after the two login codes
    assert notice["Subject"] == "【ハローワーク】メールアドレス変更のお知らせ"
    assert phone.get("/mypage").url.path == "/login"
    submit(client, "/logout", page="/mypage")
    assert login(client, email="taro.new@example.com").url.path == "/mypage"


def test_address_change_refuses_a_taken_address_and_a_wrong_password(client, smtp):
    factories.seeker(client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ")
    signed_in(client)
    taken = submit(
        client,
        "/mypage/account/email",
        {"email": "hanako@example.com", "current_password": PASSWORD},
    )
    assert taken.status_code == 422 and "このメールアドレスは使えません" in taken.text
    wrong = submit(
        client,
        "/mypage/account/email",
        {"email": "x@example.com", "current_password": "Nope#1234x"},
    )
    assert wrong.status_code == 422 and "現在のパスワードが正しくありません。" in wrong.text
    assert smtp.to("x@example.com") == [] and smtp.to("hanako@example.com") == []


def test_address_change_keys_are_limited_per_address_typed(client, smtp):
    """A key mail goes to an address the user typed: the same limits as every key mail."""
    signed_in(client)
    change = {"email": "taro.new@example.com", "current_password": PASSWORD}
    for count in range(1, 4):
        assert submit(client, "/mypage/account/email", change).status_code == 200
        smtp.wait_for("taro.new@example.com", count)
    refused = submit(client, "/mypage/account/email", change, htmx=True)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.text.lstrip().startswith('<div id="account-form"')
    assert "受付を一時的に止めています" in refused.text and "以降に、もう一度" in refused.text
    assert len(smtp.to("taro.new@example.com")) == 3
    other = {"email": "taro.other@example.com", "current_password": PASSWORD}
    assert submit(client, "/mypage/account/email", other).status_code == 200


def test_devices_are_listed_and_can_be_logged_out(client):
    signed_in(client)
    phone = another_browser(client)
    phone.headers["User-Agent"] = UA_PHONE
    login(phone)
    page = client.get("/mypage/account")
    assert "iPhone の Safari" in page.text and "この端末" in page.text
    ids = re.findall(r"/mypage/account/sessions/(\d+)/logout", page.text)
    assert len(ids) == 2
    phone_ids = re.findall(
        r"/mypage/account/sessions/(\d+)/logout", phone.get("/mypage/account").text
    )
    assert sorted(phone_ids) == sorted(ids)  # the same two sessions, seen from both devices
    response = submit(client, "/mypage/account/sessions/logout-others", page="/mypage/account")
    assert "この端末以外のログインをすべて終了しました" in response.text
    assert phone.get("/mypage").url.path == "/login"
    assert client.get("/mypage").url.path == "/mypage"


def test_the_device_list_shows_each_address_and_marks_this_device_apart(client):
    factories.seeker(client, password=PASSWORD)
    # Two browsers on one computer (loopback), a phone on a carrier's network, IPv6 at home.
    laptop = another_browser(client, address="127.0.0.1")
    other_browser = another_browser(client, address="127.0.0.1")
    phone = another_browser(client, address="203.0.113.45")
    home = another_browser(client, address="2001:db8:12:34:5:6:7:8")
    for browser in (other_browser, phone, home, laptop):
        assert login(browser).url.path == "/mypage"
    page = laptop.get("/mypage/account").text
    items = re.findall(r'<li class="device-list__item[^"]*">(.*?)</li>', page, re.S)
    assert len(items) == 4
    # This device first, marked once, apart from its address.
    assert "device-list__item--current" in page.split(items[0])[0][-80:]
    assert [("この端末（いま使っている端末）" in re.sub("<[^>]+>", "", i)) for i in items] == [
        True, False, False, False,
    ]  # fmt: skip
    places = [re.search(r"場所（IPアドレス）: ([^<]+)<br>", i).group(1) for i in items]
    assert places[0] == "127.0.0.1"
    assert sorted(places[1:]) == ["127.0.0.1", "2001:db8:12:34:…", "203.0.113.*"]
    assert "場所（IPアドレス）: この端末" not in page


def test_a_session_of_another_job_seeker_cannot_be_ended(client):
    factories.seeker(
        client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ", password=PASSWORD
    )
    hanako = another_browser(client)
    login(hanako, email="hanako@example.com")
    hanako_ids = re.findall(r"/sessions/(\d+)/logout", hanako.get("/mypage/account").text)
    signed_in(client)
    response = submit(
        client, f"/mypage/account/sessions/{hanako_ids[0]}/logout", page="/mypage/account"
    )
    assert response.status_code == 404
    assert hanako.get("/mypage").url.path == "/mypage"


def test_sign_in_history_shows_failures(client):
    factories.seeker(client, password=PASSWORD)
    login(client, password="Wrong#pass1")
    login(client)
    page = client.get("/mypage/account")
    history = page.text.split("ログイン履歴")[1]
    assert history.count("成功") == 1 and history.count("失敗") == 1


def _remembered(client, email=EMAIL, password=PASSWORD):
    """Sign in ticking 「この端末を記憶する」, sign out, and check the next sign-in skips
    the code (the browser is remembered)."""
    assert login(client, email=email, password=password, remember=True).url.path == "/mypage"
    submit(client, "/logout", page="/mypage")
    again = submit(client, "/login", {"email": email, "password": password})
    assert again.url.path == "/mypage", "the browser should skip the code"


def test_a_password_change_forgets_every_remembered_browser(client, smtp):
    factories.seeker(client, password=PASSWORD)
    phone = another_browser(client)
    _remembered(phone)
    _remembered(client)
    response = submit(
        client,
        "/mypage/account/password",
        {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW},
    )
    assert "パスワードを変更しました" in response.text
    submit(client, "/logout", page="/mypage")
    for browser in (client, phone):  # the one that changed it too
        asked = submit(browser, "/login", {"email": EMAIL, "password": NEW})
        assert asked.url.path == "/login/code"


def test_an_address_change_forgets_every_remembered_browser(client, smtp):
    factories.seeker(client, password=PASSWORD)
    phone = another_browser(client)
    _remembered(phone)
    _remembered(client)
    submit(
        client,
        "/mypage/account/email",
        {"email": "taro.new@example.com", "current_password": PASSWORD},
    )
    key = auth_key(smtp.wait_for("taro.new@example.com")[-1])
    response = submit(
        client, "/mypage/account/email/confirm", {"auth_key": key}, page="/mypage/account/email"
    )
    assert "メールアドレスを変更しました" in response.text
    submit(client, "/logout", page="/mypage")
    for browser in (client, phone):
        asked = submit(browser, "/login", {"email": "taro.new@example.com", "password": PASSWORD})
        assert asked.url.path == "/login/code"


def test_a_wrong_key_for_the_new_address_forgets_no_browser(client, smtp):
    factories.seeker(client, password=PASSWORD)
    phone = another_browser(client)
    _remembered(phone)
    _remembered(client)
    submit(
        client,
        "/mypage/account/email",
        {"email": "taro.new@example.com", "current_password": PASSWORD},
    )
    wrong = submit(
        client,
        "/mypage/account/email/confirm",
        {"auth_key": "WRONGKEY22"},
        page="/mypage/account/email",
    )
    assert wrong.status_code == 422
    submit(phone, "/logout", page="/mypage")
    assert submit(phone, "/login", {"email": EMAIL, "password": PASSWORD}).url.path == "/mypage"
