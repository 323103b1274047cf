"""How many statements the hot signed-in pages run (issue 14): each page knows who is
signed in from one query (session, person and header counts together), refreshes the
session without a write on most requests and asks nothing twice. The counts are guarded,
not timings: a page that grows a query per row, or reads the same row twice, fails here."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests import factories
from tests.helpers import EMPLOYER, SEEKER, STAFF, another_browser, signed_in
from webapp.db import counting_queries
from webapp.schema import messages


class Counted:
    """The app, with the statements of the last request it answered kept."""

    def __init__(self, app) -> None:
        self.app = app
        self.last: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with counting_queries() as count:
            await self.app(scope, receive, send)
        self.last = count.statements


def counted_browser(client, who):
    browser = signed_in(client, who)
    counter = Counted(client.app)
    counted = another_browser(client, app=counter)
    counted.cookies = browser.cookies
    return counted, counter


@pytest.fixture
def world(client):
    world = factories.applications_world(client)
    factories.staff(client)
    application_id = factories.application(client, world.taro, world.posting)

    factories.message(client, application_id, "seeker", "面接の日程について")
    world.application = application_id
    return world


# (page, who, path, statements): the session (with the person and the My Page counts) is
# the first of each.
def _pages(world) -> list[tuple[str, object, str, int]]:
    return [
        ("My Page home", SEEKER, "/mypage", 1),
        # 精密部品の検査 is found: which results are the seeker's favourites came with the
        # session (favourites.session_columns).
        ("search, a keyword", SEEKER, "/jobs/search?q=" + quote("精密部品"), 1),
        (
            "search, keyword and prefecture",
            SEEKER,
            "/jobs/search?q=" + quote("検査") + "&pref=13",
            1,
        ),
        # Nothing found: the page counts what dropping the one condition would find (the
        # 0-result suggestions).
        ("search, two characters", SEEKER, "/jobs/search?q=" + quote("介護"), 2),
        # The posting, then お気に入り, application, 紹介状 and 紹介希望 in one query.
        ("posting page", SEEKER, f"/jobs/{world.posting['job_number']}", 3),
        ("応募履歴", SEEKER, "/mypage/applications", 2),
        # The thread with its messages; nothing unread, nothing written.
        ("message thread", SEEKER, f"/mypage/applications/{world.application}/messages", 2),
        ("staff job-seeker search", STAFF, "/staff/seekers?q=" + quote("ヤマダ"), 2),
        ("staff job-seeker search, all", STAFF, "/staff/seekers", 2),
        ("employer applicant list", EMPLOYER, "/employer/applicants", 3),
    ]


def test_each_hot_page_takes_its_few_statements(client, world):
    browsers = {}
    for name, who, path, expected in _pages(world):
        if who not in browsers:
            browsers[who] = counted_browser(client, who)
        browser, counter = browsers[who]
        browser.get(path)  # the first visit may fill caches
        response = browser.get(path)
        assert response.status_code == 200, (name, response.status_code)
        statements = [" ".join(sql.split())[:120] for sql in counter.last]
        assert len(statements) == expected, (name, statements)
        assert statements[0].startswith("SELECT sessions.id"), (name, statements)
        # Reads only: the session was refreshed when it was started, a minute has not passed.
        assert not [sql for sql in statements if not sql.startswith("SELECT")], name


def test_the_session_is_refreshed_once_a_minute_not_on_every_request(client, world):
    browser, counter = counted_browser(client, SEEKER)
    browser.get("/mypage/applications")
    assert [sql for sql in counter.last if sql.startswith("UPDATE")] == []
    client.app.state.clock.advance(seconds=61)
    browser.get("/mypage/applications")
    writes = [sql for sql in counter.last if not sql.startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("UPDATE sessions"), writes
    browser.get("/mypage/applications")
    assert [sql for sql in counter.last if not sql.startswith("SELECT")] == []


def test_a_thread_writes_only_when_it_shows_something_unread(client, world):
    factories.message(client, world.application, "employer", "面接は10日でいかがでしょうか。")
    browser, counter = counted_browser(client, SEEKER)
    path = f"/mypage/applications/{world.application}/messages"
    assert "面接は10日" in browser.get(path).text
    writes = [sql for sql in counter.last if not sql.startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("UPDATE messages"), writes
    assert factories.count(client, messages, messages.c.read_at.is_(None)) == 1  # the seeker's
    browser.get(path)
    assert [sql for sql in counter.last if not sql.startswith("SELECT")] == []


def test_my_page_counts_come_with_the_session(client, world):
    """The unread message from the employer is counted in the session's own query."""
    factories.run(
        client,
        lambda conn: conn.execute(
            messages.insert().values(
                application_id=world.application,
                sender="employer",
                body="書類を拝見しました。",
                created_at=client.app.state.clock.now(),
            )
        ),
    )
    browser, counter = counted_browser(client, SEEKER)
    page = browser.get("/mypage").text
    assert "未読メッセージ 1件" in page
    assert len(counter.last) == 1
