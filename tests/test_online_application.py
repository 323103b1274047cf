"""オンライン自主応募's one rule (webapp/postings/online.py): a posting takes it when its
求人票 says so and its 事業所 has a 求人者マイページ (an active employer user). The search
filter, the tag on a result and on the posting, the line 「オンライン自主応募: 受け付けています」,
the 応募 button and the apply page agree on every combination. The postings are written
once and only read."""

from __future__ import annotations

import itertools
import re

import pytest

from tests import factories
from tests.helpers import SEEKER, signed_in
from webapp.schema import members

ACCOUNTS = ("active", "inactive", "none")  # the 事業所's 求人者マイページ
COMBINATIONS = list(itertools.product((True, False), ACCOUNTS))
TAG = '<li class="tag tag--online">オンライン自主応募可</li>'
TAKES = "<dt>オンライン自主応募</dt><dd>受け付けています</dd>"
REFUSES = "<dt>オンライン自主応募</dt><dd>受け付けていません（ハローワークの紹介が必要です）</dd>"
APPLY = "この求人にオンラインで応募する</a>"
REFERRAL_ONLY = "この求人は、ハローワークの紹介による応募のみ受け付けています。"


def takes_online(flag: bool, account: str) -> bool:
    return flag and account == "active"


@pytest.fixture(scope="module")
def world(module_client):
    """A posting for each combination of the flag and the 事業所's account: one whose user
    is active, one whose only user was deactivated, none at all; and Taro signed in."""
    client = module_client
    factories.seeker(client, password=SEEKER.password)
    active = factories.employer_id(client, factories.employer(client))
    inactive = factories.employer_id(
        client, factories.employer(client, email="gone@example.com", name="株式会社やめた商事")
    )
    factories.update(client, members, members.c.email == "gone@example.com", active=False)
    employer_ids = {"active": active, "inactive": inactive, "none": None}
    postings = {
        (flag, account): factories.posting(
            client,
            online_application=flag,
            employer_id=employer_ids[account],
            job_title=f"検品スタッフ（{'可' if flag else '不可'}・{account}）",
        )
        for flag, account in COMBINATIONS
    }
    taro = signed_in(client, SEEKER)
    with factories.unchanged(client):
        yield postings, taro


def cards(page: str) -> dict[str, str]:
    """Each result card's HTML by its 求人番号."""
    found = {}
    for card in page.split('<li class="result-card"')[1:]:
        number = re.search(r'href="/jobs/([\d-]+)"', card).group(1)
        found[number] = card
    return found


def test_the_filter_finds_exactly_the_postings_that_take_it(shared_client, world):
    postings, _ = world
    page = shared_client.get("/jobs/search", params={"online": "1"}).text
    expected = {p["job_number"] for key, p in postings.items() if takes_online(*key)}
    assert set(cards(page)) == expected
    assert 'class="results__count">1件<' in page


@pytest.mark.parametrize(("flag", "account"), COMBINATIONS)
def test_the_tag_the_line_and_the_button_agree(shared_client, world, flag, account):
    postings, taro = world
    posting = postings[(flag, account)]
    takes = takes_online(flag, account)

    result = cards(shared_client.get("/jobs/search").text)[posting["job_number"]]
    signed_out = shared_client.get(f"/jobs/{posting['job_number']}").text
    signed_in_page = taro.get(f"/jobs/{posting['job_number']}").text
    apply_page = taro.get(f"/jobs/{posting['id']}/apply")

    assert (TAG in result) is takes
    for page in (signed_out, signed_in_page):
        assert (TAG in page) is takes
        assert (TAKES in page) is takes and (REFUSES in page) is not takes
        assert (REFERRAL_ONLY in page) is not takes
    assert ("ログインしてオンラインで応募する</a>" in signed_out) is takes
    assert (APPLY in signed_in_page) is takes
    assert apply_page.status_code == (200 if takes else 403)


def _page(client, url: str, **params) -> str:
    """The page as a new visitor gets it: the page and result caches (30 s) emptied."""
    for cache in ("page_cache", "search_cache"):
        if hasattr(client.app.state, cache):
            delattr(client.app.state, cache)
    return client.get(url, params=params).text


def test_the_rule_follows_the_employer_account_as_it_changes(client):
    """A 事業所 whose last user is deactivated stops taking applications, and takes them
    again when a user is active; the posting's flag never changes meanwhile."""
    company = factories.employer_id(client, factories.employer(client))
    posting = factories.posting(client, online_application=True, employer_id=company)
    url = f"/jobs/{posting['job_number']}"
    assert TAKES in _page(client, url)
    assert 'class="results__count">1件<' in _page(client, "/jobs/search", online="1")

    factories.update(client, members, members.c.employer_id == company, active=False)
    assert REFUSES in _page(client, url)
    assert 'class="results__count">0件<' in _page(client, "/jobs/search", online="1")

    factories.update(client, members, members.c.employer_id == company, active=True)
    assert TAKES in _page(client, url)
