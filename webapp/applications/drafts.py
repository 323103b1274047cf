"""What a job-seeker typed before 応募する or 紹介を希望する, kept on the server between the
form and its check page (GOV.UK's check answers).

One draft per job-seeker, posting and kind (DIRECT: オンライン自主応募, REFERRAL: 紹介の希望).
Each save raises its `revision`, and the check page's button carries the revision it
showed: what is sent is what was checked. The 応募書類 chosen wait beside the draft,
checked as they are at sending, so a validation error never drops them. Sending deletes
the draft in the sending transaction (service.apply, referrals.service.request_referral).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from databases.core import Connection

from webapp.applications.documents import Document
from webapp.db import is_unique_violation
from webapp.schema import apply_draft_files, apply_drafts

DIRECT, REFERRAL = "direct", "referral"
# A draft untouched this long was given up: the daily round drops it, and its files.
KEPT_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class DraftFile:
    kind: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Draft:
    id: int
    revision: int
    acknowledged: bool
    message: str
    files: dict[str, DraftFile] = field(default_factory=dict)


async def load(conn: Connection, seeker_id: int, posting_id: int, kind: str) -> Draft | None:
    """The job-seeker's draft for this posting and kind, its files without their bytes."""
    row = await conn.fetch_one(
        sa.select(apply_drafts).where(
            apply_drafts.c.seeker_id == seeker_id,
            apply_drafts.c.posting_id == posting_id,
            apply_drafts.c.kind == kind,
        )
    )
    if row is None:
        return None
    files = await conn.fetch_all(
        sa.select(
            apply_draft_files.c.kind,
            apply_draft_files.c.filename,
            apply_draft_files.c.content_type,
            apply_draft_files.c.size,
        ).where(apply_draft_files.c.draft_id == row["id"])
    )
    return Draft(
        id=row["id"],
        revision=row["revision"],
        acknowledged=bool(row["acknowledged"]),
        message=row["message"],
        files={
            f["kind"]: DraftFile(f["kind"], f["filename"], f["content_type"], f["size"])
            for f in files
        },
    )


async def documents(conn: Connection, draft_id: int) -> list[Document]:
    """The draft's files with their bytes, 履歴書 first: what the application will carry."""
    rows = await conn.fetch_all(
        sa.select(apply_draft_files)
        .where(apply_draft_files.c.draft_id == draft_id)
        .order_by(apply_draft_files.c.kind.desc())
    )
    return [Document(r["kind"], r["filename"], r["content_type"], r["content"]) for r in rows]


async def _draft_id(conn: Connection, seeker_id: int, posting_id: int, kind: str, now) -> int:
    """The draft's id, made if there is none (inside the caller's transaction)."""
    where = (
        apply_drafts.c.seeker_id == seeker_id,
        apply_drafts.c.posting_id == posting_id,
        apply_drafts.c.kind == kind,
    )
    found = await conn.fetch_val(sa.select(apply_drafts.c.id).where(*where).with_for_update())
    if found is not None:
        return found
    return await conn.fetch_val(
        apply_drafts.insert()
        .values(
            seeker_id=seeker_id,
            posting_id=posting_id,
            kind=kind,
            acknowledged=False,
            message="",
            revision=0,
            created_at=now,
            updated_at=now,
        )
        .returning(apply_drafts.c.id)
    )


async def save(
    conn: Connection,
    seeker_id: int,
    posting_id: int,
    kind: str,
    *,
    acknowledged: bool,
    message: str,
    chosen: Sequence[Document] = (),
    remove: tuple[str, ...] = (),
    now: dt.datetime,
) -> Draft:
    """Keep what was typed: the text, the newly chosen files (each replacing the one of
    its kind) and none of the files asked to be removed. Two tabs saving at once: the
    second waits for the first, then writes over it."""
    for attempt in (1, 2):
        try:
            async with conn.transaction():
                draft_id = await _draft_id(conn, seeker_id, posting_id, kind, now)
                await conn.execute(
                    apply_drafts.update()
                    .where(apply_drafts.c.id == draft_id)
                    .values(
                        acknowledged=acknowledged,
                        message=message,
                        revision=apply_drafts.c.revision + 1,
                        updated_at=now,
                    )
                )
                replaced = {document.kind for document in chosen} | set(remove)
                if replaced:
                    await conn.execute(
                        apply_draft_files.delete().where(
                            apply_draft_files.c.draft_id == draft_id,
                            apply_draft_files.c.kind.in_(sorted(replaced)),
                        )
                    )
                for document in chosen:
                    await conn.execute(
                        apply_draft_files.insert().values(
                            draft_id=draft_id,
                            kind=document.kind,
                            filename=document.filename,
                            content_type=document.content_type,
                            size=document.size,
                            content=document.content,
                            created_at=now,
                        )
                    )
            break
        except Exception as error:
            # The first save of two at once (PostgreSQL): the other made the row; use it.
            if attempt == 2 or not is_unique_violation(error):
                raise
    draft = await load(conn, seeker_id, posting_id, kind)
    assert draft is not None
    return draft


async def delete(conn: Connection, seeker_id: int, posting_id: int, kind: str) -> None:
    """Forget the draft and its files (after sending: inside the sending transaction)."""
    where = (
        apply_drafts.c.seeker_id == seeker_id,
        apply_drafts.c.posting_id == posting_id,
        apply_drafts.c.kind == kind,
    )
    # Its files first: SQLite enforces ON DELETE CASCADE only with foreign_keys on.
    await conn.execute(
        apply_draft_files.delete().where(
            apply_draft_files.c.draft_id.in_(sa.select(apply_drafts.c.id).where(*where))
        )
    )
    await conn.execute(apply_drafts.delete().where(*where))


async def sweep(conn: Connection, now: dt.datetime) -> int:
    """Drop the drafts (and their 応募書類) untouched for KEPT_FOR; how many went."""
    stale = sa.select(apply_drafts.c.id).where(apply_drafts.c.updated_at < now - KEPT_FOR)
    async with conn.transaction():
        await conn.execute(
            apply_draft_files.delete().where(apply_draft_files.c.draft_id.in_(stale))
        )
        gone = await conn.fetch_all(
            apply_drafts.delete()
            .where(apply_drafts.c.updated_at < now - KEPT_FOR)
            .returning(apply_drafts.c.id)
        )
    return len(gone)
