"""The router that tries only the routes a path's first segment can reach finds what
Starlette's own would: the first full match, the 405, the slash redirect, the 404."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, Route, Router
from starlette.testclient import TestClient

from webapp import create_app
from webapp.route_index import SegmentRouter


def _says(text: str):
    async def endpoint(request):
        return PlainTextResponse(f"{text} {dict(request.path_params)}")

    return endpoint


ROUTES = [
    Route("/", _says("top")),
    Route("/jobs/new", _says("new"), methods=["POST"]),
    Route("/jobs/{number}", _says("posting")),
    Route("/{page}/help", _says("help of any page")),
    Route("/mypage/help", _says("never reached: the route above comes first")),
    Route("/jobs/{number}/apply", _says("apply")),
    Route("/mypage", _says("mypage")),
    Mount("/static", routes=[Route("/{name:path}", _says("file"))]),
]


def _client(router_class) -> TestClient:
    app = Starlette()
    app.router = router_class(ROUTES)
    return TestClient(app, follow_redirects=False)


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/jobs/12"),
        ("GET", "/jobs/new"),  # the GET route after the POST-only one wins
        ("PUT", "/jobs/new"),  # 405 from the first partial match
        ("GET", "/jobs/help"),  # a parameter first segment, before /jobs/{number}/apply
        ("GET", "/mypage/help"),
        ("GET", "/elsewhere/help"),
        ("GET", "/jobs/12/apply"),
        ("GET", "/static/css/app.css"),
        ("GET", "/mypage/"),  # Starlette's slash redirect
        ("GET", "/nowhere"),  # 404
        ("GET", "/%7Bpage%7D/help"),
    ],
)
def test_answers_as_starlettes_router_does(method, path):
    ours = _client(SegmentRouter).request(method, path)
    theirs = _client(Router).request(method, path)
    assert (ours.status_code, ours.text, ours.headers.get("location")) == (
        theirs.status_code,
        theirs.text,
        theirs.headers.get("location"),
    )


def _first_full_match(routes, path: str):
    scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    return next((r for r in routes if r.matches(scope)[0] is Match.FULL), None)


def _sample_path(route) -> str:
    """The route's path with a plausible value for each parameter."""
    path = route.path
    for name, convertor in route.param_convertors.items():
        value = next(v for v in ("7", "x", "a/b.css", "0" * 32) if re.fullmatch(convertor.regex, v))
        path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", value, path)
    return path or "/"


def test_every_route_of_the_app_is_reached_as_before(settings, clock):
    """For each route of the real app, the group its sample path falls into holds the route
    Starlette's scan would pick, in the same place."""
    app = create_app(settings, clock=clock)
    router = app.router
    assert isinstance(router, SegmentRouter)
    routes = [r for r in router.routes if isinstance(r, Route | Mount)]
    assert len(routes) > 100
    groups = router._index()
    for route in routes:
        path = _sample_path(route)
        group = groups.get(path[1:].partition("/")[0], router._anywhere)
        assert _first_full_match(group, path) is _first_full_match(router.routes, path), path
