"""Staff correct an オンライン登録者's 求職申込書 at the counter, with JavaScript on and off,
on the staff tablet (1024×1366) and on a phone (390×844): from the queue's application
page to a step, a correction without a reason refused beside its field (with the error
summary), then kept. axe-core checks every page; screenshots go to $SCREENSHOTS when it
is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.apply_online_steps import STAFF
from tests.browser.conftest import PHONE, STAFF_TABLET_PORTRAIT, sized_device
from tests.browser.steps import heading, member_log_in, prepare, shoot
from webapp.schema import job_seekers, online_applications
from webapp.security import capabilities
from webapp.seekers import service as seekers

pytestmark = pytest.mark.browser


async def _online_registrant(conn, now) -> None:
    """Staff of 砺波, and 砺波 花子, who applied online (an オンライン登録者 of 砺波)."""
    await factories.add_staff(conn, now=now, **STAFF)
    new = seekers.validate_new_seeker(
        today=now.date(),
        name="砺波 花子",
        kana="トナミ ハナコ",
        birthdate="1995-06-15",
        email="hanako@example.com",
    )
    number = await seekers.register(conn, new, office_code="16040", now=now)
    seeker_id = await conn.fetch_val(
        job_seekers.update()
        .where(job_seekers.c.seeker_number == number)
        .values(
            registration_kind=capabilities.ONLINE,
            address="富山県砺波市太郎丸1-2-3",
            phone="090-1234-5678",
        )
        .returning(job_seekers.c.id)
    )
    await conn.execute(
        online_applications.insert().values(
            seeker_id=seeker_id,
            step=6,
            postcode="9391363",
            disability="no",
            created_at=now,
            updated_at=now,
            submitted_at=now,
        )
    )


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_staff_correct_an_online_application(
    browser, twins, live_app, database_url, javascript, size
):
    prepare(database_url, _online_registrant)
    name = f"correct-{size}-{'js' if javascript else 'nojs'}"
    viewport = STAFF_TABLET_PORTRAIT if size == "tablet" else PHONE
    axe = twins.axe(viewport)
    with sized_device(browser, live_app.url, javascript, viewport) as device:
        page = device.new_tab()
        axe.watch(page)
        page.goto("/staff/login")
        member_log_in(page, "/staff/login", STAFF["email"], factories.MEMBER_PASSWORD, axe)
        page.goto("/staff/online")
        page.get_by_role("link", name=re.compile("砺波 花子")).click()
        expect(heading(page, "求職申込書（オンライン登録者）")).to_be_visible()
        page.get_by_role("link", name="基本情報を訂正する").click()

        expect(heading(page, "求職申込書の訂正（基本情報）")).to_be_visible()
        expect(page.get_by_label("住所", exact=True)).to_have_value("富山県砺波市太郎丸1-2-3")
        axe(page)
        page.get_by_label("住所", exact=True).fill("富山県砺波市太郎丸9-9-9")
        page.get_by_label("電話番号").fill("abc")
        page.get_by_role("button", name="訂正する").click()
        # both mistakes beside their fields, the summary in the page's order
        expect(page.locator("#phone-error")).to_contain_text("電話番号")
        expect(page.locator("#reason-error")).to_contain_text("訂正の理由を入力してください")
        links = page.locator(".error-summary a")
        expect(links).to_have_count(2)
        expect(links.nth(0)).to_have_attribute("href", "#phone")
        expect(links.nth(1)).to_have_attribute("href", "#reason")
        expect(page.get_by_label("住所", exact=True)).to_have_value("富山県砺波市太郎丸9-9-9")
        axe(page)
        shoot(page, f"{name}-01-refused")
        page.get_by_label("電話番号").fill("0763-33-1111")
        page.get_by_label("訂正の理由").fill("本人確認書類と住所の番地が違っていたため")
        page.get_by_role("button", name="訂正する").click()

        expect(heading(page, "求職申込書（オンライン登録者）")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("求職申込書を訂正しました")
        expect(page.locator(".summary-box")).to_contain_text("富山県砺波市太郎丸9-9-9")
        axe(page)
        shoot(page, f"{name}-02-corrected")
        assert not device.page_errors and not device.console_errors
