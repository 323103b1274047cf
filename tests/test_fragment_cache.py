"""{% cache %} (webapp/fragment_cache.py): a part rendered once per key, and the search form
kept by what was typed, never across different conditions or with an error."""

from __future__ import annotations

import re

from webapp.fragment_cache import frozen
from webapp.templating import templates

PART = "{% cache key %}<p>{{ text }}</p>{% endcache %}"


def test_one_key_renders_once_and_another_renders_its_own():
    part = templates.env.from_string(PART)
    key = ("test-part", "once")
    assert part.render(key=key, text="一回目") == "<p>一回目</p>"
    # The same key is the same markup: what the key does not hold is not looked at.
    assert part.render(key=key, text="二回目") == "<p>一回目</p>"
    assert part.render(key=("test-part", "other"), text="二回目") == "<p>二回目</p>"


def test_no_key_renders_every_time():
    part = templates.env.from_string(PART)
    assert part.render(key=None, text="<a>") == "<p>&lt;a&gt;</p>"
    assert part.render(key=None, text="b") == "<p>b</p>"


def test_frozen_values_are_keys_and_keep_their_order():
    values = {"q": "介護", "emp": ["regular", "part"], "pref": "13"}
    assert frozen(values) == (("q", "介護"), ("emp", ("regular", "part")), ("pref", "13"))
    assert frozen(values) != frozen({**values, "emp": ["part", "regular"]})
    hash(frozen(values))


def _typed(page: str, name: str) -> str | None:
    found = re.search(rf'<input type="search" id="{name}" name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else None


def test_each_search_shows_its_own_conditions_in_the_form(seeker_client):
    for keyword in ("介護", "事務", "介護"):
        page = seeker_client.get("/jobs/search", params={"q": keyword}).text
        assert _typed(page, "q") == keyword
    # The same conditions typed otherwise (full-width letters, upper case) are shown as
    # typed, not as the form of the conditions they mean, cached by another search.
    for keyword in ("jr", "ＪＲ", "JR"):
        page = seeker_client.get("/jobs/search", params={"q": keyword}).text
        assert _typed(page, "q") == keyword


def test_a_form_with_a_mistake_shows_it_and_the_next_search_does_not(seeker_client):
    wrong = seeker_client.get("/jobs/search", params={"q": "介護", "wage_min": "abc"})
    assert wrong.status_code == 422
    assert 'id="wage-error"' in wrong.text or "error-summary" in wrong.text
    again = seeker_client.get("/jobs/search", params={"q": "介護", "wage_min": "abc"})
    assert again.text.count("error-summary") == wrong.text.count("error-summary")
    right = seeker_client.get("/jobs/search", params={"q": "介護", "wage_min": "200000"})
    assert right.status_code == 200
    assert "error-summary" not in right.text
    assert 'value="200000"' in right.text
