"""The world the tests of the end of an account start from (退会, 個人情報の開示): Taro,
who applied with a 履歴書 and wrote to the employer; a row of his in every table that
holds a person's rows; a change of address, and mail to the address he gave up."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from tests.helpers import SEEKER, auth_key, signed_in, submit
from webapp.applications.documents import Document
from webapp.mail import outbox as outbox_service
from webapp.schema import applications, job_seekers, messages, metadata

MARKER = b"RESUME-OF-TARO-7f3a9c"  # in the document's bytes, to look for on disk
RESUME = Document("resume", "履歴書.pdf", "application/pdf", factories.PDF + MARKER)


def taro_applied(client):
    """Taro (signed in) applied to となみ精工's posting with a 履歴書, and wrote to it."""
    world = factories.applications_world(client)
    world.application = factories.application(client, world.taro, world.posting, docs=[RESUME])
    now = client.app.state.clock.now()
    factories.run(
        client,
        lambda conn: conn.execute(
            messages.insert().values(
                application_id=world.application, sender="seeker", body="よろしく", created_at=now
            )
        ),
    )
    factories.outbox_sent(client)
    world.seeker = signed_in(client, SEEKER, first=True)
    return world


def seeker_row(client, seeker_id: int) -> dict:
    return factories.rows(client, job_seekers, job_seekers.c.id == seeker_id)[0]


def every_kind_of_row(client, seeker_id: int, world) -> None:
    """One row (at least) of the person in every owned table, written straight."""
    now = client.app.state.clock.now()
    office = factories.office_id(client)
    posting = world.posting["id"]
    seeker = seeker_row(client, seeker_id)

    async def work(conn):
        def insert(table_name, **values):
            return conn.fetch_val(
                metadata.tables[table_name]
                .insert()
                .values(**values)
                .returning(*metadata.tables[table_name].primary_key.columns)
            )

        key = await conn.fetch_val(
            metadata.tables["auth_keys"]
            .insert()
            .values(
                purpose="reset", seeker_id=seeker_id, email=seeker["email"], key_hash="k" * 64,
                created_at=now, expires_at=now,
            )
            .returning(metadata.tables["auth_keys"].c.id)
        )  # fmt: skip
        await insert(
            "registration_wizards", token_hash="w" * 64, step=2, email=seeker["email"],
            auth_key_id=key, created_at=now, updated_at=now,
        )  # fmt: skip
        await insert(
            "employer_blocks", seeker_id=seeker_id, employer_id=world.other, created_at=now
        )
        await insert("favourites", seeker_id=seeker_id, posting_id=posting, created_at=now)
        await insert(
            "pending_forms", token_hash="p" * 64, seeker_id=seeker_id, path="/x", data="{}",
            created_at=now,
        )  # fmt: skip
        await insert(
            "remembered_devices", token_hash="r" * 64, seeker_id=seeker_id, created_at=now,
            expires_at=now,
        )  # fmt: skip
        await insert(
            "saved_searches", seeker_id=seeker_id, name="<b>事務</b>", query="q=事務",
            created_at=now, last_run_at=now,
        )  # fmt: skip
        await insert(
            "seeker_profiles", seeker_id=seeker_id, self_pr="<script>x</script>", updated_at=now
        )
        await insert("work_history", seeker_id=seeker_id, started="2010-04", company="砺波製作所")
        await insert(
            "activities", seeker_id=seeker_id, office_id=office, kind="counselling",
            happened_on=now.date(), note="職業相談", created_at=now,
        )  # fmt: skip
        await insert(
            "direct_requests", employer_id=world.company, posting_id=posting,
            seeker_id=seeker_id, message="ぜひ", state="sent", created_at=now,
        )  # fmt: skip
        await insert(
            "profile_changes", seeker_id=seeker_id, created_at=now, actor="seeker",
            field="self_pr", before="", after="x",
        )  # fmt: skip
        referral = await conn.fetch_val(
            metadata.tables["referrals"]
            .insert()
            .values(
                referral_number=f"16040-{seeker_id:07d}", seeker_id=seeker_id,
                posting_id=posting, office_id=office, created_at=now,
            )
            .returning(metadata.tables["referrals"].c.id)
        )  # fmt: skip
        await insert(
            "referral_requests", seeker_id=seeker_id, posting_id=posting, state="declined",
            created_at=now, referral_id=referral,
        )  # fmt: skip
        await insert(
            "security_events", created_at=now, event="login", outcome="success",
            seeker_id=seeker_id,
        )  # fmt: skip
        await insert(
            "sessions", token_hash=f"s{seeker_id}".ljust(64, "s"), seeker_id=seeker_id,
            created_at=now, last_seen_at=now, expires_at=now,
        )  # fmt: skip
        notice = await conn.fetch_val(
            metadata.tables["notices"]
            .insert()
            .values(
                office_id=office, kind="notice", title="お知らせ", body="本文",
                audience="chosen", created_at=now,
            )
            .returning(metadata.tables["notices"].c.id)
        )  # fmt: skip
        await insert("notice_recipients", notice_id=notice, seeker_id=seeker_id)
        application = await conn.fetch_val(
            sa.select(applications.c.id).where(applications.c.seeker_id == seeker_id)
        )
        await insert(
            "application_events", application_id=application, created_at=now, actor="seeker",
            kind="state", state="applied",
        )  # fmt: skip
        await insert(
            "outbox", to_addr=seeker["email"], subject="【ハローワーク】お知らせ", body="本文",
            created_at=now, next_attempt_at=now, sent_at=now,
        )  # fmt: skip
        await insert(
            "caught_mail", received_at=now, mail_from="x@example.jp", to_addr=seeker["email"],
            subject="s", body="b",
        )  # fmt: skip
        draft = await insert(
            "apply_drafts", seeker_id=seeker_id, posting_id=posting, kind="apply",
            message="<i>志望動機</i>", created_at=now, updated_at=now,
        )  # fmt: skip
        await insert(
            "apply_draft_files", draft_id=draft, kind="resume", filename="履歴書.pdf",
            content_type="application/pdf", size=8, content=b"%PDF-1.4", created_at=now,
        )  # fmt: skip
        await insert(
            "online_applications", seeker_id=seeker_id, step=2, postcode="9391363",
            created_at=now, updated_at=now,
        )  # fmt: skip

    factories.run(client, work)


def with_every_kind_of_row(world):
    """Taro with a row in every table that holds a person's rows."""
    every_kind_of_row(world.seeker, world.taro, world)
    return world


NEW_EMAIL = "taro.new@example.com"


def change_address(world, smtp, new=NEW_EMAIL):
    """Taro changes his address on My Page (a key to the new one), a minute later than
    everything so far; then another minute passes."""
    client = world.seeker
    client.app.state.clock.advance(minutes=1)
    change = {"email": new, "current_password": SEEKER.password}
    assert submit(client, "/mypage/account/email", change).status_code == 200
    key = auth_key(smtp.wait_for(new)[-1])
    response = submit(
        client,
        "/mypage/account/email/confirm",
        {"auth_key": key},
        page="/mypage/account/email",
    )
    assert "メールアドレスを変更しました" in response.text
    client.app.state.clock.advance(minutes=1)


def mail_to_the_next_holder(world, address=SEEKER.email) -> None:
    """A mail to an address Taro gave up, now someone else's (not Taro's data)."""
    client = world.seeker
    now = client.app.state.clock.now()
    factories.run(
        client,
        lambda conn: outbox_service.enqueue(
            conn,
            to=address,
            template="email_changed",
            context={"name": "次の人", "new_email": "next@example.com"},
            now=now,
        ),
    )
