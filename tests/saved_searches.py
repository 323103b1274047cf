"""検索条件保存 as tests drive it: a query that finds a posting, saving it from the search
page, the rows kept, switching its daily mail and running the daily round of digests."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from tests.helpers import submit
from webapp.jobs import saved_searches
from webapp.schema import saved_searches as saved_table

QUERY = "q=%E4%BB%8B%E8%AD%B7&pref=13"  # 介護, 東京都


def save(client, query=QUERY, name="", *, htmx=False):
    return submit(
        client,
        "/mypage/saved-searches",
        {"query": query, "name": name},
        page=f"/jobs/search?{query}",
        htmx=htmx,
        follow_redirects=False,
    )


def rows(client):
    return factories.run(
        client, lambda conn: conn.fetch_all(sa.select(saved_table).order_by(saved_table.c.id))
    )


def switch_mail(client, saved_id, on):
    page = "/mypage/saved-searches"
    return submit(client, f"{page}/{saved_id}/mail", {"on": "1" if on else "0"}, page=page)


def run_digest(client) -> int:
    state = client.app.state
    return client.portal.call(
        saved_searches.queue_digests, state.db, state.clock, "http://testserver"
    )
