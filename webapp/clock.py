"""Time, behind one object the tests can hold still or move forward."""

from __future__ import annotations

import datetime as dt


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FrozenClock(Clock):
    """A clock the tests control: `advance(minutes=51)` moves past a key's 50 minutes."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)


JST = dt.timezone(dt.timedelta(hours=9), "JST")


def to_jst(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(JST)


def ymd(day: dt.date) -> str:
    """A date as Japanese readers write it: 2026年4月1日 (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"
