"""What is held about a job-seeker, read off the table definitions (schema.metadata).

Every table with a foreign key to job_seekers, or to a table that has one (an
application's messages and documents, say), holds the person's rows. The download of
one's own data (webapp/mydata) and `python -m webapp purge` both walk this list, so a
table added later is exported and deleted without anyone remembering to
(tests/test_closing.py and tests/test_mydata.py check both against the metadata).

Mail has no foreign key: the outbox (and the demo mailbox) are matched by address.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.schema import caught_mail, job_seekers, metadata, outbox


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
