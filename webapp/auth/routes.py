"""ログイン and ログアウト."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, validation
from webapp.auth import service, throttle
from webapp.auth.guard import safe_next
from webapp.db import current
from webapp.registration.forms import Form
from webapp.security.audit import client_ip
from webapp.security.csrf import cookie_name
from webapp.templating import render

LOGIN_FAILED = "ID（メールアドレス）またはパスワードが正しくありません。"


def session_cookie(request: Request) -> str:
    return cookie_name(request.app.state.settings.https, "session")


def _login_page(
    request: Request, form: Form, *, status_code: int = 200, headers: dict | None = None
) -> Response:
    return render(
        request,
        "auth/login.html",
        {"form": form},
        fragment="auth/_login_form.html",
        status_code=status_code,
        headers=headers,
    )


async def login_page(request: Request) -> Response:
    form = Form(values={"next": safe_next(request.query_params.get("next")), "email": ""})
    return _login_page(request, form)


async def login(request: Request) -> Response:
    data = await request.form()
    form = Form(
        values={
            "next": safe_next(str(data.get("next", ""))),
            "email": validation.nfkc(str(data.get("email", ""))[:200]),
        }
    )
    password = str(data.get("password", ""))[:200]
    try:
        email = validation.email(form.values["email"])
    except validation.FieldError as error:
        form.add("email", str(error))
    if not password:
        form.add("password", "パスワードを入力してください。")
    if not form.valid:
        return _login_page(request, form, status_code=422)
    conn = current(request.app)
    settings = request.app.state.settings
    now = request.app.state.clock.now()
    refusal = await throttle.login_refusal(
        conn, settings.secret_key, email, client_ip(request), now
    )
    if refusal:
        form.errors["form"] = [refusal.message]
        return _login_page(
            request, form, status_code=429, headers={"Retry-After": str(refusal.retry_after)}
        )
    seeker_id = await service.authenticate(conn, email, password)
    if seeker_id is None:
        refusal = await throttle.login_failed(conn, request, email, now)
        form.errors["form"] = [refusal.message if refusal else LOGIN_FAILED]
        if refusal:
            request.app.state.wake_outbox()
            return _login_page(
                request, form, status_code=429, headers={"Retry-After": str(refusal.retry_after)}
            )
        return _login_page(request, form, status_code=422)
    await throttle.login_succeeded(conn, request, email, seeker_id, now)
    token = await service.start_session(
        conn,
        settings.secret_key,
        seeker_id=seeker_id,
        previous_token=request.state.session_token,
        user_agent=request.headers.get("user-agent", ""),
        ip_address=request.client.host if request.client else "",
        now=request.app.state.clock.now(),
    )
    response = htmx.redirect(request, form.values["next"])
    response.set_cookie(
        session_cookie(request),
        token,
        httponly=True,
        samesite="lax",
        secure=settings.https,
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    await service.end_session(
        current(request.app), request.app.state.settings.secret_key, request.state.session_token
    )
    response = htmx.redirect(request, "/login?logged_out=1")
    response.delete_cookie(session_cookie(request), path="/")
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
