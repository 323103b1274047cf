"""求職活動実績 at phone width (390×844), JavaScript on and off (issue 12): the job-seeker's
list and the staff's record were tables squeezed to 2-4 characters a column; each
activity is now a card there (a table from 40rem). axe-core checks each page;
screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.steps import give_password, heading, log_in, member_log_in, prepare, shoot
from webapp.activities import service as activities
from webapp.clock import jst_date
from webapp.schema import job_seekers, offices

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
STAFF_EMAIL = "staff@example.com"
NOTE = "職業相談（面接の受け方について。次回は応募書類の添削を予定）"


async def _data(conn, now) -> None:
    await give_password(conn, PASSWORD, now)
    member_id = await factories.add_staff(conn, now=now, email=STAFF_EMAIL)
    seeker_id = await conn.fetch_val(sa.select(job_seekers.c.id))
    office_id = await conn.fetch_val(sa.select(offices.c.id).where(offices.c.code == "16040"))
    today = jst_date(now)
    for days, note in ((1, NOTE), (3, "セミナー参加")):
        await activities.record(
            conn,
            seeker_id=seeker_id,
            office_id=office_id,
            member_id=member_id,
            kind="counselling",
            happened_on=today - dt.timedelta(days=days),
            note=note,
            now=now,
        )


@pytest.fixture
def activity_data(live_app, database_url):
    prepare(database_url, _data)
    return live_app


def expect_cards(page: Page) -> None:
    """Each activity a card the width of the screen, each cell a readable line."""
    rows = page.locator("table.card-table tbody tr")
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        assert row.bounding_box()["width"] >= 300
        for cell in row.locator("td").all():
            if cell.is_visible():  # an empty 求人番号 is left out
                assert cell.bounding_box()["width"] >= 280
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_activities_are_cards_on_a_phone(activity_data, phone, axe, live_app, javascript):
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/login")
    axe(page)
    log_in(page, live_app.seeker["email"], PASSWORD, axe)
    axe(page)
    page.goto("/mypage/activities")
    expect(heading(page, "求職活動実績")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    expect_cards(page)
    axe(page)
    shoot(page, f"activities-seeker-js{int(javascript)}")

    # From 40rem the same rows are a table again.
    page.set_viewport_size({"width": 1024, "height": 1366})
    row = page.locator("table.card-table tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
    axe(page)
    axe.assert_every_page_audited()
    assert phone.page_errors == [] and phone.console_errors == []


def test_the_staff_record_is_cards_on_a_phone(activity_data, phone, axe, live_app, javascript):
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/staff/login")
    axe(page)
    member_log_in(page, "/staff/login", STAFF_EMAIL, factories.MEMBER_PASSWORD, axe)
    axe(page)
    page.goto("/staff/seekers?q=" + live_app.seeker_number)
    axe(page)
    page.get_by_role("link", name=live_app.seeker["name"]).first.click()
    axe(page)
    page.goto(page.url.split("?")[0] + "/activities")
    expect(heading(page, "職業相談などの記録")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    expect_cards(page)
    axe(page)
    shoot(page, f"activities-staff-js{int(javascript)}")
    axe.assert_every_page_audited()
    assert phone.page_errors == [] and phone.console_errors == []
