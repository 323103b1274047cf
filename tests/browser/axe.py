"""axe-core on every page a browser test visits (WCAG 2.x A and AA).

axe.min.js comes from npm (package.json at the repository root; `npm ci` installs it).
It is handed to the page through Playwright's evaluate, which the page's CSP does not
govern, so the app's real CSP stays on during the tests.

Every page is audited in a twin: a JavaScript-enabled page of the same viewport on the
same app (its own instance, served once per test worker: same files, same CSP), into
which the page's document as it stands (after htmx's swaps, with what the page's scripts
changed in it) is written, its scripts left out so nothing runs twice; so it looks exactly
as the page does. A context with JavaScript disabled lets `page.evaluate` run but never
fires a timer, and axe waits on timers, so without JavaScript there is no other way. The
twins are kept for the worker's session, one per size: axe-core is compiled once in each,
where the page itself would compile its 550 kB again after every navigation, and a new
twin per walk cost a context, a first page and that compilation (about 2.4 CPU-seconds).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The page's scripts are left out of the twin's copy, so it looks as it does without them.
_SCRIPTS = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html,
                                summary: n.failureSummary})),
  }));
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `npm ci` at the repository root")
    return AXE_JS.read_text(encoding="utf-8")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


class Twin:
    """A JavaScript-enabled page of one size on an app of its own (see the top of this
    module), kept for the worker's whole session: axe-core is loaded into it once."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.source = axe_source()
        self._page: Page | None = None

    def audit(self, url: str, html: str) -> list[dict]:
        """axe-core's violations in `html`, the document of the page at `url`, written into
        the twin's document (Playwright's set_content: document.write, no navigation), so
        axe-core stays loaded between audits: a navigation per audit made the twin parse
        and compile axe-core afresh each time, most of a walk's audit time."""
        page = self._page
        if page is None:
            page = self._page = self.context.new_page()
            # Any page of the twin's own app: what is audited is written over it.
            page.goto("/offline")
        # The twin's address takes the page's path and query, so relative links resolve
        # alike (the origin stays the twin's app: same files, same CSP).
        page.evaluate("(path) => history.replaceState(null, '', path)", path_of(url))
        page.set_content(_SCRIPTS.sub("", html), wait_until="load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        return page.evaluate(RUN, WCAG_TAGS)


class Axe:
    """`axe(page)` audits the page as it is now; `watch(page)` records what a page visits,
    so that `assert_every_page_audited()` can tell whether a visited URL went unchecked."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.visited: list[str] = []
        self.audited: list[str] = []

    def watch(self, page: Page) -> None:
        def navigated(frame) -> None:
            if frame == page.main_frame and frame.url.startswith("http"):
                self.visited.append(path_of(frame.url))

        page.on("framenavigated", navigated)

    def __call__(self, page: Page) -> None:
        page.wait_for_load_state("load")
        violations = self.twin.audit(page.url, page.content())
        self.audited.append(path_of(page.url))
        assert not violations, (
            f"axe-core: {len(violations)} WCAG violation(s) on {path_of(page.url)}:\n"
            + describe(violations)
        )

    def assert_every_page_audited(self) -> None:
        missed = sorted(set(self.visited) - set(self.audited))
        assert not missed, f"pages visited but never audited with axe-core: {missed}"
