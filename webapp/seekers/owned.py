"""What is held about a job-seeker, read off the table definitions (schema.metadata).

Every table with a foreign key to job_seekers, or to a table that has one (an
application's messages and documents, say), holds the person's rows. The download of
one's own data (webapp/mydata) and `python -m webapp purge` both walk this list, so a
table added later is exported and deleted without anyone remembering to
(tests/test_closing.py and tests/test_mydata.py check both against the metadata).

Mail has no foreign key: the outbox (and the demo mailbox) are matched by address, and
by every address the person had, each for the time it was theirs (an address given up
may be someone else's later). The change history (profile_changes, field "email": the
person's own change, a staff correction, a merge) says when each changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import caught_mail, job_seekers, metadata, outbox, profile_changes


@dataclass(frozen=True)
class Owned:
    table: sa.Table
    column: sa.Column  # the column that leads to the job-seeker
    parent: sa.Table  # job_seekers, or the owned table that column refers to


def owned_tables() -> list[Owned]:
    """Every table holding a job-seeker's rows, parents before children (metadata order).
    A direct foreign key to job_seekers wins over one through another owned table."""
    found: dict[sa.Table, Owned] = {}
    for table in metadata.sorted_tables:
        if table is job_seekers:
            continue
        keys = sorted(table.foreign_keys, key=lambda key: key.column.table is not job_seekers)
        for key in keys:
            target = key.column.table
            if target is job_seekers or target in found:
                found[table] = Owned(table, key.parent, target)
                break
    return list(found.values())


def rows_of(owned: Owned, seeker_id: int, by_table: dict[sa.Table, Owned]):
    """The WHERE clause that picks the job-seeker's rows of `owned.table`."""
    if owned.parent is job_seekers:
        return owned.column == seeker_id
    parent = by_table[owned.parent]
    key = next(iter(owned.column.foreign_keys)).column
    return owned.column.in_(sa.select(key).where(rows_of(parent, seeker_id, by_table)))


def clauses(seeker_id: int) -> list[tuple[sa.Table, sa.ColumnElement]]:
    """(table, WHERE clause) for every owned table, parents first."""
    tables = owned_tables()
    by_table = {owned.table: owned for owned in tables}
    return [(owned.table, rows_of(owned, seeker_id, by_table)) for owned in tables]


# Mail to the person, found by address (no foreign key): the durable outbox and the demo
# mode's built-in mailbox.
MAIL_TABLES = (outbox, caught_mail)

# Never exported: hashes of secrets (session cookies, keys, passwords). Their rows are,
# without these columns.
SECRET_COLUMNS = frozenset({"token_hash", "key_hash", "password_hash", "resume_hash"})


@dataclass(frozen=True)
class Address:
    """An address that was the person's, from `since` to `until` (None: no bound)."""

    email: str
    since: dt.datetime | None
    until: dt.datetime | None


async def addresses(
    conn: Connection, seeker_id: int, email: str | None, until: dt.datetime | None = None
) -> list[Address]:
    """Every address the person had, oldest first, each with its time: the ones before
    each change in the history, then `email` (today's, or the one kept at closing) up to
    `until` (the closing; None while open). A mail sent at the moment of a change (the
    notice to the old address) counts for both."""
    changes = await conn.fetch_all(
        sa.select(profile_changes.c.created_at, profile_changes.c.before)
        .where(profile_changes.c.seeker_id == seeker_id, profile_changes.c.field == "email")
        .order_by(profile_changes.c.created_at, profile_changes.c.id)
    )
    found = []
    since = None
    for change in changes:
        if change["before"]:
            found.append(Address(change["before"], since, change["created_at"]))
        since = change["created_at"]
    if email:
        found.append(Address(email, since, until))
    return found


def mail_time(table: sa.Table) -> sa.Column:
    return table.c.created_at if "created_at" in table.c else table.c.received_at


def mail_to(table: sa.Table, had: list[Address]) -> sa.ColumnElement[bool]:
    """The WHERE clause for the rows of a MAIL_TABLES table sent to the person: to one of
    their addresses while it was theirs."""
    time = mail_time(table)
    return sa.or_(
        sa.false(),
        *(
            sa.and_(
                table.c.to_addr == address.email,
                *([time >= address.since] if address.since else []),
                *([time <= address.until] if address.until else []),
            )
            for address in had
        ),
    )
