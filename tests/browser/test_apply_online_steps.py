"""The 求職申込書's steps on a phone (390×844), JavaScript on and off: every step's errors
appear beside their fields with an error summary in the page's order (each link leading
to its field), and Back (the browser's own history) after a step shows what was saved.
axe-core checks every page; screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.apply_online_steps import next_step, open_account, world
from tests.browser.steps import heading, prepare, shoot

pytestmark = pytest.mark.browser


def errors_in_page_order(page: Page, expected: dict[str, str]) -> None:
    """The summary lists `expected` (error id → message) in the page's order, each link
    to a control above its message, and each message is shown beside that control."""
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    links = summary.locator("a")
    expect(links).to_have_count(len(expected))
    tops = []
    for index, (name, message) in enumerate(expected.items()):
        link = links.nth(index)
        expect(link).to_contain_text(message)
        target = page.locator(link.get_attribute("href") or "")
        expect(target).to_have_count(1)
        error = page.locator(f"#{name}-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(message)
        # beside its field: the message sits within a screen's height of the control
        target_box, error_box = target.bounding_box(), error.bounding_box()
        assert target_box and error_box
        assert abs(error_box["y"] - target_box["y"]) < 200, (name, target_box, error_box)
        tops.append(target_box["y"])
    assert tops == sorted(tops), f"summary not in page order: {list(expected)} at {tops}"


def back_shows(page: Page, url: str, values: dict[str, str]) -> None:
    """The browser's Back: the step before, with what was saved in it."""
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    for selector, value in values.items():
        expect(page.locator(selector)).to_have_value(value)
    page.go_forward()


def test_every_steps_errors_and_back_on_a_phone(phone, axe, live_app, database_url, javascript):
    prepare(database_url, world)
    name = "steps-" + ("js" if javascript else "nojs")
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/apply")
    open_account(page, axe, javascript)

    # 基本情報: everything required left empty (the 生年月日 came from the address step)
    for box in ("#year", "#month", "#day"):
        page.locator(box).fill("")
    next_step(page)
    errors_in_page_order(
        page,
        {
            "name": "氏名を入力してください",
            "kana": "フリガナを入力してください",
            "birthdate": "生年月日",
            "postcode": "郵便番号を入力してください",
            "address": "住所を入力してください",
            "phone": "電話番号を入力してください",
        },
    )
    axe(page)
    shoot(page, f"{name}-01-basic-errors")
    page.get_by_label("氏名", exact=True).fill("砺波 花子")
    page.get_by_label("フリガナ").fill("トナミ ハナコ")
    page.locator("#year").fill("1995")
    page.locator("#month").fill("6")
    page.locator("#day").fill("15")
    page.get_by_label("郵便番号").fill("939-1363")
    page.get_by_label("住所", exact=True).fill("富山県砺波市太郎丸1-2-3")
    page.get_by_label("電話番号").fill("090-1234-5678")
    next_step(page)
    expect(page).to_have_url(re.compile(r"/apply/form/wish$"))
    back_shows(
        page,
        "/apply/form/basic",
        {"#name": "砺波 花子", "#address": "富山県砺波市太郎丸1-2-3", "#phone": "090-1234-5678"},
    )
    shoot(page, f"{name}-02-back-to-basic")

    # 希望する仕事: 職種 and 雇用形態 missing, 市区町村 without 都道府県
    expect(heading(page, "求職申込書（希望する仕事）")).to_be_visible()
    page.get_by_label("希望就業場所（市区町村）").fill("砺波市")
    next_step(page)
    errors_in_page_order(
        page,
        {
            "desired_occupation": "希望職種",
            "desired_employment_type": "希望雇用形態を選んでください",
            "desired_municipality": "都道府県",
        },
    )
    expect(page.get_by_label("希望就業場所（市区町村）")).to_have_value("砺波市")
    axe(page)
    shoot(page, f"{name}-03-wish-errors")
    page.get_by_label("希望職種").select_option(label="事務的職業")
    page.get_by_label("希望雇用形態").select_option(label="正社員")
    page.get_by_label("希望就業場所（都道府県）").select_option(label="富山県")
    page.get_by_label("希望就業時間").fill("9時〜17時")
    next_step(page)
    expect(page).to_have_url(re.compile(r"/apply/form/history$"))
    back_shows(
        page, "/apply/form/wish", {"#desired_municipality": "砺波市", "#desired_hours": "9時〜17時"}
    )

    # 学歴・職歴: a 職歴 with a wrong 入社年月 and no 会社名
    expect(heading(page, "求職申込書（学歴・職歴）")).to_be_visible()
    page.locator("#job_0").fill("一般事務")
    page.locator("#started_0").fill("2014年4月")
    page.locator("#ended_0").fill("2013-03")
    next_step(page)
    expect(page.locator(".error-summary a")).not_to_have_count(0)
    summary = page.locator(".error-summary a")
    hrefs = [summary.nth(i).get_attribute("href") for i in range(summary.count())]
    for href in hrefs:
        expect(page.locator(f"{href}-error")).to_be_visible()
    tops = [page.locator(href or "").bounding_box()["y"] for href in hrefs]  # type: ignore[index]
    assert tops == sorted(tops), hrefs
    expect(page.locator("#job_0")).to_have_value("一般事務")
    axe(page)
    shoot(page, f"{name}-04-history-errors")
    page.locator("#company_0").fill("株式会社となみ")
    page.locator("#started_0").fill("2014-04")
    page.locator("#ended_0").fill("2020-03")
    page.get_by_label("学歴").fill("2014年3月 砺波高等学校 卒業")
    next_step(page)
    expect(page).to_have_url(re.compile(r"/apply/form/licenses$"))
    back_shows(
        page, "/apply/form/history", {"#company_0": "株式会社となみ", "#started_0": "2014-04"}
    )

    expect(heading(page, "求職申込書（免許・資格）")).to_be_visible()
    page.get_by_label("免許・資格").fill("普通自動車第一種運転免許")
    next_step(page)
    expect(page).to_have_url(re.compile(r"/apply/form/disability$"))
    back_shows(page, "/apply/form/licenses", {"#licenses": "普通自動車第一種運転免許"})

    expect(heading(page, "求職申込書（障害の有無）")).to_be_visible()
    page.get_by_label("あり", exact=True).check()
    page.get_by_label("障害の内容や、配慮を希望すること").fill("右耳が聞こえにくい")
    next_step(page)
    expect(heading(page, "求職申込書（確認・送信）")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/apply/form/disability$"))
    expect(page.get_by_label("あり", exact=True)).to_be_checked()
    expect(page.get_by_label("障害の内容や、配慮を希望すること")).to_have_value(
        "右耳が聞こえにくい"
    )
    axe(page)
    shoot(page, f"{name}-05-back-to-disability")
    assert not phone.page_errors and not phone.console_errors
