"""Each door's menu row in the site header, and which of its items is the page shown
(`aria-current`): in Python, so that the header can be kept per door, item and counts
(`{% cache %}`) rather than drawn on every page."""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    href: str
    label: str
    exact: bool = False  # only the page itself, not the pages under it


DOORS = {
    "staff": (
        Item("/staff", "職員メニュー", exact=True),
        Item("/staff/seekers/new", "求職申込み", exact=True),
        Item("/staff/seekers", "求職者の検索", exact=True),
        Item("/staff/referral-requests", "紹介の希望"),
        Item("/staff/postings/review", "求人票の審査"),
        Item("/staff/notices", "情報提供"),
    ),
    "employer": (
        Item("/employer", "求人者メニュー", exact=True),
        Item("/employer/postings", "求人票"),
        Item("/employer/profiles", "求職者を探す"),
        Item("/employer/requests", "リクエスト"),
        Item("/employer/applicants", "応募者"),
    ),
}
SEEKER = (Item("/jobs/search", "求人検索"), Item("/mypage", "マイページ", exact=True))
SIGNED_OUT = (Item("/jobs/search", "求人検索"), Item("/register", "マイページ開設"))


class Nav(NamedTuple):
    items: tuple[Item, ...]
    current: str | None  # the href of the item for the page shown


def nav(door: str, seeker_signed_in: bool, path: str) -> Nav:
    items = DOORS.get(door) or (SEEKER if seeker_signed_in else SIGNED_OUT)
    for item in items:
        if path == item.href or (not item.exact and path.startswith(item.href + "/")):
            return Nav(items, item.href)
    return Nav(items, None)
