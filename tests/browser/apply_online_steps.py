"""The 求職申込み walks' shared ground: the person who applies online (花子), 砺波's staff,
the rows the walk starts from (a posting that takes オンライン自主応募 and one for a
referral), and moving on a step of the 求職申込書."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Page

from tests import factories
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
