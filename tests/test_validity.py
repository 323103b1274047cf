"""有効期限: shown on My Page, reminded 7 days before, extended by activity in its last
month, and a lapsed registration keeps its data and says what to do."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import running, settings_for
from tests.helpers import SEEKER, login, signed_in, submit
from webapp import create_app
from webapp.clock import FrozenClock
from webapp.schema import job_seekers, outbox
from webapp.seekers import validity

PASSWORD = factories.SEEKER_PASSWORD
# 2026-11-10 10:00 JST: registered then, the registration is valid until 2027-01-31.
START = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def seeker(client):
    factories.seeker(client, password=PASSWORD)
    return client


def _valid_until(client) -> dt.date:
    return factories.run(client, lambda conn: conn.fetch_val(sa.select(job_seekers.c.valid_until)))


def _reminders(client) -> list:
    return factories.run(
        client,
        lambda conn: conn.fetch_all(
            sa.select(outbox).where(outbox.c.subject.like("%有効期限が近づいています%"))
        ),
    )


def _remind(client) -> int:
    state = client.app.state
    return client.portal.call(validity.remind_once, state.db, state.clock, "http://testserver")


@pytest.mark.parametrize(
    ("day", "until"),
    [
        (dt.date(2026, 11, 10), dt.date(2027, 1, 31)),
        (dt.date(2026, 12, 1), dt.date(2027, 2, 28)),
        (dt.date(2027, 12, 31), dt.date(2028, 2, 29)),
    ],
)
def test_a_registration_is_valid_until_the_end_of_the_month_after_next(day, until):
    assert validity.end_of_month_after_next(day) == until


def test_my_page_shows_the_date_and_the_days_left(seeker):
    assert _valid_until(seeker) == dt.date(2027, 1, 31)
    page = login(seeker, "taro@example.com", PASSWORD).text
    assert "2027年1月31日（あと82日）" in page


def test_the_reminder_goes_out_once_seven_days_before(seeker, clock):
    clock.advance(days=75)  # 2027-01-24: 7 days left
    assert _remind(seeker) == 1
    assert _remind(seeker) == 0
    (mail,) = _reminders(seeker)
    assert "2027年1月31日" in mail["subject"]
    for line in ("あと7日", "職業相談", "紹介状", "オンライン自主応募", "消えません"):
        assert line in mail["body"]


def test_the_app_runs_the_daily_round_by_itself(seeker, clock, database_url, smtp):
    """With DAILY_ROUND_SECONDS set (600 by default), nobody has to run `digest`: the round
    at start queues the reminder and wakes the sender."""
    clock.advance(days=75)
    settings = settings_for(database_url, smtp_port=smtp.port, daily_round_seconds=600)
    with running(create_app(settings, clock=clock), smtp):
        (mail,) = smtp.wait_for(SEEKER.email)
    assert "有効期限が近づいています" in mail["Subject"]
    assert _remind(seeker) == 0  # sent once, whoever runs the round


def test_no_reminder_too_early_or_for_an_inactive_registration(seeker, clock):
    clock.advance(days=70)  # 12 days left
    assert _remind(seeker) == 0
    clock.advance(days=5)
    factories.run(seeker, lambda conn: conn.execute(job_seekers.update().values(status="inactive")))
    assert _remind(seeker) == 0


def test_counselling_in_the_last_month_extends_by_a_month(seeker, clock):
    seeker_id = factories.run(seeker, lambda conn: conn.fetch_val(sa.select(job_seekers.c.id)))
    assert not factories.run(
        seeker, lambda conn: validity.extend_for_activity(conn, seeker_id, clock.now())
    )
    assert _valid_until(seeker) == dt.date(2027, 1, 31)
    clock.advance(days=60)  # 2027-01-09, the last month
    assert factories.run(
        seeker, lambda conn: validity.extend_for_activity(conn, seeker_id, clock.now())
    )
    assert _valid_until(seeker) == dt.date(2027, 2, 28)


def test_an_extended_registration_is_reminded_again_for_its_new_date(seeker, clock):
    clock.advance(days=75)
    assert _remind(seeker) == 1
    seeker_id = factories.run(seeker, lambda conn: conn.fetch_val(sa.select(job_seekers.c.id)))
    factories.run(seeker, lambda conn: validity.extend_for_activity(conn, seeker_id, clock.now()))
    clock.advance(days=28)  # 2027-02-21: 7 days before 2027-02-28
    assert _remind(seeker) == 1


def test_a_lapsed_registration_keeps_its_data_and_says_what_to_do(seeker, clock):
    posting = factories.posting(seeker, open_days=400)
    signed_in(seeker, SEEKER, first=True)
    submit(
        seeker,
        f"/jobs/{posting['job_number']}/favourite",
        {"on": "1"},
        page=f"/jobs/{posting['job_number']}",
    )
    clock.advance(days=90)  # 2027-02-08
    page = login(seeker, "taro@example.com", PASSWORD).text
    assert "求職登録の有効期限が過ぎています。" in page
    assert "窓口で求職申込みの手続きをしてください。" in page
    assert "保存した検索条件、お気に入りの求人、応募履歴はそのまま使えます。" in page
    favourites = seeker.get("/mypage/favourites")
    assert favourites.status_code == 200
    assert posting["job_title"] in favourites.text
