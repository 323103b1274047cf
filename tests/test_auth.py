"""ログイン, ログアウト and the My Page home."""

from __future__ import annotations

from tests import factories, helpers
from tests.helpers import another_session, submit

EMAIL = "taro@example.com"
PASSWORD = "Kasumi#2719"


def login(client, email=EMAIL, password=PASSWORD, **kwargs):
    return helpers.login(client, email, password, **kwargs)


def test_my_page_needs_a_login_and_comes_back_after_it(client):
    number = factories.seeker(client, password=PASSWORD)
    response = client.get("/mypage", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmypage"
    response = login(client, next="/mypage")
    assert response.url.path == "/mypage"
    assert "山田太郎 さん" in response.text and number in response.text
    assert response.headers["cache-control"] == "no-store"


def test_wrong_password_and_unknown_address_get_the_same_answer(client):
    factories.seeker(client, password=PASSWORD)
    wrong = login(client, password="Wrong-pass1")
    unknown = login(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 422
    message = "ID（メールアドレス）またはパスワードが正しくありません。"
    assert message in wrong.text and message in unknown.text
    assert 'value="taro@example.com"' in wrong.text  # the address typed is kept


def test_a_job_seeker_without_a_password_cannot_log_in(client):
    factories.seeker(client)
    assert login(client).status_code == 422


def test_login_rotates_the_session_and_logout_ends_it(client, app):
    factories.seeker(client, password=PASSWORD)
    login(client)
    first = client.cookies.get("session")
    login(client)
    second = client.cookies.get("session")
    assert first and second and first != second
    stale = another_session(client, first)
    assert stale.get("/mypage", follow_redirects=False).status_code == 303

    response = submit(client, "/logout", page="/mypage")
    assert response.url.path == "/login"
    assert "ログアウトしました。" in response.text
    assert client.get("/mypage", follow_redirects=False).status_code == 303


def test_session_cookie_flags(client):
    factories.seeker(client, password=PASSWORD)
    submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    code = helpers.login_code(client, EMAIL, 1)
    response = submit(
        client,
        "/login/code",
        {"code": code, "next": "/mypage"},
        page="/login/code",
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_session_ends_after_30_idle_minutes(client, clock):
    factories.seeker(client, password=PASSWORD)
    login(client)
    clock.advance(minutes=29)
    assert client.get("/mypage").url.path == "/mypage"
    clock.advance(minutes=29)  # active 29 minutes ago: still in
    assert client.get("/mypage").url.path == "/mypage"
    clock.advance(minutes=31)
    assert client.get("/mypage").url.path == "/login"


def test_session_ends_after_12_hours_however_active(client, clock):
    factories.seeker(client, password=PASSWORD)
    login(client)
    for _ in range(25):
        clock.advance(minutes=29)
        client.get("/mypage")
    assert client.get("/mypage").url.path == "/login"


def test_htmx_request_on_an_expired_session_gets_401_and_hx_redirect(client):
    response = client.get("/mypage", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fmypage"


def test_next_never_leaves_the_site(client):
    factories.seeker(client, password=PASSWORD)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = login(client, next=target)
        assert response.url.path == "/mypage"
        submit(client, "/logout", page="/mypage")


def test_htmx_login_goes_to_the_code_step_with_hx_redirect(client):
    factories.seeker(client, password=PASSWORD)
    response = submit(client, "/login", {"email": EMAIL, "password": PASSWORD}, htmx=True)
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/login/code?next=%2Fmypage"


def test_the_right_password_asks_for_a_code_sent_by_mail(client, smtp):
    factories.seeker(client, password=PASSWORD)
    response = submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    assert response.url.path == "/login/code"
    assert "t***@example.com" in response.text and "この端末を記憶する" in response.text
    assert client.get("/mypage").url.path == "/login"  # not signed in yet
    mail = smtp.wait_for(EMAIL)[-1]
    assert mail["Subject"] == "【ハローワーク】ログイン確認コード"
    assert "10分" in mail.get_body(preferencelist=("plain",)).get_content()


def test_a_wrong_code_counts_down_and_an_old_code_expires(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)
    submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    code = helpers.login_code(client, EMAIL, 1)
    wrong = "000000" if code != "000000" else "111111"
    response = submit(client, "/login/code", {"code": wrong}, page="/login/code")
    assert response.status_code == 422 and "あと4回間違えると" in response.text
    clock.advance(minutes=10, seconds=1)
    response = submit(client, "/login/code", {"code": code}, page="/login/code")
    assert "確認コードの有効期限（10分）が過ぎました" in response.text
    assert client.get("/mypage").url.path == "/login"


def test_five_wrong_codes_void_the_code(client, smtp):
    factories.seeker(client, password=PASSWORD)
    submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    code = helpers.login_code(client, EMAIL, 1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = submit(client, "/login/code", {"code": wrong}, page="/login/code")
    assert "5回間違えたため" in response.text
    response = submit(client, "/login/code", {"code": code}, page="/login/code")
    assert "無効" in response.text and client.get("/mypage").url.path == "/login"


def test_resend_makes_the_older_code_invalid(client, smtp):
    factories.seeker(client, password=PASSWORD)
    submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    first = helpers.login_code(client, EMAIL, 1)
    response = submit(client, "/login/code/resend", page="/login/code")
    assert "新しい確認コードを送りました" in response.text
    second = helpers.login_code(client, EMAIL, 2)
    if first != second:
        assert "無効" in submit(client, "/login/code", {"code": first}, page="/login/code").text
    assert submit(client, "/login/code", {"code": second}, page="/login/code").url.path == "/mypage"


def test_a_remembered_browser_skips_the_code_for_30_days(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)
    assert login(client, remember=True).url.path == "/mypage"
    submit(client, "/logout", page="/mypage")
    response = submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    assert response.url.path == "/mypage"  # no code this time
    assert len(smtp.to(EMAIL)) == 1
    submit(client, "/logout", page="/mypage")
    clock.advance(days=30, seconds=1)
    response = submit(client, "/login", {"email": EMAIL, "password": PASSWORD})
    assert response.url.path == "/login/code"


def test_another_browser_is_not_remembered(client, smtp):
    factories.seeker(client, password=PASSWORD)
    login(client, remember=True)
    other = helpers.another_browser(client)
    response = submit(other, "/login", {"email": EMAIL, "password": PASSWORD})
    assert response.url.path == "/login/code"


def test_code_page_without_a_password_first_goes_to_login(client):
    assert client.get("/login/code").url.path == "/login"


def test_empty_login_form_says_what_is_missing(client):
    response = login(client, email="", password="")
    assert response.status_code == 422
    assert "ID（メールアドレス）を入力してください。" in response.text
    assert "パスワードを入力してください。" in response.text
