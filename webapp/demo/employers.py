"""The 事業所 behind the generated postings that take オンライン自主応募.

A posting takes 自主応募 only when its 事業所 has a 求人者マイページ (webapp/postings/
online.py), so every generated company that offers it (demo/postings.py,
`has_employer_account`) gets a 事業所 with one active user, and all its postings are
linked to it, those without the flag too. The users have no password: nobody signs in as
them (the documented demo employer, 株式会社となみ精工, is the one to sign in as), but an
application to one of these postings reaches them, and their mail goes to /mailbox.

Postings are streamed into the bulk loader, so each company's 事業所 is given its id as
it is first met, and the rows are written after the postings, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth.roles import EMPLOYER
from webapp.db import is_sqlite
from webapp.demo.postings import has_employer_account
from webapp.members.service import format_employer_number, office_by_code
from webapp.schema import employers, members

USER_NAME = "採用担当"
CHUNK = 1000  # rows per INSERT: well under SQLite's limit of bound values


def user_email(employer_id: int) -> str:
    return f"saiyo{employer_id:06d}@demo.example.com"


class DemoEmployers:
    """Gives each company with a 求人者マイページ an employer id, as its postings stream
    past (`attach`), then writes those 事業所 and their users (`save`)."""

    def __init__(self, first_id: int) -> None:
        self.first_id = first_id
        self.found: dict[str, dict] = {}  # company name → the 事業所, in the order met

    def attach(self, postings: Iterable[dict]) -> Iterator[dict]:
        for posting in postings:
            name = posting["company_name"]
            if has_employer_account(name):
                employer = self.found.get(name)
                if employer is None:
                    employer = self.found[name] = {
                        "id": self.first_id + len(self.found),
                        "name": name,
                        "address": posting["company_address"],
                        "business": posting["company_business"],
                    }
                posting["employer_id"] = employer["id"]
            yield posting

    async def save(self, conn: Connection, *, now: dt.datetime) -> int:
        """Write the 事業所 met (at the first office, numbered after its others) and one
        active user each; returns how many."""
        if not self.found:
            return 0
        office = await office_by_code(conn, None)
        serial = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(employers)
            .where(employers.c.office_id == office["id"])
        )
        rows = list(self.found.values())
        employer_rows = [
            {
                "id": row["id"],
                "employer_number": format_employer_number(office["code"], serial + i),
                "office_id": office["id"],
                "name": row["name"],
                "address": row["address"],
                "business": row["business"],
                "created_at": now,
            }
            for i, row in enumerate(rows, start=1)
        ]
        member_rows = [
            {
                "role": EMPLOYER,
                "employer_id": row["id"],
                "name": USER_NAME,
                "email": user_email(row["id"]),
                "active": True,
                "created_at": now,
            }
            for row in rows
        ]
        for table, values in ((employers, employer_rows), (members, member_rows)):
            for start in range(0, len(values), CHUNK):
                await conn.execute(table.insert().values(values[start : start + CHUNK]))
        if not is_sqlite(conn):  # ids were given: move the sequence past them
            await conn.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('employers', 'id'), "
                    "(SELECT max(id) FROM employers))"
                )
            )
        # The bulk load analysed the tables while these held a handful of rows: with those
        # figures the planner would scan members for every posting the rule asks, and
        # every employer for every signed-in request (the session's outer join).
        await conn.execute(sa.text("ANALYZE members"))
        await conn.execute(sa.text("ANALYZE employers"))
        return len(rows)


async def next_employer_id(conn: Connection) -> int:
    return (await conn.fetch_val(sa.select(sa.func.max(employers.c.id))) or 0) + 1
