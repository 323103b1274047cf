"""The walks' Chromium: what `launch` turns off stays off, and what Playwright turns off
stays off too (Chromium heeds only the last --disable-features)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, UNUSED_FEATURES

pytestmark = pytest.mark.browser


def _disabled(page) -> list[str]:
    page.goto("chrome://version")
    given = re.findall(r"--disable-features=(\S+)", page.locator("#command_line").inner_text())
    return given[-1].split(",")


def test_the_address_bar_popup_is_not_loaded_and_playwrights_features_stay_off(chromium):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        disabled = _disabled(page)
        assert set(UNUSED_FEATURES) <= set(disabled)
        # Playwright's own list comes first and is all there (PaintHolding, one of its
        # oldest, stands for it should the list be lost).
        assert "PaintHolding" in disabled and disabled[-len(UNUSED_FEATURES) :] == UNUSED_FEATURES
        targets = chromium.new_browser_cdp_session().send("Target.getTargets", {"filter": [{}]})[
            "targetInfos"
        ]
        popups = [t["url"] for t in targets if t["url"].startswith("chrome://omnibox")]
        # A Chromium that renamed the feature would preload it again, unseen but for this.
        assert popups == []
    finally:
        context.close()
