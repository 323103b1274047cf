"""Back and Forward on a phone whose line is slow: two searches, Back to the first, and
Forward again while the page's own script is still on its way.
Each tap ends on the page of the address it leads to; before the fix, Forward at that
moment changed the address and left the first search's results on screen."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, Route, expect

from tests import factories
from tests.browser.search_steps import cards, change_conditions, submit_search
from tests.browser.steps import prepare, shoot

pytestmark = pytest.mark.browser

CARE = "介護職員（デイサービス）"
OFFICE = "一般事務（受付・電話応対）"
APP_JS = re.compile(r"/static/js/app\.[^/]*js$")


async def _two_postings(conn, now) -> None:
    await factories.add_posting(conn, now=now, job_title=CARE)
    await factories.add_posting(conn, now=now, job_title=OFFICE)


def search(page: Page, keyword: str, title: str) -> str:
    page.get_by_label("キーワード").fill(keyword)
    submit_search(page)
    expect(cards(page).filter(has_text=title)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"\?q=" + re.escape(quote(keyword))))
    return page.url


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_forward_before_the_script_has_arrived(phone, live_app, database_url):
    prepare(database_url, _two_postings)
    page = phone.new_tab()
    # A search opened as a whole page, then one htmx pushes: the two addresses share one
    # page, so Forward from the first (reloaded by Back) is left to the page's script.
    page.goto("/jobs/search?q=" + quote("介護"))
    expect(cards(page).filter(has_text=CARE)).to_have_count(1)
    first = page.url
    change_conditions(page)
    second = search(page, "事務", OFFICE)
    assert first != second

    # The line holds app.js back: the page is there, its script is not.
    held: list[Route] = []
    page.route(APP_JS, lambda route: held.append(route))
    page.go_back()
    expect(page).to_have_url(first)
    expect(cards(page).filter(has_text=CARE)).to_have_count(1)
    shoot(page, "back-forward-first-search", whole=False)
    assert held, "the page reloaded without asking for its script"
    page.go_forward(wait_until="commit")
    expect(page).to_have_url(second)

    for route in held:
        route.continue_()
    page.unroute_all()
    expect(cards(page).filter(has_text=OFFICE)).to_have_count(1)
    expect(cards(page)).to_have_count(1)
    shoot(page, "back-forward-second-search", whole=False)
    assert not phone.page_errors and not phone.console_errors
