"""求人検索 by what job-seekers filter on (issue 15), walked on a phone (390×844) with
JavaScript on and off: 職業分類 大分類 → 中分類 (the list follows with htmx; without it,
「中分類を選ぶ」), こだわり条件, 年間休日, 最寄り駅, the folded summary with the count and
the first results on the first screen, a search that finds nothing and its suggestions,
and 障害のある方のための求人 as a list of its own; axe-core checks every page; screenshots go
to $SCREENSHOTS when it is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.search_steps import SHINJUKU, cards, change_conditions, submit_search
from tests.browser.steps import prepare, shoot
from webapp.clock import jst_date
from webapp.demo import bulk
from webapp.demo import postings as demo_postings

pytestmark = pytest.mark.browser

GENERAL = 12  # 介護 postings near 西新宿駅 with every filter of the walk
DISABLED = 2  # and 障害のある方のための求人 among them

FILTERED = {
    **SHINJUKU,
    "occupation_minor": "36",
    "car_commute": True,
    "transfer_possible": False,
    "annual_holidays": 120,
    "weekly_two_days": "every",
    "bonus": True,
    "nearest_station": "西新宿駅",
}


async def _walk_data(conn, now) -> None:
    await bulk.load_postings(conn, demo_postings.generate(300, seed=15, today=jst_date(now)))
    for i in range(GENERAL + DISABLED):
        await factories.add_posting(
            conn,
            now=now,
            days_old=i % 7,
            **FILTERED,
            for_disabled=i >= GENERAL,
            job_number=f"13010-{91000000 + i:08d}",
            job_title=f"介護職員（西新宿{i + 1}号館）",
            wage_min=210_000 + i * 1000,
            wage_max=250_000 + i * 1000,
        )


@pytest.fixture
def filter_data(live_app, database_url):
    prepare(database_url, _walk_data)
    return live_app


def first_screen(page: Page, count: str) -> None:
    """The folded conditions, the count and the first result's title on the first screen."""
    expect(page.locator(".search-conditions")).to_be_visible()
    expect(page.locator(".results__count")).to_have_text(count)
    expect(page.locator("#search-form")).not_to_be_visible()
    height = page.viewport_size["height"]
    for element in (page.locator(".results__count"), cards(page).first.locator("h3")):
        box = element.bounding_box()
        assert box is not None and 0 <= box["y"] <= height - box["height"], box


def test_filter_by_classification_and_conditions(filter_data, phone, axe, javascript):
    mode = "js" if javascript else "nojs"
    page = phone.new_tab()
    axe.watch(page)

    page.goto("/jobs/search")
    page.locator("summary", has_text="条件を追加する").click()
    axe(page)
    page.get_by_label("マイカー通勤可").check()  # kept through the two steps
    page.get_by_label("職種（大分類）").select_option("E")
    if javascript:
        expect(page.get_by_role("button", name="中分類を選ぶ")).to_be_hidden()
    else:
        page.get_by_role("button", name="中分類を選ぶ").click()
        page.wait_for_load_state("load")
        for part in ("occ=E", "car=1", "pick=occm"):
            assert part in page.url
        expect(page.get_by_label("マイカー通勤可")).to_be_checked()
        axe(page)
    expect(page.locator("#occm option[value='36']")).to_have_text("介護サービスの職業")
    page.get_by_label("職種（中分類）").select_option("36")
    page.get_by_label("年間休日").select_option("120")
    page.get_by_label("最寄り駅").fill("西新宿")
    page.get_by_label("転勤なし").check()
    shoot(page.locator("#search-form"), f"filters-form-{mode}")
    submit_search(page)
    expect(page).to_have_url(re.compile(r"occ=E&occm=36.*car=1&no_transfer=1&holidays=120"))
    first_screen(page, f"{GENERAL}件")
    expect(page.locator(".search-conditions__text")).to_contain_text(
        "介護サービスの職業・マイカー通勤可・転勤なし・年間休日120日以上・最寄り駅「西新宿」"
    )
    shoot(page, f"filters-results-{mode}", whole=False)
    axe(page)

    # Too narrow: nothing found, and each condition whose dropping finds postings offered.
    change_conditions(page)
    page.get_by_label("年間休日").select_option("125")
    submit_search(page)
    expect(page.get_by_text("条件に合う求人は見つかりませんでした。")).to_be_visible()
    suggestion = page.get_by_role("link", name=f"年間休日125日以上を外して検索する（{GENERAL}件）")
    expect(suggestion).to_be_visible()
    shoot(page, f"filters-none-{mode}")
    axe(page)
    suggestion.click()
    page.wait_for_load_state("load")
    first_screen(page, f"{GENERAL}件")
    expect(page).not_to_have_url(re.compile("holidays="))
    axe(page)

    # 障害のある方のための求人: a list of its own, with the same conditions.
    change_conditions(page)
    page.get_by_label("障害のある方のための求人").check()
    submit_search(page)
    first_screen(page, f"{DISABLED}件")
    expect(page).to_have_url(re.compile(r"kind=disabled"))
    axe(page)

    axe.assert_every_page_audited()
    assert phone.page_errors == []
    assert phone.console_errors == []
