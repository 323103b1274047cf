"""The request's cookies, parsed once per request for every middleware that reads one (the
CSRF secret, the page cache's check for a session, the session itself).

Starlette's parser reads the header as browsers write it: a malformed pair is skipped,
not the whole header lost, and several Cookie headers (HTTP/2) are read as one."""

from __future__ import annotations

from starlette.requests import cookie_parser
from starlette.types import Scope

# Kept in the scope, which lives exactly as long as the request.
_KEY = "webapp.cookies"


def cookies(scope: Scope) -> dict[str, str]:
    found = scope.get(_KEY)
    if found is None:
        header = "; ".join(
            value.decode("latin-1") for name, value in scope["headers"] if name == b"cookie"
        )
        found = scope[_KEY] = cookie_parser(header) if header else {}
    return found
