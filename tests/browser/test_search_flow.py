"""求人検索 walked on a phone (390×844), JavaScript on and off: search from the top page,
refine, see more, open a posting, favourite it, go Back to the same results, save the
conditions, and come back through the saved condition; axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.search_steps import SHINJUKU, cards, change_conditions, submit_search
from tests.browser.steps import give_password, log_in, prepare
from webapp.clock import jst_date
from webapp.demo import bulk
from webapp.demo import postings as demo_postings

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
MATCHING = 27  # 介護 postings in 新宿区: two pages


async def _walk_data(conn, now) -> None:
    """A password for the counter-registered seeker, varied demo postings, and 27 that
    the walk's conditions find."""
    today = jst_date(now)
    await give_password(conn, PASSWORD, now)
    await bulk.load_postings(conn, demo_postings.generate(300, seed=12, today=today))
    for i in range(MATCHING):
        await factories.add_posting(
            conn,
            now=now,
            days_old=i % 10,
            **SHINJUKU,
            job_number=f"13010-{90000000 + i:08d}",
            job_title=f"介護職員（デイサービス{i + 1}号館）",
            wage_min=200_000 + i * 1000,
            wage_max=240_000 + i * 1000,
        )


@pytest.fixture
def search_data(live_app, database_url):
    prepare(database_url, _walk_data)
    return live_app


def expect_results_on_first_screen(page: Page, count: str | re.Pattern) -> None:
    """The folded conditions, the count and the first result's title on the first screen."""
    expect(page.locator(".search-conditions")).to_be_visible()
    expect(page.locator(".search-conditions")).not_to_have_attribute("open", "")
    expect(page.locator(".results__count")).to_have_text(count)
    expect(page.locator("#search-form")).not_to_be_visible()
    height = page.viewport_size["height"]
    for element in (page.locator(".results__count"), cards(page).first.locator("h3")):
        box = element.bounding_box()
        assert box is not None and 0 <= box["y"] <= height - box["height"], box


def test_search_refine_favourite_save_and_return(search_data, phone, axe, live_app, javascript):
    page = phone.new_tab()
    axe.watch(page)
    email = live_app.seeker["email"]

    # Sign in first, so favourites and saving are at hand.
    page.goto("/login")
    axe(page)
    log_in(page, email, PASSWORD, axe)
    axe(page)

    # Search from the top page: a two-character keyword.
    page.goto("/")
    axe(page)
    page.get_by_label("キーワード").fill("介護")
    page.get_by_role("button", name="求人を検索する").click()
    expect(page).to_have_url(re.compile(r"/jobs/search\?q=%E4%BB%8B%E8%AD%B7"))
    expect(page.get_by_role("heading", level=2, name=re.compile("検索結果"))).to_be_visible()
    expect_results_on_first_screen(page, re.compile(r"件"))
    axe(page)
    assert cards(page).count() == 20

    # Refine: 東京都, then 新宿区 (without JavaScript the list of cities needs a search first).
    change_conditions(page)
    axe(page)
    page.get_by_label("都道府県").select_option("13")
    if not javascript:
        submit_search(page)
        axe(page)
        change_conditions(page)
    expect(page.locator("#city option[value='新宿区']")).to_have_count(1)
    page.get_by_label("市区町村").select_option("新宿区")
    page.locator("summary", has_text="条件を追加する").click()
    page.get_by_label("土日祝休み").check()
    submit_search(page)
    expect(page).to_have_url(re.compile(r"pref=13.*city=.*weekends=1"))
    expect_results_on_first_screen(page, f"{MATCHING}件")
    expect(page.locator("mark").first).to_have_text("介護")
    axe(page)

    # もっと見る: appended in place with htmx (the URL follows); a plain link otherwise.
    page.evaluate("() => { window.__sameDocument = true; }")
    page.get_by_role("link", name=re.compile("もっと見る")).click()
    expect(cards(page)).to_have_count(MATCHING)
    expect(page).to_have_url(re.compile(r"page=2"))
    assert page.evaluate("() => window.__sameDocument === true") is javascript
    if javascript:
        expect(page.locator("li.result-card[data-page-start='21'] a").first).to_be_focused()
    expect(page.get_by_text("検索結果は以上です。")).to_be_visible()
    axe(page)
    results_url = page.url

    # Open a posting from the second page and favourite it.
    posting = cards(page).nth(24)
    title = posting.locator("h3 a").inner_text()
    posting.locator("h3 a").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    axe(page)
    page.get_by_role("button", name=re.compile("お気に入りに追加")).click()
    expect(page.locator(".favourite__button")).to_contain_text("お気に入り登録済み")
    axe(page)

    # Back returns to the same results, with both pages.
    for _ in range(3):
        if "/jobs/search" in page.url:
            break
        page.go_back()
    expect(page).to_have_url(results_url)
    expect(cards(page)).to_have_count(MATCHING)
    expect(page.locator("#results").get_by_text(title)).to_be_visible()
    axe(page)

    # Save the conditions under a name.
    page.locator("summary", has_text="この検索条件を保存する").click()
    page.get_by_label("保存する名前（省略できます）").fill("新宿の介護・土日休み")
    page.get_by_role("button", name="保存する").click()
    expect(page).to_have_url(re.compile(r"/mypage/saved-searches\?done=saved$"))
    expect(page.get_by_role("status")).to_contain_text("検索条件を保存しました。")
    expect(page.get_by_role("heading", level=2, name="新宿の介護・土日休み")).to_be_visible()
    axe(page)

    # The favourite is on its list.
    page.goto("/mypage/favourites")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    axe(page)

    # Come back through the saved condition.
    page.goto("/mypage/saved-searches")
    axe(page)
    page.get_by_role("link", name=re.compile("この条件で検索する")).click()
    expect(page).to_have_url(re.compile(r"/jobs/search\?q=.*pref=13.*weekends=1$"))
    expect(page.locator(".results__count")).to_have_text(f"{MATCHING}件")
    change_conditions(page)
    expect(page.get_by_label("市区町村")).to_have_value("新宿区")
    axe(page)

    axe.assert_every_page_audited()
    assert phone.page_errors == []
    assert phone.console_errors == []


def test_results_start_on_the_first_screen(search_data, phone, axe, javascript):
    """Issue 12: after a search on a phone the whole form was drawn again and the first
    result started about 800 px down. Searched from the open form at its longest (every
    condition shown, the button far below the first screen), then changed and searched
    again: each time the count and the first result are on the 390×844 screen."""
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/jobs/search")
    expect(page.locator(".search-conditions")).to_have_count(0)  # first visit: the form
    axe(page)
    page.get_by_label("キーワード").fill("介護")
    page.locator("summary", has_text="条件を追加する").click()
    page.get_by_label("土日祝休み").check()
    page.get_by_role("button", name="この条件で検索する").scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 844  # the button is far down
    submit_search(page)
    expect(page).to_have_url(re.compile(r"q=.*weekends=1"))
    expect(page.locator(".search-conditions__text")).to_contain_text(
        "キーワード「介護」・土日祝休み"
    )
    expect_results_on_first_screen(page, re.compile(r"^\d+件$"))
    if javascript:  # the count is where keyboard and screen-reader users land
        expect(page.locator("#results-heading")).to_be_focused()
    axe(page)

    change_conditions(page)
    expect(page.get_by_label("キーワード")).to_have_value("介護")
    page.get_by_label("都道府県").select_option("13")
    submit_search(page)
    expect(page).to_have_url(re.compile(r"pref=13"))
    expect_results_on_first_screen(page, re.compile(r"^\d+件$"))
    axe(page)

    axe.assert_every_page_audited()
    assert phone.page_errors == []
    assert phone.console_errors == []


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def expect_on_screen(page: Page, locator) -> None:
    box, height = _box(locator), page.viewport_size["height"]
    assert 0 <= box["y"] <= height - box["height"], box


def test_a_long_postings_actions_stay_at_hand(search_data, phone, axe, live_app, javascript):
    """Issue 12: on a phone the 応募 / お気に入り actions of a 3,000 px 求人票 were at its
    ends. A bar stays at the bottom of the screen while the posting is read, comes to
    rest above 応募・紹介 (covering nothing at the end), and gives way at 200% zoom."""
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/login")
    axe(page)
    log_in(page, live_app.seeker["email"], PASSWORD, axe)
    axe(page)
    page.goto("/jobs/13010-90000000")
    assert page.evaluate("() => document.documentElement.scrollHeight") > 2 * 844
    bar = page.get_by_role("region", name="この求人への応募・お気に入り")
    favourite = bar.get_by_role("button", name=re.compile("お気に入り"))
    jump = bar.get_by_role("link", name=re.compile("応募・紹介へ"))
    expect_on_screen(page, favourite)  # on the first screen, without scrolling
    expect_on_screen(page, jump)
    axe(page)

    # Half-way down the 求人票 the actions are still there; お気に入り from the bar.
    page.get_by_role("heading", name="選考").scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 844
    expect_on_screen(page, favourite)
    favourite.click()
    expect(bar.get_by_role("button", name=re.compile("お気に入り登録済み"))).to_be_visible()
    expect_on_screen(page, bar.get_by_role("button", name=re.compile("お気に入り登録済み")))
    axe(page)

    # 応募・紹介へ: the section's heading on screen, not under the bar.
    jump.click()
    expect(page).to_have_url(re.compile(r"#sec-apply$"))
    apply_heading = page.get_by_role("heading", level=2, name="応募・紹介")
    expect_on_screen(page, apply_heading)
    assert _box(bar)["y"] + _box(bar)["height"] <= _box(apply_heading)["y"]

    # At the end the bar has come to rest above the section: the last action is clear.
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("#referral-request").get_by_role("button", name=re.compile("確認する"))
    expect_on_screen(page, last)
    assert _box(bar)["y"] + _box(bar)["height"] <= _box(last)["y"]
    axe(page)

    # 200% zoom on this phone leaves a 422 px tall screen: the bar gives way to the text.
    page.set_viewport_size({"width": 390, "height": 422})
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.posting-bar')).position")
        == "static"
    )

    axe.assert_every_page_audited()
    assert phone.page_errors == []
    assert phone.console_errors == []
