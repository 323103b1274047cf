"""ログイン, ログアウト and the My Page home."""

from __future__ import annotations

from tests import factories
from tests.helpers import submit

EMAIL = "taro@example.com"
PASSWORD = "Kasumi#2719"


def login(client, email=EMAIL, password=PASSWORD, **kwargs):
    return submit(client, "/login", {"email": email, "password": password}, **kwargs)


def test_my_page_needs_a_login_and_comes_back_after_it(client):
    number = factories.seeker(client, password=PASSWORD)
    response = client.get("/mypage", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmypage"
    response = submit(
        client,
        "/login",
        {"email": EMAIL, "password": PASSWORD, "next": "/mypage"},
        page="/login?next=%2Fmypage",
    )
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
    stale = factories.another_session(client, first)
    assert stale.get("/mypage", follow_redirects=False).status_code == 303

    response = submit(client, "/logout", page="/mypage")
    assert response.url.path == "/login"
    assert "ログアウトしました。" in response.text
    assert client.get("/mypage", follow_redirects=False).status_code == 303


def test_session_cookie_flags(client):
    factories.seeker(client, password=PASSWORD)
    response = login(client, follow_redirects=False)
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
        response = submit(
            client,
            "/login",
            {"email": EMAIL, "password": PASSWORD, "next": target},
            page="/login",
            follow_redirects=False,
        )
        assert response.headers["location"] == "/mypage"


def test_htmx_login_redirects_with_hx_redirect(client):
    factories.seeker(client, password=PASSWORD)
    response = login(client, htmx=True)
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/mypage"


def test_empty_login_form_says_what_is_missing(client):
    response = login(client, email="", password="")
    assert response.status_code == 422
    assert "ID（メールアドレス）を入力してください。" in response.text
    assert "パスワードを入力してください。" in response.text
