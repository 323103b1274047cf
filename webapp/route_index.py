"""Starlette's Router, trying only the routes a path's first segment can reach.

Starlette matches a request against every route's regular expression in turn; with about
180 routes a page near the end of the list (a message thread, the staff console) spent a
tenth of its time there. The routes are grouped once by the literal first segment of
their path (`/jobs/{number}` under "jobs"); a route whose first segment holds a parameter
goes into every group. The routes of a group are tried in their original order, so the
first full match and the 405 partial are the ones Starlette would find. Where none
matches, Starlette's own scan runs: the slash redirect and the 404 stay its own.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def _first_segment(path: str) -> str | None:
    """ "jobs" for /jobs/{number}, "" for /; None where it holds a parameter."""
    if not path.startswith("/"):
        return None
    segment = path[1:].partition("/")[0]
    return None if "{" in segment else segment


def _route_segment(route: BaseRoute) -> str | None:
    if isinstance(route, Route | Mount):
        return _first_segment(route.path)
    return None  # a Host or a custom route: any path may reach it


class SegmentRouter(Router):
    _groups: dict[str, tuple[BaseRoute, ...]] | None = None
    _anywhere: tuple[BaseRoute, ...] = ()

    def _index(self) -> dict[str, tuple[BaseRoute, ...]]:
        placed = [(route, _route_segment(route)) for route in self.routes]
        self._anywhere = tuple(route for route, segment in placed if segment is None)
        segments = dict.fromkeys(segment for _, segment in placed if segment is not None)
        groups = {
            segment: tuple(route for route, s in placed if s in (segment, None))
            for segment in segments
        }
        self._groups = groups
        return groups

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().app(scope, receive, send)
        scope.setdefault("router", self)
        groups = self._groups if self._groups is not None else self._index()
        path = get_route_path(scope)  # as the routes match it
        routes = groups.get(path[1:].partition("/")[0], self._anywhere)
        partial = partial_scope = None
        for route in routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                return await route.handle(scope, receive, send)
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None and partial_scope is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            return await partial.handle(scope, receive, send)
        await super().app(scope, receive, send)
