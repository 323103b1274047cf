"""The outbox survives an SMTP outage; the built-in catcher and its mailbox page."""

from __future__ import annotations

import time

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from tests import factories
from tests.conftest import CaughtMail, free_port
from tests.helpers import errors_beside, submit
from webapp import create_app
from webapp.config import Settings
from webapp.mail.sender import backoff
from webapp.schema import outbox


def _start_wizard(client, email="taro@example.com"):
    submit(client, "/register", {"agree": "yes"})
    submit(client, "/register/email", {"email": email, "year": "1990", "month": "4", "day": "1"})


def _outbox_rows(client):
    return factories.run(client, lambda conn: conn.fetch_all(sa.select(outbox)))


def test_an_smtp_outage_delays_mail_and_loses_none(database_url, clock):
    port = free_port()  # nothing listens here yet: the SMTP server is "down"
    settings = Settings(
        database_url=database_url,
        secret_key="x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
        outbox_poll_seconds=0.1,
    )
    with TestClient(create_app(settings, clock=clock), base_url="http://testserver") as client:
        factories.seeker(client)
        _start_wizard(client)
        for _ in range(400):  # up to 20 s: a loaded CI machine is slow to refuse a connection
            rows = _outbox_rows(client)
            if rows and rows[0]["attempts"] >= 1 and rows[0]["locked_until"] is None:
                break
            time.sleep(0.05)
        (row,) = rows
        assert row["sent_at"] is None and row["last_error"]
        assert row["next_attempt_at"] > clock.now()  # backing off, not dropped

        handler = CaughtMail()
        server = Controller(handler, hostname="127.0.0.1", port=port)
        server.start()
        try:
            clock.advance(seconds=backoff(row["attempts"]).total_seconds() + 1)
            client.portal.call(client.app.state.wake_outbox)
            (mail,) = handler.wait_for("taro@example.com")
            assert mail["Subject"] == "【ハローワーク】パスワード登録申込受付通知"
        finally:
            server.stop()
        for _ in range(100):
            (row,) = _outbox_rows(client)
            if row["sent_at"] is not None:
                break
            time.sleep(0.02)
        assert row["sent_at"] is not None and row["last_error"] is None


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(50).total_seconds() == 3600


def test_mail_row_is_written_with_the_key_in_one_transaction(client, smtp):
    factories.seeker(client)
    _start_wizard(client)
    smtp.wait_for("taro@example.com")
    for _ in range(100):  # the sender marks the row just after the server accepted it
        (row,) = _outbox_rows(client)
        if row["sent_at"] is not None:
            break
        time.sleep(0.02)
    assert row["sent_at"] is not None
    assert "認証キー:" in row["body"]


def test_mailbox_page_does_not_exist_with_a_real_smtp_server(client):
    assert client.get("/mailbox").status_code == 404
    assert client.get("/mailbox/1").status_code == 404
    assert "メールボックス" not in client.get("/").text


def test_built_in_catcher_receives_mail_and_shows_it(database_url, clock):
    settings = Settings(
        database_url=database_url, secret_key="x" * 40, smtp_host="", outbox_poll_seconds=0.1
    )
    with TestClient(create_app(settings, clock=clock), base_url="http://testserver") as client:
        assert client.app.state.mail_catcher.port > 0
        factories.seeker(client)
        _start_wizard(client)
        for _ in range(100):
            inbox = client.get("/mailbox?to=taro@example.com")
            if "パスワード登録申込受付通知" in inbox.text:
                break
            time.sleep(0.05)
        assert "パスワード登録申込受付通知" in inbox.text
        assert client.get("/mailbox?to=other@example.com").text.count("/mailbox/") == 0
        mail_id = inbox.text.split('href="/mailbox/')[1].split('"')[0]
        page = client.get(f"/mailbox/{mail_id}")
        assert "認証キー:" in page.text and "50分" in page.text
        # The sender's name, sent as two encoded-words, reads whole (not 「…サー ビス」).
        assert '<span class="sender__name">ハローワークインターネットサービス</span>' in page.text
        assert client.get("/mailbox/999999").status_code == 404
        refused = client.get("/mailbox", params={"to": "taro@example.com\r\nx"})
        assert refused.status_code == 422
        assert errors_beside(refused.text, "to") == ["改行や制御文字は使えません。"]
