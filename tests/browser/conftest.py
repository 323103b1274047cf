"""Browser fixtures: the real app served by uvicorn on a free loopback port, Debian's
Chromium driven by Playwright at a phone's viewport, with JavaScript on and off, and
axe-core ready for every page (see axe.py).

The app runs with SMTP_HOST unset, so it starts its built-in mail catcher and the
/mailbox page: the stand-in for the phone's mail app."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests import factories
from tests.browser.axe import Axe, Twin
from tests.conftest import free_port, fresh_database, settings_for
from tests.helpers import run_db
from webapp import create_app
from webapp.__main__ import server_config
from webapp.clock import Clock
from webapp.seekers import service as seekers

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a Playwright download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # The htmx CDN is unreachable, as in this sandbox and on a flaky mobile connection:
    # refused at once (a closed loopback port), so the vendored fallback loads. Done here,
    # not with context.route, because a route makes every request of the page wait for
    # this Python process to let it through.
    "--host-resolver-rules=MAP unpkg.com 127.0.0.1:9",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "ja-JP",
    "timezone_id": "Asia/Tokyo",
}
TABLET = {**PHONE, "viewport": {"width": 820, "height": 1180}}
# Issue 12's sizes: the staff's tablet upright and on its side, the employer's desk.
STAFF_TABLET_PORTRAIT = {**PHONE, "viewport": {"width": 1024, "height": 1366}}
STAFF_TABLET_LANDSCAPE = {**PHONE, "viewport": {"width": 1366, "height": 1024}}
DESK = {**PHONE, "viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
SEEKER = dict(factories.DEFAULTS)  # 山田太郎, taro@example.com
CDN_PREFIX = "https://unpkg.com/"
# Waits: the same patience for what a walk expects to see as for its actions (each
# context's default below). A check that passes passes as soon as it can; the longer
# wait only spares a loaded machine (two walks and PostgreSQL on two cores) a failure.
PATIENCE_MS = 10_000
expect.set_options(timeout=PATIENCE_MS)


@dataclass(frozen=True)
class LiveApp:
    url: str
    seeker_number: str
    seeker: dict


async def _register_seeker(conn) -> str:
    """What staff do at the counter before the job-seeker opens My Page (求職申込み)."""
    now = Clock().now()
    new = seekers.validate_new_seeker(today=now.date(), **SEEKER)
    return await seekers.register(conn, new, office_code=None, now=now)


@contextlib.contextmanager
def served(database_url: str):
    """The app on a real socket of a free loopback port, in a thread of its own; its
    settings while it runs."""
    port = free_port()
    settings = settings_for(
        database_url,
        base_url=f"http://127.0.0.1:{port}",
        smtp_host="",  # the built-in catcher and /mailbox
    )
    config = server_config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("the app did not start under uvicorn (see the log above)")
        time.sleep(0.02)
    yield settings
    server.should_exit = True
    thread.join(15)
    assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture
def live_app(database_url):
    """The app on a real socket, in a thread of its own, with a counter-registered seeker."""
    number = run_db(database_url, _register_seeker)
    with served(database_url) as settings:
        yield LiveApp(settings.base_url, number, SEEKER)


# Headless Chromium is the whole browser without a screen: each window (one per context)
# preloads the address bar's suggestion popup, a WebUI page in a renderer of its own that
# follows every navigation. No test types in an address bar; without it the walks used
# about a fifth less CPU (816 against 996 CPU-seconds for the 65).
UNUSED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium with UNUSED_FEATURES off as well as those Playwright turns off.

    Chromium heeds only the last --disable-features, and Playwright gives its own (no
    calls to Google, no paint holding …), which one of ours would replace: so a first
    launch shows on chrome://version what Playwright passed, and the second adds ours."""
    probe = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        features = disabled_features(probe) + UNUSED_FEATURES
    finally:
        probe.close()
    args = [*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def disabled_features(browser: Browser) -> list[str]:
    """The features `browser` was started without, as chrome://version shows its command
    line: the last --disable-features, the one Chromium heeds."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("chrome://version")
        given = re.findall(r"--disable-features=(\S+)", page.locator("#command_line").inner_text())
    finally:
        context.close()
    return given[-1].split(",") if given else []


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, launched once per worker. Missing is a failure, not a skip: CI
    installs it (.ci/run).

    Between its sync calls Playwright marks its own event loop as running in the main
    thread, so while it is up no `asyncio.run` may start there: the fixtures do their
    database work in a thread (tests.helpers.off_main_thread), and the tests that do not
    drive a browser run with the mark cleared (tests.conftest.outside_playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        browser = launch(playwright)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def browser(chromium, live_app):
    """The worker's Chromium, for a test whose app is up; each test opens contexts of its
    own (cookies, storage), closed at its end."""
    return chromium


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request) -> bool:
    return request.param


@dataclass
class Phone:
    """One phone's browser: its context (cookies shared by its tabs) and what it saw."""

    context: BrowserContext
    cdn_requests: list[str]
    page_errors: list[str]
    console_errors: list[str]

    def new_tab(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", self._console)
        return page

    def record_cdn(self, request) -> None:
        if request.url.startswith(CDN_PREFIX):
            self.cdn_requests.append(request.url)

    def _console(self, message) -> None:
        # Network failures are logged too: the refused CDN and each 422 of a form with
        # errors; those are expected, and the flow checks what the user sees. Anything
        # else (a CSP violation, an htmx error, an exception) is not.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)


def _context(browser: Browser, base_url: str, size: dict, javascript: bool) -> BrowserContext:
    """A context of `size` (one of the option sets above) on the app at `base_url`."""
    context = browser.new_context(
        **size,
        base_url=base_url,
        java_script_enabled=javascript,
        # The service worker would answer requests before context.route sees them; the
        # flows under test are online and do not depend on it.
        service_workers="block",
    )
    context.set_default_timeout(PATIENCE_MS)
    return context


@contextlib.contextmanager
def sized_device(browser: Browser, base_url: str, javascript: bool, size: dict):
    """A browser of `size` while the block runs, its context closed after; the htmx CDN's
    requests recorded (the CDN is unreachable, as in this sandbox and on a flaky mobile
    connection: CHROMIUM_ARGS refuse it at once, so the vendored fallback loads)."""
    context = _context(browser, base_url, size, javascript)
    device = Phone(context, [], [], [])
    context.on("request", device.record_cdn)
    try:
        yield device
    finally:
        context.close()


@pytest.fixture
def phone(browser, live_app, javascript):
    """A phone's browser on the live app."""
    with sized_device(browser, live_app.url, javascript, PHONE) as device:
        yield device


@pytest.fixture
def mail_app_browser(browser, live_app, javascript):
    """A second browser on the same phone, sharing no cookie with `phone`: the one a mail
    app opens a link in (its in-app browser, or Safari when the wizard began in Chrome)."""
    with sized_device(browser, live_app.url, javascript, PHONE) as device:
        yield device


@pytest.fixture
def tablet(browser, live_app, javascript):
    """The counter's tablet on the live app, JavaScript as the test's parameter."""
    with sized_device(browser, live_app.url, javascript, TABLET) as device:
        yield device


@pytest.fixture
def staff_tablet(browser, live_app, javascript):
    """A second tablet, the Hello Work counter's, made as `tablet` is."""
    with sized_device(browser, live_app.url, javascript, TABLET) as device:
        yield device


@pytest.fixture
def desk(browser, twins, live_app, javascript):
    """An employer's desk (1280×800) on the live app, and axe-core in a twin of its size."""
    with sized_device(browser, live_app.url, javascript, DESK) as device:
        yield device, twins.axe(DESK)


@pytest.fixture(scope="session")
def twins(chromium, migrated_template, tmp_path_factory):
    """The worker's audit twins (see axe.py): one per size, on an app of their own served
    for the whole session, so a walk does not pay for a new context, a first page and
    axe-core's compilation (about 2.4 CPU-seconds each time)."""
    directory = tmp_path_factory.mktemp("twins")
    with fresh_database(migrated_template, directory) as url, served(url) as settings:
        registry = Twins(chromium, settings.base_url)
        yield registry
        registry.close()


class Twins:
    """One twin per set of size options, made on first use."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.made: dict[str, Twin] = {}

    def axe(self, size: dict) -> Axe:
        """A new audit log on the twin of `size` (PHONE, TABLET, DESK …)."""
        key = json.dumps(size, sort_keys=True)
        if key not in self.made:
            self.made[key] = Twin(_context(self.browser, self.base_url, size, javascript=True))
        return Axe(self.made[key])

    def close(self) -> None:
        for twin in self.made.values():
            twin.context.close()


@pytest.fixture
def axe(twins):
    """axe-core for each page, audited in a JavaScript twin of the phone (see axe.py)."""
    return twins.axe(PHONE)


@pytest.fixture
def tablet_axe(twins):
    """axe-core for a tablet's pages, in a twin of the tablet's size."""
    return twins.axe(TABLET)
