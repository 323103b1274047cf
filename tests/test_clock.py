"""Time has one source: the clock the tests hold also answers "today in Japan"."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.clock import Clock, FrozenClock


@pytest.mark.parametrize(
    "utc, today",
    [
        (dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC), dt.date(2026, 3, 31)),
        (dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC), dt.date(2026, 4, 1)),  # 0:00 JST
    ],
)
def test_today_is_the_date_in_japan(utc, today):
    assert FrozenClock(utc).today() == today


def test_a_frozen_clocks_today_follows_it():
    clock = FrozenClock(dt.datetime(2026, 3, 31, 14, 0, tzinfo=dt.UTC))
    clock.advance(hours=1)
    assert clock.today() == dt.date(2026, 4, 1)


def test_the_real_clock_answers_today_in_japan():
    before = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    today = Clock().today()
    after = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    assert today in (before, after)
