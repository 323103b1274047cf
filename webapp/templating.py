"""Templates, and render(): the full page, or for htmx the fragment the page includes."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from webapp import htmx
from webapp.clock import to_jst
from webapp.config import HTMX_CDN_URL, HTMX_SRI, PROJECT_ROOT

TEMPLATES_DIR = Path(PROJECT_ROOT) / "templates"


def _common(request: Request) -> dict:
    settings = request.app.state.settings
    return {
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "user": getattr(request.state, "user", None),
        "member": getattr(request.state, "member", None),
        "htmx_cdn_url": HTMX_CDN_URL if settings.htmx_cdn else None,
        "htmx_sri": HTMX_SRI,
        "mail_catcher": settings.mail_catcher,
        "mail_from_address": parseaddr(settings.mail_from)[1],
    }


def _jst(moment, fmt: str = "%Y年%m月%d日 %H:%M") -> str:
    return to_jst(moment).strftime(fmt) if moment else ""


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_common])
templates.env.filters["jst"] = _jst
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def _with_restored_input(request: Request, context: dict) -> dict:
    """After a session timeout and a new sign-in, the page's form gets back what was typed
    (see webapp.auth.form_restore); fields the page already fills keep their value."""
    restored = getattr(request.state, "restored_form", None)
    form = context.get("form")
    if not restored or form is None or not hasattr(form, "values"):
        return context
    for name, values in restored.items():
        if not form.values.get(name):
            form.values[name] = values[0] if len(values) == 1 else values
    return {**context, "restored_input": True}


def render(
    request: Request,
    page: str,
    context: dict | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict | None = None,
) -> HTMLResponse:
    """Render `page`, or `fragment` (a file the page includes) for an htmx swap."""
    as_fragment = bool(fragment) and htmx.wants_fragment(request)
    context = _with_restored_input(request, context or {})
    response = templates.TemplateResponse(
        request,
        fragment if as_fragment else page,
        {**context, "as_fragment": as_fragment},
        status_code=status_code,
        headers=headers,
    )
    response.headers["Vary"] = "HX-Request"
    # Pages carry personal data or a CSRF token: never kept by the browser or a proxy.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
