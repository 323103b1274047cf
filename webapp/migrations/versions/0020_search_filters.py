"""the search indexes carry what job-seekers filter on (issue 15)

Revision ID: 0020
Revises: 0019

Every search now asks 一般求人 or 障害のある方のための求人 (for_disabled), and may ask
年齢不問, 学歴不問, 未経験可, マイカー通勤可, 転勤なし, 週休二日制（毎週）, 年間休日 N日以上,
賞与あり and the 職業分類の中分類. The three search indexes carry every filter column so a
search is answered from them without reading the wide posting rows (see
webapp/postings/search.py): the two ordering indexes (newest first, and by 都道府県 newest
first) and the narrow id-led copy a keyword's candidates are checked against. They are
rebuilt with the new columns at the end; going back rebuilds them as they were. 最寄り駅
is a substring test, which no btree seeks, but carried in the indexes it is tested on the
index entries rather than on every wide row (PostgreSQL at 100,000 postings: 338 ms
reading 20,000 heap pages, before).
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_FILTERS = (
    "status",
    "referral_deadline",
    "prefecture_code",
    "employment_type",
    "job_category",
    "weekends_off",
    "online_application",
    "occupation",
    "wage_type",
    "wage_min",
    "municipality",
)
OLD_NARROW = (
    "id",
    "status",
    "referral_deadline",
    "received_on",
    "prefecture_code",
    "occupation",
    "employment_type",
    "job_category",
    "wage_type",
    "wage_min",
    "wage_monthly",
    "weekends_off",
    "online_application",
    "municipality",
    "registered_at",
)
NEW = (
    "for_disabled",
    "occupation_minor",
    "age_limit",
    "education_required",
    "experience_required",
    "car_commute",
    "transfer_possible",
    "weekly_two_days",
    "annual_holidays",
    "bonus",
    "nearest_station",  # at most 30 characters (the employer's form)
)


def _create(filters: tuple[str, ...], narrow: tuple[str, ...]) -> None:
    op.create_index("ix_job_postings_received", "job_postings", ["received_on", "id", *filters])
    op.create_index(
        "ix_job_postings_prefecture",
        "job_postings",
        ["prefecture_code", "received_on", "id", *[c for c in filters if c != "prefecture_code"]],
    )
    op.create_index("ix_job_postings_filter", "job_postings", list(narrow))


def _drop() -> None:
    for name in (
        "ix_job_postings_received",
        "ix_job_postings_prefecture",
        "ix_job_postings_filter",
    ):
        op.drop_index(name, table_name="job_postings")


def _analyze() -> None:
    """SQLite forgets a dropped index's statistics, and without them its planner picked a
    full walk of the newest-first index for 事務・大阪府 (3.3 s instead of 12 ms at 100,000
    postings): gather them again (PostgreSQL's ANALYZE samples, so it is cheap there too)."""
    op.execute("ANALYZE job_postings")


def upgrade() -> None:
    _drop()
    _create((*OLD_FILTERS, *NEW), (*OLD_NARROW, *NEW))
    _analyze()


def downgrade() -> None:
    _drop()
    _create(OLD_FILTERS, OLD_NARROW)
    _analyze()
