"""パスワードを忘れた方: 生年月日 and address → a 認証キー mail → a new password.

The same machinery as パスワード登録 (webapp.auth.password_wizard, purpose RESET): the key
lives 50 minutes, is used once, is void after 5 wrong tries or when a newer one is asked,
and the page after the request is the same whether or not the address is registered.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth import forms, password_pages, password_wizard
from webapp.auth.password_wizard import RESET, STEP_DONE, STEP_PASSWORD
from webapp.db import current
from webapp.forms import Form
from webapp.security import cookies, throttle
from webapp.security.auth_keys import KeyProblem
from webapp.templating import render

TARGET = "#wizard"
FLOW = {
    "title": "パスワードの再設定",
    "action": "/password/reset",
    "restart": "/password/reset/restart",
    "restart_label": "メールアドレスの入力からやり直す",
    "steps": False,
    "mail": "パスワード再設定申込受付通知",
}


async def _wizard(request: Request, cookie: str | None = None):
    return await password_pages.wizard(request, RESET, cookie)


def _forgot_page(
    request: Request, form: Form, status_code: int = 200, headers: dict | None = None
) -> Response:
    return render(
        request,
        "auth/forgot.html",
        {"form": form},
        fragment="auth/_forgot.html",
        status_code=status_code,
        headers=headers,
    )


async def forgot(request: Request) -> Response:
    """The request form; a pending key takes the user straight to the new-password form."""
    if await password_pages.key_pending(request, RESET):
        return RedirectResponse("/password/reset", status_code=303)
    return _forgot_page(request, Form())


async def request_key(request: Request) -> Response:
    now = requests.now(request)
    form = forms.email_form(await request.form(), today=requests.today(request))
    if not form.valid:
        return _forgot_page(request, form, 422)
    conn = current(request.app)
    refusal = await throttle.key_request_refusal(conn, request, form.values["email"], now)
    if refusal:
        form.refuse(refusal.message)
        return _forgot_page(request, form, 429, {"Retry-After": str(refusal.retry_after)})
    settings = request.app.state.settings
    wizard = await _wizard(request)
    cookie = await password_wizard.start(conn, settings.secret_key, wizard, now, RESET)
    wizard = await _wizard(request, cookie)
    await password_wizard.request_key(
        conn,
        wizard,
        email=form.values["email"],
        birthdate=form.values["birthdate"],
        typed_birth=(form.values["year"], form.values["month"], form.values["day"]),
        secret_key=settings.secret_key,
        base_url=settings.base_url,
        now=now,
        purpose=RESET,
    )
    response = htmx.redirect(request, "/password/reset")
    if cookie:
        password_pages.set_cookie(response, request, RESET, cookie)
    return response


async def _reset_page(
    request: Request, wizard, form: Form, problem=None, status_code: int = 200
) -> Response:
    context = {
        "flow": FLOW,
        **await password_pages.password_context(request, wizard, form, problem),
    }
    return render(
        request,
        "auth/reset.html",
        context,
        fragment="registration/_password.html",
        status_code=status_code,
    )


async def reset_form(request: Request) -> Response:
    """The new-password page; the key mail's continue link lands here, in any browser."""
    resumed = await password_pages.resume(request, RESET)
    if isinstance(resumed, Response):
        return resumed
    if resumed is not None:
        context = {"flow": FLOW, "form": Form(), "problem": resumed, "email": None}
        return render(request, "auth/reset.html", context, fragment="registration/_password.html")
    wizard = await _wizard(request)
    if wizard is None or wizard["step"] < STEP_PASSWORD:
        return RedirectResponse("/password/forgot", status_code=303)
    if wizard["step"] == STEP_DONE:
        return RedirectResponse("/password/reset/done", status_code=303)
    return await _reset_page(request, wizard, Form())


async def reset(request: Request) -> Response:
    wizard = await _wizard(request)
    if wizard is None or wizard["step"] < STEP_PASSWORD:
        return htmx.redirect(request, "/password/forgot")
    if wizard["step"] == STEP_DONE:
        return htmx.redirect(request, "/password/reset/done")
    form = forms.password_form(
        await request.form(),
        email=wizard["email"] or "",
        birthdate=password_wizard.typed_birthdate(wizard),
    )
    if not form.valid:
        return await _reset_page(request, wizard, form, status_code=422)
    settings = request.app.state.settings
    try:
        await password_wizard.complete(
            current(request.app),
            wizard,
            password=form.values["password"],
            typed_key=form.values["auth_key"],
            secret_key=settings.secret_key,
            base_url=settings.base_url,
            now=requests.now(request),
            purpose=RESET,
        )
    except KeyProblem as problem:
        if not problem.restart:
            form.add("auth_key", problem.message)
        return await _reset_page(request, wizard, form, problem, status_code=422)
    return htmx.redirect(request, "/password/reset/done")


async def restart(request: Request) -> Response:
    await password_wizard.forget(current(request.app), await _wizard(request))
    response = htmx.redirect(request, "/password/forgot")
    cookies.delete(response, request, RESET.cookie)
    return response


async def done(request: Request) -> Response:
    wizard = await _wizard(request)
    if wizard is None or wizard["step"] != STEP_DONE:
        return RedirectResponse("/password/forgot", status_code=303)
    return render(request, "auth/reset_done.html")


routes = [
    Route("/password/forgot", forgot, methods=["GET"]),
    Route("/password/forgot", request_key, methods=["POST"]),
    Route("/password/reset", reset_form, methods=["GET"]),
    Route("/password/reset", reset, methods=["POST"]),
    Route("/password/reset/restart", restart, methods=["POST"]),
    Route("/password/reset/done", done, methods=["GET"]),
]
