"""求人検索: search conditions, and the queries that find postings matching them.

The same SQLAlchemy query runs on SQLite and PostgreSQL; only the keyword index differs
(FTS5 MATCH on SQLite, a GIN-indexed tsvector on PostgreSQL), and both answer the same
question: which postings hold every two-character token of the keyword. Keywords longer
than two characters are then confirmed against the posting's normalized text, so the
result is exactly "contains the keyword" (see webapp/postings/text.py). On PostgreSQL a
keyword sorted newest first is sought among the newest postings first (_newest_ids).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from databases.core import Connection
from sqlalchemy.dialects.postgresql import ARRAY

from webapp.clock import jst_date
from webapp.db import is_sqlite
from webapp.postings import catalog, index, online, text
from webapp.schema import job_postings

PAGE_SIZE = 20
MAX_PAGE = 50  # 1,000 postings: beyond that, narrowing the search serves the seeker better
# Counted exactly up to here, then shown as 「1,000件以上」: as many as the list can show
# (MAX_PAGE pages), so a count never reads more postings than paging could reach. A common
# keyword at 1,000,000 postings read 10,001 rows to say 「10,000件以上」 (50–110 ms on
# PostgreSQL); 1,001 rows cost a tenth of that (bench/README.md).
COUNT_CAP = MAX_PAGE * PAGE_SIZE
# SQLite, a keyword sorted newest first: the window is found by walking the newest-first
# index when, at the density the newest postings match (what the count saw), its end lies
# within this many entries; else the matches are sorted (a page 50 of a keyword matching
# 1,001 of 1,000,000 would walk all of it).
WALK_ENTRIES = 100_000
# PostgreSQL: a keyword sorted newest first is sought first among about the newest 16,000
# postings (by id), then among as many of these as its share there says it needs
# (_newest_ids). Past the last, the GIN index's part for 受付年月日 (a bitmap of every
# posting in the range, made first: 12 ms for the newest 128,000 at 1,000,000 postings,
# 50 ms for 410,000) costs more than reading every candidate of a keyword that rare.
RECENT_SEEKS = (16_000, 24_000, 32_000, 48_000, 64_000, 96_000, 128_000, 192_000, 256_000)
# ...with this margin: older postings are more often closed, so a keyword's share of the
# matches thins out going back.
RECENT_MARGIN = 1.5
# PostgreSQL, a keyword with more matches than the count's cap sorted by 賃金 or 紹介期限:
# sought first among about the first 16,000 postings in that order, then among as many as
# its share there says it needs (_ordered_ids), as _newest_ids does newest first.
ORDER_SEEKS = (16_000, 32_000, 64_000, 128_000, 256_000)


@dataclass(frozen=True)
class SearchConditions:
    """What the seeker asked for; lives in the URL (see to_query / forms.parse_conditions)."""

    keyword: str = ""
    prefecture: str = ""
    municipality: str = ""
    occupation: str = ""
    occupation_minor: str = ""  # 職業分類の中分類 (catalog.OCCUPATION_MINORS), under `occupation`
    employment_types: tuple[str, ...] = ()
    job_category: str = ""
    wage_type: str = "monthly"
    wage_min: int | None = None
    weekends_off: bool = False
    new_within_days: int | None = None
    online_application: bool = False
    # What job-seekers filter on (issue 15): each a yes/no, 年間休日 a floor, 最寄り駅 a text.
    age_free: bool = False  # 年齢不問
    education_free: bool = False  # 学歴不問
    inexperienced_ok: bool = False  # 未経験可 (必要な経験 なし)
    car_commute: bool = False  # マイカー通勤可
    no_transfer: bool = False  # 転勤なし
    two_days_weekly: bool = False  # 週休二日制（毎週）
    holidays_min: int | None = None  # 年間休日 N日以上
    bonus: bool = False  # 賞与あり
    station: str = ""  # 最寄り駅 (a part of the station's name)
    # 求人の種類: Hello Work lists 障害のある方のための求人 apart; the default is 一般求人.
    # None (never from a URL): both, as staff look a posting up to refer someone to it.
    for_disabled: bool | None = False
    sort: str = "new"
    page: int = 1
    terms: tuple[text.Term, ...] = field(default=(), compare=False)

    def with_page(self, page: int) -> SearchConditions:
        """These conditions at another page (kept: the next page's link is on every page)."""
        kept = self.__dict__.setdefault("_pages", {})  # not a field: not compared
        found = kept.get(page)
        if found is None:
            found = kept[page] = replace(self, page=page)
        return found

    def query_items(self, *, page: bool = True, sort: bool = True) -> list[tuple[str, str]]:
        """The conditions as URL parameters, in a fixed order, defaults left out."""
        items: list[tuple[str, str]] = []
        if self.keyword:
            items.append(("q", self.keyword))
        if self.prefecture:
            items.append(("pref", self.prefecture))
        if self.municipality:
            items.append(("city", self.municipality))
        if self.occupation:
            items.append(("occ", self.occupation))
        if self.occupation_minor:
            items.append(("occm", self.occupation_minor))
        items += [("emp", code) for code in self.employment_types]
        if self.job_category:
            items.append(("cat", self.job_category))
        if self.wage_min is not None:
            items += [("wage_type", self.wage_type), ("wage_min", str(self.wage_min))]
        if self.weekends_off:
            items.append(("weekends", "1"))
        if self.new_within_days:
            items.append(("new", str(self.new_within_days)))
        if self.online_application:
            items.append(("online", "1"))
        items += [(param, "1") for name, param, _ in FLAGS if getattr(self, name)]
        if self.holidays_min:
            items.append(("holidays", str(self.holidays_min)))
        if self.station:
            items.append(("station", self.station))
        if self.for_disabled:
            items.append(("kind", "disabled"))
        if sort and self.sort != "new":
            items.append(("sort", self.sort))
        if page and self.page > 1:
            items.append(("page", str(self.page)))
        return items

    def to_query(self, *, page: bool = True, sort: bool = True) -> str:
        """The conditions as a query string. Kept on the conditions, which never change
        (and are kept per address: search_form.parse_query): a search page writes its own
        address four times over (links, ☆, the 保存 box)."""
        kept = self.__dict__.setdefault("_queries", {})  # not a field: not compared
        found = kept.get((page, sort))
        if found is None:
            found = kept[page, sort] = urlencode(self.query_items(page=page, sort=sort))
        return found

    @property
    def is_empty(self) -> bool:
        """No condition at all: 障害のある方のための求人 alone is a condition too."""
        return not self.query_items(page=False, sort=False)

    def summary(self) -> list[str]:
        """Short Japanese labels of each condition, for lists and mail."""
        parts = []
        if self.keyword:
            parts.append(f"キーワード「{self.keyword}」")
        if self.prefecture:
            parts.append(catalog.prefecture_name(self.prefecture) + self.municipality)
        if self.for_disabled:
            parts.append("障害のある方のための求人")
        if self.occupation_minor:
            parts.append(catalog.OCCUPATION_MINOR_NAMES[self.occupation_minor])
        elif self.occupation:
            parts.append(catalog.OCCUPATIONS[self.occupation])
        if self.employment_types:
            parts.append("・".join(catalog.EMPLOYMENT_TYPES[c] for c in self.employment_types))
        if self.job_category:
            parts.append(catalog.JOB_CATEGORIES[self.job_category])
        if self.wage_min is not None:
            parts.append(f"{catalog.WAGE_TYPES[self.wage_type]}{self.wage_min:,}円以上")
        if self.weekends_off:
            parts.append("土日祝休み")
        if self.new_within_days:
            parts.append(catalog.NEW_WITHIN_DAYS[str(self.new_within_days)] + "の新着")
        if self.online_application:
            parts.append("オンライン自主応募可")
        parts += [label for name, _, label in FLAGS if getattr(self, name)]
        if self.holidays_min:
            parts.append(f"年間休日{self.holidays_min}日以上")
        if self.station:
            parts.append(f"最寄り駅「{self.station}」")
        return parts or ["すべての求人"]

    def loosened(self) -> list[tuple[str, SearchConditions]]:
        """For an empty result: each condition with the conditions that drop it (the 求人の
        種類 is not loosened: 一般求人 and 障害のある方のための求人 are two lists)."""
        drops: list[tuple[str, Any, str]] = [
            ("keyword", "", f"キーワード「{self.keyword}」"),
            ("station", "", f"最寄り駅「{self.station}」"),
            ("municipality", "", self.municipality),
            ("prefecture", "", catalog.prefecture_name(self.prefecture)),
            (
                "occupation_minor",
                "",
                catalog.OCCUPATION_MINOR_NAMES.get(self.occupation_minor, ""),
            ),
            ("occupation", "", catalog.OCCUPATIONS.get(self.occupation, "")),
            ("employment_types", (), "雇用形態の指定"),
            ("job_category", "", catalog.JOB_CATEGORIES.get(self.job_category, "")),
            ("wage_min", None, "賃金の下限"),
            ("weekends_off", False, "土日祝休み"),
            ("new_within_days", None, "新着の期間"),
            ("online_application", False, "オンライン自主応募可"),
            *((name, False, label) for name, _, label in FLAGS),
            ("holidays_min", None, f"年間休日{self.holidays_min}日以上"),
        ]
        options = []
        for name, empty, label in drops:
            if getattr(self, name) != empty:
                changes: dict[str, Any] = {name: empty}
                if name == "prefecture":
                    changes["municipality"] = ""
                if name == "occupation":
                    changes["occupation_minor"] = ""
                if name == "keyword":
                    changes["terms"] = ()
                options.append((label, replace(self, page=1, **changes)))
        return options


# The yes/no filters: (field, URL parameter, label), in the form's order.
FLAGS: tuple[tuple[str, str, str], ...] = (
    ("age_free", "age_free", "年齢不問"),
    ("education_free", "edu_free", "学歴不問"),
    ("inexperienced_ok", "inexp", "未経験可"),
    ("car_commute", "car", "マイカー通勤可"),
    ("no_transfer", "no_transfer", "転勤なし"),
    ("two_days_weekly", "two_days", "週休二日制（毎週）"),
    ("bonus", "bonus", "賞与あり"),
)


class Row(dict):
    """A result row as a plain dict, read by key or as an attribute (as templates do): a
    cached page is rendered again and again, and the driver's records decode each field
    on every read. The dict is its own attribute dictionary, so Jinja's `row.job_title`
    finds the value at once (a `__getattr__` ran only after a failed lookup: an eighth of
    the search page's rendering)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self


@dataclass
class SearchPage:
    rows: list
    total: int
    capped: bool  # total is COUNT_CAP and there are more
    offset: int
    has_more: bool
    # What the page's rendering keeps for as long as this page of results is kept
    # (webapp.jobs.result_cards).
    rendered: dict = field(default_factory=dict, init=False, compare=False, repr=False)


FTS = sa.table("job_search", sa.column("rowid"))  # SQLite's FTS5 table (migration 0002)


def _index_terms(conditions: SearchConditions) -> tuple[list[str], list[str]]:
    """(tokens, one-character prefixes) the index must hold; none without a keyword."""
    tokens = [t for term in conditions.terms for t in term.tokens]
    prefixes = [p for term in conditions.terms for p in term.prefixes]
    if conditions.station:  # its own tokens (migration 0021): a rare station seeks
        station_tokens, station_prefixes = index.station_query(conditions.station)
        tokens += station_tokens
        prefixes += station_prefixes
    if (tokens or prefixes) and conditions.prefecture:
        tokens.append(index.prefecture_token(conditions.prefecture))
    return tokens, prefixes


def _fts_query(conditions: SearchConditions) -> str | None:
    tokens, prefixes = _index_terms(conditions)
    if not tokens and not prefixes:
        return None
    # Tokens are letters and digits only (text.word_runs), so quoting them is safe.
    return " AND ".join([f'"{t}"' for t in tokens] + [f'"{p}"*' for p in prefixes])


def _candidates(fts_query: str | None):
    """SQLite: ids of postings whose FTS5 index matches `fts_query`, or None (no keyword)."""
    if fts_query is None:
        return None
    return (
        sa.select(FTS.c.rowid)
        .select_from(FTS)
        .where(sa.text("job_search MATCH :fts_query").bindparams(fts_query=fts_query))
    )


def _tokens_clause(conditions: SearchConditions):
    """PostgreSQL: the posting's own tokens column (GIN, migration 0008) holds every token
    of the keyword; None without one."""
    tokens, prefixes = _index_terms(conditions)
    if not tokens and not prefixes:
        return None
    query = " & ".join([f"'{t}'" for t in tokens] + [f"'{p}':*" for p in prefixes])
    return sa.text("job_postings.search_tokens @@ CAST(:ts_query AS tsquery)").bindparams(
        ts_query=query
    )


def _contains(conn: Connection, needle: str):
    column = job_postings.c.search_text
    if is_sqlite(conn):
        return sa.func.instr(column, needle) > 0
    return sa.func.strpos(column, needle) > 0


def _station_contains(conn: Connection, station: str):
    """最寄り駅 contains the typed text, both in the normal form keywords are compared in
    (NFKC, lower case: ＪＲ and jr alike). The keyword index finds the candidates
    (index.station_query, migration 0021); this confirms each on the column."""
    column = job_postings.c.nearest_station
    needle = text.normalize(station)
    if is_sqlite(conn):
        return sa.func.instr(sa.func.nfkc_lower(column), needle) > 0
    normalized = sa.func.lower(sa.func.normalize(column, sa.literal_column("NFKC")))
    return sa.func.strpos(normalized, needle) > 0


def open_filter(today: dt.date):
    """募集中: not filled or closed, and the 紹介期限日 not yet passed."""
    return sa.and_(
        job_postings.c.status == catalog.STATUS_OPEN,
        job_postings.c.referral_deadline >= today,
    )


@dataclass
class Match:
    """The WHERE clauses of a search: the keyword index's candidates kept apart, so a
    count on SQLite can stream them in a join instead of collecting them first; on
    PostgreSQL, whether a keyword (or 最寄り駅) is among them."""

    clauses: list
    candidates: sa.Select | None
    fts_query: str | None
    keyword: bool = False

    def where(self, *, probe: bool = False) -> list:
        """`probe`: test each row against the candidates, never look rows up by them."""
        if self.candidates is None:
            return self.clauses
        column = job_postings.c.id + 0 if probe else job_postings.c.id
        return [column.in_(self.candidates), *self.clauses]

    def also(self, *clauses) -> Match:
        return Match([*self.clauses, *clauses], self.candidates, self.fts_query, self.keyword)


def filters(conn: Connection, conditions: SearchConditions, *, today: dt.date) -> Match:
    """What a posting must satisfy to match the conditions (open postings only)."""
    p = job_postings.c
    clauses = [open_filter(today)]
    clauses += [_contains(conn, t.text) for t in conditions.terms if not t.exact_in_index]
    if conditions.prefecture:
        clauses.append(p.prefecture_code == conditions.prefecture)
    if conditions.municipality:
        clauses.append(p.municipality == conditions.municipality)
    if conditions.occupation:
        clauses.append(p.occupation == conditions.occupation)
    if conditions.occupation_minor:
        clauses.append(p.occupation_minor == conditions.occupation_minor)
    if conditions.employment_types:
        clauses.append(p.employment_type.in_(conditions.employment_types))
    if conditions.job_category:
        clauses.append(p.job_category == conditions.job_category)
    if conditions.wage_min is not None:
        clauses += [p.wage_type == conditions.wage_type, p.wage_min >= conditions.wage_min]
    if conditions.weekends_off:
        clauses.append(p.weekends_off.is_(True))
    if conditions.new_within_days:
        clauses.append(p.received_on >= today - dt.timedelta(days=conditions.new_within_days))
    if conditions.online_application:  # the one rule, as the tag and the button read it
        clauses.append(online.accepts_online())
    # 一般求人 or 障害のある方のための求人: a job-seeker's search is one or the other.
    if conditions.for_disabled is not None:
        clauses.append(p.for_disabled.is_(conditions.for_disabled))
    # A yes/no the employer did not answer (NULL) matches neither 可 nor なし.
    if conditions.age_free:
        clauses.append(p.age_limit.is_(False))
    if conditions.education_free:
        clauses.append(p.education_required.is_(False))
    if conditions.inexperienced_ok:
        clauses.append(p.experience_required.is_(False))
    if conditions.car_commute:
        clauses.append(p.car_commute.is_(True))
    if conditions.no_transfer:
        clauses.append(p.transfer_possible.is_(False))
    if conditions.two_days_weekly:
        clauses.append(p.weekly_two_days == "every")
    if conditions.holidays_min:
        clauses.append(p.annual_holidays >= conditions.holidays_min)
    if conditions.bonus:
        clauses.append(p.bonus.is_(True))
    if conditions.station:
        clauses.append(_station_contains(conn, conditions.station))
    if is_sqlite(conn):
        fts_query = _fts_query(conditions)
        return Match(clauses, _candidates(fts_query), fts_query)
    keyword = _tokens_clause(conditions)
    if keyword is None:
        return Match(clauses, None, None)
    return Match([keyword, *clauses], None, None, keyword=True)


ORDERINGS = {
    "new": (job_postings.c.received_on.desc(), job_postings.c.id.desc()),
    "wage": (job_postings.c.wage_monthly.desc(), job_postings.c.id.desc()),
    "deadline": (job_postings.c.referral_deadline.asc(), job_postings.c.id.asc()),
}

LIST_COLUMNS = (
    job_postings.c.id,
    job_postings.c.job_number,
    job_postings.c.status,
    job_postings.c.received_on,
    job_postings.c.referral_deadline,
    job_postings.c.company_name,
    job_postings.c.occupation,
    job_postings.c.job_title,
    job_postings.c.description,
    job_postings.c.employment_type,
    job_postings.c.job_category,
    job_postings.c.prefecture_code,
    job_postings.c.municipality,
    job_postings.c.wage_type,
    job_postings.c.wage_min,
    job_postings.c.wage_max,
    job_postings.c.holidays,
    job_postings.c.weekends_off,
    online.column(),  # the tag オンライン自主応募可
)


async def count(conn: Connection, match: Match, *, cap: int | None = None) -> tuple[int, bool]:
    """How many postings match, counted up to `cap`; (count, more than cap)."""
    cap = COUNT_CAP if cap is None else cap
    if match.fts_query is not None:
        found, more, _ = await _keyword_count(conn, match, cap)
        return found, more
    one = sa.literal_column("1", sa.Integer)
    limited = sa.select(one).select_from(job_postings).where(*match.where()).limit(cap + 1)
    found = await conn.fetch_val(sa.select(sa.func.count()).select_from(limited.subquery()))
    return min(found, cap), found > cap


# The columns of ix_job_postings_filter: a keyword's candidates are checked there when
# the conditions read no others (SQLite looks each up by rowid in the wide table otherwise:
# 介護・障害者求人 at 1,000,000 read 33,000 candidates to count 1,001, 61 ms against 34 ms).
NARROW = frozenset(
    column.name
    for index in job_postings.indexes
    if index.name == "ix_job_postings_filter"
    for column in index.columns
)


def _narrow(clauses: list) -> bool:
    """Whether the clauses read only columns of the posting that NARROW holds."""
    return all(
        element.name in NARROW
        for clause in clauses
        for element in sa.sql.visitors.iterate(clause)
        if isinstance(element, sa.Column) and element.table is job_postings
    )


async def _keyword_count(conn: Connection, match: Match, cap: int) -> tuple[int, bool, int]:
    """SQLite, with a keyword: (count up to `cap`, more than cap, how many posting ids back
    from the newest the counted matches reach: how densely the newest postings match)."""
    # Walk the index's matches and stop at the cap (an IN list would collect them all),
    # newest posting first: the new ones are the open ones, and oldest first read past
    # every closed match before the first open one (介護 at 1,000,000: 33 ms to count 101,
    # against 2.7 ms to count 1,001 newest first; bench/README.md).
    source = FTS.join(job_postings, job_postings.c.id == FTS.c.rowid)
    keyword = sa.text("job_search MATCH :fts_count").bindparams(fts_count=match.fts_query)
    limited = (
        sa.select(FTS.c.rowid.label("rid"))
        .select_from(source)
        .where(keyword, *match.clauses)
        .order_by(FTS.c.rowid.desc())
        .limit(cap + 1)
    )
    if _narrow(match.clauses):  # each candidate checked on the narrow index, not its row
        limited = limited.with_hint(job_postings, "INDEXED BY ix_job_postings_filter", "sqlite")
    counted = limited.subquery()
    newest = sa.select(sa.func.max(job_postings.c.id)).scalar_subquery()
    record = await conn.fetch_one(
        sa.select(sa.func.count(), newest - sa.func.min(counted.c.rid) + 1).select_from(counted)
    )
    assert record is not None
    found, reach = record[0], record[1] or 0
    return min(found, cap), found > cap, reach


def _newest_walk(window: sa.Select, match: Match, conditions: SearchConditions, entries: int):
    """SQLite: `window`'s walk of the newest-first index kept to its newest `entries`
    entries, and so the keyword's matches it collects to those with an id at least the
    smallest among them: a page 1 of 介護 at 1,000,000 collects a few hundred instead of its
    106,000 (30–80 ms). Fewer ids than the window holds: it ended before the window was full."""
    p = job_postings.c
    newest = job_postings.alias("newest")
    first = (
        sa.select(newest.c.received_on, newest.c.id)
        .order_by(newest.c.received_on.desc(), newest.c.id.desc())
        .limit(entries)
    )
    if conditions.prefecture:  # walked in that prefecture's part of its own index
        first = first.where(newest.c.prefecture_code == conditions.prefecture)
    # The last of them, or the start of the index when it holds fewer.
    last = first.offset(entries - 1).limit(1)
    last_on = last.with_only_columns(newest.c.received_on).scalar_subquery()
    last_id = last.with_only_columns(newest.c.id).scalar_subquery()
    bound = sa.tuple_(
        sa.func.coalesce(last_on, sa.literal_column("''")), sa.func.coalesce(last_id, 0)
    )
    lowest = sa.select(sa.func.min(first.subquery().c.id)).scalar_subquery()
    keyword = sa.text("job_search MATCH :fts_newest").bindparams(fts_newest=match.fts_query)
    candidates = sa.select(FTS.c.rowid).where(keyword, FTS.c.rowid >= lowest)
    newest_first = sa.tuple_(p.received_on, p.id) >= bound
    return window.where(newest_first, (p.id + 0).in_(candidates))


async def find(
    conn: Connection,
    conditions: SearchConditions,
    *,
    now: dt.datetime,
    offset: int,
    limit: int,
) -> SearchPage:
    """One window of results, in the chosen order, with the (capped) total."""
    today = jst_date(now)
    match = filters(conn, conditions, today=today)
    order = ORDERINGS[conditions.sort]
    records = None
    if match.keyword:
        # PostgreSQL, a keyword: one pass finds the count and, newest first, the window.
        ids = await _newest_ids(conn, match, max(COUNT_CAP, offset + limit) + 1)
        total, capped = min(len(ids), COUNT_CAP), len(ids) > COUNT_CAP
        window = ids[offset : offset + limit] if offset < total else []
        if window and conditions.sort != "new":
            if capped:
                # By 賃金 or 紹介期限, very many matches: the first ones sought at the head
                # of that order (sorting every match read each from the table: 介護 at
                # 1,000,000, 106,000 of them, 2–3 s; bench/README.md).
                # How many postings hold the keyword, at the density of the newest ones.
                candidates = len(ids) * max(ids) // (max(ids) - min(ids) + 1)
                ordered = await _ordered_ids(
                    conn, match, conditions.sort, offset + limit, today, candidates
                )
                window = ordered[offset : offset + limit]
            else:  # `ids` holds every match: they are sorted
                among = job_postings.c.id == sa.any_(sa.bindparam("ids", ids, ARRAY(sa.Integer)))
                query = sa.select(job_postings.c.id).where(among).order_by(*order)
                window = [r[0] for r in await conn.fetch_all(query.offset(offset).limit(limit))]
        empty = not window
        wanted = job_postings.c.id == sa.any_(sa.bindparam("window", window, ARRAY(sa.Integer)))
    else:
        if match.fts_query is None:
            (total, capped), reach = await count(conn, match), 0
        else:
            total, capped, reach = await _keyword_count(conn, match, COUNT_CAP)
        empty = offset >= total
        # SQLite with a keyword, very many matches: how far down the newest-first index
        # the window ends, at the density the newest postings match.
        walk_to = (offset + limit) * reach // max(total, 1)
        walk = match.fts_query is not None and capped and walk_to <= WALK_ENTRIES and not empty
        # By 賃金 or 紹介期限 with a 都道府県, SQLite's planner reads that prefecture's part of
        # its newest-first index and sorts, which costs more than sorting the matches (the
        # keyword's candidates are the prefecture's already: its token is in the query).
        walk = walk and (conditions.sort == "new" or not conditions.prefecture)
        # First the ids of the window (ordered on the narrow filter index), then their rows.
        window_query = sa.select(job_postings.c.id).order_by(*order).limit(limit).offset(offset)
        if walk and conditions.sort == "new":
            # Walking the newest-first index (SQLite's planner takes it for `probe`'s
            # `id + 0`; with a 都道府県, that prefecture's part of its own) until the window
            # is full beats sorting every candidate. First within twice the entries the
            # density says, and 2,000 more.
            entries = 2 * walk_to + 2 * COUNT_CAP
            within = _newest_walk(window_query, match, conditions, entries)
            within_ids = job_postings.c.id.in_(within.where(*match.clauses).scalar_subquery())
            records = await _rows(conn, within_ids, order)
            if len(records) < limit:  # the newest entries were not enough
                records = None
        # By 賃金 or 紹介期限, `probe` walks that order's own index (賃金, or 紹介期限 from
        # today) testing each entry's id against the keyword's matches, and stops once the
        # window is full: sorting every match read each from the narrow filter index (介護
        # at 1,000,000: 106,000 of them, 2–3 s; bench/README.md). The density test above
        # keeps the walk to keywords common enough for it to end soon.
        window_query = window_query.where(*match.where(probe=walk))
        wanted = job_postings.c.id.in_(window_query.scalar_subquery())
    rows = []
    if not empty:
        if records is None:
            records = await _rows(conn, wanted, order)
        rows = [Row((c.name, record[c.name]) for c in LIST_COLUMNS) for record in records]
    shown = offset + len(rows)
    has_more = shown < total and shown < MAX_PAGE * PAGE_SIZE
    return SearchPage(rows=rows, total=total, capped=capped, offset=offset, has_more=has_more)


async def _rows(conn: Connection, wanted, order) -> list:
    return await conn.fetch_all(sa.select(*LIST_COLUMNS).where(wanted).order_by(*order))


# PostgreSQL, in _newest_ids' transaction: bitmap scans only, so no ordering index is
# walked testing each posting's tokens (a toasted tsvector read per posting, 10,000 of
# them for 介護's 1,001 at 1,000,000 postings) because the planner guessed a keyword common
# or rare from bigram statistics that are neither independent nor complete; the keyword's
# GIN index (with 受付年月日 beside the tokens, migration 0022) is the way in. And a plan
# for the values at hand each time: asyncpg's prepared statements otherwise turn to a
# generic plan after five runs, which ignores how recent `since` is (4 ms became 70 ms).
BITMAP_ONLY = sa.text(
    "SELECT set_config('enable_indexscan', 'off', true), "
    "set_config('enable_seqscan', 'off', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)"
)


def newest(match: Match, wanted: int, since: dt.date | None = None):
    """The ids of the first `wanted` matches newest first, received on `since` or later."""
    where = match.where()
    if since is not None:
        where = [*where, job_postings.c.received_on >= since]
    return sa.select(job_postings.c.id).where(*where).order_by(*ORDERINGS["new"]).limit(wanted)


def _since(seeks: tuple[int, ...]):
    """For each n of `seeks`: the 受付年月日 of about the n-th newest posting, None when there
    are fewer. A guess (ids are given in the order postings come in) that only decides how
    much _newest_ids reads at once; asked before bitmap scans only (each is a seek of the
    primary key)."""
    p = job_postings.c
    top = sa.select(sa.func.max(p.id)).scalar_subquery()
    return sa.select(
        *(
            sa.select(p.received_on)
            .where(p.id == sa.select(sa.func.max(p.id)).where(p.id <= top - n).scalar_subquery())
            .scalar_subquery()
            .label(f"newest_{n}")
            for n in seeks
        )
    )


async def _newest_ids(conn: Connection, match: Match, wanted: int) -> list[int]:
    """PostgreSQL, a keyword (or 最寄り駅) sorted newest first: the ids of its first
    `wanted` matches in that order (fewer when fewer match).

    The GIN index gives every posting holding the tokens, and each must be read from the
    table for the filters and the order: for 介護 at 1,000,000 postings, 100,000 of them.
    So the newest postings are asked first (`received_on >= since`, which the GIN index
    answers beside the tokens): when as many match there as are wanted, they are the
    first ones, since every older posting sorts after them. Else the share found there
    says how far back to look; a keyword too rare for that is sought among all postings."""
    seeks = RECENT_SEEKS
    async with conn.transaction():
        bounds = await conn.fetch_one(_since(seeks)) if seeks else None
        await conn.fetch_val(BITMAP_ONLY)
        seek, tried = (seeks[0] if seeks else 0), None
        for n in seeks:
            since = bounds[f"newest_{n}"]  # type: ignore[index]
            if n < seek or (since is not None and since == tried):
                continue  # a whole day is asked for: a larger n may give the same date
            if since is None:  # fewer postings than that: look at them all
                break
            tried = since
            ids = [record[0] for record in await conn.fetch_all(newest(match, wanted, since))]
            if len(ids) == wanted:
                return ids
            if not ids:  # none among the newest: rare, the GIN index finds the few
                break
            seek = int(n * wanted / len(ids) * RECENT_MARGIN)
        return [record[0] for record in await conn.fetch_all(newest(match, wanted))]


# PostgreSQL, in _ordered_ids' transaction: room for the bitmap of the highest 256,000
# wages exact (at the default 4 MB it went lossy: 37,000 postings rechecked for 600, 354
# against 68 ms for 事務 at 1,000,000 postings).
WIDE_BITMAP = sa.text("SELECT set_config('work_mem', '32MB', true)")


def _order_bound(sort: str, n: int, today: dt.date):
    """(賃金 or 紹介期限, id) of about the n-th posting in that order: a seek of the order's
    index (open or not: a guess that only decides how far _ordered_ids looks at once)."""
    p = job_postings.c
    if sort == "wage":
        query = sa.select(p.wage_monthly, p.id).where(p.wage_monthly.isnot(None))
    else:
        query = sa.select(p.referral_deadline, p.id).where(p.referral_deadline >= today)
    return query.order_by(*ORDERINGS[sort]).offset(n - 1).limit(1)


def _within(sort: str, bound) -> sa.ColumnElement[bool]:
    """The postings at or before `bound` in the order: each sorts ahead of every posting
    past it. 賃金: at least that wage, which the keyword's GIN index answers beside the
    tokens (0023); 紹介期限: up to that (date, id), a row value its own index seeks (most
    紹介期限日 are month ends: a date alone would take a third of the postings)."""
    p = job_postings.c
    if sort == "wage":
        return p.wage_monthly >= bound[0]
    return sa.tuple_(p.referral_deadline, p.id) <= (bound[0], bound[1])


def _no_wage():
    """Whether an open posting has no 賃金 (PostgreSQL sorts it first, and `_within` cannot
    hold it): then every match is sorted, as before."""
    p = job_postings.c
    return sa.select(sa.exists().where(p.wage_monthly.is_(None), p.status == catalog.STATUS_OPEN))


async def _ordered_ids(
    conn: Connection, match: Match, sort: str, wanted: int, today: dt.date, candidates: int
) -> list[int]:
    """PostgreSQL, a keyword (or 最寄り駅) sorted by 賃金 or 紹介期限: the ids of its first
    `wanted` matches in that order (fewer when fewer match).

    As _newest_ids: the GIN index gives every posting holding the tokens, each read from
    the table to be sorted. So the postings at the head of the order are asked first (the
    wage or deadline index's bitmap ANDed with the keyword's): when as many match there as
    are wanted, they are the first ones, since every posting past the bound sorts after
    them. Else the share found there says how far to look; then all postings. Never
    further than 16 postings for each of the keyword's `candidates` (a guess): the index's
    part for that many wages costs more than reading them all (事務・大阪府 at 1,000,000,
    about 6,000 of them: 24 ms, against 67 for the highest 256,000 wages)."""
    order = ORDERINGS[sort]
    seeks = tuple(n for n in ORDER_SEEKS if n <= 16 * candidates)
    if sort == "wage" and seeks and await conn.fetch_val(_no_wage()):
        seeks = ()
    seek = seeks[0] if seeks else 0
    for n in seeks:
        # The last one is still tried when the share says up to twice as far: all postings
        # cost more (事務 by 賃金 at 1,000,000: 300 ms, against 70 for the highest 256,000).
        if n < seek and not (n == seeks[-1] and seek <= 2 * n):
            continue
        bound = await conn.fetch_one(_order_bound(sort, n, today))
        if bound is None:  # fewer postings than that: look at them all
            break
        query = (
            sa.select(job_postings.c.id)
            .where(*match.where(), _within(sort, bound))
            .order_by(*order)
            .limit(wanted)
        )
        async with conn.transaction():
            await conn.fetch_val(BITMAP_ONLY)
            await conn.fetch_val(WIDE_BITMAP)
            ids = [record[0] for record in await conn.fetch_all(query)]
        if len(ids) == wanted:
            return ids
        # None at the head of the order: a keyword of lower wages (or later deadlines)
        # than most, not a rare one (the count found more than its cap).
        seek = int(n * wanted / len(ids) * RECENT_MARGIN) if ids else 16 * n
    query = sa.select(job_postings.c.id).where(*match.where()).order_by(*order).limit(wanted)
    async with conn.transaction():
        await conn.fetch_val(BITMAP_ONLY)
        return [record[0] for record in await conn.fetch_all(query)]


class ResultCache:
    """Recent result windows, kept for a few seconds: a popular search (the same URL from
    many phones) costs one query per TTL. New or closed postings show once it lapses."""

    def __init__(self, ttl: float = 30.0, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[tuple, tuple[float, SearchPage]] = OrderedDict()

    async def find(self, conn, conditions: SearchConditions, *, now, offset: int, limit: int):
        key = (conditions.to_query(page=False), offset, limit, jst_date(now))
        hit = self._items.get(key)
        moment = now.timestamp()  # the app's clock, which tests can move past the TTL
        if hit and hit[0] - self.ttl <= moment < hit[0]:
            self._items.move_to_end(key)
            return hit[1]
        page = await find(conn, conditions, now=now, offset=offset, limit=limit)
        self._items[key] = (moment + self.ttl, page)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return page


async def suggestions(
    conn: Connection, conditions: SearchConditions, *, now: dt.datetime
) -> list[tuple[str, str, int, bool]]:
    """For an empty result: the conditions whose dropping finds postings, the narrowest
    first (the one whose dropping finds the most): (label, query, count, capped)."""
    found = []
    for label, loose in conditions.loosened():
        total, capped = await count(conn, filters(conn, loose, today=jst_date(now)), cap=999)
        if total:
            found.append((label, loose.to_query(), total, capped))
    found.sort(key=lambda item: -item[2])
    return found


async def count_new(
    conn: Connection, conditions: SearchConditions, *, since: dt.datetime, now: dt.datetime
) -> int:
    """Open postings matching the conditions that were registered after `since`."""
    match = filters(conn, conditions, today=jst_date(now))
    total, _ = await count(conn, match.also(job_postings.c.registered_at > since), cap=999)
    return total
