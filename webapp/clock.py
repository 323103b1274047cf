"""Time, behind one object the tests can hold still or move forward: the moment (UTC) and
the date in Japan, where every 期限, 有効期限 and "today" of the service is counted."""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9), "JST")


def to_jst(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(JST)


def jst_date(moment: dt.datetime) -> dt.date:
    """The date in Japan at this moment (for a service handed `now` by its caller)."""
    return to_jst(moment).date()


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """Today's date in Japan (JST)."""
        return jst_date(self.now())


class FrozenClock(Clock):
    """A clock the tests control: `advance(minutes=51)` moves past a key's 50 minutes (and
    `today()` follows it)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)


def ymd(day: dt.date) -> str:
    """A date as Japanese readers write it: 2026年4月1日 (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"
