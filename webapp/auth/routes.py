"""ログイン and ログアウト, at each door: job-seekers (/login), staff (/staff/login) and
employers (/employer/login). One set of handlers; the Portal says which door it is."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests, validation
from webapp.auth import login_code, service
from webapp.auth.roles import PORTALS, SEEKER, Account, Portal
from webapp.db import current
from webapp.forms import Form
from webapp.redirects import safe_target
from webapp.security import audit, cookies, throttle
from webapp.security.auth_keys import KeyProblem, KeyWrong
from webapp.templating import render

LOGIN_FAILED = "ID（メールアドレス）またはパスワードが正しくありません。"


def _portal(request: Request) -> Portal:
    return getattr(request.scope.get("route"), "portal", PORTALS[SEEKER])


def _login_page(
    request: Request, form: Form, *, status_code: int = 200, headers: dict | None = None
) -> Response:
    return render(
        request,
        "auth/login.html",
        {"form": form, "portal": _portal(request)},
        fragment="auth/_login_form.html",
        status_code=status_code,
        headers=headers,
    )


async def login_page(request: Request) -> Response:
    portal = _portal(request)
    form = Form(
        values={"next": safe_target(request.query_params.get("next"), portal.home), "email": ""}
    )
    return _login_page(request, form)


async def login(request: Request) -> Response:
    portal = _portal(request)
    form = Form()
    data = form.read(await request.form())
    form.values = {
        "next": safe_target(str(data.get("next", "")), portal.home),
        "email": validation.nfkc(str(data.get("email", ""))[:200]),
    }
    password = str(data.get("password", ""))[:200]
    email = ""
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
    now = requests.now(request)
    refusal = await throttle.login_refusal(conn, request, email, now)
    if refusal:
        form.refuse(refusal.message)
        return _login_page(
            request, form, status_code=429, headers={"Retry-After": str(refusal.retry_after)}
        )
    account = await service.authenticate(conn, portal.role, email, password)
    if account is None:
        refusal = await throttle.login_failed(
            conn,
            request,
            email,
            now,
            owner=await service.owner(conn, portal.role, email),
            login_url=settings.base_url + portal.login_path,
        )
        if refusal:
            form.refuse(refusal.message)
            return _login_page(
                request, form, status_code=429, headers={"Retry-After": str(refusal.retry_after)}
            )
        form.errors["form"] = [LOGIN_FAILED]
        return _login_page(request, form, status_code=422)
    await throttle.password_accepted(conn, request, email, account.columns, now)
    if await login_code.is_remembered(
        conn, settings.secret_key, cookies.read(request, "device"), account, now
    ):
        await throttle.login_succeeded(conn, request, email, account.columns, now)
        return await _signed_in(request, account, form.values["next"])
    cookie = await login_code.send_code(
        conn,
        settings.secret_key,
        account,
        cookie=cookies.read(request, "login_challenge"),
        now=now,
    )
    response = htmx.redirect(
        request, f"{portal.login_path}/code?next={quote(form.values['next'], safe='')}"
    )
    cookies.set_private(response, request, "login_challenge", cookie, max_age=20 * 60)
    return response


async def _signed_in(
    request: Request, account: Account, next_url: str, remember: bool = False
) -> Response:
    """Start a new session (a new cookie: never the one from before login)."""
    settings = request.app.state.settings
    conn = current(request.app)
    now = requests.now(request)
    token = await service.start_session(
        conn,
        settings.secret_key,
        account=account,
        previous_token=request.state.session_token,
        user_agent=request.headers.get("user-agent", ""),
        ip_address=requests.client_address(request),
        now=now,
    )
    response = htmx.redirect(request, next_url)
    cookies.set_private(response, request, "session", token)
    if remember and account.role == SEEKER:
        device = await login_code.remember(conn, settings.secret_key, account.id, now)
        cookies.set_private(
            response,
            request,
            "device",
            device,
            max_age=int(login_code.REMEMBER_FOR.total_seconds()),
        )
    return response


def _code_page(
    request: Request,
    form: Form,
    *,
    email: str = "",
    problem=None,
    status_code: int = 200,
    headers: dict | None = None,
) -> Response:
    return render(
        request,
        "auth/code.html",
        {
            "form": form,
            "masked_email": _mask(email),
            "problem": problem,
            "portal": _portal(request),
        },
        fragment="auth/_code_form.html",
        status_code=status_code,
        headers=headers,
    )


def _mask(email: str) -> str:
    """t***@example.com: enough to recognise one's own address on a shared screen."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


async def _challenge(request: Request, cookie: str | None):
    """This browser's pending code at this door: a staff challenge never completes at the
    job-seekers' door, nor the other way round."""
    conn = current(request.app)
    row, key = await login_code.challenge(conn, request.app.state.settings.secret_key, cookie)
    if row is None or (await login_code.account_of(conn, key)).role != _portal(request).role:
        return None, None
    return row, key


async def code_form(request: Request) -> Response:
    portal = _portal(request)
    row, _ = await _challenge(request, cookies.read(request, "login_challenge"))
    if row is None:
        return RedirectResponse(portal.login_path, status_code=303)
    form = Form(values={"next": safe_target(request.query_params.get("next"), portal.home)})
    return _code_page(request, form, email=row["email"])


async def check_code(request: Request) -> Response:
    portal = _portal(request)
    form = Form()
    data = form.read(await request.form())
    form.values = {
        "next": safe_target(str(data.get("next", "")), portal.home),
        "code": validation.nfkc(str(data.get("code", ""))[:20]),
        "remember": data.get("remember") == "yes",
    }
    conn = current(request.app)
    settings = request.app.state.settings
    cookie = cookies.read(request, "login_challenge")
    row, _ = await _challenge(request, cookie)
    if row is None:
        return htmx.redirect(request, portal.login_path)
    if not form.values["code"]:
        form.add("code", "メールに記載された6桁の確認コードを入力してください。")
    if not form.valid:
        return _code_page(request, form, email=row["email"], status_code=422)
    try:
        account = await login_code.check_code(
            conn, settings.secret_key, cookie, form.values["code"], requests.now(request)
        )
    except KeyProblem as problem:
        if isinstance(problem, KeyWrong):
            form.add("code", login_code.message(problem))
            return _code_page(request, form, email=row["email"], status_code=422)
        return _code_page(
            request, form, email=row["email"], status_code=422, problem=login_code.message(problem)
        )
    await throttle.login_succeeded(
        conn, request, row["email"], account.columns, requests.now(request)
    )
    response = await _signed_in(
        request, account, form.values["next"], remember=form.values["remember"]
    )
    cookies.delete(response, request, "login_challenge")
    return response


async def resend_code(request: Request) -> Response:
    portal = _portal(request)
    conn = current(request.app)
    settings = request.app.state.settings
    cookie = cookies.read(request, "login_challenge")
    row, key = await _challenge(request, cookie)
    if row is None:
        return htmx.redirect(request, portal.login_path)
    next_url = safe_target(str((await request.form()).get("next", "")), portal.home)
    now = requests.now(request)
    refusal = await throttle.key_request_refusal(
        conn, request, row["email"], now, what="確認コード"
    )
    if refusal:
        form = Form(values={"next": next_url})
        form.refuse(refusal.message)
        return _code_page(
            request,
            form,
            email=row["email"],
            status_code=429,
            headers={"Retry-After": str(refusal.retry_after)},
        )
    new_cookie = await login_code.send_code(
        conn, settings.secret_key, await login_code.account_of(conn, key), cookie=cookie, now=now
    )
    response = htmx.redirect(
        request, f"{portal.login_path}/code?next={quote(next_url, safe='')}&resent=1"
    )
    cookies.set_private(response, request, "login_challenge", new_cookie, max_age=20 * 60)
    return response


async def logout(request: Request) -> Response:
    """Ends the session whoever holds it, and returns to the door they came in by."""
    user, member = request.state.user, request.state.member
    if user is not None:
        await audit.record(current(request.app), request, "logout", "success", seeker_id=user["id"])
    if member is not None:
        await audit.record(
            current(request.app), request, "logout", "success", member_id=member["id"]
        )
    await service.end_session(
        current(request.app), request.app.state.settings.secret_key, request.state.session_token
    )
    portal = PORTALS[member["role"]] if member is not None else PORTALS[SEEKER]
    response = htmx.redirect(request, f"{portal.login_path}?logged_out=1")
    cookies.delete(response, request, "session")
    return response


class PortalRoute(Route):
    """A route that knows which sign-in door it belongs to."""

    def __init__(self, path: str, endpoint, *, methods: list[str], portal: Portal) -> None:
        super().__init__(path, endpoint, methods=methods)
        self.portal = portal


def portal_routes(portal: Portal) -> list[Route]:
    base = portal.login_path
    return [
        PortalRoute(base, login_page, methods=["GET"], portal=portal),
        PortalRoute(base, login, methods=["POST"], portal=portal),
        PortalRoute(f"{base}/code", code_form, methods=["GET"], portal=portal),
        PortalRoute(f"{base}/code", check_code, methods=["POST"], portal=portal),
        PortalRoute(f"{base}/code/resend", resend_code, methods=["POST"], portal=portal),
    ]


routes = [
    Route("/logout", logout, methods=["POST"]),
    *(route for portal in PORTALS.values() for route in portal_routes(portal)),
]
