"""The page cache: signed-out search pages come from memory for 30 seconds; nothing a
visitor owns (a session, a cookie, a CSRF token) is ever stored or served to another."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests import factories
from tests.helpers import SEEKER, another_browser, another_session, signed_in
from webapp.clock import FrozenClock
from webapp.page_cache import PageCacheMiddleware, mark_public

PASSWORD = factories.SEEKER_PASSWORD
SEARCH = "/jobs/search?q=経理"


def cached(response) -> bool:
    return "age" in response.headers  # only the cache says how old a response is


def test_signed_out_search_comes_from_the_cache_until_30_seconds_pass(client, clock):
    factories.posting(client, job_title="経理事務（本社）")
    first = client.get(SEARCH)
    assert "事務（本社）" in first.text and not cached(first)
    factories.posting(client, job_title="経理スタッフ（支店）")

    again = client.get(SEARCH)
    assert cached(again) and again.text == first.text
    assert "スタッフ（支店）" not in again.text
    assert again.headers["cache-control"] == "private, max-age=30"
    assert "content-security-policy" in again.headers  # added on hits too

    clock.advance(seconds=31)
    fresh = client.get(SEARCH)
    assert not cached(fresh) and "スタッフ（支店）" in fresh.text


def test_a_public_page_carries_nothing_of_the_visitor(client):
    factories.posting(client, job_title="経理事務")
    page = client.get(SEARCH)
    assert 'name="csrf_token"' not in page.text
    assert '"X-CSRF-Token": ""' in page.text
    assert "ログインしてお気に入りに追加" in page.text and '<form method="post"' not in page.text
    # A first visit still gets its CSRF cookie, its own, not the one of whoever filled the cache.
    assert "csrf=" in page.headers["set-cookie"]
    other = another_browser(client).get(SEARCH)
    assert cached(other) and "csrf=" in other.headers["set-cookie"]
    assert other.headers["set-cookie"] != page.headers["set-cookie"]


def test_a_signed_in_visitor_neither_reads_nor_fills_the_cache(client, app):
    factories.seeker(client, password=PASSWORD)
    factories.posting(client, job_title="経理事務（本社）")
    visitor = another_browser(client)
    signed_out = visitor.get(SEARCH)  # now stored
    assert len(app.state.page_cache) == 1

    signed_in(client, SEEKER, first=True)
    page = client.get(SEARCH)
    assert not cached(page) and "ログアウト" in page.text
    assert "お気に入りに追加" in page.text and 'name="csrf_token"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert not cached(client.get("/jobs/search?q=事務"))  # another URL, signed in
    assert len(app.state.page_cache) == 1

    again = visitor.get(SEARCH)  # still the signed-out page stored before
    assert cached(again) and again.text == signed_out.text and "ログアウト" not in again.text


def test_a_stale_session_cookie_is_treated_as_signed_in(client, app):
    factories.posting(client, job_title="経理事務")
    client.get(SEARCH)
    stale = another_session(client, "no-such-session")
    page = stale.get(SEARCH)
    assert not cached(page) and page.status_code == 200
    stale.get("/jobs/search?q=事務")
    assert len(app.state.page_cache) == 1


def test_fragments_and_full_pages_are_cached_apart(client):
    factories.posting(client, job_title="経理事務")
    htmx = {"HX-Request": "true", "HX-Target": "search"}
    more = {"HX-Request": "true", "HX-Target": "result-list"}
    for round_ in (1, 2):
        full = client.get(SEARCH)
        fragment = client.get(SEARCH, headers=htmx)
        appended = client.get(SEARCH, headers=more)
        assert all(cached(r) == (round_ == 2) for r in (full, fragment, appended))
        assert full.text.startswith("<!doctype html>")
        assert fragment.text.lstrip().startswith('<div id="search"')
        assert "<html" not in appended.text and 'id="search"' not in appended.text


def test_a_repeated_header_cannot_store_one_fragment_under_another(client):
    factories.posting(client, job_title="経理事務")
    twice = [("HX-Request", "true"), ("HX-Target", "search"), ("HX-Target", "result-list")]
    assert client.get(SEARCH, headers=twice).text.lstrip().startswith('<div id="search"')
    appended = client.get(SEARCH, headers={"HX-Request": "true", "HX-Target": "result-list"})
    assert 'id="search"' not in appended.text


def test_the_same_conditions_in_another_order_share_an_entry(client):
    factories.posting(client, job_title="経理事務", prefecture_code="13")
    client.get("/jobs/search?q=経理&pref=13")
    assert cached(client.get("/jobs/search?pref=13&q=経理"))
    assert not cached(client.get("/jobs/search?pref=13&q=経理&weekends=1"))


def test_a_signed_out_job_page_is_cached_too(client):
    posting = factories.posting(client, job_title="経理事務")
    client.get(f"/jobs/{posting['job_number']}")
    assert cached(client.get(f"/jobs/{posting['job_number']}"))
    assert not cached(client.get("/jobs/13010-99999999"))  # a 404 is never stored
    assert client.get("/jobs/13010-99999999").status_code == 404


# --- what may be stored, on a bare app with the middleware alone ------------------------


def _public(request, **kwargs):
    response = PlainTextResponse(f"call {request.app.state.calls}", **kwargs)
    return mark_public(response)


def _counted(handler):
    async def endpoint(request):
        request.app.state.calls += 1
        return handler(request)

    return endpoint


ROUTES = {
    "/public": lambda r: _public(r),
    "/with-cookie": lambda r: _with_cookie(_public(r)),
    "/not-found": lambda r: _public(r, status_code=404),
    "/by-language": lambda r: _public(r, headers={"Vary": "Accept-Language"}),
    "/unmarked": lambda r: PlainTextResponse("not public"),
}


def _with_cookie(response):
    response.set_cookie("flash", "saved")
    return response


@pytest.fixture
def bare():
    app = Starlette(routes=[Route(path, _counted(h)) for path, h in ROUTES.items()])
    app.add_middleware(PageCacheMiddleware, session_cookie="session", clock=FrozenClock())
    app.state.calls = 0
    return TestClient(app)


@pytest.mark.parametrize(
    ("path", "stored"),
    [
        ("/public", True),
        ("/with-cookie", False),  # Set-Cookie: never stored
        ("/not-found", False),  # only a 200
        ("/by-language", False),  # a Vary the key does not cover
        ("/unmarked", False),  # only what a handler marked public
    ],
)
def test_only_a_marked_200_without_a_cookie_is_stored(bare, path, stored):
    first = bare.get(path)
    second = bare.get(path)
    assert bare.app.state.calls == (1 if stored else 2)
    assert cached(second) == stored
    assert "x-page-cache" not in first.headers and "x-page-cache" not in second.headers
    assert second.headers.get("set-cookie") == first.headers.get("set-cookie")


def test_a_session_cookie_bypasses_the_bare_cache(bare):
    bare.get("/public")
    bare.cookies.set("session", "anything")
    response = bare.get("/public")
    assert not cached(response) and "x-page-cache" not in response.headers
    assert bare.app.state.calls == 2
