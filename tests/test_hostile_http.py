"""Hostile requests by class (issue 13, the outside audit): redirect targets, ids in paths,
bodies past the form limits, and the headers every answer carries, error pages included.

Each class is checked where every route meets it: the three sign-in doors, the whole route
table (a new route cannot forget the id bound), the middleware in front of every form."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from starlette.convertors import IntegerConvertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.testclient import TestClient

from tests import factories
from tests.helpers import (
    EMPLOYER,
    HOME,
    SEEKER,
    STAFF,
    another_browser,
    browsers_for,
    csrf_token,
    login_code,
    signed_in,
)
from webapp import create_app
from webapp.__main__ import server_config
from webapp.config import Settings
from webapp.errors import ErrorPages
from webapp.htmx import ERROR_PAGE_SWAP
from webapp.ids import MAX_ID, IdConvertor
from webapp.redirects import safe_target
from webapp.security.csrf import FORM_REFUSED

ACCOUNTS = {SEEKER.door: SEEKER, STAFF.door: STAFF, EMPLOYER.door: EMPLOYER}
SECURITY_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def add_account(client, who) -> None:
    """The account that signs in at `who`'s door."""
    if who is SEEKER:
        factories.seeker(client, password=SEEKER.password)
    elif who is STAFF:
        factories.staff(client)
    else:
        factories.employer(client)


def assert_security_headers(response) -> None:
    for name, part in SECURITY_HEADERS.items():
        assert part in response.headers.get(name, ""), (name, response.status_code)
    assert "server" not in response.headers


def swaps_main(response) -> bool:
    """The answer tells htmx to put its <main> in place of the page's (htmx.ERROR_PAGE_SWAP)."""
    return all(response.headers.get(name) == value for name, value in ERROR_PAGE_SWAP.items())


def error_page_of(response) -> str:
    """The message of the app's error page (its alert), or fail: not that page."""
    match = re.search(r'<div class="alert alert--error" role="alert"><p>(.*?)</p>', response.text)
    assert match, f"not the app's error page ({response.status_code}): {response.text[:200]}"
    return html.unescape(match.group(1))


# --- 1. redirect targets ----------------------------------------------------------------

# Anything but a plain path here leads to the door's home instead.
OFF_SITE = [
    "/\t/evil.example",  # a browser drops the tab: //evil.example, another site
    "/\n/evil.example",  # a newline cannot be sent in a header at all
    "/\r\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",  # a browser reads \ as /
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/evil.example\\",
    "https://evil.example/mypage",
    "HTTPS://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "mypage",
    "?next=//evil.example",
    "/..//evil.example",  # the browser resolves .. before asking: //evil.example
    "/%2e%2e//evil.example",
    "/./mypage",
    "/ /evil.example",
    "/mypage\t",
    "/\x00/evil.example",
    "/\x1b[31m",
    "/\x7f/evil.example",
    "/\x85/evil.example",  # NEL
    "/\u2028/evil.example",  # line separator
    "/\u3000/evil.example",  # ideographic space
    "/\u200b/evil.example",  # zero-width space
    "/\u202e/evil.example",  # right-to-left override
    "/\ufeff/evil.example",
    "/\ud800",  # a lone surrogate
    "/" + "a" * 3000,
    "",
]
# Paths on this site stay, written again in printable characters.
ON_SITE = [
    ("/jobs/search?q=%E4%BB%8B%E8%AD%B7&pref=16", "/jobs/search?q=%E4%BB%8B%E8%AD%B7&pref=16"),
    (
        "/mypage/applications/3/messages#message-form",
        "/mypage/applications/3/messages#message-form",
    ),
    # Escaped, a tab or a slash stays escaped: a path on this site, whatever it names.
    ("/%09/evil.example", "/%09/evil.example"),
    ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
    ("/jobs/介護", "/jobs/%E4%BB%8B%E8%AD%B7"),
    ("/\uff0f\uff0fevil.example", "/%EF%BC%8F%EF%BC%8Fevil.example"),  # fullwidth solidus
    ("/jobs/search?q=<script>", "/jobs/search?q=%3Cscript%3E"),
]


def readable(target: str) -> str:
    """A test id in ASCII (a lone surrogate cannot even be reported) and not too long."""
    return ascii(target)[1:-1][:40]


@pytest.mark.parametrize("target", OFF_SITE, ids=readable)
def test_a_target_off_this_site_leads_home(target):
    # Compared in ASCII: pytest's diff of a lone surrogate could not be reported.
    assert ascii(safe_target(target, "/staff")) == ascii("/staff")


@pytest.mark.parametrize(("target", "expected"), ON_SITE)
def test_a_path_on_this_site_is_kept_in_printable_characters(target, expected):
    assert safe_target(target, "/staff") == expected


def sign_in_towards(browser, who, target: str, *, htmx: bool) -> tuple[str, str, str]:
    """Sign in at `who`'s door with `next=target` in the login page's address and in both
    forms (as a forged form would send it): the `next` the login page keeps, the one in
    the code page's address, and where the last answer sends the browser."""
    headers = {"HX-Request": "true"} if htmx else {}
    where = "hx-redirect" if htmx else "location"
    mails = len(browser.smtp.to(who.email))
    page = browser.get(who.door, params={"next": target})
    kept = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
    token = csrf_token(browser, who.door)
    form = {"csrf_token": token, "email": who.email, "password": who.password, "next": target}
    first = browser.post(who.door, data=form, headers=headers, follow_redirects=False)
    code_url = first.headers[where]
    assert urlsplit(code_url).path == f"{who.door}/code", code_url
    code = login_code(browser, who.email, mails + 1)
    form = {"csrf_token": csrf_token(browser, code_url), "code": code, "next": target}
    last = browser.post(f"{who.door}/code", data=form, headers=headers, follow_redirects=False)
    assert last.status_code == (200 if htmx else 303), last.text
    return html.unescape(kept), parse_qs(urlsplit(code_url).query)["next"][0], last.headers[where]


# A few of each kind, through the whole sign-in at each door (the tables above check the
# one function every way in goes through).
SIGN_IN_TARGETS = [
    ("/\t/evil.example", None),
    ("/\n/evil.example", None),
    ("/\r\n/evil.example", None),
    ("//evil.example", None),
    ("/\\evil.example", None),
    ("\\\\evil.example", None),
    ("https://evil.example/mypage", None),
    ("/..//evil.example", None),
    ("/\x85/evil.example", None),
    ("/\u3000/evil.example", None),
    ("/" + "a" * 3000, None),
    ("/%09/evil.example", "/%09/evil.example"),
    ("/jobs/介護", "/jobs/%E4%BB%8B%E8%AD%B7"),
]


@pytest.mark.parametrize("door", ACCOUNTS)
@pytest.mark.parametrize(("target", "expected"), SIGN_IN_TARGETS, ids=readable)
def test_signing_in_leads_only_to_a_path_on_this_site(client, door, target, expected):
    who = ACCOUNTS[door]
    add_account(client, who)
    expected = expected or HOME[door]
    for htmx in (True, False):
        browser = another_browser(client)
        kept, code_next, last = sign_in_towards(browser, who, target, htmx=htmx)
        assert (kept, code_next, last) == (expected, expected, expected), htmx


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_the_favourite_button_leads_back_only_to_this_site(client, target):
    posting = factories.posting(client)
    url = f"/jobs/{posting['job_number']}/favourite"
    form = {"csrf_token": csrf_token(client, "/login"), "on": "1", "next": target}
    signed_out = client.post(url, data=form, follow_redirects=False)
    assert signed_out.headers["location"] == "/login?next=%2Fmypage"
    htmx = client.post(url, data=form, headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx.headers["hx-redirect"]) == (401, "/login?next=%2Fmypage")
    factories.seeker(client, password=SEEKER.password)
    taro = signed_in(client, SEEKER)
    form["csrf_token"] = csrf_token(taro, "/mypage")
    back = taro.post(url, data=form, follow_redirects=False)
    assert back.headers["location"] == "/mypage"


@pytest.mark.parametrize(
    "referer",
    [
        "http://testserver//evil.example",
        "http://testserver/\\evil.example",
        "http://testserver/..//evil.example",
        "http://testserver/%2e%2e//evil.example",
    ],
)
def test_a_form_sent_after_the_session_ended_leads_back_only_to_this_site(client, clock, referer):
    """The way back after signing in again comes from the Referer, which is input too."""
    factories.seeker(client, password=SEEKER.password)
    signed_in(client, SEEKER, first=True)
    page = "/mypage/account/email"
    token = csrf_token(client, page)
    clock.advance(minutes=31)
    form = {"csrf_token": token, "email": "taro.new@example.com"}
    for headers, where in (({}, "location"), ({"HX-Request": "true"}, "hx-redirect")):
        response = client.post(
            page, data=form, headers={"Referer": referer, **headers}, follow_redirects=False
        )
        assert response.headers[where] == "/login?next=%2Fmypage%2Faccount%2Femail"


# --- 2. ids in paths --------------------------------------------------------------------

# Past PostgreSQL's INTEGER, past SQLite's 64 bits, and no row at all.
OUT_OF_RANGE = [
    str(MAX_ID + 1),
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999",
    "0",
    "-1",
]
OWNERS = (("/mypage", SEEKER), ("/jobs", SEEKER), ("/staff", STAFF), ("/employer", EMPLOYER))


def id_routes(app) -> list[Route]:
    return [
        route
        for route in app.routes
        if isinstance(route, Route)
        and any(isinstance(c, IdConvertor) for c in route.param_convertors.values())
    ]


def test_every_id_in_a_path_is_bounded_by_the_id_convertor():
    app = create_app(Settings(database_url="sqlite:///:memory:", secret_key="x" * 40))
    for route in app.routes:
        for name, convertor in getattr(route, "param_convertors", {}).items():
            assert not isinstance(convertor, IntegerConvertor), route.path  # unbounded
            if name == "id" or name.endswith("_id"):
                assert isinstance(convertor, IdConvertor), route.path
    assert len(id_routes(app)) > 40


@pytest.fixture(scope="module")
def people(module_client):
    """A browser for each person who can reach an id route, and one signed in as nobody,
    on the module's one app; what they send changes nothing (factories.unchanged)."""
    for who in (SEEKER, STAFF, EMPLOYER):
        add_account(module_client, who)
    browsers = browsers_for(module_client, {who: who for who in (SEEKER, STAFF, EMPLOYER, None)})
    for who, browser in browsers.items():
        browser.token = csrf_token(browser, "/" if who else "/login")
    with factories.unchanged(module_client):
        yield browsers


def test_an_id_the_database_cannot_hold_is_a_404_on_every_route(people):
    """Walks the route table: every method of every route with an id, each id out of
    range, as the person the route is for and as nobody."""
    failures = []
    for route in id_routes(people[None].app):
        owner = next((who for prefix, who in OWNERS if route.path.startswith(prefix)), None)
        for method in sorted(route.methods - {"HEAD"}):
            for value in OUT_OF_RANGE:
                path = re.sub(r"\{\w+:\w+\}", value, route.path)
                for who in {owner, None}:
                    browser = people[who]
                    response = browser.request(
                        method,
                        path,
                        data={"csrf_token": browser.token} if method == "POST" else None,
                        follow_redirects=False,
                    )
                    if response.status_code != 404:
                        failures.append((method, path, who, response.status_code))
    assert not failures


def test_an_id_in_range_with_no_row_is_a_404_too(people):
    """The largest id there can be, which names nothing: the handlers' own not-found."""
    failures = []
    for route in id_routes(people[None].app):
        owner = next((who for prefix, who in OWNERS if route.path.startswith(prefix)), None)
        for method in sorted(route.methods - {"HEAD"}):
            path = re.sub(r"\{\w+:\w+\}", str(MAX_ID), route.path)
            browser = people[owner]
            data = {"csrf_token": browser.token} if method == "POST" else None
            response = browser.request(method, path, data=data, follow_redirects=False)
            if response.status_code != 404:
                failures.append((method, path, response.status_code))
    assert not failures


# --- 3. bodies past the form limits -----------------------------------------------------


def files(count: int) -> list:
    return [("resume", (f"{n}.pdf", factories.PDF, "application/pdf")) for n in range(count)]


def fields(count: int) -> dict:
    return {f"field{n}": "x" for n in range(count)}


OVER_LIMITS = {
    "11 files": {"files": files(11)},
    "12 files": {"files": files(12)},
    "201 fields": {"data": fields(201), "files": files(1)},
    "250 fields": {"data": fields(250), "files": files(1)},
    "12 files and 250 fields": {"data": fields(250), "files": files(12)},
}
FORM_PAGES = {
    "/login": None,
    "/jobs/1/apply": SEEKER,  # refused before any posting is looked up
    "/mypage/profile/edit": SEEKER,
    "/staff/seekers/new": STAFF,
    "/employer/postings/new": EMPLOYER,
}


@pytest.mark.parametrize("url", FORM_PAGES)
@pytest.mark.parametrize("body", OVER_LIMITS)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_form_past_the_limits_gets_the_400_page(people, url, body, htmx):
    browser = people[FORM_PAGES[url]]
    request = OVER_LIMITS[body]
    headers = {"HX-Request": "true"} if htmx else {}
    response = browser.post(
        url,
        data={"csrf_token": browser.token, **request.get("data", {})},
        files=request["files"],
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert error_page_of(response) == FORM_REFUSED
    assert_security_headers(response)
    if htmx:
        assert swaps_main(response)


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("multipart/form-data", b"csrf_token=x"),  # no boundary
        ("multipart/form-data; boundary=", b"--\r\n"),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data\r\n\r\nx"),
        ("multipart/form-data; boundary=b", b"--b\r\n" + b"A: " * 20_000 + b"\r\n\r\n--b--"),
    ],
)
def test_a_body_that_is_not_the_form_it_claims_gets_a_4xx_page(people, content_type, content):
    response = people[None].post(
        "/login", content=content, headers={"Content-Type": content_type}, follow_redirects=False
    )
    assert 400 <= response.status_code < 500
    error_page_of(response)
    assert_security_headers(response)


def test_past_the_limits_with_the_token_in_the_header_the_handler_refuses_it(people):
    """htmx sends the token in X-CSRF-Token, so the CSRF middleware leaves the form to the
    handler, whose parser has limits of its own (1000): the same 400 page."""
    browser = people[SEEKER]
    response = browser.post(
        "/mypage/profile/edit",
        data=fields(1001),
        files=files(1),
        headers={"X-CSRF-Token": browser.token, "HX-Request": "true"},
    )
    assert response.status_code == 400
    error_page_of(response)
    assert_security_headers(response)


class Refusing:
    """A middleware of ours that refuses a request with an HTTPException."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/refused-in-middleware":
            raise HTTPException(405, headers={"Allow": "GET"})
        await self.app(scope, receive, send)


def test_error_pages_sits_outside_every_other_middleware_of_ours(app):
    assert app.user_middleware[0].cls is ErrorPages


@pytest.mark.parametrize("depth", range(1, 6))
def test_an_http_exception_from_any_middleware_of_ours_is_the_error_page(app, smtp, depth):
    """Wherever a middleware of ours sits (outside Starlette's exception handlers), its
    HTTPException is the app's error page with its status and headers, never a 500."""
    assert depth <= len(app.user_middleware)
    app.user_middleware.insert(depth, Middleware(Refusing))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/refused-in-middleware")
    assert (response.status_code, response.headers["allow"]) == (405, "GET")
    assert error_page_of(response) == "この操作は受け付けられません。"
    assert_security_headers(response)


# --- 4. headers on every answer ---------------------------------------------------------


@pytest.fixture
def failing(app, smtp):
    """The app with a route that fails as a bug would (added for the test only)."""

    async def fails(request):
        raise RuntimeError("a bug, on purpose")

    app.router.routes.append(Route("/test-only/fails", fails))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_the_500_page_of_a_bug_carries_the_security_headers(failing, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing.get("/test-only/fails")
    assert response.status_code == 500
    assert error_page_of(response).startswith("システムで問題が起きました。")
    assert_security_headers(response)
    assert any(r.exc_info and "a bug, on purpose" in str(r.exc_info[1]) for r in caplog.records)


def test_an_htmx_request_gets_the_500_page_in_place_of_main(failing):
    response = failing.get("/test-only/fails", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert swaps_main(response)
    assert '<main id="main"' in response.text


def every_kind_of_answer(client) -> dict:
    token = csrf_token(client, "/login")
    return {
        "page": client.get("/"),
        "not found": client.get("/no-such-page"),
        "method not allowed": client.get("/logout"),
        "static file": client.get("/static/css/app.css"),
        "static file not found": client.get("/static/no-such-file.css"),
        "csrf refusal": client.post("/login", data={"csrf_token": "forged"}),
        "too large": client.post("/login", data={"csrf_token": token, "email": "a" * 70_000}),
        "too many files": client.post("/login", data={"csrf_token": token}, files=files(12)),
        "validation": client.post("/login", data={"csrf_token": token}),
        "bug": client.get("/test-only/fails"),
        "head": client.head("/"),
    }


def test_every_kind_of_answer_carries_the_security_headers(failing):
    answers = every_kind_of_answer(failing)
    statuses = {kind: response.status_code for kind, response in answers.items()}
    assert statuses == {
        "page": 200,
        "not found": 404,
        "method not allowed": 405,
        "static file": 200,
        "static file not found": 404,
        "csrf refusal": 403,
        "too large": 413,
        "too many files": 400,
        "validation": 422,
        "bug": 500,
        "head": 200,
    }
    for response in answers.values():
        assert_security_headers(response)


def test_an_error_page_for_htmx_takes_the_place_of_main(client):
    """responseHandling (base.html) swaps 4xx and 5xx; a whole error page says where."""
    htmx = {"HX-Request": "true"}
    missing = client.get("/no-such-page", headers=htmx)
    refused = client.post("/login", data={"csrf_token": "forged"}, headers=htmx)
    for response in (missing, refused):
        assert swaps_main(response)
        assert '<main id="main"' in response.text
    token = csrf_token(client, "/login")
    invalid = client.post("/login", data={"csrf_token": token}, headers=htmx)
    assert invalid.status_code == 422 and "hx-retarget" not in invalid.headers  # its fragment
    config = re.search(r'name="htmx-config" content=\'([^\']+)\'', client.get("/").text)
    rules = {rule["code"]: rule for rule in json.loads(config.group(1))["responseHandling"]}
    assert rules["[45].."]["swap"] is True and rules["[45].."]["error"] is True


def test_served_by_uvicorn_the_answers_name_no_server(settings):
    """`python -m webapp serve` runs uvicorn with server_config: no `server` header."""

    async def ask(path: str) -> bytes:
        listening = socket.create_server(("127.0.0.1", 0))
        config = server_config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        # The socket listens already: the request waits in its queue until uvicorn is up.
        reader, writer = await asyncio.open_connection(*listening.getsockname())
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        writer.close()
        server.should_exit = True
        await serving
        return head.lower()

    for path in ("/", "/no-such-page"):
        head = asyncio.run(ask(path))
        assert b"\r\nserver:" not in head
        assert b"\r\ncontent-security-policy:" in head and b"\r\nx-frame-options: deny" in head
