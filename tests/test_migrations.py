"""Migrations: a database an earlier release made upgrades with its data, and back."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.datastructures import QueryParams
from starlette.testclient import TestClient

from tests.conftest import PG_URL, own_postgres_database
from tests.factories import POSTING
from tests.helpers import off_main_thread, run_db
from webapp import create_app
from webapp.config import Settings
from webapp.db import _sqlalchemy_async_url, alembic_config, is_sqlite, migrate
from webapp.postings import index, search, search_form
from webapp.postings import service as postings
from webapp.schema import job_postings, job_seekers, metadata

NOW = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


@pytest.fixture
def empty_url(tmp_path):
    """A database with no tables yet: its own on PostgreSQL, a new file on SQLite."""
    if PG_URL:
        url, drop = own_postgres_database(PG_URL, suffix="migrations")
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"


async def _old_posting(conn, values: dict) -> tuple[int, list[str]]:
    """A posting's row as an earlier release wrote it, and the tokens it indexed; on SQLite
    those are written here (FTS5 job_search), on PostgreSQL by the caller, as its release did."""
    posting = postings.complete({"registered_at": NOW, "updated_at": NOW, **values})
    posting_id = await conn.fetch_val(
        job_postings.insert().values(**posting).returning(job_postings.c.id)
    )
    tokens = index.posting_tokens(posting["search_text"], posting["prefecture_code"])
    if is_sqlite(conn):
        await conn.execute(
            "INSERT INTO job_search (rowid, tokens) VALUES (:id, :tokens)",
            {"id": posting_id, "tokens": " ".join(tokens)},
        )
    return posting_id, tokens


async def _insert_as_0007(conn, values: dict) -> int:
    """A posting written and indexed as release 0007 did: on PostgreSQL its tokens went to
    a job_search table of their own."""
    posting_id, tokens = await _old_posting(conn, values)
    if not is_sqlite(conn):
        await conn.execute(
            "INSERT INTO job_search (posting_id, tokens) "
            "VALUES (:id, array_to_tsvector(CAST(:tokens AS text[])))",
            {"id": posting_id, "tokens": tokens},
        )
    return posting_id


async def _found(conn, query: str) -> list[int]:
    conditions = search_form.parse_conditions(QueryParams(query)).conditions
    page = await search.find(conn, conditions, now=NOW, offset=0, limit=20)
    return [row["id"] for row in page.rows]


def _posting(job_title: str, **overrides) -> dict:
    received = dt.date(2026, 11, 20)
    return {
        **POSTING,
        "job_number": f"13010-{next(_numbers):08d}",
        "job_title": job_title,
        "received_on": received,
        "referral_deadline": received + dt.timedelta(days=60),
        **overrides,
    }


def test_postings_indexed_before_0008_are_found_after_it_and_after_going_back(empty_url):
    def found(query: str) -> list[int]:
        return run_db(empty_url, lambda conn: _found(conn, query))

    migrate(empty_url, "0007")
    forklift = run_db(empty_url, lambda c: _insert_as_0007(c, _posting("フォークリフト運転")))
    care = run_db(
        empty_url, lambda c: _insert_as_0007(c, _posting("介護職員", prefecture_code="27"))
    )

    migrate(empty_url)
    assert found("q=フォークリフト") == [forklift]
    assert found("q=介護&pref=27") == [care]
    # A posting written by the new release is indexed the new way.
    new = run_db(empty_url, lambda c: postings.create_posting(c, _posting("介護ヘルパー"), now=NOW))
    assert sorted(found("q=介護")) == [care, new]

    # Back to 0007 and up again: nothing lost on the way.
    command.downgrade(alembic_config(empty_url), "0007")
    migrate(empty_url)
    assert found("q=フォークリフト") == [forklift]
    assert sorted(found("q=介護")) == [care, new]


def test_postgres_keeps_the_tokens_on_the_posting_row(empty_url):
    if not PG_URL:
        pytest.skip("the tokens column is PostgreSQL's (SQLite keeps its FTS5 table)")
    migrate(empty_url)

    async def check(conn):
        posting_id = await postings.create_posting(conn, _posting("フォークリフト運転"), now=NOW)
        tokens = await conn.fetch_val(
            sa.text("SELECT search_tokens FROM job_postings WHERE id = :id").bindparams(
                id=posting_id
            )
        )
        tables = await conn.fetch_val(
            sa.text("SELECT count(*) FROM pg_tables WHERE tablename = 'job_search'")
        )
        return tokens, tables

    tokens, tables = run_db(empty_url, check)
    assert "'フォ'" in tokens and "'pref13'" in tokens
    assert tables == 0


def _tables(url: str) -> set[str]:
    async def names(conn):
        rows = await conn.fetch_all(
            sa.text("SELECT name FROM sqlite_master WHERE type = 'table'")
            if is_sqlite(conn)
            else sa.text("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
        )
        return {row["name"] for row in rows}

    return run_db(url, names)


@pytest.mark.parametrize("on_start", [True, False])
def test_the_app_migrates_at_start_unless_told_not_to(empty_url, on_start):
    """MIGRATE_ON_START (default on): a deploy that runs `python -m webapp migrate` first
    may turn it off; the tests do, since each starts from a migrated copy."""
    settings = Settings(database_url=empty_url, secret_key="x" * 40, migrate_on_start=on_start)
    with TestClient(create_app(settings)):
        pass
    assert ("job_seekers" in _tables(empty_url)) is on_start


# --- the migrations make exactly webapp/schema.py ----------------------------------------

# What the migrations make that webapp/schema.py cannot declare, each dialect apart; the
# comparison leaves these out, and the test checks that each one is really there.
NOT_IN_SCHEMA = {
    # SQLite: the FTS5 virtual table of the keyword index (0002) and the shadow tables
    # FTS5 keeps beside it; the search module reaches them with its own SQL.
    "sqlite": {
        ("table", "job_search"),
        ("table", "job_search_config"),
        ("table", "job_search_data"),
        ("table", "job_search_idx"),
    },
    # PostgreSQL: the keyword index lives on the posting row (0008), a tsvector with its
    # GIN index, which SQLite has no type for; the search module reaches it with its own SQL.
    "postgresql": {
        ("column", "job_postings.search_tokens"),
        ("index", "ix_job_postings_search_tokens"),
    },
}


def _same_default(context, inspected_column, metadata_column, inspected, declared, rendered):
    """SQLite reports the default of a table that a batch migration rebuilt in parentheses,
    and Alembic's SQLite comparison unquotes only a non-empty literal, so "('')" would
    differ from the declared server_default="" (rendered as ''): the same default. None:
    Alembic's own comparison decides."""
    if context.dialect.name != "sqlite" or inspected is None or rendered is None:
        return None
    while len(inspected) > 1 and inspected[0] == "(" and inspected[-1] == ")":
        inspected = inspected[1:-1]
    if len(inspected) > 1 and inspected[0] == inspected[-1] == "'":
        inspected = inspected[1:-1].replace("''", "'")
    return None if inspected != rendered else False


def schema_differences(url: str, target=metadata) -> tuple[list, set]:
    """Alembic's comparison of the database at `url` with `target` (types, nullability,
    server defaults, indexes, unique and foreign keys), on a sync connection of SQLAlchemy's
    async driver as webapp/migrations/env.py makes one; and what it left out (NOT_IN_SCHEMA)."""
    left_out: set[tuple[str, str]] = set()

    def compare(connection):
        not_in_schema = NOT_IN_SCHEMA[connection.dialect.name]

        def include_object(obj, name, type_, reflected, compare_to):
            if reflected and compare_to is None:  # in the database only
                key = (type_, f"{obj.table.name}.{name}" if type_ == "column" else name)
                if key in not_in_schema:
                    left_out.add(key)
                    return False
            return True

        options = {
            "compare_type": True,
            "compare_server_default": _same_default,
            "include_object": include_object,
        }
        return compare_metadata(MigrationContext.configure(connection, opts=options), target)

    async def run():
        engine = create_async_engine(_sqlalchemy_async_url(url))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    return off_main_thread(run), left_out


def test_the_migrations_make_exactly_the_declared_schema(database_url):
    differences, left_out = schema_differences(database_url)
    assert differences == []
    assert left_out == NOT_IN_SCHEMA["postgresql" if PG_URL else "sqlite"]


def test_the_comparison_sees_a_column_and_an_index_the_migrations_lack(database_url):
    """The test above can fail: a declared column and index that no migration made."""
    declared = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(declared)
    job_seekers = declared.tables["job_seekers"]
    job_seekers.append_column(sa.Column("nickname", sa.String(20)))
    sa.Index("ix_job_seekers_kana", job_seekers.c.kana)

    differences, _ = schema_differences(database_url, declared)

    found = {(change[0], change[-1].name) for change in differences}
    assert found == {("add_column", "nickname"), ("add_index", "ix_job_seekers_kana")}


# --- 0013: a half-done 下書き's numbers may be NULL --------------------------------------


def _nullable_numbers(url: str) -> dict[str, bool]:
    async def read(conn):
        if is_sqlite(conn):
            rows = await conn.fetch_all(sa.text("PRAGMA table_info(job_postings)"))
            return {row[1]: not row[3] for row in rows}
        rows = await conn.fetch_all(
            sa.text(
                "SELECT column_name, is_nullable FROM information_schema.columns "
                "WHERE table_name = 'job_postings'"
            )
        )
        return {row[0]: row[1] == "YES" for row in rows}

    columns = run_db(url, read)
    return {name: columns[name] for name in ("wage_min", "wage_max", "wage_monthly", "openings")}


def _sqlite_root_page(url: str) -> int | None:
    """Where SQLite keeps job_postings (a rebuilt table moves); None on PostgreSQL."""

    async def read(conn):
        if not is_sqlite(conn):
            return None
        return await conn.fetch_val(
            sa.text("SELECT rootpage FROM sqlite_master WHERE name = 'job_postings'")
        )

    return run_db(url, read)


def test_0013_lets_a_draft_leave_its_numbers_out_and_keeps_every_posting(empty_url):
    migrate(empty_url, "0012")
    forklift = run_db(
        empty_url, lambda c: postings.create_posting(c, _posting("フォークリフト運転"), now=NOW)
    )
    assert set(_nullable_numbers(empty_url).values()) == {False}
    table_page = _sqlite_root_page(empty_url)

    migrate(empty_url)
    assert set(_nullable_numbers(empty_url).values()) == {True}
    # SQLite: only the declaration changed, the million-row table was not copied.
    assert _sqlite_root_page(empty_url) == table_page
    assert run_db(empty_url, lambda conn: _found(conn, "q=フォークリフト")) == [forklift]
    half_done = {
        **_posting("検品スタッフ", status="draft"),
        "wage_min": None,
        "wage_max": None,
        "openings": None,
    }
    draft = run_db(
        empty_url,
        lambda conn: conn.fetch_val(
            job_postings.insert()
            .values(**postings.complete({"registered_at": NOW, "updated_at": NOW, **half_done}))
            .returning(job_postings.c.id)
        ),
    )

    # Back to 0012: the half-done draft cannot be kept there; every other posting is.
    command.downgrade(alembic_config(empty_url), "0012")
    assert set(_nullable_numbers(empty_url).values()) == {False}

    async def ids(conn):
        return [row[0] for row in await conn.fetch_all(sa.text("SELECT id FROM job_postings"))]

    assert run_db(empty_url, ids) == [forklift]
    assert draft != forklift


# --- 0015: オンライン登録者 and the online 求職申込書 -------------------------------------------


def test_0015_makes_every_earlier_job_seeker_a_counter_user_and_goes_back(empty_url):
    migrate(empty_url, "0013")
    person = {"office_id": 1, "kana": "", "birthdate": dt.date(1990, 4, 1), "created_at": NOW}

    async def add(conn, **values):
        # Only columns release 0013 has: the new ones take their server defaults.
        await conn.execute(job_seekers.insert().values(**person, **values))

    run_db(
        empty_url,
        lambda conn: add(
            conn, seeker_number="16040-00000001", name="山田太郎", email="taro@example.com"
        ),
    )
    migrate(empty_url)

    async def read(conn):
        kinds = await conn.fetch_all(sa.text("SELECT registration_kind FROM job_seekers"))
        hours = await conn.fetch_val(sa.text("SELECT hours FROM offices"))
        return [row[0] for row in kinds], hours

    kinds, hours = run_db(empty_url, read)
    assert kinds == ["counter"]
    assert hours.startswith("平日 8時30分")
    run_db(
        empty_url,
        lambda conn: add(
            conn,
            seeker_number="申込中-0000000001",
            name="",
            email="hanako@example.com",
            status="applying",
            registration_kind="online",
        ),
    )
    # Back to 0013: someone still filling in the 求職申込書 has no place there.
    command.downgrade(alembic_config(empty_url), "0013")

    async def emails(conn):
        return [row[0] for row in await conn.fetch_all(sa.text("SELECT email FROM job_seekers"))]

    assert run_db(empty_url, emails) == ["taro@example.com"]


# --- 0014: the whole 求人票; today's postings move into the new shape ---------------------


def _posting_columns(url: str) -> set[str]:
    async def read(conn):
        if is_sqlite(conn):
            rows = await conn.fetch_all(sa.text("PRAGMA table_info(job_postings)"))
            return {row[1] for row in rows}
        rows = await conn.fetch_all(
            sa.text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'job_postings'"
            )
        )
        return {row[0] for row in rows}

    return run_db(url, read)


def test_0014_moves_todays_postings_into_the_new_shape_and_back(empty_url):
    migrate(empty_url, "0013")
    office = run_db(
        empty_url,
        lambda c: postings.create_posting(
            c,
            _posting(
                "一般事務",
                education="高卒以上",
                experience="不問",
                weekends_off=True,
                employment_type="regular",
            ),
            now=NOW,
        ),
    )
    shop = run_db(
        empty_url,
        lambda c: postings.create_posting(
            c,
            _posting(
                "販売スタッフ",
                education="不問",
                experience="接客の経験1年以上",
                weekends_off=False,
                employment_type="part",
                job_category="part",
                wage_type="hourly",
                wage_min=1_100,
                wage_max=1_300,
            ),
            now=NOW,
        ),
    )
    assert "job_change_scope" not in _posting_columns(empty_url)

    migrate(empty_url)

    async def read(conn):
        rows = await conn.fetch_all(
            sa.select(job_postings).where(job_postings.c.id.in_((office, shop)))
        )
        return {row["id"]: row for row in rows}

    rows = run_db(empty_url, read)
    moved = {
        posting_id: (
            row["education_required"],
            row["experience_required"],
            row["weekly_two_days"],
            row["wage_form"],
            row["employment_term"],
        )
        for posting_id, row in rows.items()
    }
    assert moved == {
        office: (True, False, "every", "月給", "indefinite"),
        shop: (False, True, "", "時給", ""),
    }
    # What the law now requires reads as not written (記載なし), never as a made-up answer.
    office_row = rows[office]
    assert office_row["job_change_scope"] == "" and office_row["smoking_measure"] == ""
    assert office_row["car_commute"] is None and office_row["bonus"] is None
    assert office_row["for_disabled"] is False and office_row["occupation_minor"] == ""
    # The old columns are as they were, and the keyword index still finds both.
    assert (office_row["education"], office_row["weekends_off"]) == ("高卒以上", True)
    assert run_db(empty_url, lambda conn: _found(conn, "q=販売スタッフ")) == [shop]

    # Back to 0013: the new columns go, every posting stays.
    command.downgrade(alembic_config(empty_url), "0013")
    assert "job_change_scope" not in _posting_columns(empty_url)

    async def ids(conn):
        rows = await conn.fetch_all(sa.text("SELECT id FROM job_postings ORDER BY id"))
        return [row[0] for row in rows]

    assert run_db(empty_url, ids) == sorted([office, shop])
    migrate(empty_url)
    assert run_db(empty_url, lambda conn: _found(conn, "q=一般事務")) == [office]


def _index_columns(url: str, name: str) -> list[str]:
    async def read(conn):
        if is_sqlite(conn):
            rows = await conn.fetch_all(sa.text(f"PRAGMA index_info({name})"))
            return [row["name"] for row in sorted(rows, key=lambda row: row["seqno"])]
        rows = await conn.fetch_all(
            sa.text(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE c.relname = :name ORDER BY k.n"
            ).bindparams(name=name)
        )
        return [row[0] for row in rows]

    return run_db(url, read)


def test_0020_puts_the_new_filters_in_the_search_indexes_and_back(empty_url):
    migrate(empty_url, "0014")
    posting = run_db(
        empty_url,
        lambda c: postings.create_posting(
            c, _posting("介護職員", car_commute=True, annual_holidays=120), now=NOW
        ),
    )
    assert "for_disabled" not in _index_columns(empty_url, "ix_job_postings_received")

    migrate(empty_url)
    for name in (
        "ix_job_postings_received",
        "ix_job_postings_prefecture",
        "ix_job_postings_filter",
    ):
        columns = _index_columns(empty_url, name)
        assert {"for_disabled", "car_commute", "annual_holidays", "occupation_minor"} <= set(
            columns
        )
    assert run_db(empty_url, lambda conn: _found(conn, "q=介護&car=1&holidays=120")) == [posting]
    assert run_db(empty_url, lambda conn: _found(conn, "car=1&holidays=125")) == []

    command.downgrade(alembic_config(empty_url), "0014")
    assert "for_disabled" not in _index_columns(empty_url, "ix_job_postings_received")
    assert _index_columns(empty_url, "ix_job_postings_filter")[:3] == [
        "id",
        "status",
        "referral_deadline",
    ]
    command.downgrade(alembic_config(empty_url), "0013")  # 0014's columns drop unindexed


# --- 0019: the 事業所's postings and the office's job-seekers through an index --------------


def _indexes(url: str, table: str) -> set[str]:
    async def read(conn):
        if is_sqlite(conn):
            rows = await conn.fetch_all(sa.text(f"PRAGMA index_list({table})"))
            return {row[1] for row in rows}
        rows = await conn.fetch_all(
            "SELECT indexname FROM pg_indexes WHERE tablename = :table", {"table": table}
        )
        return {row[0] for row in rows}

    return run_db(url, read)


def test_0019_indexes_postings_by_employer_and_seekers_by_office_and_back(empty_url):
    migrate(empty_url, "0013")
    assert "ix_job_postings_employer" not in _indexes(empty_url, "job_postings")
    assert "ix_job_seekers_office" not in _indexes(empty_url, "job_seekers")

    migrate(empty_url, "0019")
    assert "ix_job_postings_employer" in _indexes(empty_url, "job_postings")
    assert "ix_job_seekers_office" in _indexes(empty_url, "job_seekers")

    command.downgrade(alembic_config(empty_url), "0013")
    assert "ix_job_postings_employer" not in _indexes(empty_url, "job_postings")
    assert "ix_job_seekers_office" not in _indexes(empty_url, "job_seekers")


async def _insert_as_0020(conn, values: dict) -> int:
    """A posting written and indexed as release 0020 did: no 最寄り駅 tokens."""
    posting_id, tokens = await _old_posting(conn, values)
    if not is_sqlite(conn):
        await conn.execute(
            "UPDATE job_postings SET search_tokens = array_to_tsvector(CAST(:tokens AS text[])) "
            "WHERE id = :id",
            {"id": posting_id, "tokens": tokens},
        )
    return posting_id


async def _station_tokens_indexed(conn, token: str) -> int:
    """How many postings the keyword index holds `token` for."""
    if is_sqlite(conn):
        return await conn.fetch_val(
            "SELECT count(*) FROM job_search WHERE job_search MATCH :q", {"q": f'"{token}"'}
        )
    return await conn.fetch_val(
        "SELECT count(*) FROM job_postings WHERE search_tokens @@ CAST(:q AS tsquery)",
        {"q": f"'{token}'"},
    )


def test_0021_puts_each_indexed_postings_station_in_the_keyword_index_and_back(empty_url):
    migrate(empty_url, "0020")
    takasaki, tokyo, none = (
        run_db(empty_url, lambda c, v=values: _insert_as_0020(c, v))
        for values in (
            _posting("介護職員", nearest_station="高崎駅", transfer_possible=False),
            _posting("事務", nearest_station="ＪＲ東京駅"),
            _posting("警備員", nearest_station=""),
        )
    )
    mark = index.STATION_MARK
    assert run_db(empty_url, lambda c: _station_tokens_indexed(c, mark + "高崎")) == 0

    migrate(empty_url)
    assert run_db(empty_url, lambda c: _station_tokens_indexed(c, mark + "高崎")) == 1
    assert run_db(empty_url, lambda c: _found(c, "station=高崎&no_transfer=1")) == [takasaki]
    assert run_db(empty_url, lambda c: _found(c, "station=jr")) == [tokyo]  # normalized
    assert run_db(empty_url, lambda c: _found(c, "q=警備")) == [none]  # the text stays indexed
    assert run_db(empty_url, lambda c: _found(c, "station=駅")) == [tokyo, takasaki]

    command.downgrade(alembic_config(empty_url), "0020")
    assert run_db(empty_url, lambda c: _station_tokens_indexed(c, mark + "高崎")) == 0
    assert run_db(empty_url, lambda c: _found(c, "q=介護")) == [takasaki]
