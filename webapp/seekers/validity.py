"""有効期限: how long a job-seeker's registration (求職登録) stays valid.

A registration is valid until the end of the month after next; counselling, a referral or
an application in its last month extends it by a month (issue 7 builds the extension).
"""

from __future__ import annotations

import calendar
import datetime as dt


def end_of_month_after_next(day: dt.date) -> dt.date:
    year, month = divmod(day.month + 1, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])
