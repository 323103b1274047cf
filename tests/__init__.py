"""The test suite. Its shared modules (helpers, factories, the worlds and steps tests
start from) are not test modules, so pytest would not rewrite their asserts: registered
here, before any of them is imported, a failing assert in one shows its values too."""

import pytest

pytest.register_assert_rewrite(
    "tests.helpers",
    "tests.factories",
    "tests.online_forms",
    "tests.saved_searches",
    "tests.closing_world",
    "tests.browser.steps",
    "tests.browser.axe",
    "tests.browser.apply_online_steps",
    "tests.browser.search_steps",
)
