"""Rows for tests, written through the same services the app uses, and the lookups that
read them back.

`add_*` work on a connection (the browser walks' databases, where no TestClient runs);
the others run in a test's app (`run`), on its clock. Worlds of several rows that many
modules start from are here too (`applications_world`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import time
from types import SimpleNamespace

import sqlalchemy as sa

from webapp.applications import service as applications_service
from webapp.members import service as members
from webapp.messages import service as messages_service
from webapp.schema import (
    applications,
    employers,
    job_seekers,
    metadata,
    offices,
    outbox,
    referrals,
    seeker_profiles,
)
from webapp.security.passwords import hash_password
from webapp.seekers import service as seekers

DEFAULTS = {
    "name": "山田太郎",
    "kana": "ヤマダタロウ",
    "birthdate": "1990-04-01",
    "email": "taro@example.com",
}
# The password of every job-seeker a test signs in as, unless the password is the point.
SEEKER_PASSWORD = "Tonami#2024x"
# Staff and employer users (helpers.STAFF, helpers.EMPLOYER …).
MEMBER_PASSWORD = "Kh7#mqPw2x"


def run(client, work):
    """Run `work(conn)` in the app's event loop, on its database."""

    async def call():
        async with client.app.state.db.connection() as conn:
            return await work(conn)

    return client.portal.call(call)


# --- people ------------------------------------------------------------------------------


def seeker(client, *, password: str | None = None, office: str | None = None, **overrides) -> str:
    """A counter-registered job-seeker (at `office`, the first office by default; with a
    password when given); returns the 求職番号."""
    values = {**DEFAULTS, **overrides}
    now = client.app.state.clock.now()
    new = seekers.validate_new_seeker(today=client.app.state.clock.today(), **values)

    async def work(conn):
        number = await seekers.register(conn, new, office_code=office, now=now)
        if password:
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.seeker_number == number)
                .values(password_hash=await hash_password(password), password_set_at=now)
            )
        return number

    return run(client, work)


async def add_staff(
    conn,
    *,
    now: dt.datetime,
    email: str = "staff@example.com",
    office: str = "16040",
    name: str = "砺波一郎",
    password: str = MEMBER_PASSWORD,
) -> int:
    """A Hello Work staff account; returns its member id."""
    new = members.validate_member(name=name, email=email, password=password)
    return await members.add_staff(conn, new, office_code=office, now=now)


def staff(client, **account) -> int:
    """`add_staff` in the test's app (password MEMBER_PASSWORD unless given)."""
    now = client.app.state.clock.now()
    return run(client, lambda conn: add_staff(conn, now=now, **account))


def office(client, code: str = "13010", name: str = "ハローワーク飯田橋") -> int:
    return run(
        client, lambda conn: members.add_office(conn, code=code, name=name, phone="03-3812-8609")
    )


async def add_employer(
    conn,
    *,
    now: dt.datetime,
    email: str = "hr@example.com",
    name: str = "株式会社となみ精工",
    office: str = "16040",
    user: str = "採用花子",
    password: str = MEMBER_PASSWORD,
    **company,
) -> str:
    """A 事業所 with one user (`user`, `email`); `company`: kana, address, phone, business.
    Returns the 事業所番号."""
    member = members.validate_member(name=user, email=email, password=password)
    details = {"kana": "", "address": "", "phone": "", "business": "", **company}
    new = members.validate_employer(name=name, **details)
    return await members.add_employer(conn, new, member, office_code=office, now=now)


def employer(client, **company) -> str:
    """`add_employer` in the test's app (password MEMBER_PASSWORD)."""
    now = client.app.state.clock.now()
    return run(client, lambda conn: add_employer(conn, now=now, **company))


# --- postings ----------------------------------------------------------------------------

POSTING = {
    "office_code": "13010",
    "status": "open",
    "company_name": "株式会社テスト商事",
    "company_address": "東京都千代田区九段南1-2-1",
    "company_business": "日用品の卸売",
    "occupation": "C",
    "job_title": "一般事務",
    "description": "書類の作成と電話対応をお願いします。",
    "employment_type": "regular",
    "job_category": "full",
    "prefecture_code": "13",
    "municipality": "千代田区",
    "wage_type": "monthly",
    "wage_min": 200_000,
    "wage_max": 250_000,
    "working_hours": "(1) 09:00〜18:00",
    "holidays": "土 日 祝日",
    "weekends_off": False,
    "insurance": "雇用 労災 健康 厚生",
    "selection_method": "面接（予定1回）",
    "online_application": False,
}
_serials = itertools.count(1)


async def add_posting(
    conn, *, now: dt.datetime, days_old: int = 0, open_days: int = 60, **overrides
) -> dict:
    """A 求人票 received `days_old` days ago (JST) whose 紹介期限日 is `open_days` after
    that, registered at `now`. Returns its id and 求人番号 with the values written."""
    from webapp.clock import jst_date
    from webapp.postings import service as postings

    received = jst_date(now) - dt.timedelta(days=days_old)
    values = {
        **POSTING,
        "job_number": f"13010-{next(_serials):08d}",
        "received_on": received,
        "referral_deadline": received + dt.timedelta(days=open_days),
        **overrides,
    }
    posting_id = await postings.create_posting(conn, values, now=now)
    return {"id": posting_id, **values}


def posting(client, **overrides) -> dict:
    """`add_posting` in the test's app, registered now by the test clock."""
    now = client.app.state.clock.now()
    return run(client, lambda conn: add_posting(conn, now=now, **overrides))


# --- applications, referrals, published profiles ------------------------------------------

MOTIVATION = "貴社の精密部品づくりに関心があり、\n検査の経験を生かしたいと考えました。"


# The smallest PDF whose bytes the 応募書類 check takes for one.
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def application(client, seeker_id: int, posting: dict, docs=(), motivation=MOTIVATION) -> int:
    """An オンライン自主応募 written through the service (no browser), as the apply page
    would (the employer's mail queued with it); returns its id."""
    now = client.app.state.clock.now()

    async def work(conn):
        posting_row = await applications_service.public_posting(conn, posting["id"])
        application_id, _ = await applications_service.apply(
            conn,
            seeker_id=seeker_id,
            posting=posting_row,
            motivation=motivation,
            documents=list(docs),
            now=now,
            base_url="http://testserver",
        )
        return application_id

    return run(client, work)


def message(client, application_id: int, sender: str, text: str) -> None:
    """A message in the application's thread from `sender` ("seeker" or "employer"),
    written through the service as the thread page writes it (its mail queued)."""

    async def work(conn):
        thread = await messages_service.thread(conn, application_id)
        await messages_service.write(
            conn,
            thread,
            sender=sender,
            member_id=None,
            text=text,
            seen=None,
            now=client.app.state.clock.now(),
            base_url="http://testserver",
        )

    run(client, work)


def application_row(client, seeker_id: int, posting_id: int, state: str = "applied") -> int:
    """A direct application's row alone (no mail, no checks), in `state`; returns its id."""
    now = client.app.state.clock.now()
    values = {"kind": "direct", "state": state, "created_at": now, "updated_at": now}
    return run(
        client,
        lambda conn: conn.fetch_val(
            applications.insert()
            .values(seeker_id=seeker_id, posting_id=posting_id, **values)
            .returning(applications.c.id)
        ),
    )


def referral(client, seeker_id: int, posting: dict, number: str = "16040-0000123"):
    """A 紹介状 of ハローワーク砺波 and the application it becomes (as the referral pages
    write them); returns both ids (`referral`, `application`)."""
    now = client.app.state.clock.now()

    async def work(conn):
        office_id = await conn.fetch_val(sa.select(offices.c.id).where(offices.c.code == "16040"))
        referral_id = await conn.fetch_val(
            referrals.insert()
            .values(
                referral_number=number,
                seeker_id=seeker_id,
                posting_id=posting["id"],
                office_id=office_id,
                note="面接時に紹介状をお渡しください。",
                created_at=now,
            )
            .returning(referrals.c.id)
        )
        application_id = await conn.fetch_val(
            applications.insert()
            .values(
                seeker_id=seeker_id,
                posting_id=posting["id"],
                kind="referral",
                referral_id=referral_id,
                state="applied",
                created_at=now,
                updated_at=now,
            )
            .returning(applications.c.id)
        )
        return SimpleNamespace(referral=referral_id, application=application_id)

    return run(client, work)


def published_profile(
    client, seeker_id: int, parts=("desired", "licenses"), number: str | None = None, **profile
) -> str:
    """A published 求職公開 profile written straight to the database; returns its 公開番号."""
    number = number or f"K{seeker_id:08d}"
    values = {
        "seeker_id": seeker_id,
        "published": True,
        "publish_number": number,
        "publish_parts": ",".join(parts),
        "updated_at": client.app.state.clock.now(),
        **profile,
    }
    run(client, lambda conn: conn.execute(seeker_profiles.insert().values(**values)))
    return number


def applications_world(client) -> SimpleNamespace:
    """Taro and Hanako (job-seekers, password SEEKER_PASSWORD), 株式会社となみ精工 (with a
    posting that takes オンライン自主応募) and another 事業所 (other@example.com). (Staff only
    where a test needs them: each account costs a password hash.)"""
    seeker(client, password=SEEKER_PASSWORD)
    seeker(client, password=SEEKER_PASSWORD, email="hanako@example.com", name="砺波花子")
    company = employer_id(client, employer(client))
    other = employer_id(
        client, employer(client, email="other@example.com", name="株式会社ほかの商事")
    )
    job = posting(client, online_application=True, employer_id=company, job_title="精密部品の検査")
    return SimpleNamespace(
        company=company,
        other=other,
        posting=job,
        taro=seeker_id(client, email="taro@example.com"),
        hanako=seeker_id(client, email="hanako@example.com"),
    )


# --- lookups -----------------------------------------------------------------------------


def seeker_id(client, *, email: str | None = None, number: str | None = None) -> int:
    """The id of the job-seeker with this address or this 求職番号."""
    assert (email is None) != (number is None), "one of email, number"
    column = job_seekers.c.email if email is not None else job_seekers.c.seeker_number
    query = sa.select(job_seekers.c.id).where(column == (email or number))
    return run(client, lambda conn: conn.fetch_val(query))


def employer_id(client, number: str) -> int:
    """The id of the 事業所 with this 事業所番号."""
    query = sa.select(employers.c.id).where(employers.c.employer_number == number)
    return run(client, lambda conn: conn.fetch_val(query))


def office_id(client, code: str = "16040") -> int:
    query = sa.select(offices.c.id).where(offices.c.code == code)
    return run(client, lambda conn: conn.fetch_val(query))


def rows(client, table, *where) -> list[dict]:
    """The rows of `table` (where `where` holds), oldest first."""
    query = sa.select(table).where(*where).order_by(*table.primary_key.columns)

    async def work(conn):
        return [dict(row._mapping) for row in await conn.fetch_all(query)]

    return run(client, work)


def count(client, table, *where) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(*where)
    return run(client, lambda conn: conn.fetch_val(query))


def update(client, table, *where, **values) -> None:
    """UPDATE `table` SET `values` WHERE `where`: a state the test starts from."""
    run(client, lambda conn: conn.execute(table.update().where(*where).values(**values)))


def snapshot(client) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: what `unchanged` compares."""

    async def work(conn):
        taken = {}
        for table in metadata.sorted_tables:
            query = sa.select(table).order_by(*table.primary_key.columns)
            taken[table.name] = [tuple(row) for row in await conn.fetch_all(query)]
        return taken

    return run(client, work)


def outbox_sent(client, timeout: float = 10.0) -> None:
    """Wait until the app's sender has settled every mail queued so far (sign-in codes, an
    application's notice: sent, or failed), so that none is still on its way when a test
    starts."""
    deadline = time.monotonic() + timeout
    while count(client, outbox, outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None)):
        assert time.monotonic() < deadline, "mail still unsent in the outbox"
        time.sleep(0.05)


@contextlib.contextmanager
def unchanged(client):
    """For data many tests share: fails at the end if any row was added, changed or
    removed in between (a test that writes needs a database of its own). The mail the
    data queued is sent first."""
    outbox_sent(client)
    before = snapshot(client)
    yield
    after = snapshot(client)
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"tests sharing this data changed these tables: {changed}"
