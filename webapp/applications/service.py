"""応募: every query and rule of applications. Nothing here reads a request.

A state change is one transaction: the applications row moves only from the state the
person saw (UPDATE ... WHERE state = <expected>), and its application_events row and any
mail are written with it, so a double tap or two people at once change it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.applications import drafts, states
from webapp.applications.documents import Document
from webapp.clock import ymd
from webapp.db import fetch_all_bound, fetch_existing, is_unique_violation
from webapp.mail import outbox
from webapp.members.service import mail_employer_users
from webapp.postings import catalog, online
from webapp.postings import service as postings
from webapp.schema import (
    application_documents,
    application_events,
    applications,
    employers,
    job_postings,
    job_seekers,
    messages,
    offices,
    referrals,
)
from webapp.seekers import validity
from webapp.seekers.service import kana_for_employers, name_for_employers

DIRECT, REFERRAL = "direct", "referral"
KIND_LABELS = {DIRECT: "オンライン自主応募", REFERRAL: "ハローワーク紹介"}
# Postings an employer is still drafting or Hello Work has not approved: not public.
UNPUBLISHED = ("draft", "pending")
LIST_LIMIT = 200


class Refused(Exception):
    """A change that may not be made; `message` says why (shown with HTTP `status`), and
    `link`, when given, is (address, label) of where the job-seeker can put it right."""

    def __init__(self, message: str, status: int = 409, link: tuple[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.link = link


# --- Applying -------------------------------------------------------------------------


async def public_posting(conn: Connection, posting_id: int):
    """A posting a job-seeker may see (any state but draft / 審査待ち), or None; with
    `accepts_online` (webapp/postings/online.py)."""
    return await conn.fetch_one(
        sa.select(job_postings, online.column()).where(
            job_postings.c.id == posting_id, job_postings.c.status.not_in(UNPUBLISHED)
        )
    )


def accepts_online(posting) -> bool:
    """Whether the posting takes オンライン自主応募: its `accepts_online`, which the query
    read from the one rule (webapp/postings/online.py), as the search and the page do."""
    return bool(posting["accepts_online"])


SEEKER_INACTIVE = (
    "求職登録が「無効」になっているため、応募できません。"
    "マイページの「有効／無効」の切り替えで「有効」に戻すと応募できます。"
)
STATUS_LINK = ("/mypage/status", "求職登録の「有効／無効」を切り替える")
SEEKER_LAPSED = (
    "求職登録の有効期限（{until}）が過ぎているため、応募できません。"
    "仕事を探し続ける場合は、お近くのハローワークの窓口で求職申込みの手続きをしてください。"
)


def seeker_refusal(seeker, today: dt.date) -> Refused | None:
    """Why this job-seeker may not apply online (無効, or the 有効期限 passed), or None."""
    if seeker["status"] != "active":
        return Refused(SEEKER_INACTIVE, 403, link=STATUS_LINK)
    if not validity.is_active(seeker, today):
        return Refused(SEEKER_LAPSED.format(until=ymd(seeker["valid_until"])), 403)
    return None


def apply_refusal(posting, today: dt.date, seeker) -> Refused | None:
    """Why this job-seeker may not apply to this posting online now, or None when they may:
    the posting's reasons first (they hold for everyone), then the job-seeker's."""
    if not accepts_online(posting):
        return Refused(
            "この求人はオンライン自主応募を受け付けていません。"
            "応募にはハローワークの紹介が必要です。求人番号を控えて、ハローワークの窓口にご相談ください。",
            403,
        )
    state = postings.state(posting, today)
    if state != catalog.STATUS_OPEN:
        return Refused(f"この求人は{catalog.STATUS_LABELS[state]}のため、応募できません。", 409)
    return seeker_refusal(seeker, today)


async def for_seeker_posting(conn: Connection, seeker_id: int | None, posting_id: int):
    """The job-seeker's application to this posting (direct or by referral), or None."""
    if not seeker_id:
        return None
    return await conn.fetch_one(
        sa.select(applications).where(
            applications.c.seeker_id == seeker_id, applications.c.posting_id == posting_id
        )
    )


async def apply(
    conn: Connection,
    *,
    seeker_id: int,
    posting,
    motivation: str,
    documents: list[Document],
    now: dt.datetime,
    base_url: str,
) -> tuple[int, bool]:
    """Send a direct application; (its id, True), or (the existing one's id, False) when
    this job-seeker already applied to the posting (a double tap lands on the first)."""
    try:
        async with conn.transaction():
            # Two taps at once: the second waits here for the first (PostgreSQL; SQLite's
            # BEGIN IMMEDIATE already serializes writers), then finds its row.
            await conn.fetch_val(
                sa.select(job_seekers.c.id).where(job_seekers.c.id == seeker_id).with_for_update()
            )
            existing = await for_seeker_posting(conn, seeker_id, posting["id"])
            if existing is not None:
                return existing["id"], False
            application_id = await conn.fetch_val(
                applications.insert()
                .values(
                    seeker_id=seeker_id,
                    posting_id=posting["id"],
                    kind=DIRECT,
                    state=states.APPLIED,
                    motivation=motivation,
                    acknowledged_at=now,
                    created_at=now,
                    updated_at=now,
                )
                .returning(applications.c.id)
            )
            for document in documents:
                await conn.execute(
                    application_documents.insert().values(
                        application_id=application_id,
                        kind=document.kind,
                        filename=document.filename,
                        content_type=document.content_type,
                        size=document.size,
                        content=document.content,
                        created_at=now,
                    )
                )
            # What waited for the check page is sent now: the draft goes with the sending.
            await drafts.delete(conn, seeker_id, posting["id"], drafts.DIRECT)
            await _mail_employer(conn, posting, application_id, now=now, base_url=base_url)
            # An application is job-seeking activity: in the registration's last month it
            # extends the 有効期限 (seekers/validity.py).
            await validity.extend_for_activity(conn, seeker_id, now)
    except Exception as error:
        if not is_unique_violation(error):
            raise
        existing = await for_seeker_posting(conn, seeker_id, posting["id"])
        if existing is None:
            raise
        return existing["id"], False
    return application_id, True


async def _mail_employer(
    conn, posting, application_id: int, *, now, base_url: str, template: str = "application_new"
) -> None:
    """「応募がありました」 (or 「応募が辞退されました」) to each active user of the posting's
    事業所. The mail names the posting only: the applicant's details stay behind the
    employer's sign-in."""
    await mail_employer_users(
        conn,
        posting["employer_id"],
        template=template,
        context={
            "company_name": posting["company_name"],
            "job_title": posting["job_title"],
            "job_number": posting["job_number"],
            "kind": KIND_LABELS[DIRECT],
            "url": f"{base_url}/employer/applicants/{application_id}",
        },
        now=now,
    )


# --- Reading --------------------------------------------------------------------------

_POSTING_COLUMNS = (
    job_postings.c.job_number,
    job_postings.c.job_title,
    job_postings.c.company_name,
    job_postings.c.employer_id,
    job_postings.c.status.label("posting_status"),
)


def _unread(sender: str) -> sa.Label:
    """SQL, a column of a query on applications: how many messages from `sender` (the
    other side) on the row's application are unread."""
    return (
        sa.select(sa.func.count())
        .where(
            messages.c.application_id == applications.c.id,
            messages.c.sender == sender,
            messages.c.read_at.is_(None),
        )
        .scalar_subquery()
        .label("unread")
    )


async def seeker_applications(conn: Connection, seeker_id: int) -> list[dict]:
    """応募履歴: every application of the job-seeker (direct and by referral), newest first,
    each with its posting and the count of unread messages from the employer."""
    rows = await fetch_all_bound(conn, _SEEKERS_APPLICATIONS, {"seeker_id": seeker_id})
    return [dict(row._mapping) for row in rows]


# Built once with a placeholder (db.fetch_all_bound): 応募履歴 is a page job-seekers open
# again and again, and building and keying this wide statement cost more than running it.
_SEEKERS_APPLICATIONS = (
    sa.select(applications, *_POSTING_COLUMNS, _unread("employer"))
    .select_from(applications.join(job_postings, applications.c.posting_id == job_postings.c.id))
    .where(applications.c.seeker_id == sa.bindparam("seeker_id"))
    .order_by(applications.c.created_at.desc(), applications.c.id.desc())
)


async def application_for_seeker(conn: Connection, seeker_id: int, application_id: int):
    """The job-seeker's own application with its posting's columns, or None."""
    return await conn.fetch_one(
        sa.select(applications, *_POSTING_COLUMNS)
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(applications.c.id == application_id, applications.c.seeker_id == seeker_id)
    )


async def with_posting(conn: Connection, application_id: int):
    """An application (already authorized by the caller) with its posting's columns."""
    return await conn.fetch_one(
        sa.select(applications, *_POSTING_COLUMNS)
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(applications.c.id == application_id)
    )


async def documents_of(conn: Connection, application_id: int):
    """The application's documents without their bytes, 履歴書 first."""
    return await conn.fetch_all(
        sa.select(
            application_documents.c.id,
            application_documents.c.kind,
            application_documents.c.filename,
            application_documents.c.content_type,
            application_documents.c.size,
        )
        .where(application_documents.c.application_id == application_id)
        .order_by(application_documents.c.kind.desc(), application_documents.c.id)
    )


async def document(conn: Connection, application_id: int, document_id: int):
    """One document of this application (bytes included), or None."""
    return await conn.fetch_one(
        sa.select(application_documents).where(
            application_documents.c.id == document_id,
            application_documents.c.application_id == application_id,
        )
    )


def age_on(birthdate: dt.date, today: dt.date) -> int:
    return (
        today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))
    )


async def applicant_for_employer(conn: Connection, seeker_id: int, today: dt.date) -> dict:
    """What the employer sees of the applicant: name, ふりがな and age.

    Deliberately no 求職番号, address, phone or e-mail: the employer reaches the applicant
    through the message thread (and, for a referral, through Hello Work), and whatever
    else the job-seeker wants to disclose they put in their own 履歴書.
    """
    row = await fetch_existing(
        conn,
        sa.select(
            name_for_employers().label("name"),
            kana_for_employers().label("kana"),
            job_seekers.c.birthdate,
            job_seekers.c.closed_at,
        ).where(job_seekers.c.id == seeker_id),
    )
    return {
        "name": row["name"],
        "kana": row["kana"],
        # A closed account shows no age either: nothing that tells who it was.
        "age": None if row["closed_at"] else age_on(row["birthdate"], today),
    }


# --- The timeline ---------------------------------------------------------------------

# Same moment: the application first, then what happened in the order it was written.
_RANK = {"applied": 0, "referral": 0, "state": 1, "interview": 1, "message": 2}


def _first_line(body: str, limit: int = 60) -> str:
    line = next((part.strip() for part in body.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def timeline(conn: Connection, application) -> list[dict]:
    """One list, oldest first: the application (or its 紹介状), each state change and
    interview date, and each message (its first line)."""
    entries: list[dict] = []
    if application["kind"] == REFERRAL and application["referral_id"]:
        referral = await conn.fetch_one(
            sa.select(referrals.c.id, referrals.c.referral_number, referrals.c.created_at).where(
                referrals.c.id == application["referral_id"]
            )
        )
        if referral is not None:
            entries.append(
                {
                    "type": "referral",
                    "at": referral["created_at"],
                    "id": 0,
                    "referral_id": referral["id"],
                    "referral_number": referral["referral_number"],
                }
            )
    if not entries:
        entries.append({"type": "applied", "at": application["created_at"], "id": 0})
    events = await conn.fetch_all(
        sa.select(application_events)
        .where(application_events.c.application_id == application["id"])
        .order_by(application_events.c.id)
    )
    for event in events:
        # No change leads back to 応募済み: such a row can only record the application
        # itself, which the first entry already shows.
        if event["kind"] == "state" and event["state"] == states.APPLIED:
            continue
        entries.append(
            {
                "type": event["kind"],
                "at": event["created_at"],
                "id": event["id"],
                "actor": event["actor"],
                "state": event["state"],
                "state_label": states.label(event["state"]) if event["state"] else "",
                "interview_at": event["interview_at"],
                "note": event["note"],
            }
        )
    rows = await conn.fetch_all(
        sa.select(
            messages.c.id,
            messages.c.sender,
            messages.c.body,
            messages.c.created_at,
            messages.c.read_at,
        )
        .where(messages.c.application_id == application["id"])
        .order_by(messages.c.id)
    )
    for row in rows:
        entries.append(
            {
                "type": "message",
                "at": row["created_at"],
                "id": row["id"],
                "sender": row["sender"],
                "first_line": _first_line(row["body"]),
                "unread": row["read_at"] is None,
            }
        )
    entries.sort(key=lambda entry: (entry["at"], _RANK[entry["type"]], entry["id"]))
    return entries


def latest_interview(entries: list[dict]) -> dict | None:
    """The interview date set last (a later one replaces an earlier one)."""
    return next((e for e in reversed(entries) if e["type"] == "interview"), None)


# --- Changing the state ---------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    side: str  # states.SEEKER | states.EMPLOYER
    member_id: int | None = None


async def _current_state(conn: Connection, application_id: int) -> str:
    return await conn.fetch_val(
        sa.select(applications.c.state).where(applications.c.id == application_id)
    )


async def change_state(
    conn: Connection,
    application_id: int,
    *,
    actor: Actor,
    expected: str,
    target: str,
    now: dt.datetime,
    base_url: str,
    note: str = "",
) -> bool:
    """Move the application from `expected` (what the person saw) to `target`; `note`: the
    employer's message to the applicant with it (不採用), on the timeline and in the mail.

    True when it moved; False when it already was `target` (a second tap). Refused (409)
    when that side may not make this change, or when someone else changed it meanwhile.
    """
    if not states.may(actor.side, expected, target):
        raise Refused(
            f"「{states.label(expected)}」の応募を「{states.label(target)}」にすることはできません。"
        )
    async with conn.transaction():
        moved = await conn.fetch_val(
            applications.update()
            .where(applications.c.id == application_id, applications.c.state == expected)
            .values(state=target, updated_at=now)
            .returning(applications.c.id)
        )
        if moved is None:
            current = await _current_state(conn, application_id)
            if current == target:
                return False
            raise Refused(
                f"この応募の状況は、すでに「{states.label(current)}」に変わっています。"
                "画面を開き直して、いまの状況を確かめてください。"
            )
        await conn.execute(
            application_events.insert().values(
                application_id=application_id,
                created_at=now,
                actor=actor.side,
                member_id=actor.member_id,
                kind="state",
                state=target,
                note=note,
            )
        )
        if actor.side == states.SEEKER:  # 辞退: the employer stops waiting for them
            posting = await with_posting(conn, application_id)
            if posting["employer_id"] is not None:
                await _mail_employer(
                    conn,
                    posting,
                    application_id,
                    now=now,
                    base_url=base_url,
                    template="application_withdrawn",
                )
        if actor.side == states.EMPLOYER:
            await _mail_seeker(
                conn,
                application_id,
                "application_state",
                {"state_label": states.label(target), "note": note},
                now=now,
                base_url=base_url,
            )
    return True


async def set_interview(
    conn: Connection,
    application_id: int,
    *,
    member_id: int,
    interview_at: dt.datetime,
    note: str,
    now: dt.datetime,
    base_url: str,
) -> bool:
    """Record the interview date (面接調整中 only). False when the same date and note were
    already the latest (a second tap)."""
    async with conn.transaction():
        # The guard and the lock in one: only an application still 面接調整中 is touched.
        touched = await conn.fetch_val(
            applications.update()
            .where(
                applications.c.id == application_id,
                applications.c.state.in_(states.INTERVIEW_STATES),
            )
            .values(updated_at=now)
            .returning(applications.c.id)
        )
        if touched is None:
            current = await _current_state(conn, application_id)
            raise Refused(
                f"面接日時は「{states.label(states.INTERVIEW)}」の応募にだけ設定できます"
                f"（いまの状況: {states.label(current)}）。"
            )
        last = await conn.fetch_one(
            sa.select(application_events.c.interview_at, application_events.c.note)
            .where(
                application_events.c.application_id == application_id,
                application_events.c.kind == "interview",
            )
            .order_by(application_events.c.id.desc())
            .limit(1)
        )
        if last is not None and last["interview_at"] == interview_at and last["note"] == note:
            return False
        await conn.execute(
            application_events.insert().values(
                application_id=application_id,
                created_at=now,
                actor=states.EMPLOYER,
                member_id=member_id,
                kind="interview",
                interview_at=interview_at,
                note=note,
            )
        )
        await _mail_seeker(
            conn,
            application_id,
            "application_interview",
            {"interview_at": interview_at, "note": note},
            now=now,
            base_url=base_url,
        )
    return True


async def _mail_seeker(conn, application_id: int, template: str, extra: dict, *, now, base_url):
    """Tell the job-seeker what the employer did, unless they turned such mail off."""
    row = await conn.fetch_one(
        sa.select(
            job_seekers.c.name,
            job_seekers.c.email,
            job_seekers.c.mail_messages,
            job_postings.c.company_name,
            job_postings.c.job_title,
        )
        .select_from(
            applications.join(job_seekers, applications.c.seeker_id == job_seekers.c.id).join(
                job_postings, applications.c.posting_id == job_postings.c.id
            )
        )
        .where(applications.c.id == application_id)
    )
    if row is None or not row["mail_messages"]:
        return
    await outbox.enqueue(
        conn,
        to=row["email"],
        template=template,
        context={
            "name": row["name"],
            "company_name": row["company_name"],
            "job_title": row["job_title"],
            "url": f"{base_url}/mypage/applications/{application_id}",
            **extra,
        },
        now=now,
    )


# --- The employer's side --------------------------------------------------------------


async def employer_postings(conn: Connection, employer_id: int):
    """The 事業所's postings for the list's filter, newest first."""
    return await fetch_all_bound(conn, _EMPLOYER_POSTINGS, {"employer_id": employer_id})


async def employer_applicants(
    conn: Connection, employer_id: int, *, posting_id: int | None, state: str | None
) -> tuple[list[dict], int]:
    """Applications to the 事業所's postings, newest first, filtered by posting and state;
    (the first LIST_LIMIT rows, how many match in all)."""
    values: dict = {"employer_id": employer_id}
    if posting_id is not None:
        values["posting_id"] = posting_id
    if state is not None:
        values["state"] = state
    query = _APPLICANTS[posting_id is not None, state is not None]
    rows = await fetch_all_bound(conn, query, values)
    total = rows[0]["total"] if rows else 0
    return [dict(row._mapping) for row in rows], total


def _applicants_query(by_posting: bool, by_state: bool) -> sa.Select:
    where = [job_postings.c.employer_id == sa.bindparam("employer_id")]
    if by_posting:
        where.append(applications.c.posting_id == sa.bindparam("posting_id"))
    if by_state:
        where.append(applications.c.state == sa.bindparam("state"))
    joined = applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
    return (
        sa.select(
            applications,
            *_POSTING_COLUMNS,
            name_for_employers().label("seeker_name"),
            _unread("seeker"),
            # How many match in all, beside the first LIST_LIMIT (the window runs before
            # LIMIT): one query, not a count and then the rows.
            sa.func.count().over().label("total"),
        )
        .select_from(joined.join(job_seekers, applications.c.seeker_id == job_seekers.c.id))
        .where(*where)
        .order_by(applications.c.created_at.desc(), applications.c.id.desc())
        .limit(LIST_LIMIT)
    )


# The employer's applicant list, built once per filter (by posting, by state) with
# placeholders (db.fetch_all_bound): building and keying them cost more than running them.
_APPLICANTS = {(p, s): _applicants_query(p, s) for p in (False, True) for s in (False, True)}
_EMPLOYER_POSTINGS = (
    sa.select(job_postings.c.id, job_postings.c.job_number, job_postings.c.job_title)
    .where(job_postings.c.employer_id == sa.bindparam("employer_id"))
    .order_by(job_postings.c.registered_at.desc(), job_postings.c.id.desc())
)


async def referral_letter(conn: Connection, application):
    """紹介状 of a referral application: 紹介番号, date, office, job-seeker, posting; or None."""
    if application["kind"] != REFERRAL or not application["referral_id"]:
        return None
    return await conn.fetch_one(
        sa.select(
            referrals.c.referral_number,
            referrals.c.created_at,
            referrals.c.note,
            offices.c.name.label("office_name"),
            offices.c.phone.label("office_phone"),
            name_for_employers().label("seeker_name"),
            kana_for_employers().label("seeker_kana"),
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
            employers.c.name.label("employer_name"),
        )
        .select_from(
            referrals.join(offices, referrals.c.office_id == offices.c.id)
            .join(job_seekers, referrals.c.seeker_id == job_seekers.c.id)
            .join(job_postings, referrals.c.posting_id == job_postings.c.id)
            .outerjoin(employers, job_postings.c.employer_id == employers.c.id)
        )
        .where(referrals.c.id == application["referral_id"])
    )
