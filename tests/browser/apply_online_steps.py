"""The 求職申込み walks' shared ground: the person who applies online (花子), 砺波's staff,
the rows the walk starts from (a posting that takes オンライン自主応募 and one for a
referral), and moving on a step of the 求職申込書."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.steps import (
    agree_to_terms,
    heading,
    send_address_and_birthdate,
    wait_for_mail,
)
from tests.helpers import KEY_IN_MAIL
from webapp.schema import employers

EMAIL = "hanako@example.com"
PASSWORD = "Kasumi#2719"
STAFF = {"name": "砺波一郎", "email": "staff@example.com"}
ONLINE_TITLE = "精密部品の検査（砺波工場）"
REFER_TITLE = "倉庫内の軽作業"


async def world(conn, now) -> None:
    """Staff of 砺波; a 事業所 with a posting that takes オンライン自主応募; a posting for a
    referral."""
    await factories.add_staff(conn, now=now, **STAFF)
    number = await factories.add_employer(conn, now=now)
    company = await conn.fetch_val(
        sa.select(employers.c.id).where(employers.c.employer_number == number)
    )
    await factories.add_posting(
        conn, now=now, online_application=True, employer_id=company, job_title=ONLINE_TITLE
    )
    await factories.add_posting(conn, now=now, job_title=REFER_TITLE)


def next_step(page: Page) -> None:
    page.get_by_role("button", name="次へ", exact=True).click()


def open_account(page: Page, axe, javascript: bool) -> None:
    """The 申込書's first step from its terms page (/apply): the terms (read to their end
    with JavaScript, which keeps the box unticked until then), the address, the key from
    the mail app and the password; each page audited. Ends on 基本情報."""
    expect(heading(page, "求職申込み（利用規約の確認）")).to_be_visible()
    axe(page)
    agree_to_terms(page, javascript)

    expect(heading(page, "メールアドレスの入力（求職申込み）")).to_be_visible()
    axe(page)
    send_address_and_birthdate(page, EMAIL, "1995", "6", "15")

    expect(heading(page, "パスワードの登録（求職申込み）")).to_be_visible()
    axe(page)
    mail_app = page.context.new_page()
    axe.watch(mail_app)
    body = wait_for_mail(mail_app, EMAIL, "求職申込み受付通知", axe)
    mail_app.close()
    key = KEY_IN_MAIL.search(body)
    assert key, body
    page.get_by_label("登録するパスワード", exact=True).fill(PASSWORD)
    page.get_by_label("登録するパスワード（確認用）").fill(PASSWORD)
    page.get_by_label("認証キー").fill(key.group(1))
    page.get_by_role("button", name="次へ進む").click()
    expect(page).to_have_url(re.compile(r"/apply/form/basic$"))
