"""Helpers that act as a browser would (read the CSRF token off the page, then post; sign
in at a door with the code from the mail), and that run work outside an app."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import os
import re
import subprocess
import sys
from typing import NamedTuple

from tests import factories
from tests.factories import MEMBER_PASSWORD, SEEKER_PASSWORD
from webapp.auth import service as auth_service
from webapp.auth.roles import EMPLOYER as EMPLOYER_ROLE
from webapp.auth.roles import SEEKER as SEEKER_ROLE
from webapp.auth.roles import STAFF as STAFF_ROLE
from webapp.auth.roles import Account as Account_
from webapp.security.csrf import cookie_name

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY_IN_MAIL = re.compile(r"認証キー:\n([A-Z0-9]+)\n")
CODE_IN_MAIL = re.compile(r"確認コード:\n(\d{6})\n")


def csrf_token(client, page: str = "/") -> str:
    response = client.get(page)
    match = CSRF.search(response.text)
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1)


def submit(
    client,
    url: str,
    data: dict | None = None,
    *,
    page: str | None = None,
    htmx: bool = False,
    **kwargs,
):
    """POST `data` to `url` with the token from `page` (default: the same URL)."""
    token = csrf_token(client, page or url)
    headers = kwargs.pop("headers", {})
    if htmx:
        headers = {"HX-Request": "true", **headers}
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=headers, **kwargs)


REVISION = re.compile(r'name="revision" value="(\d+)"')


def check_revision(page) -> str:
    """The draft revision a check page's final button carries."""
    match = REVISION.search(page.text)
    assert match, f"no check page ({page.status_code})"
    return match.group(1)


def apply_online(client, posting_id: int, data: dict, *, files=None, htmx: bool = False, **kwargs):
    """オンライン自主応募 as a person makes it: the form's 「確認する」, the check page, then
    「応募する」; the answer of the last step."""
    url = f"/jobs/{posting_id}/apply"
    checked = submit(client, url, data, files=files, follow_redirects=False)
    assert checked.status_code == 303, f"the form was refused ({checked.status_code})"
    assert checked.headers["location"] == url + "/check"
    revision = check_revision(client.get(url + "/check"))
    return submit(
        client, url + "/send", {"revision": revision}, page=url + "/check", htmx=htmx, **kwargs
    )


def ask_referral(client, posting_id: int, message: str = "", *, htmx: bool = False, **kwargs):
    """紹介を希望 as a person asks: the box's 「確認する」, the check page, 「紹介を希望する」;
    the answer of the last step (of the first, when it did not lead to the check page)."""
    url = f"/jobs/{posting_id}/referral-request"
    checked = submit(client, url, {"message": message}, page="/mypage", follow_redirects=False)
    if checked.status_code != 303 or checked.headers["location"] != url + "/check":
        return checked
    revision = check_revision(client.get(url + "/check"))
    return submit(
        client, url + "/send", {"revision": revision}, page=url + "/check", htmx=htmx, **kwargs
    )


def auth_key(mail) -> str:
    match = KEY_IN_MAIL.search(mail.get_body(preferencelist=("plain",)).get_content())
    assert match, "no 認証キー in the mail"
    return match.group(1)


def errors_of(response) -> list[str]:
    """The texts of the field errors on a page, in order."""
    return re.findall(
        r'<div class="field-error" id="[^"]+">\s*((?:<p>.*?</p>\s*)+)</div>', response.text, re.S
    )


def another_session(client, session_cookie: str):
    """A browser that presents `session_cookie` (for example one that was rotated away)."""
    other = another_browser(client)
    other.cookies.set("session", session_cookie)
    return other


def another_browser(client, address: str | None = None, app=None):
    """A second browser (its own cookies) on the same running app and event loop; from
    the client address `address` (default: the test client's, which every browser of a
    test shares, like people on one Wi-Fi). `app`: the running app wrapped (in a proxy's
    middleware, say)."""
    where = {"client": (address, 50000)} if address else {}
    other = client.__class__(app or client.app, base_url=str(client.base_url), **where)
    other.portal = client.portal  # share the lifespan the first client started
    other.smtp = getattr(client, "smtp", None)
    return other


def login_code(client, email: str, count: int) -> str:
    """The code in the first code mail to `email` from the `count`-th mail on (other mails,
    such as a notice still on its way, may arrive in between)."""
    while True:
        mails = client.smtp.wait_for(email, count)
        for mail in mails[count - 1 :]:
            body = mail.get_body(preferencelist=("plain",)).get_content()
            match = CODE_IN_MAIL.search(body)
            if match:
                return match.group(1)
        count = len(mails) + 1


def login(
    client,
    email: str,
    password: str,
    *,
    next: str | None = None,
    remember: bool = False,
    door: str = "/login",
    **kwargs,
):
    """Sign in as a person would: password, then the code from the mail. A refused
    password comes back as it is (422, 429). `door`: /login, /staff/login, /employer/login."""
    before = len(client.smtp.to(email)) if getattr(client, "smtp", None) else 0
    data = {"email": email, "password": password, **({"next": next} if next else {})}
    page = f"{door}?next={next}" if next else door
    response = submit(client, door, data, page=page, **kwargs)
    if response.status_code != 200 or response.url.path != f"{door}/code":
        return response
    code = login_code(client, email, before + 1)
    form = {"code": code, **({"remember": "yes"} if remember else {})}
    form["next"] = re.search(r'name="next" value="([^"]*)"', response.text).group(1)
    return submit(client, f"{door}/code", form, page=str(response.url), **kwargs)


class Account(NamedTuple):
    """Who signs in, and at which door."""

    door: str
    email: str
    password: str


# The people of factories.applications_world and of factories.staff / employer's defaults.
SEEKER = Account("/login", "taro@example.com", SEEKER_PASSWORD)
OTHER_SEEKER = Account("/login", "hanako@example.com", SEEKER_PASSWORD)
STAFF = Account("/staff/login", "staff@example.com", MEMBER_PASSWORD)
EMPLOYER = Account("/employer/login", "hr@example.com", MEMBER_PASSWORD)
OTHER_EMPLOYER = Account("/employer/login", "other@example.com", MEMBER_PASSWORD)
# Staff of another office (ハローワーク飯田橋, 13010, which a test adds first).
IIDABASHI_STAFF = Account("/staff/login", "iidabashi@example.com", MEMBER_PASSWORD)
HOME = {"/login": "/mypage", "/staff/login": "/staff", "/employer/login": "/employer"}
ROLES = {"/login": SEEKER_ROLE, "/staff/login": STAFF_ROLE, "/employer/login": EMPLOYER_ROLE}


def signed_in(client, who: Account, *, first: bool = False):
    """A browser signed in as `who`, on their home page: the test's own client when
    `first`, otherwise a second browser on the same app.

    The session is started as the login route starts it once the code is right (the same
    service, the same cookie), without the password and mailed-code round trips: the
    tests of signing in itself (test_auth, test_roles, …) go through `login`."""
    browser = client if first else another_browser(client)
    role = ROLES[who.door]

    async def start(conn):
        row = await auth_service.find_account(conn, role, who.email)
        assert row is not None, f"no {role} account {who.email}"
        return await auth_service.start_session(
            conn,
            client.app.state.settings.secret_key,
            account=Account_(role, row["id"]),
            previous_token=None,
            user_agent="testclient",
            ip_address="testclient",
            now=client.app.state.clock.now(),
        )

    token = factories.run(browser, start)
    browser.cookies.set(cookie_name(client.app.state.settings.https, "session"), token)
    response = browser.get(HOME[who.door])
    assert response.status_code == 200, response.text
    assert response.url.path == HOME[who.door], (who, response.url)
    return browser


def browsers_for(client, accounts: dict) -> dict:
    """A browser of its own on `client`'s app for each key: signed in as its Account, or
    signed in as nobody for None."""
    return {
        key: signed_in(client, who) if who else another_browser(client)
        for key, who in accounts.items()
    }


def off_main_thread(work, *args):
    """`work(*args)` in a thread of its own; with a coroutine function, `asyncio.run` of it.

    Fixtures and helpers do their database work here, never in the main thread: between
    Playwright's sync calls the main thread's event loop is marked as running (see
    tests/browser/conftest.py), where `asyncio.run` refuses to start."""
    if asyncio.iscoroutinefunction(work):
        coroutine_function = work
        work = lambda *a: asyncio.run(coroutine_function(*a))  # noqa: E731
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args).result()


def run_db(database_url: str, work):
    """Run `await work(conn)` on a connection of its own to the database (outside any app)."""
    from webapp.db import with_connection

    return off_main_thread(with_connection, database_url, work)


# A counter registration on the command line (`python -m webapp seeker add`).
SEEKER_ARGS = [
    "--name",
    "山田太郎",
    "--kana",
    "ヤマダタロウ",
    "--birthdate",
    "1990-04-01",
    "--email",
    "taro@example.com",
]


def _cli_environment(database_url: str, env: dict | None) -> dict:
    from tests.conftest import CHEAP_ARGON2_ENV

    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x" * 40,
        **CHEAP_ARGON2_ENV,
        **(env or {}),
    }


def run_cli_process(
    database_url: str, *args: str, input: str | None = None, env: dict | None = None
):
    """`python -m webapp ARGS` as an operator runs it, in a process of its own, on this
    test's database (argon2 at the tests' cost: what is checked is what the command writes
    and prints). About a second each: the tables use `run_cli`."""
    return subprocess.run(
        [sys.executable, "-m", "webapp", *args],
        env={**os.environ, **_cli_environment(database_url, env)},
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_cli(database_url: str, *args: str, input: str | None = None, env: dict | None = None):
    """The same command's `main()` in this process, with the same environment, standard
    input and exit status, what it printed captured: for the tables of input, where a new
    interpreter per row would cost a second each (test_cli runs the real process too)."""
    from webapp.__main__ import main

    environment = _cli_environment(database_url, env)
    saved = {name: os.environ.get(name) for name in environment}
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        os.environ.update(environment)
        with (
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
            _stdin(input or ""),
        ):
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's refusals
                code = exit.code
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(
        ["python", "-m", "webapp", *args], code, stdout.getvalue(), stderr.getvalue()
    )


@contextlib.contextmanager
def _stdin(text: str):
    saved, sys.stdin = sys.stdin, io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


# --- a page's forms, read as a browser reads them ----------------------------------------

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
VOID |= {"source", "track", "wbr"}
# The controls a person types into (hidden inputs, boxes, choices and buttons are not).
TYPED = frozenset({"text", "email", "tel", "search", "url", "number", "password", "file"})
TYPED |= {"date", "time", "month", "week", "datetime-local"}


class Element:
    """One element of a page: its tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict, parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.texts: list[str] = []

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def text(self) -> str:
        return "".join(self.texts) + "".join(child.text() for child in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def parse_html(page: str) -> Element:
    """The page as a tree of Elements (enough of HTML for this app's own templates)."""
    from html.parser import HTMLParser

    root = Element("#root", {}, None)

    class Builder(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.node = root

        def handle_starttag(self, tag, attrs):
            element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.node)
            self.node.children.append(element)
            if tag not in VOID:
                self.node = element

        def handle_endtag(self, tag):
            for open_node in [self.node, *self.node.ancestors()]:
                if open_node.tag == tag:
                    self.node = open_node.parent or root
                    return

        def handle_data(self, data):
            self.node.texts.append(data)

    Builder().feed(page)
    return root


class PageForm(NamedTuple):
    """A <form> as a browser would send it untouched: what it sends and where."""

    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str]]  # (name, value) of what it sends as it stands
    typed: list[tuple[str, str]]  # (name, "textarea" or the input's type) of typed controls


def forms_on(page: str, url: str) -> list[PageForm]:
    """Every form of the page, with the values it would send and its typed controls."""
    found = []
    for form in parse_html(page).iter():
        if form.tag != "form":
            continue
        fields, typed = [], []
        for control in form.iter():
            name = control.attrs.get("name")
            if not name or "disabled" in control.attrs:
                continue
            kind = control.attrs.get("type", "text").lower()
            if control.tag == "textarea":
                fields.append((name, control.text().removeprefix("\n")))
                typed.append((name, "textarea"))
            elif control.tag == "select":
                options = [o for o in control.iter() if o.tag == "option"]
                chosen = [o for o in options if "selected" in o.attrs] or options[:1]
                fields += [(name, o.attrs.get("value", o.text())) for o in chosen]
            elif control.tag == "input":
                if kind in ("checkbox", "radio"):
                    if "checked" in control.attrs:
                        fields.append((name, control.attrs.get("value", "on")))
                elif kind not in ("submit", "button", "image", "reset"):
                    if kind != "file":
                        fields.append((name, control.attrs.get("value", "")))
                    if kind in TYPED and "hidden" not in control.attrs:
                        typed.append((name, kind))
        found.append(
            PageForm(
                method=form.attrs.get("method", "get").lower(),
                action=form.attrs.get("action") or url,
                multipart=form.attrs.get("enctype") == "multipart/form-data",
                fields=fields,
                typed=typed,
            )
        )
    return found


def errors_beside(page: str, name: str) -> list[str]:
    """The error messages tied to the control named `name` (its aria-describedby, or its
    fieldset's for a box inside one): what a screen reader reads with it."""
    root = parse_html(page)
    by_id = {e.attrs["id"]: e for e in root.iter() if "id" in e.attrs}
    messages = []
    for control in root.iter():
        if control.attrs.get("name") != name or control.tag not in ("input", "textarea"):
            continue
        holders = [control, *(a for a in control.ancestors() if a.tag == "fieldset")]
        for holder in holders:
            for ref in holder.attrs.get("aria-describedby", "").split():
                if ref.endswith("-error") and ref in by_id:
                    messages += [p.text().strip() for p in by_id[ref].iter() if p.tag == "p"]
    return messages
