"""the whole 求人票 in Hello Work's order: the fields the law and Hello Work's form require

Revision ID: 0014
Revises: 0013

Since April 2024 a posting states 業務の変更の範囲 and 就業場所の変更の範囲, and for a
fixed-term contract whether it is renewed and any 更新上限; since 2020 its 受動喫煙対策;
Hello Work's form splits the wage into a 基本給, b 定額的に支払われる手当 and c 固定残業代
(with its hours). The new columns are added to job_postings as they are (a text "", a
number or a yes/no NULL: the posting page reads 「記載なし」), which both databases do
without copying the table (a constant default).

What today's postings already say moves into the new shape: 学歴 and 必要な経験 other
than 「不問」 become 学歴必須 / 経験必須 (the 学歴不問 and 未経験可 filters), 土日祝休み
becomes 週休二日制 毎週, the wage type its 賃金形態, and 正社員 / 無期雇用派遣 an
雇用期間の定めなし. Going back drops the columns; the old ones were never changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _columns() -> tuple[sa.Column, ...]:
    """The new columns (made afresh each time: a Column belongs to one table)."""
    return (
        sa.Column("company_employees", sa.Integer()),
        sa.Column("company_employees_site", sa.Integer()),
        sa.Column("company_founded", sa.Text(), server_default="", nullable=False),
        sa.Column("company_features", sa.Text(), server_default="", nullable=False),
        sa.Column("occupation_minor", sa.String(2), server_default="", nullable=False),
        sa.Column("employment_term", sa.String(12), server_default="", nullable=False),
        sa.Column("contract_period", sa.Text(), server_default="", nullable=False),
        sa.Column("contract_renewal", sa.String(12), server_default="", nullable=False),
        sa.Column("renewal_conditions", sa.Text(), server_default="", nullable=False),
        sa.Column("renewal_limit", sa.String(12), server_default="", nullable=False),
        sa.Column("renewal_limit_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("nearest_station", sa.Text(), server_default="", nullable=False),
        sa.Column("station_access", sa.Text(), server_default="", nullable=False),
        sa.Column("station_minutes", sa.Integer()),
        sa.Column("smoking_measure", sa.String(20), server_default="", nullable=False),
        sa.Column("smoking_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("car_commute", sa.Boolean()),
        sa.Column("car_parking", sa.Text(), server_default="", nullable=False),
        sa.Column("transfer_possible", sa.Boolean()),
        sa.Column("transfer_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("job_change_scope", sa.Text(), server_default="", nullable=False),
        sa.Column("workplace_change_scope", sa.Text(), server_default="", nullable=False),
        sa.Column("age_limit_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("education_required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("experience_required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("trial_conditions", sa.Text(), server_default="", nullable=False),
        sa.Column("for_disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("wage_form", sa.String(10), server_default="", nullable=False),
        sa.Column("base_wage_min", sa.Integer()),
        sa.Column("base_wage_max", sa.Integer()),
        sa.Column("allowances", sa.Text(), server_default="", nullable=False),
        sa.Column("allowance_total", sa.Integer()),
        sa.Column("fixed_overtime_pay", sa.Integer()),
        sa.Column("fixed_overtime_hours", sa.Integer()),
        sa.Column("commute_allowance", sa.Text(), server_default="", nullable=False),
        sa.Column("wage_closing_day", sa.Text(), server_default="", nullable=False),
        sa.Column("wage_pay_day", sa.Text(), server_default="", nullable=False),
        sa.Column("pay_raise", sa.Text(), server_default="", nullable=False),
        sa.Column("bonus", sa.Boolean()),
        sa.Column("bonus_record", sa.Text(), server_default="", nullable=False),
        sa.Column("variable_hours", sa.String(10), server_default="", nullable=False),
        sa.Column("overtime_monthly", sa.Integer()),
        sa.Column("break_minutes", sa.Integer()),
        sa.Column("weekly_two_days", sa.String(10), server_default="", nullable=False),
        sa.Column("retirement_allowance", sa.Text(), server_default="", nullable=False),
        sa.Column("retirement_age", sa.Text(), server_default="", nullable=False),
        sa.Column("rehire", sa.Text(), server_default="", nullable=False),
        sa.Column("housing", sa.Text(), server_default="", nullable=False),
        sa.Column("childcare_facility", sa.Text(), server_default="", nullable=False),
        sa.Column("childcare_leave_record", sa.Text(), server_default="", nullable=False),
        sa.Column("nursing_leave_record", sa.Text(), server_default="", nullable=False),
        sa.Column("result_notice", sa.Text(), server_default="", nullable=False),
        sa.Column("documents_required", sa.Text(), server_default="", nullable=False),
        sa.Column("contact_person", sa.Text(), server_default="", nullable=False),
        sa.Column("contact_phone", sa.Text(), server_default="", nullable=False),
        sa.Column("special_notes", sa.Text(), server_default="", nullable=False),
        sa.Column("disability_accommodations", sa.Text(), server_default="", nullable=False),
    )


def upgrade() -> None:
    for column in _columns():
        op.add_column("job_postings", column)
    op.create_index("ix_job_postings_occupation_minor", "job_postings", ["occupation_minor"])
    # One pass over the table; `weekends_off` is 0/1 on SQLite and a boolean on PostgreSQL,
    # and a comparison is a boolean on both.
    op.execute(
        "UPDATE job_postings SET "
        "education_required = (education NOT IN ('不問', '')), "
        "experience_required = (experience NOT IN ('不問', '')), "
        "weekly_two_days = CASE WHEN weekends_off THEN 'every' ELSE '' END, "
        "wage_form = CASE wage_type WHEN 'monthly' THEN '月給' WHEN 'hourly' THEN '時給' "
        "ELSE '' END, "
        "employment_term = CASE WHEN employment_type IN ('regular', 'dispatch_open') "
        "THEN 'indefinite' ELSE '' END"
    )


def downgrade() -> None:
    op.drop_index("ix_job_postings_occupation_minor", table_name="job_postings")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): no column dropped is indexed.
    for column in reversed(_columns()):
        op.execute(f"ALTER TABLE job_postings DROP COLUMN {column.name}")
