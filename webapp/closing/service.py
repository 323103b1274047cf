"""The end of an account: 退会 by the job-seeker, or staff ending the registration (就職,
取消); and `python -m webapp purge`, which deletes what is past its retention period.

Closing happens in one transaction: open applications are withdrawn (each employer is
told), waiting 紹介の希望 are withdrawn, unanswered 求人者からのリクエスト declined, the
profile is no longer published, every session and remembered browser ends, and the
address is freed (kept in closed_email until the purge). Employers then see
「退会済みの求職者」 where the name was (seekers.service.name_for_employers).

Purging works person by person, one transaction each: a failure for one leaves that
person as they were and the others done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from databases.core import Connection

from webapp.applications import states
from webapp.db import fetch_existing, is_sqlite
from webapp.mail import outbox
from webapp.members.service import mail_employer_users
from webapp.schema import (
    application_documents,
    application_events,
    applications,
    auth_keys,
    direct_requests,
    job_postings,
    job_seekers,
    messages,
    pending_forms,
    referral_requests,
    remembered_devices,
    saved_searches,
    seeker_profiles,
    sessions,
)
from webapp.security.passwords import verify_password
from webapp.seekers.owned import MAIL_TABLES, addresses, clauses, mail_to
from webapp.seekers.service import record_change

WITHDRAWN, EMPLOYED, CANCELLED = "withdrawn", "employed", "cancelled"
REASON_LABELS = {WITHDRAWN: "退会", EMPLOYED: "就職", CANCELLED: "取消"}
STAFF_REASONS = (EMPLOYED, CANCELLED)
CLOSED = "closed"  # job_seekers.status of a closed account

# What the job-seeker may still step back from (everything before the employer decided).
OPEN_STATES = tuple(states.TRANSITIONS[states.SEEKER])
# Applications that ended: their documents and messages count down from updated_at.
ENDED_STATES = (states.REJECTED, states.WITHDRAWN)


def placeholder_email(seeker_id: int) -> str:
    """What `email` holds once closed: unique, and no address anyone can sign in with
    (the .invalid top-level domain is reserved for exactly this, RFC 2606)."""
    return f"closed-{seeker_id}@closed.invalid"


async def check_password(conn: Connection, seeker_id: int, password: str) -> bool:
    """The job-seeker's own password, asked again before 退会."""
    stored = await conn.fetch_val(
        sa.select(job_seekers.c.password_hash).where(job_seekers.c.id == seeker_id)
    )
    return await verify_password(stored, password)


# --- What closing does, said before it is done ------------------------------------------


@dataclass(frozen=True)
class Consequences:
    open_applications: list = field(default_factory=list)  # company_name, job_title
    messages: int = 0
    waiting_requests: int = 0  # 求人者からのリクエスト not answered yet
    pending_referrals: int = 0
    published: bool = False


async def consequences(conn: Connection, seeker_id: int) -> Consequences:
    """What 退会 would change, for the page that asks for the password again."""
    open_rows = await conn.fetch_all(
        sa.select(applications.c.id, job_postings.c.company_name, job_postings.c.job_title)
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(applications.c.seeker_id == seeker_id, applications.c.state.in_(OPEN_STATES))
        .order_by(applications.c.created_at.desc(), applications.c.id.desc())
    )
    mine = sa.select(applications.c.id).where(applications.c.seeker_id == seeker_id)
    count = sa.select(sa.func.count())
    return Consequences(
        open_applications=[dict(row._mapping) for row in open_rows],
        messages=await conn.fetch_val(
            count.select_from(messages).where(messages.c.application_id.in_(mine))
        ),
        waiting_requests=await conn.fetch_val(
            count.select_from(direct_requests).where(
                direct_requests.c.seeker_id == seeker_id, direct_requests.c.state == "sent"
            )
        ),
        pending_referrals=await conn.fetch_val(
            count.select_from(referral_requests).where(
                referral_requests.c.seeker_id == seeker_id, referral_requests.c.state == "pending"
            )
        ),
        published=bool(
            await conn.fetch_val(
                sa.select(seeker_profiles.c.published).where(
                    seeker_profiles.c.seeker_id == seeker_id
                )
            )
        ),
    )


# --- Closing ----------------------------------------------------------------------------


async def close(
    conn: Connection,
    seeker_id: int,
    *,
    reason: str,
    now: dt.datetime,
    base_url: str,
    member_id: int | None = None,
    note: str = "",
) -> bool:
    """Close the account (see the module's docstring). False when it already was closed
    (a second tap, or staff and the job-seeker at once): nothing changes then."""
    assert reason in REASON_LABELS
    async with conn.transaction():
        seeker = await fetch_existing(
            conn,
            sa.select(job_seekers).where(job_seekers.c.id == seeker_id).with_for_update()
            if not is_sqlite(conn)
            # SQLite's BEGIN IMMEDIATE already serializes writers.
            else sa.select(job_seekers).where(job_seekers.c.id == seeker_id),
        )
        if seeker["closed_at"] is not None:
            return False
        actor = "seeker" if member_id is None else "staff"
        open_rows = await conn.fetch_all(
            sa.select(applications.c.id, job_postings)
            .select_from(
                applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
            )
            .where(applications.c.seeker_id == seeker_id, applications.c.state.in_(OPEN_STATES))
        )
        for row in open_rows:
            await conn.execute(
                applications.update()
                .where(applications.c.id == row[0])
                .values(state=states.WITHDRAWN, updated_at=now)
            )
            await conn.execute(
                application_events.insert().values(
                    application_id=row[0],
                    created_at=now,
                    actor=actor,
                    member_id=member_id,
                    kind="state",
                    # No note: the timeline shows a state change's note as the employer's
                    # message to the applicant; the employer's page says 退会済み already.
                    state=states.WITHDRAWN,
                )
            )
            if row["employer_id"] is not None:
                await mail_employer_users(
                    conn,
                    row["employer_id"],
                    template="application_closed",
                    context={
                        "company_name": row["company_name"],
                        "job_title": row["job_title"],
                        "job_number": row["job_number"],
                        "url": f"{base_url}/employer/applicants/{row[0]}",
                    },
                    now=now,
                )
        await conn.execute(
            referral_requests.update()
            .where(
                referral_requests.c.seeker_id == seeker_id, referral_requests.c.state == "pending"
            )
            .values(state="withdrawn", decided_at=now)
        )
        await conn.execute(
            direct_requests.update()
            .where(direct_requests.c.seeker_id == seeker_id, direct_requests.c.state == "sent")
            .values(state="declined", decided_at=now)
        )
        await conn.execute(
            seeker_profiles.update()
            .where(seeker_profiles.c.seeker_id == seeker_id)
            .values(published=False)
        )
        await conn.execute(
            saved_searches.update()
            .where(saved_searches.c.seeker_id == seeker_id)
            .values(mail_enabled=False)
        )
        for table in (sessions, remembered_devices, pending_forms):
            await conn.execute(table.delete().where(table.c.seeker_id == seeker_id))
        await conn.execute(
            auth_keys.update()
            .where(auth_keys.c.seeker_id == seeker_id, auth_keys.c.used_at.is_(None))
            .values(superseded_at=now)
        )
        await conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == seeker_id)
            .values(
                status=CLOSED,
                closed_at=now,
                closed_reason=reason,
                closed_by=member_id,
                closed_note=note[:2000],
                closed_email=seeker["email"],
                email=placeholder_email(seeker_id),
                password_hash=None,
                mail_notices=False,
                mail_messages=False,
                mail_requests=False,
            )
        )
        await record_change(
            conn,
            seeker_id,
            "status",
            "有効" if seeker["status"] == "active" else "無効",
            REASON_LABELS[reason],
            actor=actor,
            member_id=member_id,
            now=now,
            reason=note,
        )
        await outbox.enqueue(
            conn,
            to=seeker["email"],
            template="account_closed",
            context={
                "name": seeker["name"],
                "reason": reason,
                "reason_label": REASON_LABELS[reason],
                "note": note,
                "withdrawn": len(open_rows),
                "closed_at": now,
                "top_url": f"{base_url}/",
            },
            now=now,
        )
    return True


# --- Purge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """How long what is kept (see config.Settings.retain_*)."""

    closed_accounts: dt.timedelta
    documents: dt.timedelta
    messages: dt.timedelta

    @classmethod
    def from_settings(cls, settings) -> Retention:
        return cls(
            closed_accounts=dt.timedelta(days=settings.retain_closed_account_days),
            documents=dt.timedelta(days=settings.retain_document_days),
            messages=dt.timedelta(days=settings.retain_message_days),
        )


@dataclass
class PurgeReport:
    accounts: int = 0  # closed accounts deleted
    documents: int = 0  # 応募書類 deleted (of accounts still open)
    messages: int = 0  # messages deleted (of accounts still open)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (seeker id, why)


def _ended_before(cutoff: dt.datetime):
    """Applications that ended (不採用, 辞退) before `cutoff`."""
    return sa.select(applications.c.id).where(
        applications.c.state.in_(ENDED_STATES), applications.c.updated_at < cutoff
    )


async def due(conn: Connection, now: dt.datetime, retention: Retention) -> list[int]:
    """The job-seekers with something past its retention period, by id."""
    closed = sa.select(job_seekers.c.id).where(
        job_seekers.c.closed_at.is_not(None),
        job_seekers.c.closed_at < now - retention.closed_accounts,
    )
    with_documents = sa.select(applications.c.seeker_id).where(
        applications.c.id.in_(_ended_before(now - retention.documents)),
        applications.c.id.in_(sa.select(application_documents.c.application_id)),
    )
    with_messages = sa.select(applications.c.seeker_id).where(
        applications.c.id.in_(_ended_before(now - retention.messages)),
        applications.c.id.in_(sa.select(messages.c.application_id)),
    )
    rows = await conn.fetch_all(sa.union(closed, with_documents, with_messages))
    return sorted(row[0] for row in rows)


async def purge_person(
    conn: Connection, seeker_id: int, now: dt.datetime, retention: Retention, report: PurgeReport
) -> None:
    """Everything of one job-seeker that is past its period, in one transaction: the whole
    account once closed long enough (every owned row, the mail to each address they had
    while it was theirs, up to the closing; the job_seekers row); else old documents and
    messages."""
    async with conn.transaction():
        seeker = await conn.fetch_one(
            sa.select(job_seekers.c.id, job_seekers.c.closed_at, job_seekers.c.closed_email).where(
                job_seekers.c.id == seeker_id
            )
        )
        if seeker is None:
            return
        closed_at = seeker["closed_at"]
        if closed_at is not None and closed_at < now - retention.closed_accounts:
            # The addresses first: the history that knows them goes with the rest.
            had = await addresses(conn, seeker_id, seeker["closed_email"], closed_at)
            # Children before parents, whatever the foreign keys' ON DELETE says.
            for table, where in reversed(clauses(seeker_id)):
                await conn.execute(table.delete().where(where))
            for table in MAIL_TABLES:
                await conn.execute(table.delete().where(mail_to(table, had)))
            await conn.execute(job_seekers.delete().where(job_seekers.c.id == seeker_id))
            report.accounts += 1
            return
        mine = sa.select(applications.c.id).where(applications.c.seeker_id == seeker_id)
        gone = await conn.fetch_all(
            application_documents.delete()
            .where(
                application_documents.c.application_id.in_(mine),
                application_documents.c.application_id.in_(
                    _ended_before(now - retention.documents)
                ),
            )
            .returning(application_documents.c.id)
        )
        report.documents += len(gone)
        gone = await conn.fetch_all(
            messages.delete()
            .where(
                messages.c.application_id.in_(mine),
                messages.c.application_id.in_(_ended_before(now - retention.messages)),
            )
            .returning(messages.c.id)
        )
        report.messages += len(gone)


async def purge(conn: Connection, now: dt.datetime, retention: Retention) -> PurgeReport:
    """Purge every job-seeker with something due, each in a transaction of their own; a
    failure is reported and leaves the others done. Deleted documents leave the storage
    too: on SQLite secure_delete overwrites the freed pages and the log is checkpointed;
    on PostgreSQL the documents' table (and its TOAST) is vacuumed."""
    report = PurgeReport()
    if is_sqlite(conn):
        await conn.execute("PRAGMA secure_delete = ON")
    for seeker_id in await due(conn, now, retention):
        try:
            await purge_person(conn, seeker_id, now, retention, report)
        except Exception as error:  # noqa: BLE001 - one person's failure must not stop the rest
            report.failed.append((seeker_id, f"{type(error).__name__}: {error}"))
    if not (report.accounts or report.documents):
        return report
    if is_sqlite(conn):
        await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await conn.execute("VACUUM application_documents")
    return report
