"""Throttling that stops guessing, not people (issue 3, point 1)."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories, helpers
from tests.helpers import submit
from webapp.schema import security_events
from webapp.security.rate_limit import SPRAYING

EMAIL = "taro@example.com"
PASSWORD = "Kasumi#2719"


def login(client, email=EMAIL, password=PASSWORD, **kwargs):
    return helpers.login(client, email, password, **kwargs)


def test_five_wrong_passwords_lock_the_account_for_30_minutes(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)
    for _ in range(4):
        assert login(client, password="Wrong#pass1").status_code == 422
    response = login(client, password="Wrong#pass1")
    assert response.status_code == 429
    assert "5回続けて間違えたため" in response.text and "までログインできません" in response.text
    assert int(response.headers["retry-after"]) == 30 * 60
    mail = smtp.wait_for(EMAIL)[-1]
    assert "ログインを一時停止しました" in mail["Subject"]

    locked = login(client)  # even the right password waits
    assert locked.status_code == 429
    clock.advance(minutes=30, seconds=1)
    assert login(client).url.path == "/mypage"


def test_a_success_clears_the_count(client, smtp):
    factories.seeker(client, password=PASSWORD)
    for _ in range(4):
        login(client, password="Wrong#pass1")
    assert login(client).url.path == "/mypage"
    submit(client, "/logout", page="/mypage")
    for _ in range(4):
        assert login(client, password="Wrong#pass1").status_code == 422


def test_an_unknown_address_locks_the_same_way(client, smtp):
    factories.seeker(client, password=PASSWORD)
    known = [login(client, password="Wrong#pass1") for _ in range(5)][-1]
    unknown = [login(client, email="nobody@example.com") for _ in range(5)][-1]
    assert known.status_code == unknown.status_code == 429

    def summary(html):
        return html.split('class="error-summary"')[1].split("</div>")[0]

    assert summary(known.text) == summary(unknown.text)
    assert known.headers["retry-after"] == unknown.headers["retry-after"]
    assert "までログインできません" in unknown.text
    assert smtp.to("nobody@example.com") == []


def test_password_spraying_from_one_address_is_stopped(client, smtp):
    for i in range(SPRAYING.threshold):
        login(client, email=f"user{i}@example.com", password="Spring#2026")
    response = login(client, email="user99@example.com", password="Spring#2026")
    assert response.status_code == 429
    assert "ログインの受付を一時的に遅らせています" in response.text
    assert int(response.headers["retry-after"]) > 0


def test_key_requests_are_limited_per_account_with_retry_after(client, smtp):
    factories.seeker(client)
    submit(client, "/register", {"agree": "yes"})
    data = {"email": EMAIL, "year": "1990", "month": "4", "day": "1"}
    for _ in range(3):
        assert submit(client, "/register/email", data).status_code == 200
    response = submit(client, "/register/email", data, page="/register/email", htmx=True)
    assert response.status_code == 429
    assert "受付を一時的に止めています" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.text.lstrip().startswith('<div id="wizard"')  # htmx swaps it in


def test_security_events_are_recorded_without_secrets(client, smtp):
    factories.seeker(client, password=PASSWORD)
    login(client, password="Wrong#pass1")
    login(client)
    rows = factories.run(
        client,
        lambda conn: conn.fetch_all(sa.select(security_events).order_by(security_events.c.id)),
    )
    assert [(r["event"], r["outcome"]) for r in rows] == [
        ("login", "failure"),
        ("login", "password_ok"),
        ("login", "success"),
    ]
    assert all(r["seeker_id"] for r in rows) and all(r["ip_address"] for r in rows)
    dumped = repr([dict(r._mapping) for r in rows])
    assert PASSWORD not in dumped and "Wrong#pass1" not in dumped and EMAIL not in dumped
