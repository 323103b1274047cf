"""Demo postings: realistic fields, the same for the same seed, loadable in bulk."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import PG_URL
from tests.helpers import SEEKER, run_cli, signed_in
from webapp.demo import bulk, load_demo
from webapp.demo import postings as demo_postings
from webapp.postings import catalog, online
from webapp.schema import job_postings, members

TODAY = dt.date(2026, 11, 23)


def test_same_seed_same_postings_other_seed_others():
    first = list(demo_postings.generate(50, seed=7, today=TODAY))
    assert first == list(demo_postings.generate(50, seed=7, today=TODAY))
    assert first != list(demo_postings.generate(50, seed=8, today=TODAY))


def test_postings_look_like_hello_work_postings():
    postings = list(demo_postings.generate(2000, seed=1, today=TODAY))
    for p in postings:
        assert re.fullmatch(r"\d{5}-\d{8}", p["job_number"])
        assert p["job_number"][:2] == p["prefecture_code"]
        assert p["municipality"] in catalog.MUNICIPALITIES[p["prefecture_code"]]
        assert p["occupation"] in catalog.OCCUPATIONS
        assert p["employment_type"] in catalog.EMPLOYMENT_TYPES
        assert p["wage_min"] <= p["wage_max"]
        if p["wage_type"] == "hourly":
            assert 900 <= p["wage_min"] <= 3000 and p["job_category"] == "part"
        else:
            assert 150_000 <= p["wage_min"] <= 600_000
        assert TODAY - dt.timedelta(days=120) <= p["received_on"] <= TODAY
        assert p["referral_deadline"] > p["received_on"]
    assert len({p["job_number"] for p in postings}) == len(postings)
    assert len({p["prefecture_code"] for p in postings}) == 47
    assert len({p["job_title"] for p in postings}) > 40
    assert sorted(p["received_on"] for p in postings) == [p["received_on"] for p in postings]


def test_postings_fill_the_whole_hojinhyo_and_vary_it():
    """Every field of migration 0014, each consistent with the rest: a+b+c is the wage,
    a fixed-term contract says its renewal, the 中分類 lies under the 大分類."""
    postings = list(demo_postings.generate(3000, seed=2, today=TODAY))
    for p in postings:
        assert catalog.OCCUPATION_OF_MINOR[p["occupation_minor"]] == p["occupation"]
        allowances = json.loads(p["allowances"])
        assert sum(item["amount"] for item in allowances) == p["allowance_total"]
        a_b_c = p["base_wage_min"] + p["allowance_total"] + (p["fixed_overtime_pay"] or 0)
        assert a_b_c == p["wage_min"] and p["base_wage_min"] > 0
        assert (p["fixed_overtime_pay"] is None) == (p["fixed_overtime_hours"] is None)
        assert p["job_change_scope"] and p["workplace_change_scope"]
        assert p["smoking_measure"] in catalog.SMOKING_MEASURES
        assert p["wage_form"] in catalog.WAGE_FORMS
        assert p["weekly_two_days"] in catalog.WEEKLY_TWO_DAYS
        assert p["nearest_station"].endswith("駅") and p["station_minutes"] > 0
        if p["employment_term"] == "fixed":
            assert p["contract_renewal"] in catalog.CONTRACT_RENEWALS
            assert p["renewal_limit"] in catalog.RENEWAL_LIMITS
            assert bool(p["renewal_limit_detail"]) == (p["renewal_limit"] == "limited")
        else:
            assert p["employment_term"] == "indefinite" and p["renewal_limit"] == ""
        if p["age_limit"]:
            assert p["age_limit_detail"] and p["age_limit_reason"]

    def share(test) -> float:
        return sum(1 for p in postings if test(p)) / len(postings)

    assert 0.02 <= share(lambda p: p["for_disabled"]) <= 0.045
    assert 0.05 <= share(lambda p: p["fixed_overtime_pay"] is not None) <= 0.25
    assert share(lambda p: p["renewal_limit"] == "limited") > 0.05
    assert share(lambda p: p["renewal_limit"] == "none") > 0.05
    for column in ("car_commute", "transfer_possible", "bonus", "education_required"):
        assert 0.03 < share(lambda p, c=column: p[c]) < 0.97, column
    assert {p["weekly_two_days"] for p in postings} == set(catalog.WEEKLY_TWO_DAYS) - {"none"}


def test_bulk_load_is_searchable(client):
    postings = list(demo_postings.generate(300, seed=2, today=client.app.state.clock.today()))
    loaded = factories.run(client, lambda conn: bulk.load_postings(conn, iter(postings)))
    assert loaded == 300
    expected = sum(
        1
        for p in postings
        if "介護" in p["search_text"]
        and p["status"] == "open"
        and p["referral_deadline"] >= client.app.state.clock.today()
        and not p["for_disabled"]  # 障害者求人 are a list of their own
    )
    response = client.get("/jobs/search", params={"q": "介護"})
    assert f'class="results__count">{expected:,}件<' in response.text
    # A posting added afterwards gets the next id and is found too.
    added = factories.posting(client, job_title="介護職員（新規）")
    count = factories.run(
        client, lambda conn: conn.fetch_val(sa.select(sa.func.max(job_postings.c.id)))
    )
    assert added["id"] == count == 301


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite file")
def test_demo_command_loads_postings_once(database_url):
    result = run_cli(database_url, "demo", "--jobs", "500", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "demo postings added: 500" in result.stdout
    again = run_cli(database_url, "demo", "--jobs", "500")
    assert "500 already present, none added" in again.stdout


def test_every_demo_posting_that_offers_online_applications_takes_them(client):
    """Issue 12: demo postings said 「オンライン自主応募: 受け付けています」 and the 応募 box
    refused them (no 事業所 account). Each company offering it now has a 求人者マイページ."""
    factories.run(client, lambda conn: load_demo(conn, seed=1, jobs=400))
    today = client.app.state.clock.today()
    flagged = factories.rows(client, job_postings, job_postings.c.online_application.is_(True))
    refused = factories.count(
        client, job_postings, job_postings.c.online_application.is_(True), ~online.accepts_online()
    )
    assert len(flagged) > 100 and refused == 0
    # Companies with an account also post without the flag: both kinds are in the demo.
    assert factories.count(
        client,
        job_postings,
        job_postings.c.online_application.is_(False),
        job_postings.c.employer_id.is_not(None),
    )
    # Each generated 事業所 has one user, who cannot sign in (no password); the documented
    # demo employer (株式会社となみ精工) is the one with a password.
    linked = {p["employer_id"] for p in factories.rows(client, job_postings)} - {None}
    passwordless = factories.rows(client, members, members.c.password_hash.is_(None))
    assert len(passwordless) == len(linked) - 1
    assert {m["employer_id"] for m in passwordless} < linked

    open_ones = [p for p in flagged if p["status"] == "open" and p["referral_deadline"] >= today]
    # The search shows 一般求人 unless 障害者求人 is chosen (Hello Work keeps them apart).
    general = [p for p in open_ones if not p["for_disabled"]]
    search = client.get("/jobs/search", params={"online": "1"})
    assert f'class="results__count">{len(general):,}件<' in search.text
    disabled = client.get("/jobs/search", params={"online": "1", "kind": "disabled"})
    assert f'class="results__count">{len(open_ones) - len(general):,}件<' in disabled.text
    taro = signed_in(client, SEEKER, first=True)
    for posting in open_ones:
        page = taro.get(f"/jobs/{posting['job_number']}").text
        assert "<dd>受け付けています</dd>" in page and "この求人にオンラインで応募する</a>" in page
        assert taro.get(f"/jobs/{posting['id']}/apply").status_code == 200
