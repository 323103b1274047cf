"""What the pages of パスワード登録, 求職申込み and パスワードの再設定 share: the wizard of
this browser, whether its key is waiting to be typed, the address step, the key mail's
continue link, and what the key page shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp import requests
from webapp.auth import forms, password_wizard
from webapp.auth.password_wizard import (
    REGISTER,
    RESUME_PARAMETER,
    STEP_EMAIL,
    STEP_PASSWORD,
    Purpose,
)
from webapp.db import current
from webapp.forms import Form
from webapp.security import cookies, throttle
from webapp.security.auth_keys import KeyProblem, key_problem


async def wizard(request: Request, purpose: Purpose = REGISTER, cookie: str | None = None):
    """This browser's wizard of this purpose (`cookie`: one just set), or None."""
    return await password_wizard.load(
        current(request.app),
        request.app.state.settings.secret_key,
        cookie or cookies.read(request, purpose.cookie),
        requests.now(request),
        purpose,
    )


async def key_pending(request: Request, purpose: Purpose = REGISTER) -> bool:
    """A key was sent and can still be used: the user belongs on the key page."""
    return await password_wizard.key_pending(
        current(request.app), await wizard(request, purpose), requests.now(request)
    )


async def key_request(
    request: Request,
    wizard,
    *,
    page: Callable[..., Response],
    go: Callable[[Request, int], Response],
    send: Callable[..., Awaitable[None]],
) -> Response:
    """ステップ2 sent (the address and birthdate): refused next to its field, or limited
    (429 with when to come back), or `send` issues the key and the wizard goes on to
    ステップ3. `page(request, step, context, status_code=, headers=)` and `go(request, step)`
    are the door's own pages; `send` is its service (password_wizard.request_key's keywords)."""
    if wizard is None or wizard["step"] < STEP_EMAIL:
        return go(request, 1)
    now = requests.now(request)
    form = forms.email_form(await request.form(), today=requests.today(request))
    if not form.valid:
        return page(request, STEP_EMAIL, {"form": form}, status_code=422)
    refusal = await throttle.key_request_refusal(
        current(request.app), request, form.values["email"], now
    )
    if refusal:
        form.refuse(refusal.message)
        return page(
            request,
            STEP_EMAIL,
            {"form": form},
            status_code=429,
            headers={"Retry-After": str(refusal.retry_after)},
        )
    settings = request.app.state.settings
    await send(
        current(request.app),
        wizard,
        email=form.values["email"],
        birthdate=form.values["birthdate"],
        typed_birth=(form.values["year"], form.values["month"], form.values["day"]),
        secret_key=settings.secret_key,
        base_url=settings.base_url,
        now=now,
    )
    return go(request, STEP_PASSWORD)


async def password_context(
    request: Request, wizard, form: Form, problem: KeyProblem | None = None
) -> dict:
    """What the key page shows (ステップ3, and the reset's new-password page)."""
    now = requests.now(request)
    key = await password_wizard.load_key(current(request.app), wizard)
    problem = problem or key_problem(key, now)
    expires_at = key["expires_at"] if key else None
    minutes_left = max(0, int((expires_at - now).total_seconds() // 60)) if expires_at else 0
    return {
        "form": form,
        "email": wizard["email"],
        "expires_at": expires_at,
        "minutes_left": minutes_left,
        "problem": problem,
    }


WIZARD_COOKIE_AGE = 2 * 60 * 60


def set_cookie(response: Response, request: Request, purpose: Purpose, cookie: str) -> None:
    cookies.set_private(response, request, purpose.cookie, cookie, max_age=WIZARD_COOKIE_AGE)


async def resume(request: Request, purpose: Purpose = REGISTER) -> Response | KeyProblem | None:
    """The key page opened from the key mail's continue link (?resume=…), in this browser
    or any other: a redirect to the key page without the token, this browser now bound to
    the wizard; or the KeyProblem saying why the link no longer works. None: no link."""
    token = request.query_params.get(RESUME_PARAMETER)
    if token is None:
        return None
    cookie, problem = await password_wizard.resume(
        current(request.app),
        request.app.state.settings.secret_key,
        token,
        await wizard(request, purpose),
        requests.now(request),
        purpose,
    )
    if problem is not None:
        return problem
    # Off the address bar and the history at once: the token is not left lying about.
    response = RedirectResponse(purpose.key_page, status_code=303)
    if cookie:
        set_cookie(response, request, purpose, cookie)
    return response
