"""Row ids in URLs: `{name:id}` in a route's path matches only an id the database can hold.

Every id column is an INTEGER: 32 bits on PostgreSQL, which refuses a larger number as a
query argument instead of finding no row (and SQLite refuses one past 64 bits). Starlette's
`int` convertor matches any run of digits, so /mypage/referrals/99999999999999999999/letter
reached the query and answered 500. The `id` convertor's pattern itself stops at MAX_ID
(and at 0, and at leading zeros): such a path matches no route and is a 404, before any
handler runs, for every route that uses it (tests/test_hostile_http.py walks them all).
`{name:id_or_0}` takes 0 as well, where 0 means "none yet".
"""

from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL


def _up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1..limit, written without leading zeros."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    # Same length as `limit`: its first i digits, then a smaller digit, then any digits.
    same_length = []
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        if int(digit) > int(low):
            rest = len(digits) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{digits[:i]}[{low}-{int(digit) - 1}]{tail}")
    same_length.append(digits)
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


class IdConvertor(Convertor[int]):
    regex = _up_to(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        assert 1 <= value <= MAX_ID, "not a row id"
        return str(value)


class IdOrZeroConvertor(IdConvertor):
    """An id, or 0 for "none yet" (the last message seen of a thread that has none)."""

    regex = f"(?:0|{IdConvertor.regex})"

    def to_string(self, value: int) -> str:
        value = int(value)
        assert 0 <= value <= MAX_ID, "not a row id"
        return str(value)


def parse_id(text: str) -> int | None:
    """An id from a form field or a query parameter, as the convertor reads one from a
    path; None for anything that cannot name a row."""
    return int(text) if _PATTERN.fullmatch(text) else None


_PATTERN = re.compile(IdConvertor.regex)
register_url_convertor("id", IdConvertor())
register_url_convertor("id_or_0", IdOrZeroConvertor())
