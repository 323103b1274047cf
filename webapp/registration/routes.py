"""Handlers of the パスワード登録 wizard (ステップ1〜4)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth import forms, password_pages, password_wizard
from webapp.auth.password_wizard import REGISTER, STEP_DONE, STEP_EMAIL, STEP_PASSWORD
from webapp.db import current
from webapp.forms import Form
from webapp.registration.forms import terms_form
from webapp.security import cookies
from webapp.security.auth_keys import KeyProblem
from webapp.templating import render

TARGET = "#wizard"
STEP_URLS = {
    1: "/register",
    STEP_EMAIL: "/register/email",
    STEP_PASSWORD: "/register/password",
    STEP_DONE: "/register/done",
}


def _page(
    request: Request,
    step: int,
    context: dict,
    *,
    status_code: int = 200,
    headers: dict | None = None,
) -> Response:
    names = {1: "terms", STEP_EMAIL: "email", STEP_PASSWORD: "password", STEP_DONE: "done"}
    name = names[step]
    return render(
        request,
        f"registration/{name}.html",
        {"step": step, **context},
        fragment=f"registration/_{name}.html",
        status_code=status_code,
        headers=headers,
    )


def _go(request: Request, step: int) -> Response:
    return htmx.redirect(request, STEP_URLS[step], target=TARGET)


async def terms(request: Request) -> Response:
    """ステップ1 求職者マイページ利用規約確認."""
    if await password_pages.key_pending(request):
        return RedirectResponse(STEP_URLS[STEP_PASSWORD], status_code=303)
    return _page(request, 1, {"form": Form()})


async def agree(request: Request) -> Response:
    form = terms_form(await request.form())
    if not form.valid:
        return _page(request, 1, {"form": form}, status_code=422)
    wizard = await password_pages.wizard(request)
    cookie = await password_wizard.start(
        current(request.app),
        request.app.state.settings.secret_key,
        wizard,
        requests.now(request),
    )
    response = _go(request, STEP_EMAIL)
    if cookie:
        password_pages.set_cookie(response, request, REGISTER, cookie)
    return response


async def email(request: Request) -> Response:
    """ステップ2 メールアドレスの入力（パスワード登録申込）."""
    wizard = await password_pages.wizard(request)
    if wizard is None or wizard["step"] < STEP_EMAIL:
        return RedirectResponse(STEP_URLS[1], status_code=303)
    if wizard["step"] == STEP_DONE:
        return RedirectResponse(STEP_URLS[STEP_DONE], status_code=303)
    values = {
        "email": wizard["email"] or "",
        "year": wizard["birth_year"] or "",
        "month": wizard["birth_month"] or "",
        "day": wizard["birth_day"] or "",
    }
    return _page(request, STEP_EMAIL, {"form": Form(values=values)})


async def request_key(request: Request) -> Response:
    return await password_pages.key_request(
        request,
        await password_pages.wizard(request),
        page=_page,
        go=_go,
        send=password_wizard.request_key,
    )


async def cancel(request: Request) -> Response:
    """キャンセル: forget the wizard and go back to the top page."""
    await password_wizard.forget(current(request.app), await password_pages.wizard(request))
    response = htmx.redirect(request, "/")
    cookies.delete(response, request, REGISTER.cookie)
    return response


async def restart(request: Request) -> Response:
    """はじめからやり直す (after an expired or void key)."""
    await password_wizard.forget(current(request.app), await password_pages.wizard(request))
    response = _go(request, 1)
    cookies.delete(response, request, REGISTER.cookie)
    return response


async def password(request: Request) -> Response:
    """ステップ3 パスワード登録: where a returning user lands, with nothing to retype; the
    key mail's continue link lands here too, in whatever browser the mail app opens."""
    resumed = await password_pages.resume(request, REGISTER)
    if isinstance(resumed, Response):
        return resumed
    if resumed is not None:
        context = {"form": Form(), "problem": resumed, "email": None}
        return _page(request, STEP_PASSWORD, context)
    wizard = await password_pages.wizard(request)
    if wizard is None or wizard["step"] < STEP_PASSWORD:
        step = wizard["step"] if wizard else 1
        return RedirectResponse(STEP_URLS[step], status_code=303)
    if wizard["step"] == STEP_DONE:
        return RedirectResponse(STEP_URLS[STEP_DONE], status_code=303)
    return _page(
        request, STEP_PASSWORD, await password_pages.password_context(request, wizard, Form())
    )


async def set_password(request: Request) -> Response:
    wizard = await password_pages.wizard(request)
    if wizard is None or wizard["step"] < STEP_PASSWORD:
        return _go(request, wizard["step"] if wizard else 1)
    if wizard["step"] == STEP_DONE:  # a second tap on 完了
        return _go(request, STEP_DONE)
    form = forms.password_form(
        await request.form(),
        email=wizard["email"] or "",
        birthdate=password_wizard.typed_birthdate(wizard),
    )
    if form.valid:
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
            )
        except KeyProblem as problem:
            if not problem.restart:
                form.add("auth_key", problem.message)
            context = await password_pages.password_context(request, wizard, form, problem)
            return _page(request, STEP_PASSWORD, context, status_code=422)
        return _go(request, STEP_DONE)
    return _page(
        request,
        STEP_PASSWORD,
        await password_pages.password_context(request, wizard, form),
        status_code=422,
    )


async def done(request: Request) -> Response:
    """ステップ4 パスワード登録完了."""
    wizard = await password_pages.wizard(request)
    if wizard is None or wizard["step"] != STEP_DONE:
        return RedirectResponse(STEP_URLS[wizard["step"] if wizard else 1], status_code=303)
    return _page(request, STEP_DONE, {})


routes = [
    Route("/register", terms, methods=["GET"]),
    Route("/register", agree, methods=["POST"]),
    Route("/register/email", email, methods=["GET"]),
    Route("/register/email", request_key, methods=["POST"]),
    Route("/register/cancel", cancel, methods=["POST"]),
    Route("/register/restart", restart, methods=["POST"]),
    Route("/register/password", password, methods=["GET"]),
    Route("/register/password", set_password, methods=["POST"]),
    Route("/register/done", done, methods=["GET"]),
]
