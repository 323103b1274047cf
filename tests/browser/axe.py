"""axe-core on every page a browser test visits (WCAG 2.x A and AA).

axe.min.js comes from npm (package.json at the repository root; `npm ci` installs it).
It is handed to the page through Playwright's evaluate, which the page's CSP does not
govern, so the app's real CSP stays on during the tests.

Every page is audited in a twin: a JavaScript-enabled page of the same viewport on the
same app, into which the page's document as it stands (after htmx's swaps, with what the
page's scripts changed in it) is written, its scripts left out so nothing runs twice; same
CSS from the same server, so it looks exactly as the page does. A context with JavaScript
disabled lets `page.evaluate` run but never fires a timer, and axe waits on timers, so
without JavaScript there is no other way; with it, the twin keeps axe-core loaded from one
audit to the next, where the page itself would compile its 550 kB again after every
navigation (most of an audit's time).
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


class Axe:
    """`axe(page)` audits the page as it is now; `watch(page)` records what a page visits,
    so that `assert_every_page_audited()` can tell whether a visited URL went unchecked."""

    def __init__(self, twin_context: BrowserContext) -> None:
        self.twin_context = twin_context
        self.source = axe_source()
        self._twin: Page | None = None
        self.visited: list[str] = []
        self.audited: list[str] = []

    def watch(self, page: Page) -> None:
        def navigated(frame) -> None:
            if frame == page.main_frame and frame.url.startswith("http"):
                self.visited.append(path_of(frame.url))

        page.on("framenavigated", navigated)

    def __call__(self, page: Page) -> None:
        page.wait_for_load_state("load")
        violations = self._run_in_twin(page.url, page.content())
        self.audited.append(path_of(page.url))
        assert not violations, (
            f"axe-core: {len(violations)} WCAG violation(s) on {path_of(page.url)}:\n"
            + describe(violations)
        )

    def _run(self, page: Page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        return page.evaluate(RUN, WCAG_TAGS)

    def _run_in_twin(self, url: str, html: str) -> list[dict]:
        """The page's HTML written into the twin's document (Playwright's set_content:
        document.write, no navigation), so axe-core stays loaded between audits: a
        navigation per audit made the twin parse and compile axe-core afresh each time,
        most of a walk's audit time."""
        if self._twin is None:
            self._twin = self.twin_context.new_page()
            # Any page of the app's origin: what is audited is written over it.
            parts = urlsplit(url)
            self._twin.goto(f"{parts.scheme}://{parts.netloc}/offline")
        # The twin's address follows the page's, so relative links resolve alike.
        self._twin.evaluate("(url) => history.replaceState(null, '', url)", url)
        self._twin.set_content(_SCRIPTS.sub("", html), wait_until="load")
        return self._run(self._twin)

    def assert_every_page_audited(self) -> None:
        missed = sorted(set(self.visited) - set(self.audited))
        assert not missed, f"pages visited but never audited with axe-core: {missed}"
