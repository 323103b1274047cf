"""Signing in from an address that is being slowed (issue 13), on a phone with JavaScript
on and off: the page says why and until when (htmx swaps the 429 in), keeps what was
typed, and axe-core finds nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import (
    expect_same_document,
    give_password,
    heading,
    mark_document,
    prepare,
)
from tests.conftest import TEST_SECRET
from webapp.security.rate_limit import SPRAYING

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"


async def sprayed(conn, now) -> None:
    """Someone on the same network (127.0.0.1: the phone's address here) has just tried
    one password against many accounts."""
    for number in range(SPRAYING.threshold):
        await SPRAYING.hit(conn, TEST_SECRET, "127.0.0.1", f"guess{number}@example.com", now)


def test_a_slowed_address_is_told_until_when(live_app, database_url, phone, axe, javascript):
    prepare(database_url, lambda conn, now: give_password(conn, PASSWORD, now))
    prepare(database_url, sprayed)
    email = live_app.seeker["email"]
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/login")
    expect(heading(page, re.compile("ログイン"))).to_be_visible()
    if javascript:
        mark_document(page)

    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("しばらくお待ちください")
    expect(summary).to_contain_text("多くのIDでログインの失敗が続いたため")
    expect(summary).to_contain_text(re.compile(r"\d\d時\d\d分以降に、もう一度お試しください"))
    expect(page.locator("#email")).to_have_value(email)
    expect(page).to_have_url(re.compile(r"/login$"))
    if javascript:
        expect_same_document(page)
    axe(page)
    assert phone.page_errors == [] and phone.console_errors == []
