"""The walks' Chromium: what `launch` turns off stays off, and what Playwright turns off
stays off too (Chromium heeds only the last --disable-features)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, UNUSED_FEATURES, disabled_features

pytestmark = pytest.mark.browser


def test_the_address_bar_popup_is_not_loaded_and_playwrights_features_stay_off(chromium):
    disabled = disabled_features(chromium)
    assert set(UNUSED_FEATURES) <= set(disabled)
    # Playwright's own list comes first and is all there (PaintHolding, one of its
    # oldest, stands for it should the list be lost).
    assert "PaintHolding" in disabled and disabled[-len(UNUSED_FEATURES) :] == UNUSED_FEATURES
    # A window open (each context is one): a Chromium that renamed the feature would
    # preload the popup for it again, unseen but for this.
    context = chromium.new_context(**PHONE)
    try:
        context.new_page().goto("about:blank")
        targets = chromium.new_browser_cdp_session().send("Target.getTargets", {"filter": [{}]})
    finally:
        context.close()
    urls = [target["url"] for target in targets["targetInfos"]]
    assert "about:blank" in urls
    assert [url for url in urls if url.startswith("chrome://omnibox")] == []
