"""CSRF on every POST route, request limits, and the security headers."""

from __future__ import annotations

import re

import argon2
import pytest
from starlette.routing import Mount, Route

from tests.conftest import off_main_thread
from tests.helpers import csrf_token
from webapp import create_app
from webapp.config import Settings
from webapp.security import passwords


def post_routes() -> list[str]:
    """Every POST route of the app, read from its route table: a new one can't be forgotten."""
    app = create_app(Settings(database_url="sqlite:///:memory:", secret_key="x" * 40))
    paths = []
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()):
            paths.append(route.path.replace("{mail_id:id}", "1"))
        assert not isinstance(route, Mount) or route.path == "/static"
    return sorted(set(paths))


POST_ROUTES = post_routes()


def test_the_route_table_has_post_routes():
    assert "/register/email" in POST_ROUTES and "/login" in POST_ROUTES


@pytest.mark.parametrize("path", POST_ROUTES)
def test_post_without_csrf_token_is_refused(client, path):
    client.get("/")  # the browser has its CSRF cookie, but the form has no token
    response = client.post(path, data={"email": "taro@example.com"}, follow_redirects=False)
    assert response.status_code == 403
    assert "画面の有効期限が切れたか、正しくない操作です" in response.text


@pytest.mark.parametrize("path", POST_ROUTES)
def test_post_with_a_wrong_token_is_refused(client, path):
    client.get("/")
    response = client.post(path, data={"csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize("path", POST_ROUTES)
def test_cross_site_origin_is_refused_even_with_a_token(client, path):
    token = csrf_token(client, "/login")
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        response = client.post(
            path, data={"csrf_token": token}, headers=headers, follow_redirects=False
        )
        assert response.status_code == 403
        assert "他のサイトから送られた操作は受け付けられません。" in response.text


def test_token_in_the_htmx_header_is_accepted(client):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register", data={"agree": "yes"}, headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert response.status_code == 200 and "hx-location" in response.headers


def test_same_origin_post_is_accepted(client):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={"agree": "yes", "csrf_token": token},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_oversized_body_gets_413(client):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "email": "a" * 70_000})
    assert response.status_code == 413
    assert "送信された内容が大きすぎます。" in response.text


def test_thousands_of_fields_get_400(client):
    token = csrf_token(client, "/login")
    body = "&".join(f"f{i}=1" for i in range(3000)) + f"&csrf_token={token}"
    response = client.post(
        "/login", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/", "/register", "/login", "/offline", "/no-such-page"])
def test_security_headers_on_every_page(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' https://unpkg.com/htmx.org@2.0." in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # http here


def test_https_base_url_adds_hsts_and_host_prefixed_secure_cookies(database_url, clock):
    from starlette.testclient import TestClient

    settings = Settings(
        database_url=database_url,
        secret_key="x" * 40,
        base_url="https://mypage.example.jp",
        smtp_host="127.0.0.1",
    )
    with TestClient(create_app(settings, clock=clock), base_url="https://testserver") as client:
        response = client.get("/")
        assert "max-age=" in response.headers["strict-transport-security"]
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-csrf=") and "Secure" in cookie and "Path=/" in cookie


def test_not_found_is_a_japanese_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "お探しのページが見つかりません" in response.text


def test_htmx_is_loaded_with_sri_and_a_local_fallback(client):
    html = client.get("/").text
    assert 'integrity="sha384-' in html and 'crossorigin="anonymous"' in html
    fallback = re.search(
        r'src="(/static/js/htmx-fallback\.[0-9a-f]{10}\.js)" data-htmx="([^"]+)"', html
    )
    assert fallback, "no local fallback for htmx"
    assert client.get(fallback.group(1)).status_code == 200
    assert client.get(fallback.group(2)).text.startswith("var htmx=")
    assert "responseHandling" in html and '"historyCacheSize":0' in html


def test_production_hashes_are_argon2id_at_the_librarys_default_cost():
    """The tests hash cheaply (conftest.CHEAP_ARGON2); the settings' defaults must not."""
    defaults = Settings.from_env({"SECRET_KEY": "x" * 40})
    passwords.configure_from(defaults)
    try:
        stored = off_main_thread(passwords.hash_password, "Kh7#mqPw2x")
    finally:
        passwords.configure(time_cost=1, memory_cost=8, parallelism=1)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not argon2.PasswordHasher().check_needs_rehash(stored)  # the library's default


def test_argon2_cost_comes_from_the_environment():
    settings = Settings.from_env(
        {"SECRET_KEY": "x" * 40, "ARGON2_TIME_COST": "2", "ARGON2_MEMORY_COST": "19456"}
    )
    assert (settings.argon2_time_cost, settings.argon2_memory_cost) == (2, 19456)
    assert settings.argon2_parallelism == 4
