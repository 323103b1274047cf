"""求職申込み online, walked with JavaScript on and off: a person new to Hello Work opens
an account on a phone (390×844) from the top page's second door, fills the 求職申込書 in
two sittings (the second in a new browser: another device), searches and applies by
オンライン自主応募 (the posting offers no 紹介を希望 but what a counter visit adds); staff
confirm them at the counter on a 1024×1366 tablet, and a referral is then possible.
axe-core checks every page; screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.apply_online_steps import (
    EMAIL,
    ONLINE_TITLE,
    PASSWORD,
    REFER_TITLE,
    STAFF,
    next_step,
    open_account,
    world,
)
from tests.browser.conftest import PHONE, STAFF_TABLET_PORTRAIT, sized_device
from tests.browser.steps import (
    _code_from_mail_app,
    heading,
    member_log_in,
    prepare,
    shoot,
)

pytestmark = pytest.mark.browser


def first_sitting(page: Page, axe, javascript: bool, name: str) -> None:
    """From the top page to the end of 希望する仕事, on the first phone."""
    page.goto("/")
    axe(page)
    shoot(page, f"{name}-01-top")
    page.get_by_role("link", name="ハローワークを初めて利用する方（求職申込み）").click()

    open_account(page, axe, javascript)

    # 基本情報: a mistake first, then the 郵便番号 fills the 住所
    expect(page).to_have_url(re.compile(r"/apply/form/basic$"))
    expect(heading(page, "求職申込書（基本情報）")).to_be_visible()
    expect(page.locator("#year")).to_have_value("1995")
    axe(page)
    shoot(page, f"{name}-02-basic")
    page.get_by_label("氏名", exact=True).fill("砺波 花子")
    page.get_by_label("フリガナ").fill("トナミ ハナコ")
    page.get_by_label("郵便番号").fill("9391363")
    page.get_by_role("button", name="住所を検索").click()
    expect(page.get_by_label("住所", exact=True)).to_have_value("富山県砺波市太郎丸")
    expect(page.get_by_label("氏名", exact=True)).to_have_value("砺波 花子")
    axe(page)
    next_step(page)  # 住所 has no 番地 yet but is accepted; 電話番号 is missing
    expect(page.locator("#phone-error")).to_contain_text("電話番号を入力してください。")
    expect(page.locator(".error-summary")).to_contain_text("電話番号を入力してください。")
    axe(page)
    shoot(page, f"{name}-03-basic-error")
    page.get_by_label("住所", exact=True).fill("富山県砺波市太郎丸1-2-3")
    page.get_by_label("電話番号").fill("090-1234-5678")
    page.get_by_label("女性").check()
    next_step(page)

    expect(page).to_have_url(re.compile(r"/apply/form/wish$"))
    expect(heading(page, "求職申込書（希望する仕事）")).to_be_visible()
    axe(page)
    page.get_by_label("希望職種").select_option(label="事務的職業")
    page.get_by_label("希望雇用形態").select_option(label="正社員")
    page.get_by_label("希望就業場所（都道府県）").select_option(label="富山県")
    page.get_by_label("希望就業時間").fill("9時〜17時")
    shoot(page, f"{name}-04-wish")
    next_step(page)
    expect(page).to_have_url(re.compile(r"/apply/form/history$"))
    axe(page)


def second_sitting(page: Page, axe, name: str) -> None:
    """Another device: sign in, land where the first sitting stopped, finish and send."""
    page.goto("/login")
    axe(page)
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/(apply|login/code)"))
    if "/login/code" in page.url:
        axe(page)
        page.locator("#code").fill(_code_from_mail_app(page, EMAIL, axe))
        page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/form/history$"))
    expect(heading(page, "求職申込書（学歴・職歴）")).to_be_visible()
    axe(page)
    shoot(page, f"{name}-05-resumed")
    page.get_by_role("link", name="希望する仕事", exact=True).click()
    expect(page.get_by_label("希望就業時間")).to_have_value("9時〜17時")  # the first sitting's
    page.goto("/apply/form/history")
    page.get_by_label("学歴").fill("2014年3月 砺波高等学校 卒業")
    page.locator("#company_0").fill("株式会社となみ")
    page.locator("#started_0").fill("2014-04")
    page.locator("#ended_0").fill("2020-03")
    next_step(page)
    expect(heading(page, "求職申込書（免許・資格）")).to_be_visible()
    axe(page)
    page.get_by_label("免許・資格").fill("普通自動車第一種運転免許")
    next_step(page)
    expect(heading(page, "求職申込書（障害の有無）")).to_be_visible()
    expect(page.get_by_text("求人者には知らせません。", exact=False)).to_be_visible()
    axe(page)
    page.get_by_label("なし", exact=True).check()
    next_step(page)
    expect(heading(page, "求職申込書（確認・送信）")).to_be_visible()
    expect(page.locator(".summary-box")).to_contain_text("砺波 花子")
    expect(page.get_by_text("ハローワーク砺波").first).to_be_visible()
    axe(page)
    shoot(page, f"{name}-06-confirm")
    page.get_by_role("button", name="この内容で申し込む").click()

    expect(page).to_have_url(re.compile(r"/apply/done$"))
    expect(heading(page, "求職申込み完了")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"16040-\d{8}"))
    expect(page.locator(".counter-visit")).to_contain_text("本人確認書類")
    axe(page)
    shoot(page, f"{name}-07-done")


def search_and_apply(page: Page, axe, name: str) -> None:
    page.goto("/jobs/search")
    page.get_by_label("キーワード").fill("精密部品")
    page.get_by_role("button", name="この条件で検索する").click()
    page.locator("li.result-card h3 a").filter(has_text=ONLINE_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=ONLINE_TITLE)).to_be_visible()
    # No 紹介を希望 for an オンライン登録者: what a counter visit adds instead.
    expect(page.get_by_role("button", name="紹介を希望する")).to_have_count(0)
    expect(page.locator(".counter-visit")).to_contain_text("ハローワーク砺波")
    axe(page)
    shoot(page, f"{name}-08-posting")
    page.get_by_role("link", name="この求人にオンラインで応募する").click()
    page.get_by_label("上記の注意事項を確認しました").check()
    page.get_by_label("志望動機（必須）").fill(
        "事務の経験を生かして、検査の仕事に挑戦したいと考えました。"
    )
    axe(page)
    page.get_by_role("button", name="確認する", exact=True).click()  # the check page
    expect(page.get_by_role("button", name="応募する", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="応募する", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("応募しました。")
    axe(page)


def staff_confirm_and_refer(device, axe, name: str) -> None:
    page = device.new_tab()
    axe.watch(page)
    page.goto("/staff/login")
    axe(page)
    member_log_in(page, "/staff/login", STAFF["email"], factories.MEMBER_PASSWORD, axe)
    page.get_by_role("link", name=re.compile("オンライン登録者（本人確認待ち）")).click()
    expect(heading(page, "オンライン登録者（本人確認待ち）")).to_be_visible()
    axe(page)
    shoot(page, f"{name}-09-staff-queue")
    page.get_by_role("link", name=re.compile("砺波 花子")).click()
    expect(heading(page, "求職申込書（オンライン登録者）")).to_be_visible()
    expect(page.locator(".summary-box")).to_contain_text("株式会社となみ")
    axe(page)
    shoot(page, f"{name}-10-staff-application")
    page.get_by_role("button", name="本人確認をして、利用登録者にする").click()
    expect(page.get_by_role("status")).to_contain_text("利用登録者にしました")
    axe(page)
    page.get_by_role("link", name="職業紹介をする").click()
    expect(heading(page, "職業紹介（紹介状の発行）")).to_be_visible()
    page.get_by_label("求人番号またはキーワード").fill("軽作業")
    page.get_by_role("button", name="探す").click()
    result = page.locator("li.result-card").filter(has_text=REFER_TITLE)
    result.get_by_role("link", name=re.compile("この求人を選ぶ")).click()
    axe(page)
    page.get_by_role("button", name="この求人に紹介して紹介状を発行する").click()
    expect(page.get_by_role("status")).to_have_text(
        "紹介状を発行しました。印刷して求職者にお渡しください。"
    )
    axe(page)
    shoot(page, f"{name}-11-referred")


def test_apply_online_in_two_sittings_then_confirmed_and_referred(
    browser, twins, phone, axe, live_app, database_url, javascript
):
    prepare(database_url, world)
    name = "js" if javascript else "nojs"
    first = phone.new_tab()
    axe.watch(first)
    first_sitting(first, axe, javascript, name)
    first.close()  # the first device is put away (its context stays: not the second)

    second_axe = twins.axe(PHONE)
    staff_axe = twins.axe(STAFF_TABLET_PORTRAIT)
    with (
        sized_device(browser, live_app.url, javascript, PHONE) as second,
        sized_device(browser, live_app.url, javascript, STAFF_TABLET_PORTRAIT) as staff,
    ):
        page = second.new_tab()
        second_axe.watch(page)
        second_sitting(page, second_axe, name)
        search_and_apply(page, second_axe, name)
        staff_confirm_and_refer(staff, staff_axe, name)
        # the person's My Page now lists the referral
        page.goto("/mypage/referrals")
        expect(page.locator(".referral-list")).to_contain_text(REFER_TITLE)
        second_axe(page)
        assert not second.page_errors and not second.console_errors
        assert not staff.page_errors and not staff.console_errors
