"""求人検索's paging over HTTP: もっと見る with and without htmx, the last page, the
display limit and the capped count. The postings are written once and only read."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from starlette.datastructures import QueryParams

from tests import factories
from tests.conftest import PG_URL
from webapp.clock import jst_date
from webapp.db import is_sqlite
from webapp.postings import search
from webapp.postings.search_form import parse_conditions


def count_of(response) -> str:
    return re.search(r'class="results__count">([^<]+)<', response.text).group(1)


@pytest.fixture(scope="module")
def many(module_client):
    """45 open postings in 北海道, received on different days (newest first: #0, #1 …)."""
    written = [
        factories.posting(
            module_client,
            job_title=f"倉庫作業員{i:02d}",
            prefecture_code="01",
            municipality="旭川市",
            days_old=i,
        )
        for i in range(45)
    ]
    with factories.unchanged(module_client):
        yield written


def titles(response) -> list[str]:
    return re.findall(r'href="/jobs/[\d-]+">倉庫作業員(\d\d)</a>', response.text)


def test_paging_boundaries(shared_client, many):
    query = {"pref": "01", "city": "旭川市"}
    first = shared_client.get("/jobs/search", params=query)
    assert count_of(first) == "45件"
    assert titles(first) == [f"{i:02d}" for i in range(20)], first.text[
        first.text.find("results__count") :
    ][:3000]
    assert 'href="/jobs/search?pref=01&amp;city=%E6%97%AD%E5%B7%9D%E5%B8%82&amp;page=2"' in (
        first.text
    )
    assert "もっと見る（次の20件）" in first.text

    # Without JavaScript the link is a whole page: every posting up to page 2.
    second = shared_client.get("/jobs/search", params={**query, "page": "2"})
    assert titles(second) == [f"{i:02d}" for i in range(40)]

    # With htmx, only the next page, to append, with the next link swapped out of band.
    htmx = {"HX-Request": "true", "HX-Target": "result-list"}
    appended = shared_client.get("/jobs/search", params={**query, "page": "2"}, headers=htmx)
    assert titles(appended) == [f"{i:02d}" for i in range(20, 40)]
    assert 'data-page-start="21"' in appended.text
    assert 'id="more-results" class="more" hx-swap-oob="true"' in appended.text
    assert "21件目から40件目までを表示しました。" in appended.text
    assert "<html" not in appended.text

    last = shared_client.get("/jobs/search", params={**query, "page": "3"}, headers=htmx)
    assert titles(last) == [f"{i:02d}" for i in range(40, 45)]
    assert "もっと見る" not in last.text
    assert "検索結果は以上です。" in last.text

    beyond = shared_client.get("/jobs/search", params={**query, "page": "4"}, headers=htmx)
    assert titles(beyond) == []


def test_exactly_one_page_has_no_more_link(shared_client, many):
    response = shared_client.get("/jobs/search", params={"pref": "01", "q": "倉庫作業員0"})
    assert count_of(response) == "10件"
    assert "もっと見る" not in response.text
    twenty = shared_client.get("/jobs/search", params={"pref": "01", "new": "14"})
    assert count_of(twenty) == "15件"  # days 0..14


def test_paging_stops_at_the_display_limit(shared_client, many, monkeypatch):
    monkeypatch.setattr(search, "MAX_PAGE", 2)
    response = shared_client.get("/jobs/search", params={"pref": "01", "page": "2"})
    assert len(titles(response)) == 40
    assert "もっと見る" not in response.text
    assert "表示できるのは" in response.text


def test_counts_are_capped(shared_client, many, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 30)
    response = shared_client.get("/jobs/search", params={"pref": "01"})
    assert count_of(response) == "30件以上"
    assert len(titles(response)) == 20


def test_the_count_stops_where_the_list_stops():
    # More than the list can show reads 「1,000件以上」: a count never reads more postings
    # than もっと見る could reach (bench/README.md, issue 14).
    assert search.COUNT_CAP == search.MAX_PAGE * search.PAGE_SIZE == 1_000


def unmarked_titles(response) -> list[str]:
    """titles() of a keyword search, whose titles carry the keyword in <mark>."""
    text = re.sub(r"</?mark>", "", response.text)
    return re.findall(r'href="/jobs/[\d-]+">倉庫作業員(\d\d)</a>', text)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "倉庫"},  # two characters: the keyword index alone decides
        {"q": "倉庫作業員"},  # longer: confirmed on the text
        {"q": "倉庫", "pref": "01", "city": "旭川市"},  # walked in the prefecture's index
    ],
)
@pytest.mark.parametrize("newest_entries", [None, 1])
def test_walking_the_newest_first_index_lists_the_same_pages(
    shared_client, many, monkeypatch, query, newest_entries
):
    # More matches than the count's cap, newest first: SQLite walks the newest-first index,
    # first within its newest entries, then (1: they are too few) all of it.
    monkeypatch.setattr(search, "COUNT_CAP", 30)
    walks = []
    newest_walk = search._newest_walk

    def spy(window, match, conditions, entries):
        walks.append(entries)
        return newest_walk(window, match, conditions, newest_entries or entries)

    monkeypatch.setattr(search, "_newest_walk", spy)
    queries = []
    rows = search._rows

    async def rows_spy(conn, *args):
        queries.append(args)
        return await rows(conn, *args)

    monkeypatch.setattr(search, "_rows", rows_spy)
    htmx = {"HX-Request": "true", "HX-Target": "result-list"}
    first = shared_client.get("/jobs/search", params=query)
    assert count_of(first) == "30件以上"
    assert unmarked_titles(first) == [f"{i:02d}" for i in range(20)]
    second = shared_client.get("/jobs/search", params={**query, "page": "2"}, headers=htmx)
    assert unmarked_titles(second) == [f"{i:02d}" for i in range(20, 40)]
    # PostgreSQL has a plan of its own; SQLite's walk within the newest entries is enough
    # unless it has only one.
    assert len(walks) == (0 if PG_URL else 2)
    assert len(queries) == (4 if walks and newest_entries else 2)


def _find(client, query: dict, offset: int):
    conditions = parse_conditions(QueryParams(urlencode(query))).conditions
    now = client.app.state.clock.now()
    return factories.run(
        client,
        lambda conn: search.find(conn, conditions, now=now, offset=offset, limit=search.PAGE_SIZE),
    )


@pytest.mark.parametrize("keyword", ["倉庫", "作業員0", "介護"])
def test_a_keyword_newest_first_is_found_the_same_however_far_back_it_first_looks(
    shared_client, many, monkeypatch, keyword
):
    """PostgreSQL seeks a keyword's newest matches among the newest postings first, then
    further back, then among all (search._newest_ids): where it looks first changes the
    work, never the count, the rows or their order. The ids here run oldest-last, against
    the guess it makes from them (SQLite takes another path: the same answers)."""
    monkeypatch.setattr(search, "COUNT_CAP", 30)
    query = {"q": keyword, "pref": "01"}

    def pages(seeks: tuple[int, ...]) -> list:
        monkeypatch.setattr(search, "RECENT_SEEKS", seeks)
        return [_find(shared_client, query, offset) for offset in (0, 20, 40)]

    everywhere = pages(())  # straight to all postings
    expected = {"倉庫": 45, "作業員0": 10, "介護": 0}[keyword]
    assert [(p.total, p.capped) for p in everywhere[:1]] == [(min(expected, 30), expected > 30)]
    titles = [row["job_title"] for page in everywhere for row in page.rows]
    assert titles == [f"倉庫作業員{i:02d}" for i in range(min(expected, 40))]
    for seeks in [(2,), (5, 10, 20), (1, 40), (1_000,)]:
        assert pages(seeks) == everywhere, seeks


def test_postgres_never_walks_an_ordering_index_for_a_keyword(shared_client, many):
    """The plan cannot drift into a walk: in _newest_ids' transaction only bitmap scans are
    allowed, so no ordering index is walked testing each posting's tokens (at 1,000,000
    postings, 10,000 toasted tsvectors read for 介護's 1,001: bench/README.md). Which
    bitmaps it takes is the planner's; the keyword's GIN index holds 受付年月日 (0022) and
    賃金 (0023)."""
    conditions = parse_conditions(QueryParams(urlencode({"q": "倉庫作業員"}))).conditions
    today = jst_date(shared_client.app.state.clock.now())

    async def plans(conn):
        if is_sqlite(conn):
            return None
        match = search.filters(conn, conditions, today=today)
        found = []
        async with conn.transaction():
            await conn.fetch_val(search.BITMAP_ONLY)
            for since in (today - dt.timedelta(days=3), None):
                query = search.newest(match, 1_001, since).compile(
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
                rows = await conn.fetch_all(sa.text(f"EXPLAIN {query}"))
                found.append("\n".join(row[0] for row in rows))
        gin = await conn.fetch_val(
            sa.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_job_postings_search_tokens'"
            )
        )
        return found, gin

    answer = factories.run(shared_client, plans)
    if answer is None:
        pytest.skip("PostgreSQL's plan (SQLite walks its FTS5 matches)")
    found, gin = answer
    for plan in found:
        assert "Bitmap Heap Scan on job_postings" in plan, plan
        assert "Seq Scan" not in plan and "Index Scan using" not in plan, plan
        assert "Index Scan Backward" not in plan, plan
    assert "gin (search_tokens, received_on, wage_monthly)" in gin, gin


@pytest.mark.parametrize("sort", ["wage", "deadline"])
@pytest.mark.parametrize(
    "query",
    [
        {"q": "介護"},  # two characters: the keyword index alone decides
        {"q": "介護職員"},  # longer: confirmed on the text
        {"q": "介護", "pref": "27"},  # the prefecture's token in the index, and its column
    ],
)
def test_a_keyword_by_wage_or_deadline_walks_to_the_same_pages(client, monkeypatch, sort, query):
    """A keyword with more matches than the count's cap, sorted by 賃金 or 紹介期限: SQLite
    walks that order's index (search.find), PostgreSQL seeks the matches at the head of
    that order (search._ordered_ids), instead of sorting every match. The same
    postings in the same order, page after page, as sorting them: ties in 賃金 and in
    紹介期限 broken by id, closed and filled postings and other prefectures left out."""
    wages = [180_000, 250_000, 250_000, 300_000, 220_000, 250_000, 300_000]
    for i in range(42):
        factories.posting(
            client,
            job_title="介護職員" if i % 5 else "介護スタッフ",
            prefecture_code="27" if i % 3 else "13",
            wage_min=wages[i % len(wages)],
            days_old=i % 4,
            open_days=20 + (i % 3) * 10,
            status="filled" if i % 11 == 10 else "open",
        )
    for _ in range(6):  # closed: the 紹介期限日 passed
        factories.posting(client, job_title="介護職員", days_old=30, open_days=10, wage_min=400_000)
    factories.posting(client, job_title="倉庫作業員", wage_min=500_000)  # not the keyword
    monkeypatch.setattr(search, "COUNT_CAP", 12)
    conditions = parse_conditions(QueryParams(urlencode({**query, "sort": sort}))).conditions
    now = client.app.state.clock.now()
    walked = []
    rows = search._rows

    async def rows_spy(conn, wanted, order):
        sql = str(wanted.compile(dialect=conn._connection._dialect))
        walked.append("job_postings.id + " in sql)
        return await rows(conn, wanted, order)

    monkeypatch.setattr(search, "_rows", rows_spy)

    def pages(walk_entries: int, seeks: tuple[int, ...] = (3,)) -> list:
        monkeypatch.setattr(search, "WALK_ENTRIES", walk_entries)
        monkeypatch.setattr(search, "ORDER_SEEKS", seeks)
        return [
            factories.run(
                client,
                lambda conn, offset=offset: search.find(
                    conn, conditions, now=now, offset=offset, limit=5
                ),
            )
            for offset in (0, 5, 10, 15)
        ]

    walks = pages(search.WALK_ENTRIES)
    # SQLite walks the order's index, but with a 都道府県 sorts the prefecture's matches.
    assert walked == [not PG_URL and "pref" not in query] * 3, walked
    walked.clear()
    sorts = pages(-1, ())  # never walk, never seek the head of the order: every match sorted
    assert not any(walked)
    assert walks == sorts
    # PostgreSQL seeks the head of the order first, then further, then all postings
    # (search._ordered_ids): where it looks first changes the work, never the pages.
    for seeks in [(1,), (2, 5, 10, 20), (10, 40), (25,), (1_000,)]:
        assert pages(search.WALK_ENTRIES, seeks) == sorts, seeks
    # And the order itself, from the values written.
    today = jst_date(now)

    async def expected(conn):
        p = search.job_postings.c
        ids = sa.select(p.id).where(
            search.open_filter(today),
            p.job_title.like("介護職員%" if query["q"] == "介護職員" else "介護%"),
            *([p.prefecture_code == query["pref"]] if "pref" in query else []),
        )
        return [r[0] for r in await conn.fetch_all(ids.order_by(*search.ORDERINGS[sort]))]

    order = factories.run(client, expected)
    assert len(order) > 12
    assert [(page.total, page.capped) for page in walks] == [(12, True)] * 4
    assert [row["id"] for page in walks[:3] for row in page.rows] == order[:15]
    assert walks[3].rows == [] and not walks[2].has_more
    # Fewer matches than the cap: PostgreSQL sorts the ones its count found.
    monkeypatch.setattr(search, "COUNT_CAP", 1_000)
    uncapped = pages(search.WALK_ENTRIES)
    assert [(page.total, page.capped) for page in uncapped] == [(len(order), False)] * 4
    assert [row["id"] for page in uncapped for row in page.rows] == order[:20]
    # An open match without a 賃金 (a row written by hand: PostgreSQL sorts it first, SQLite
    # last): the same as the plain order still.
    monkeypatch.setattr(search, "COUNT_CAP", 12)

    async def no_wage(conn):
        p = search.job_postings.c
        await conn.execute(
            sa.update(search.job_postings).where(p.id == order[7]).values(wage_monthly=None)
        )

    factories.run(client, no_wage)
    order = factories.run(client, expected)
    walks = pages(search.WALK_ENTRIES, (25,))
    assert [row["id"] for page in walks[:3] for row in page.rows] == order[:15]
