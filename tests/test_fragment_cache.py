"""{% cache %} (webapp/fragment_cache.py): a part rendered once per key, the search form
kept by what was typed, never across different conditions or with an error, and the
求人票's sections kept by the posting row's values."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests import factories
from webapp.fragment_cache import frozen
from webapp.schema import job_postings
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


def test_a_posting_page_shows_the_row_as_it_is_now_whatever_changed_it(seeker_client):
    """The 求人票's sections are kept by the posting row's every value: a change that
    touched no timestamp (here, the row written directly) shows on the next view, in the
    posting page and in the employer's preview alike."""
    posting = factories.posting(seeker_client, job_title="倉庫内作業", description="仕分け")
    page = f"/jobs/{posting['job_number']}"
    assert "仕分け" in seeker_client.get(page).text
    assert "仕分け" in seeker_client.get(page).text  # kept
    factories.update(
        seeker_client, job_postings, job_postings.c.id == posting["id"], description="検品"
    )
    again = seeker_client.get(page).text
    assert "検品" in again and "仕分け" not in again


def test_database_rows_are_frozen_by_their_values(seeker_client):
    first, second = (factories.posting(seeker_client, job_title=t) for t in ("甲", "乙"))
    rows = factories.run(
        seeker_client,
        lambda conn: conn.fetch_all(
            sa.select(job_postings)
            .where(job_postings.c.id.in_([first["id"], second["id"]]))
            .order_by(job_postings.c.id)
        ),
    )
    keys = [frozen(row) for row in rows]
    assert keys[0] != keys[1]
    assert keys[0] == frozen(rows[0]) and hash(keys[0]) == hash(frozen(rows[0]))
    assert "甲" in keys[0] and "乙" in keys[1]


def test_a_kept_part_shows_each_page_its_own_form_token():
    part = templates.env.from_string(
        '{% cache key %}<input name="csrf_token" value="{{ csrf_token }}">'
        "<p>{{ text }}</p>{% endcache %}"
    )
    key = ("test-part", "token")
    first = part.render(key=key, csrf_token="tokenA-1234567890", text="一回目")
    assert first == '<input name="csrf_token" value="tokenA-1234567890"><p>一回目</p>'
    again = part.render(key=key, csrf_token="tokenB-0987654321", text="二回目")
    assert again == '<input name="csrf_token" value="tokenB-0987654321"><p>一回目</p>'
    # A page without a token (a public one) gets none, not the placeholder.
    assert part.render(key=key, text="三回目") == '<input name="csrf_token" value=""><p>一回目</p>'
