"""Templates, and render(): the full page, or for htmx the fragment the page includes."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from webapp import form_markup, fragment_cache, htmx, page_cache, site_nav
from webapp.clock import to_jst
from webapp.config import HTMX_CDN_URL, HTMX_SRI, PROJECT_ROOT
from webapp.static_assets import static_url

TEMPLATES_DIR = Path(PROJECT_ROOT) / "templates"


# Each door's name in the <title> (base.html and the fragments' own titles).
SITE_TITLES = {
    "seeker": "ハローワーク求職者マイページ",
    "staff": "ハローワーク 職員用",
    "employer": "ハローワーク求人者マイページ",
}


def _door(request: Request) -> str:
    """Whose pages these are: "staff", "employer" or "seeker" (the header's name and menu,
    the footer's links). Who is signed in decides; signed out, the path does (the staff
    and employer login pages wear their own door's header)."""
    member = getattr(request.state, "member", None)
    if member:
        return "staff" if member.get("role") == "staff" else "employer"
    if getattr(request.state, "user", None):
        return "seeker"
    path = request.url.path
    for door in ("staff", "employer"):
        if path == f"/{door}" or path.startswith(f"/{door}/"):
            return door
    return "seeker"


def _common(request: Request) -> dict:
    settings = request.app.state.settings
    door = _door(request)
    # csrf_token is not here but in render(): a public page must be able to leave it out.
    return {
        "user": getattr(request.state, "user", None),
        "member": getattr(request.state, "member", None),
        "door": door,
        "site_title": SITE_TITLES[door],
        "header_counts": getattr(request.state, "header_counts", None),
        "htmx_cdn_url": HTMX_CDN_URL if settings.htmx_cdn else None,
        "htmx_sri": HTMX_SRI,
        "mail_catcher": settings.mail_catcher,
        "mail_from_address": _address(settings.mail_from),
    }


@lru_cache(maxsize=8)
def _address(header: str) -> str:
    """The address of the settings' From header: parsed once (a tenth of a short page's
    time when it was parsed on every request)."""
    return parseaddr(header)[1]


@lru_cache(maxsize=4096)
def _jst(moment, fmt: str = "%Y年%m月%d日 %H:%M") -> str:
    """A moment as Japan's clock shows it. Kept: a thread's or a list's times are shown
    again on every view, and each conversion and strftime cost more than the lookup."""
    return to_jst(moment).strftime(fmt) if moment else ""


def _sender(header: str) -> dict[str, str]:
    """A From header as {name, address}: the mailbox shows the name whole on its own line
    (「ハローワークインターネットサービス」 broken mid-word by break-all, issue 12)."""
    name, address = parseaddr(header or "")
    if not address:
        return {"name": "", "address": header or ""}
    return {"name": name, "address": f"<{address}>" if name else address}


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's, made cheaper where every page paid for it, with the same results."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """No globals of a template's own: every template reads the environment's dict
        itself, where Jinja puts a ChainMap over it that each include and import iterated
        (a twentieth of the search page). Changes to env.globals still show everywhere."""
        return self.globals if not d else super().make_globals(d)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`row.name` on a dict: its item at once. Jinja tries the attribute first, and a
        dict has none but its methods, so every such lookup raised and caught an
        AttributeError (a tenth of a message thread's time). Same answer as Jinja's."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


templates = Jinja2Templates(
    env=_Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(),
        # Every template kept in a plain dict (cache_size -1): they are a fixed few
        # hundred, and Jinja's LRU cache moved each one found to its end by a linear
        # search, on every include and import of every page.
        cache_size=-1,
        trim_blocks=True,
        lstrip_blocks=True,
        # No stat() of every template and include on each render; the server does not
        # reload code either, so a changed template shows after a restart, like a module.
        auto_reload=False,
    ),
    context_processors=[_common],
)
templates.env.filters["jst"] = _jst
templates.env.filters["sender"] = _sender

# Where employers saw a job-seeker's name, once the account has closed (see
# seekers.service.name_for_employers).
CLOSED_SEEKER_NAME = "退会済みの求職者"


def _san(name: str) -> str:
    """A job-seeker's name as an employer reads it: 「山田太郎 さん」, or the closed
    account's label as it is."""
    return name if name == CLOSED_SEEKER_NAME else f"{name} さん"


templates.env.filters["san"] = _san
templates.env.globals["static_url"] = static_url
templates.env.globals["form_attributes"] = form_markup.attributes
templates.env.globals["form_aria"] = form_markup.aria
templates.env.globals["select_options"] = form_markup.select_options
templates.env.add_extension(fragment_cache.FragmentCache)
templates.env.globals["frozen"] = fragment_cache.frozen
templates.env.globals["site_nav"] = site_nav.nav
# The headers that decide between the full page and a fragment (htmx.wants_fragment).
VARY = "HX-Request, HX-Boosted, HX-History-Restore-Request"


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


_SUMMARY_LIST = re.compile(r'(<ul class="error-summary__list">)(.*?)(</ul>)', re.S)
_SUMMARY_ITEM = re.compile(r"<li>.*?</li>", re.S)
_SUMMARY_LINK = re.compile(r'<a href="#([^"]+)">')


def in_page_order(html: str) -> str:
    """Each error summary's items in the order of the page: by where the element each one
    links to stands (a message without a link, about the whole form, first; a link to
    nothing on the page, last). A parser may check its fields in any order; the summary
    still reads top to bottom as the form does. Only moves items the summary macro wrote
    (includes/forms.html), so the byte length stays the same."""
    if "error-summary__list" not in html:
        return html

    def position(item: str) -> int:
        link = _SUMMARY_LINK.search(item)
        if link is None:
            return -1
        found = re.search(f' id="{re.escape(link.group(1))}"', html)
        return found.start() if found else len(html)

    def ordered(match: re.Match) -> str:
        body = match.group(2)
        spans = [item.span() for item in _SUMMARY_ITEM.finditer(body)]
        items = sorted((body[start:end] for start, end in spans), key=position)
        parts, last = [], 0
        for (start, end), item in zip(spans, items, strict=True):
            parts += [body[last:start], item]
            last = end
        return match.group(1) + "".join(parts) + body[last:] + match.group(3)

    return _SUMMARY_LIST.sub(ordered, html)


def _anonymous(request: Request) -> bool:
    """No session cookie (valid or not) and nobody signed in: what the page cache serves."""
    state = request.state
    return not any(getattr(state, name, None) for name in ("session_token", "user", "member"))


def render(
    request: Request,
    page: str,
    context: dict | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict | None = None,
    public: bool = False,
) -> HTMLResponse:
    """Render `page`, or `fragment` (a file the page includes) for an htmx swap.

    `public`: for a signed-out visitor the page is the same for everyone who asks for the
    URL (no CSRF token, nothing restored), so the page cache may keep it."""
    public = public and _anonymous(request)
    shown = fragment if fragment and htmx.wants_fragment(request) else None
    context = (context or {}) if public else _with_restored_input(request, context or {})
    csrf_token = "" if public else getattr(request.state, "csrf_token", "")
    response = templates.TemplateResponse(
        request,
        shown or page,
        {**context, "as_fragment": shown is not None, "csrf_token": csrf_token},
        status_code=status_code,
        headers=headers,
    )
    if b"error-summary__list" in response.body:
        response.body = in_page_order(bytes(response.body).decode()).encode()
    if status_code >= 400 and shown is None and htmx.is_htmx(request):
        response.headers.update(htmx.ERROR_PAGE_SWAP)
    if public:  # kept by caches: Vary names every header that picks page or fragment
        response.headers.setdefault("Vary", VARY)
        return page_cache.mark_public(response)
    response.headers.setdefault("Vary", "HX-Request")
    # Pages carry personal data or a CSRF token: never kept by the browser or a proxy.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
