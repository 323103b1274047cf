"""The outbox survives any one bad mail: a real SMTP server (aiosmtpd) that refuses one
recipient for good (5xx) and defers another (4xx) while accepting the rest, and a row no
header can carry, each with other mail flowing around it in the same round; failed mail
is listed, retried and dropped from the command line."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests import factories
from tests.conftest import CaughtMail, free_port
from tests.helpers import (
    SEEKER,
    apply_online,
    login,
    off_main_thread,
    run_cli,
    run_db,
    signed_in,
    submit,
)
from webapp.clock import FrozenClock
from webapp.db import create_database
from webapp.mail import outbox as outbox_mail
from webapp.mail.sender import OutboxSender, SmtpTarget, backoff
from webapp.schema import outbox

BODY = "本文です。\n認証キー: SECRETKEY22\n"
POISONED = "【ハローワーク】求人「精密部品の検査\r\nBcc: evil@example.net」に応募がありました"
GONE = "gone@example.com"  # the server refuses it for good: 550
BUSY = "busy@example.com"  # the server defers it (greylisting): 451, while `deferring`


class PickyServer(CaughtMail):
    """Accepts mail, but refuses GONE with a 550 and defers BUSY with a 451 while
    `deferring`; counts every recipient it was asked to take."""

    def __init__(self) -> None:
        super().__init__()
        self.deferring = True
        self.asked: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.asked.append(address)
        if address == GONE:
            return "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"
        if address == BUSY and self.deferring:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def received(self) -> list[str]:
        with self._lock:
            return [m["To"] for m in self.messages]


@pytest.fixture
def server():
    handler = PickyServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def queue(database_url, clock, *mails: tuple[str, str]) -> list[int]:
    """Rows written straight into the outbox (address, subject), due now; their ids."""
    now = clock.now()

    async def work(conn):
        return [
            await conn.fetch_val(
                outbox.insert()
                .values(
                    to_addr=to,
                    subject=subject,
                    body=BODY,
                    created_at=now,
                    next_attempt_at=now,
                    attempts=0,
                )
                .returning(outbox.c.id)
            )
            for to, subject in mails
        ]

    return run_db(database_url, work)


def one_round(database_url, server, clock, **options) -> None:
    """One round of a sender (as the app runs it) on this database and server."""

    async def work():
        db = create_database(database_url)
        await db.connect()
        try:
            target = SmtpTarget("127.0.0.1", server.port, mail_from="system@example.jp")
            await OutboxSender(db, target, clock, **options).run_round()
        finally:
            await db.disconnect()

    off_main_thread(work)


def mail_rows(database_url) -> dict[int, dict]:
    async def work(conn):
        rows = await conn.fetch_all(sa.select(outbox).order_by(outbox.c.id))
        return {row["id"]: dict(row._mapping) for row in rows}

    return run_db(database_url, work)


def test_one_round_sends_every_good_mail_around_the_bad_ones(database_url, server, clock):
    first, gone, busy, poisoned, last = queue(
        database_url,
        clock,
        ("taro@example.com", "一通目"),
        (GONE, "届かない宛先"),
        (BUSY, "あとで届く宛先"),
        ("hanako@example.com", POISONED),
        ("jiro@example.com", "最後の一通"),
    )
    one_round(database_url, server, clock)

    assert sorted(server.received()) == ["jiro@example.com", "taro@example.com"]
    rows = mail_rows(database_url)
    for mail_id in (first, last):
        assert rows[mail_id]["sent_at"] == clock.now() and rows[mail_id]["failed_at"] is None
    # Refused for good: failed at once with the server's answer, never retried.
    assert rows[gone]["failed_at"] == clock.now() and rows[gone]["sent_at"] is None
    assert rows[gone]["last_error"].startswith("recipient refused: 550 5.1.1")
    # No header can carry it: failed at once, and nothing of it reached the server.
    assert rows[poisoned]["failed_at"] == clock.now()
    assert rows[poisoned]["last_error"].startswith("cannot build the message: ValueError")
    assert "hanako@example.com" not in server.asked and "evil@example.net" not in server.asked
    # Deferred: backing off, not failed.
    assert rows[busy]["failed_at"] is None and rows[busy]["sent_at"] is None
    assert rows[busy]["next_attempt_at"] == clock.now() + backoff(1)
    assert "451 4.7.1" in rows[busy]["last_error"]
    for row in rows.values():
        assert row["locked_until"] is None  # nothing is left leased


def test_a_deferred_mail_goes_once_the_server_takes_it(database_url, server, clock):
    (busy,) = queue(database_url, clock, (BUSY, "あとで届く"))
    one_round(database_url, server, clock)
    server.deferring = False
    one_round(database_url, server, clock)  # not due yet: not tried
    assert server.asked == [BUSY] and mail_rows(database_url)[busy]["attempts"] == 1
    clock.advance(seconds=backoff(1).total_seconds())
    one_round(database_url, server, clock)
    assert server.received() == [BUSY]
    row = mail_rows(database_url)[busy]
    assert row["sent_at"] == clock.now() and row["last_error"] is None and row["attempts"] == 2


def test_a_failed_mail_is_never_tried_again(database_url, server, clock):
    (gone,) = queue(database_url, clock, (GONE, "届かない"))
    one_round(database_url, server, clock)
    clock.advance(days=3)
    one_round(database_url, server, clock)
    assert server.asked == [GONE]
    assert mail_rows(database_url)[gone]["attempts"] == 1


def test_a_mail_deferred_at_every_attempt_fails_after_the_last(database_url, server, clock):
    (busy,) = queue(database_url, clock, (BUSY, "ずっと延期"))
    for attempt in (1, 2, 3):
        one_round(database_url, server, clock, max_attempts=3)
        row = mail_rows(database_url)[busy]
        assert row["attempts"] == attempt
        assert (row["failed_at"] is not None) is (attempt == 3)
        clock.advance(hours=1)
    assert row["last_error"].startswith("gave up after 3 attempts: ")
    assert "451 4.7.1" in row["last_error"]
    one_round(database_url, server, clock, max_attempts=3)
    assert server.asked == [BUSY] * 3


def test_an_unreachable_server_defers_every_mail_and_fails_none(database_url, clock):
    mails = queue(
        database_url, clock, ("taro@example.com", "一通目"), ("jiro@example.com", "二通目")
    )

    class Nowhere:
        port = free_port()  # nothing listens here

    one_round(database_url, Nowhere, clock)
    rows = mail_rows(database_url)
    for mail_id in mails:  # both tried: the first failure did not end the round
        assert rows[mail_id]["attempts"] == 1 and rows[mail_id]["failed_at"] is None
        assert rows[mail_id]["next_attempt_at"] == clock.now() + backoff(1)


def test_a_mail_whose_sending_never_finished_fails_once_its_attempts_are_used(
    database_url, server, clock
):
    # Claimed three times by senders that died while sending it (the lease ran out each
    # time): with three attempts allowed, the fourth claim gives it up unsent.
    (stuck,) = queue(database_url, clock, ("taro@example.com", "途中で止まった"))
    run_db(
        database_url,
        lambda conn: conn.execute(
            outbox.update()
            .where(outbox.c.id == stuck)
            .values(attempts=3, locked_until=clock.now() - dt.timedelta(seconds=1))
        ),
    )
    one_round(database_url, server, clock, max_attempts=3)
    row = mail_rows(database_url)[stuck]
    assert row["failed_at"] == clock.now() and server.asked == []
    assert row["last_error"].startswith("gave up")


def test_failures_are_logged_as_warnings_with_the_id_and_reason_never_the_body(
    database_url, server, clock, caplog
):
    gone, poisoned = queue(database_url, clock, (GONE, "届かない"), ("taro@example.com", POISONED))
    with caplog.at_level(logging.WARNING, logger="webapp.mail.sender"):
        one_round(database_url, server, clock)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"mail {gone} failed" in w and "550 5.1.1" in w for w in warnings)
    assert any(f"mail {poisoned} failed" in w and "cannot build" in w for w in warnings)
    assert not any("SECRETKEY22" in r.getMessage() for r in caplog.records)


def test_a_line_break_in_a_job_title_fails_that_mail_and_the_others_flow(client, smtp):
    """The audit's case: a 求人 whose 職種 holds a line break (written before the form
    refused one). The employer's 応募 mail cannot be built; it fails, with its reason, and
    the mail queued after it goes out."""
    world = factories.applications_world(client)
    broken = factories.posting(
        client, online_application=True, employer_id=world.company, job_title="検査\r\n補助"
    )
    taro = signed_in(client, SEEKER, first=True)
    form = {"motivation": factories.MOTIVATION, "acknowledged": "yes"}
    no_file = ("", b"", "application/octet-stream")
    response = apply_online(
        taro,
        broken["id"],
        form,
        files={"resume": no_file, "career": no_file},
        follow_redirects=False,
    )
    assert response.status_code == 303
    factories.outbox_sent(client)  # settled: nothing is left leased or due
    (failed,) = factories.rows(client, outbox, outbox.c.failed_at.is_not(None))
    assert failed["to_addr"] == "hr@example.com" and failed["subject"].startswith(
        "【ハローワーク】求人"
    )
    assert failed["last_error"].startswith("cannot build the message")
    # Mail queued behind it flows: the next sign-in's code arrives.
    submit(taro, "/logout", page="/mypage")
    assert login(taro, SEEKER.email, SEEKER.password).url.path == "/mypage"


# --- python -m webapp outbox ------------------------------------------------------------


def test_the_outbox_command_lists_counts_and_each_failed_mail(database_url, server, clock):
    queue(
        database_url,
        clock,
        ("taro@example.com", "送れる"),
        (GONE, "届かない宛先"),
        (BUSY, "延期"),
        ("hanako@example.com", POISONED),
    )
    one_round(database_url, server, clock)
    result = run_cli(database_url, "outbox")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["waiting: 1", "failed: 2", "sent today: 1"]
    text = result.stdout
    assert "g***@example.com" in text and "h***@example.com" in text
    assert GONE not in text and "hanako@example.com" not in text  # addresses masked
    assert "subject: 届かない宛先" in text
    assert "reason: recipient refused: 550 5.1.1" in text
    assert r"subject: 【ハローワーク】求人「精密部品の検査\r\nBcc: evil@example.net」" in text
    assert "reason: cannot build the message: ValueError" in text
    assert "SECRETKEY22" not in text  # never the body


def test_retry_sends_a_failed_mail_again_and_drop_deletes_one(database_url, server, clock):
    sent, gone, poisoned = queue(
        database_url,
        clock,
        ("taro@example.com", "送れる"),
        (GONE, "届かない宛先"),
        ("hanako@example.com", POISONED),
    )
    one_round(database_url, server, clock)
    # The address came back (the mailbox was set up again): the operator retries it.
    server.asked.clear()
    result = run_cli(database_url, "outbox", "retry", str(gone))
    assert result.returncode == 0 and result.stdout == f"mail {gone}: queued again\n"
    row = mail_rows(database_url)[gone]
    assert row["failed_at"] is None and row["attempts"] == 0
    one_round(database_url, server, FrozenClock(row["next_attempt_at"]))  # the CLI's now
    assert server.asked == [GONE]  # tried again (and refused again: failed again)
    assert mail_rows(database_url)[gone]["failed_at"] is not None

    result = run_cli(database_url, "outbox", "drop", str(poisoned))
    assert result.returncode == 0 and result.stdout == f"mail {poisoned}: dropped\n"
    assert poisoned not in mail_rows(database_url)

    refused = run_cli(database_url, "outbox", "retry", str(sent), "999999")
    assert refused.returncode == 2
    assert f"mail {sent} was sent already" in refused.stderr
    assert "mail 999999 is not in the outbox" in refused.stderr


@pytest.mark.parametrize("action", ["retry", "drop"])
def test_neither_retry_nor_drop_touches_a_sent_mail_or_one_being_sent(database_url, clock, action):
    sent, leased = queue(database_url, clock, ("taro@example.com", "送信済み"), (BUSY, "送信中"))
    run_db(
        database_url,
        lambda conn: conn.execute(
            outbox.update().where(outbox.c.id == sent).values(sent_at=clock.now())
        ),
    )
    run_db(
        database_url,
        lambda conn: conn.execute(
            outbox.update()
            .where(outbox.c.id == leased)
            .values(locked_until=clock.now() + dt.timedelta(minutes=2))
        ),
    )
    before = mail_rows(database_url)
    settle = getattr(outbox_mail, action)
    for mail_id, why in ((sent, "was sent already"), (leased, "is being sent right now")):
        with pytest.raises(outbox_mail.NotSettled, match=why):
            run_db(
                database_url, lambda conn, mail_id=mail_id: settle(conn, mail_id, now=clock.now())
            )
    assert mail_rows(database_url) == before


def test_the_outbox_command_on_an_empty_outbox(database_url):
    result = run_cli(database_url, "outbox")
    assert result.returncode == 0
    assert result.stdout == "waiting: 0\nfailed: 0\nsent today: 0\n"
    assert not re.search(r"^#\d", result.stdout, re.M)
