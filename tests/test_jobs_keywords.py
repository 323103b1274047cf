"""Keyword semantics: the index finds exactly what a substring search (SQL LIKE) finds."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from tests import factories
from webapp.postings import search, text
from webapp.postings.search_form import parse_conditions
from webapp.schema import job_postings

# Few characters, so random keywords often match, across widths, scripts and case.
ALPHABET = "介護事務営業寮員ｶｲｺﾞカイゴaAａＡ1１ー・ "


def test_normalize_joins_widths_and_case():
    assert text.normalize("ＥＸＣＥＬ ｶｲｺﾞ １２３") == "excel カイゴ 123"


def test_index_tokens_are_bigrams_plus_each_runs_last_character():
    assert text.index_tokens(text.normalize("介護職員（デイ）")) == [
        "イ", "デイ", "介護", "員", "職員", "護職",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("keyword", "tokens", "prefixes", "exact"),
    [
        ("介護", ("介護",), (), True),
        ("介護職員", ("介護", "護職", "職員"), (), False),
        ("寮", (), ("寮",), True),
        ("ＣＡＤ", ("ca", "ad"), (), False),
        ("c++", (), ("c",), False),
        ("!!", (), (), False),
    ],
)
def test_parse_terms(keyword, tokens, prefixes, exact):
    (term,) = text.parse_terms(keyword)
    assert (term.tokens, term.prefixes, term.exact_in_index) == (tokens, prefixes, exact)


def test_highlight_maps_back_to_the_original_characters():
    terms = text.parse_terms("カイゴ excel")
    assert str(text.highlight("ｶｲｺﾞ<ＥＸＣＥＬ>", terms)) == (
        "<mark>ｶｲｺﾞ</mark>&lt;<mark>ＥＸＣＥＬ</mark>&gt;"
    )


def test_keyword_search_agrees_with_like(client):
    rng = random.Random(4)
    created = []
    for i in range(60):
        title = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14)))
        created.append(factories.posting(client, job_title=title or "x", description=f"説明{i}"))
    keywords = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) for _ in range(200)]
    keywords += ["介護 事務", "ｶｲ 寮", "a 1", "ー・"]
    now = client.app.state.clock.now()

    async def compare(conn):
        mismatches = []
        for keyword in keywords:
            form = parse_conditions(_Params({"q": keyword}))
            conditions = form.conditions
            page = await search.find(conn, conditions, now=now, offset=0, limit=100)
            got = {row["id"] for row in page.rows}
            like = sa.select(job_postings.c.id)
            for term in text.parse_terms(keyword):
                like = like.where(job_postings.c.search_text.like(f"%{term.text}%"))
            expected = {row[0] for row in await conn.fetch_all(like)}
            if got != expected:
                mismatches.append((keyword, sorted(got), sorted(expected)))
        return mismatches

    assert factories.run(client, compare) == []


class _Params(dict):
    def getlist(self, name):
        return [self[name]] if name in self else []


def test_highlight_when_normalizing_changes_lengths():
    # ㈱ becomes three characters and ｶﾞ one: the marks still land on the original text.
    assert str(text.highlight("㈱ｶﾞｽ工事", text.parse_terms("ガス"))) == "㈱<mark>ｶﾞｽ</mark>工事"
    assert str(text.highlight("㈱テスト", text.parse_terms("(株)"))) == "<mark>㈱</mark>テスト"
