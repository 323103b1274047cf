"""A tap the app refuses shows why (issue 13): with htmx, an error page takes the place of
the page's main part (base.html's responseHandling, htmx.ERROR_PAGE_SWAP) instead of a
button that does nothing; without JavaScript the browser shows the same page. The message
poll's failures stay silent, so a message being typed is never swept away."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests import factories
from tests.browser.steps import give_password, heading, log_in, mark_document, prepare
from tests.helpers import run_db
from webapp.schema import applications, employers, job_seekers

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
EXPIRED = "画面の有効期限が切れたか、正しくない操作です。画面を開き直して、もう一度お試しください。"


def test_a_refused_sign_in_says_why(phone, axe, live_app, javascript):
    """The screen's CSRF cookie is gone (the browser was closed in between, say): ログイン
    is refused, and the person reads why and what to do, with htmx in the page's place."""
    page = phone.new_tab()
    page.goto("/login")
    page.locator("#email").fill(live_app.seeker["email"])
    page.locator("#password").fill(PASSWORD)
    phone.context.clear_cookies()
    mark_document(page)
    page.get_by_role("button", name="ログイン", exact=True).click()

    title = heading(page, "操作を完了できませんでした")
    expect(title).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(EXPIRED)
    expect(page).to_have_title(re.compile("^エラー"))
    if javascript:  # swapped in by htmx, focus on its heading for screen readers
        assert page.evaluate("() => window.__sameDocument === true")
        expect(title).to_be_focused()
    expect(page.locator("main")).to_have_count(1)
    axe(page)
    page.get_by_role("link", name="トップページへ戻る").click()
    expect(page).to_have_url(re.compile(r"/$"))


async def _thread(conn, now) -> None:
    """Taro with a password and an オンライン自主応募 to a posting of となみ精工."""
    await give_password(conn, PASSWORD, now)
    number = await factories.add_employer(conn, now=now)
    employer_id = await conn.fetch_val(
        sa.select(employers.c.id).where(employers.c.employer_number == number)
    )
    posting = await factories.add_posting(
        conn, now=now, employer_id=employer_id, online_application=True, office_code="16040"
    )
    await conn.execute(
        applications.insert().values(
            seeker_id=await conn.fetch_val(sa.select(job_seekers.c.id)),
            posting_id=posting["id"],
            kind="direct",
            state="applied",
            created_at=now,
            updated_at=now,
        )
    )


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_a_failed_poll_leaves_the_message_being_typed(phone, axe, live_app, database_url):
    """The application went away while its thread was open: the next poll answers 404,
    which htmx would otherwise put in place of the page."""
    prepare(database_url, _thread)
    page = phone.new_tab()
    page.clock.install()  # the test moves the page's clock to the next poll
    page.goto("/login")
    log_in(page, live_app.seeker["email"], PASSWORD, axe)
    page.goto("/mypage/applications/1/messages")
    expect(heading(page, "事業所とのメッセージ")).to_be_visible()
    draft = "面接の日程について、"
    page.get_by_label("メッセージ", exact=True).fill(draft)

    run_db(database_url, lambda conn: conn.execute(applications.delete()))
    # The poll's answer, once htmx has handled it: beforeSwap reaches the document (the
    # list it would go into is still there), and a promise's callback runs only after the
    # handler that swaps (or not) has returned.
    page.evaluate(
        """() => { window.__polled = new Promise((done) => document.addEventListener(
             "htmx:beforeSwap",
             (e) => { if (e.detail.requestConfig.elt.id === "message-poll") done(e.detail); }));
        }"""
    )
    page.clock.fast_forward(10_000)
    assert page.evaluate("() => window.__polled.then((detail) => detail.xhr.status)") == 404

    expect(heading(page, "事業所とのメッセージ")).to_be_visible()
    expect(page.get_by_label("メッセージ", exact=True)).to_have_value(draft)
    expect(page.get_by_role("alert")).to_have_count(0)
