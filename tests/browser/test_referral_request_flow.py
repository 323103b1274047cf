"""紹介を希望 walked on a phone (390×844), JavaScript on and off (issue 12): the message
typed on the posting's page, 「確認する」, the check page saying what Hello Work receives,
「修正する」 back with the message kept, and 「紹介を希望する」 sending it once; axe-core
checks every page and state; screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.steps import (
    give_password,
    log_in,
    mark_document,
    prepare,
    same_document,
    shoot,
)

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
JOB_NUMBER = "16040-77000001"
TITLE = "倉庫内作業（砺波センター）"


async def _data(conn, now) -> None:
    await give_password(conn, PASSWORD, now)
    await factories.add_posting(
        conn, now=now, job_number=JOB_NUMBER, job_title=TITLE, company_name="株式会社となみ物流"
    )


@pytest.fixture
def referral_data(live_app, database_url):
    prepare(database_url, _data)
    return live_app


def test_ask_for_a_referral_through_its_check_page(referral_data, phone, axe, live_app, javascript):
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/login")
    axe(page)
    log_in(page, live_app.seeker["email"], PASSWORD, axe)
    axe(page)
    page.goto(f"/jobs/{JOB_NUMBER}")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    axe(page)
    mark_document(page)

    box = page.locator("#referral-request")
    box.get_by_label("ハローワークへの連絡事項").fill("平日の午前は連絡がつきます。")
    box.get_by_role("button", name=re.compile("確認する")).click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/referral-request/check$"))
    check = page.locator("#referral-request")
    expect(check.get_by_role("heading", name="紹介の希望の確認")).to_be_visible()
    expect(check.locator(".check-answers")).to_contain_text("平日の午前は連絡がつきます。")
    expect(check.locator(".check-answers")).to_contain_text(TITLE)
    expect(check.locator(".check-answers")).to_contain_text("求職番号")
    assert same_document(page) is javascript  # htmx swapped the box in place
    axe(page)
    shoot(check, f"referral-check-js{int(javascript)}")
    if not javascript:
        shoot(page, "referral-check-page-js0")

    # 修正する: the form with the message as typed; changed, checked again.
    check.locator("#check-message").get_by_role("link", name=re.compile("修正する")).click()
    field = page.get_by_label("ハローワークへの連絡事項")
    expect(field).to_have_value("平日の午前は連絡がつきます。")
    axe(page)
    field.fill("平日の午前中にお電話ください。")
    page.get_by_role("button", name=re.compile("確認する")).click()
    expect(page.locator(".check-answers")).to_contain_text("平日の午前中にお電話ください。")
    axe(page)

    page.get_by_role("button", name="紹介を希望する", exact=True).click()
    if javascript:  # the box says so in place, with the request's state
        expect(page.locator("#referral-request")).to_contain_text("紹介の希望を受け付けました。")
        expect(page.locator("#referral-request")).to_contain_text("受付待ち")
    else:
        expect(page).to_have_url(re.compile(r"/mypage/referral-requests\?done=requested$"))
        expect(page.get_by_role("status")).to_contain_text("紹介の希望を受け付けました。")
    axe(page)

    # The list holds the one request, with the message as checked.
    page.goto("/mypage/referral-requests")
    expect(page.get_by_text("平日の午前中にお電話ください。")).to_have_count(1)
    axe(page)

    axe.assert_every_page_audited()
    assert phone.page_errors == []
    assert phone.console_errors == []
