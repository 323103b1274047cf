"""Our cookies, set one way: HttpOnly, SameSite=Lax, path /, and under https Secure with
the `__Host-` prefix (bound to this exact origin)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webapp.security.csrf import cookie_name


def read(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(request.app.state.settings.https, name))


def set_private(
    response: Response, request: Request, name: str, value: str, max_age: int | None = None
) -> None:
    https = request.app.state.settings.https
    response.set_cookie(
        cookie_name(https, name),
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=https,
        path="/",
    )


def delete(response: Response, request: Request, name: str) -> None:
    https = request.app.state.settings.https
    response.delete_cookie(
        cookie_name(https, name), path="/", secure=https, httponly=True, samesite="lax"
    )
