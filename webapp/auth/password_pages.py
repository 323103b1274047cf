"""What the pages of パスワード登録 and パスワードの再設定 share: the wizard of this browser,
whether its key is waiting to be typed, and what the key page shows."""

from __future__ import annotations

from starlette.requests import Request

from webapp import requests
from webapp.auth import password_wizard
from webapp.auth.password_wizard import REGISTER, Purpose
from webapp.db import current
from webapp.forms import Form
from webapp.security import cookies
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
