"""相互連絡: the thread of one application, who may write in it, and the mail it sends.

Who may read a thread is decided before anything here is called: the job-seeker's own
application (thread(..., seeker_id=)), or the 事業所's (employer.access). read_at on a
message is when the other side first had it on their screen; the menus count the NULLs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.applications.states import WITHDRAWN
from webapp.db import fetch_all_bound, fetch_bound
from webapp.mail import outbox
from webapp.members.service import mail_employer_users
from webapp.schema import applications, employers, job_postings, job_seekers, members, messages
from webapp.seekers.service import name_for_employers

SEEKER, EMPLOYER = "seeker", "employer"
OTHER = {SEEKER: EMPLOYER, EMPLOYER: SEEKER}


def seeker_path(application_id: int) -> str:
    return f"/mypage/applications/{application_id}/messages"


def employer_path(application_id: int) -> str:
    return f"/employer/applicants/{application_id}/messages"


class Closed(Exception):
    """The thread no longer takes messages (the application was withdrawn meanwhile)."""


@dataclass(frozen=True)
class Thread:
    application_id: int
    state: str
    seeker_id: int
    seeker_name: str
    seeker_email: str
    mail_messages: bool
    employer_id: int | None  # None: a posting without an employer account (no one to read)
    employer_name: str
    job_title: str
    job_number: str

    @property
    def closed_because(self) -> str | None:
        """Why nobody may write any more ("withdrawn", "no_employer"), or None."""
        if self.state == WITHDRAWN:
            return "withdrawn"
        if self.employer_id is None:
            return "no_employer"
        return None

    @property
    def can_write(self) -> bool:
        return self.closed_because is None

    def name_of(self, sender: str) -> str:
        return self.employer_name if sender == EMPLOYER else self.seeker_name


def _thread_query() -> sa.Select:
    return (
        sa.select(
            applications.c.id,
            applications.c.state,
            applications.c.seeker_id,
            name_for_employers().label("seeker_name"),
            job_seekers.c.email.label("seeker_email"),
            job_seekers.c.mail_messages,
            job_postings.c.employer_id,
            sa.func.coalesce(employers.c.name, job_postings.c.company_name).label("employer_name"),
            job_postings.c.job_title,
            job_postings.c.job_number,
        )
        .select_from(
            applications.join(job_seekers, applications.c.seeker_id == job_seekers.c.id)
            .join(job_postings, applications.c.posting_id == job_postings.c.id)
            .outerjoin(employers, employers.c.id == job_postings.c.employer_id)
        )
        .where(applications.c.id == sa.bindparam("application_id"))
    )


# Built once with placeholders (db.fetch_bound): a thread is read on every view and every
# poll, and building and keying the statements cost more than running them.
_THREAD = _thread_query()
_SEEKERS_THREAD = _THREAD.where(applications.c.seeker_id == sa.bindparam("seeker_id"))
# Thread's fields read from _THREAD's columns (its id is application_id).
_THREAD_FIELDS = tuple(str(column.key) for column in _THREAD.selected_columns)[1:]
_MESSAGES = (
    sa.select(
        messages.c.id,
        messages.c.sender,
        messages.c.body,
        messages.c.created_at,
        messages.c.read_at,
        members.c.name.label("member_name"),
    )
    .select_from(messages.outerjoin(members, messages.c.member_id == members.c.id))
    .where(
        messages.c.application_id == sa.bindparam("application_id"),
        messages.c.id > sa.bindparam("after"),
    )
    .order_by(messages.c.id)
)


async def thread(
    conn: Connection, application_id: int, *, seeker_id: int | None = None
) -> Thread | None:
    """The application's thread; with seeker_id, only if it is that job-seeker's."""
    if seeker_id is None:
        row = await fetch_bound(conn, _THREAD, {"application_id": application_id})
    else:
        bound = {"application_id": application_id, "seeker_id": seeker_id}
        row = await fetch_bound(conn, _SEEKERS_THREAD, bound)
    if row is None:
        return None
    values = dict(row._mapping)
    return Thread(application_id=values.pop("id"), **values)


# The thread and all its messages in one statement, for the thread's page (a round trip
# less on PostgreSQL, where each is a tenth of the page): the thread's columns on every
# row, a message's (or NULLs, for none yet) beside them.
_MESSAGE_LABELS = tuple(
    (column.key, f"message__{column.key}") for column in _MESSAGES.selected_columns
)
_THREAD_AND_MESSAGES = (
    _THREAD.add_columns(
        *(
            column.label(label)
            for column, (_, label) in zip(_MESSAGES.selected_columns, _MESSAGE_LABELS, strict=True)
        )
    )
    .outerjoin_from(applications, messages, messages.c.application_id == applications.c.id)
    .outerjoin(members, messages.c.member_id == members.c.id)
    .order_by(messages.c.id)
)
_SEEKERS_THREAD_AND_MESSAGES = _THREAD_AND_MESSAGES.where(
    applications.c.seeker_id == sa.bindparam("seeker_id")
)


async def thread_with_messages(
    conn: Connection, application_id: int, *, seeker_id: int | None = None
) -> tuple[Thread, list[dict]] | None:
    """thread() and messages_after(thread) in one statement; None as thread() says."""
    if seeker_id is None:
        rows = await fetch_all_bound(conn, _THREAD_AND_MESSAGES, {"application_id": application_id})
    else:
        bound = {"application_id": application_id, "seeker_id": seeker_id}
        rows = await fetch_all_bound(conn, _SEEKERS_THREAD_AND_MESSAGES, bound)
    if not rows:
        return None
    first = rows[0]
    found = Thread(
        application_id=first["id"],
        **{name: first[name] for name in _THREAD_FIELDS},
    )
    items = [
        {
            **{name: row[label] for name, label in _MESSAGE_LABELS},
            "name": found.name_of(row["message__sender"]),
        }
        for row in rows
        if row["message__id"] is not None
    ]
    return found, items


async def messages_after(conn: Connection, thread: Thread, after: int = 0) -> list[dict]:
    """The thread's messages newer than id `after`, oldest first, each with its side's name
    (事業所名 or the job-seeker's name) and, for the employer's eyes, who wrote it."""
    rows = await fetch_all_bound(
        conn, _MESSAGES, {"application_id": thread.application_id, "after": after}
    )
    return [{**row._mapping, "name": thread.name_of(row["sender"])} for row in rows]


async def mark_read(
    conn: Connection, application_id: int, *, reader: str, up_to: int, now: dt.datetime
) -> None:
    """The other side's messages up to id `up_to` (those now on the reader's screen) are
    read; a message that arrived after the page was read stays unread."""
    await conn.execute(
        messages.update()
        .where(
            messages.c.application_id == application_id,
            messages.c.sender == OTHER[reader],
            messages.c.read_at.is_(None),
            messages.c.id <= up_to,
        )
        .values(read_at=now)
    )


async def write(
    conn: Connection,
    thread: Thread,
    *,
    sender: str,
    member_id: int | None,
    text: str,
    seen: int | None,
    now: dt.datetime,
    base_url: str,
) -> tuple[int, bool]:
    """Add a message and queue the other side's mail notice: (its id, True), or for a
    second send of the same form (the id of the message already there, False).

    A second send is the same text from the same writer after the same `seen` (the newest
    message id on their page when the form was drawn). That is a one-time token of the form
    without a column for it: a double tap, a retry after a lost answer or a resend with Back
    all carry the old `seen` and find their message; the same words sent again on purpose
    ("はい") come from a fresh form with a newer `seen` and go through. A time window
    ("same text within 10 s") would miss a slow retry and refuse a quick honest repeat.
    """
    async with conn.transaction():
        # Lock the application: writes to one thread queue up on PostgreSQL, so two sends
        # of one form cannot both miss each other, and the state read is the current one.
        # (SQLite's BEGIN IMMEDIATE already serializes writers; FOR UPDATE is left out there.)
        state = await conn.fetch_val(
            sa.select(applications.c.state)
            .where(applications.c.id == thread.application_id)
            .with_for_update()
        )
        if state == WITHDRAWN:
            raise Closed
        same_writer = messages.c.sender == sender
        if sender == EMPLOYER:
            same_writer = sa.and_(same_writer, messages.c.member_id == member_id)
        if seen is not None:
            earlier = await conn.fetch_val(
                sa.select(messages.c.id)
                .where(
                    messages.c.application_id == thread.application_id,
                    same_writer,
                    messages.c.id > seen,
                    messages.c.body == text,
                )
                .order_by(messages.c.id)
                .limit(1)
            )
            if earlier is not None:
                return earlier, False
        # One notice per unread stretch: while an earlier message from this side is still
        # unread, the other side has been told already and a mail per message would be noise.
        told_already = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(messages)
            .where(
                messages.c.application_id == thread.application_id,
                messages.c.sender == sender,
                messages.c.read_at.is_(None),
            )
        )
        message_id = await conn.fetch_val(
            messages.insert()
            .values(
                application_id=thread.application_id,
                sender=sender,
                member_id=member_id if sender == EMPLOYER else None,
                body=text,
                created_at=now,
            )
            .returning(messages.c.id)
        )
        if not told_already:
            await _notify(conn, thread, sender=sender, now=now, base_url=base_url.rstrip("/"))
    return message_id, True


async def _notify(
    conn: Connection, thread: Thread, *, sender: str, now: dt.datetime, base_url: str
) -> None:
    """Mail the other side that a message is waiting: which application and the link,
    never the text (mail is less private than My Page; the link asks for a sign-in)."""
    if sender == EMPLOYER:
        if not thread.mail_messages:  # the job-seeker turned these mails off
            return
        await outbox.enqueue(
            conn,
            to=thread.seeker_email,
            template="message_new_seeker",
            context={
                "name": thread.seeker_name,
                "company_name": thread.employer_name,
                "job_title": thread.job_title,
                "job_number": thread.job_number,
                "url": base_url + seeker_path(thread.application_id),
                "settings_url": base_url + "/mypage/settings/mail",
            },
            now=now,
        )
        return
    if thread.employer_id is None:  # a posting without an employer account: nobody to tell
        return
    await mail_employer_users(
        conn,
        thread.employer_id,
        template="message_new_employer",
        context={
            "job_title": thread.job_title,
            "job_number": thread.job_number,
            "url": base_url + employer_path(thread.application_id),
        },
        now=now,
    )
