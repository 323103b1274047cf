"""The tables: one picture of the data (SQLAlchemy Core, applied by Alembic migrations)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite hands back naive ones otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        if value is not None and dialect.name == "sqlite":
            # Stored as text: keep one fixed format so comparisons in SQL stay correct.
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _created() -> sa.Column:
    return sa.Column("created_at", UTCDateTime, nullable=False)


offices = sa.Table(
    "offices",
    metadata,
    _id(),
    sa.Column("code", sa.String(5), nullable=False, unique=True),  # 安定所番号
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("phone", sa.Text, nullable=False),
    # Last serial handed out for 求職番号 at this office; bumped with UPDATE ... RETURNING.
    sa.Column("last_serial", sa.Integer, nullable=False, server_default="0"),
)

job_seekers = sa.Table(
    "job_seekers",
    metadata,
    _id(),
    sa.Column("seeker_number", sa.String(14), nullable=False, unique=True),  # 求職番号
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kana", sa.Text, nullable=False),
    sa.Column("birthdate", sa.Date, nullable=False),
    sa.Column("email", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text),  # NULL until the web wizard (パスワード登録)
    sa.Column("password_set_at", UTCDateTime),
    _created(),
)

# 認証キー: one row per key mailed (or per request that matched nobody, so both
# paths write the same rows and take the same time). Only an HMAC of the key is kept.
auth_keys = sa.Table(
    "auth_keys",
    metadata,
    _id(),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE")),
    sa.Column("email", sa.String(100), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    _created(),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
    sa.Column("superseded_at", UTCDateTime),
    sa.Index("ix_auth_keys_seeker_purpose", "seeker_id", "purpose"),
)

# The パスワード登録 wizard's state, bound to an HttpOnly cookie (hash only), so a user
# who leaves for the mail app, closes the tab or loses signal comes back to their step.
registration_wizards = sa.Table(
    "registration_wizards",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("email", sa.String(100)),
    sa.Column("birth_year", sa.String(4)),
    sa.Column("birth_month", sa.String(2)),
    sa.Column("birth_day", sa.String(2)),
    sa.Column("auth_key_id", sa.Integer, sa.ForeignKey("auth_keys.id", ondelete="SET NULL")),
    _created(),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Server-side sessions: the cookie carries a random secret, the table only its hash.
sessions = sa.Table(
    "sessions",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE")),
    _created(),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
    sa.Column("ip_address", sa.String(45), nullable=False, server_default=""),
    sa.Index("ix_sessions_seeker", "seeker_id"),
)

# Durable outbox: written in the transaction that causes the mail, sent by mail.sender.
outbox = sa.Table(
    "outbox",
    metadata,
    _id(),
    sa.Column("to_addr", sa.String(254), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _created(),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Index("ix_outbox_due", "sent_at", "next_attempt_at"),
)

# What the built-in SMTP catcher received (demo mode only): the mailbox page reads it.
caught_mail = sa.Table(
    "caught_mail",
    metadata,
    _id(),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("mail_from", sa.Text, nullable=False),
    sa.Column("to_addr", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

# Rate limits and lockouts: one row per counted event, keyed by an HMAC of the account's
# address or the client's IP, so every app instance sees the same counts.
rate_limit_hits = sa.Table(
    "rate_limit_hits",
    metadata,
    _id(),
    sa.Column("bucket", sa.String(40), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    _created(),
    sa.Index("ix_rate_limit_hits_lookup", "bucket", "key_hash", "created_at"),
)

# Security events (監査ログ): who, what, from where, with what outcome. Never a secret.
security_events = sa.Table(
    "security_events",
    metadata,
    _id(),
    _created(),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="SET NULL")),
    sa.Column("email_hash", sa.String(64)),
    sa.Column("ip_address", sa.String(45), nullable=False, server_default=""),
    sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_security_events_seeker", "seeker_id", "created_at"),
)

# The columns every search may filter on (see ix_job_postings_* below).
FILTER_COLUMNS = (
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

# 求人票: a Hello Work job posting. Employer details are plain columns for now; employer_id
# is the hook for employer accounts (a later change adds the table and the foreign key).
# The keyword index lives beside it (see webapp/jobs/search.py and migration 0002): an
# FTS5 table on SQLite, a GIN-indexed tsvector table on PostgreSQL.
job_postings = sa.Table(
    "job_postings",
    metadata,
    _id(),
    sa.Column("job_number", sa.String(14), nullable=False, unique=True),  # 求人番号
    sa.Column("office_code", sa.String(5), nullable=False),  # 受理安定所
    sa.Column("employer_id", sa.Integer),
    sa.Column("status", sa.String(10), nullable=False, server_default="open"),
    sa.Column("received_on", sa.Date, nullable=False),  # 受付年月日
    sa.Column("referral_deadline", sa.Date, nullable=False),  # 紹介期限日
    sa.Column("company_name", sa.Text, nullable=False),  # 事業所名
    sa.Column("company_address", sa.Text, nullable=False),  # 所在地
    sa.Column("company_business", sa.Text, nullable=False, server_default=""),  # 事業内容
    sa.Column("occupation", sa.String(1), nullable=False),  # 職種 (職業分類の大分類)
    sa.Column("job_title", sa.Text, nullable=False),  # 職種 as the employer words it
    sa.Column("description", sa.Text, nullable=False),  # 仕事内容
    sa.Column("employment_type", sa.String(20), nullable=False),  # 雇用形態
    sa.Column("job_category", sa.String(10), nullable=False),  # 求人区分
    sa.Column("prefecture_code", sa.String(2), nullable=False),  # 就業場所
    sa.Column("municipality", sa.Text, nullable=False),
    sa.Column("work_address", sa.Text, nullable=False, server_default=""),
    sa.Column("wage_type", sa.String(10), nullable=False),  # 月給 / 時給
    sa.Column("wage_min", sa.Integer, nullable=False),
    sa.Column("wage_max", sa.Integer, nullable=False),
    sa.Column("wage_monthly", sa.Integer, nullable=False),  # sort key: hourly × 173
    sa.Column("working_hours", sa.Text, nullable=False),  # 就業時間
    sa.Column("holidays", sa.Text, nullable=False),  # 休日等
    sa.Column("weekends_off", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("annual_holidays", sa.Integer),
    sa.Column("age_limit", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("age_limit_detail", sa.Text, nullable=False, server_default=""),  # 範囲と理由
    sa.Column("education", sa.Text, nullable=False, server_default="不問"),  # 学歴
    sa.Column("experience", sa.Text, nullable=False, server_default="不問"),  # 必要な経験
    sa.Column("licenses", sa.Text, nullable=False, server_default="不問"),  # 必要な資格
    sa.Column("insurance", sa.Text, nullable=False),  # 加入保険等
    sa.Column("trial_period", sa.Text, nullable=False, server_default="なし"),  # 試用期間
    sa.Column("selection_method", sa.Text, nullable=False),  # 選考方法
    sa.Column("openings", sa.Integer, nullable=False, server_default="1"),  # 採用人数
    sa.Column("online_application", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("search_text", sa.Text, nullable=False),  # normalized keyword text
    sa.Column("registered_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Newest first, and by 都道府県 newest first, each carrying the filter columns: a search
    # without a keyword (or with a very common one) walks these without reading rows.
    sa.Index("ix_job_postings_received", "received_on", "id", *FILTER_COLUMNS),
    sa.Index(
        "ix_job_postings_prefecture",
        "prefecture_code",
        "received_on",
        "id",
        *[c for c in FILTER_COLUMNS if c != "prefecture_code"],
    ),
    sa.Index("ix_job_postings_deadline", "referral_deadline"),
    sa.Index("ix_job_postings_wage", "wage_monthly"),
    sa.Index("ix_job_postings_registered", "registered_at"),
    # A narrow copy of every filter and sort column, looked up by id: a keyword's candidates
    # are checked and ordered here, without reading the wide rows (see jobs/search.py).
    sa.Index(
        "ix_job_postings_filter",
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
    ),
)

# お気に入り: postings a job-seeker keeps; a closed posting stays listed, marked closed.
favourites = sa.Table(
    "favourites",
    metadata,
    _id(),
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "posting_id",
        sa.Integer,
        sa.ForeignKey("job_postings.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _created(),
    sa.UniqueConstraint("seeker_id", "posting_id"),
)

# 検索条件保存: `query` is the canonical query string of the search page. mailed_through
# is the daily mail's cursor: postings registered up to it were already considered.
saved_searches = sa.Table(
    "saved_searches",
    metadata,
    _id(),
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    _created(),
    sa.Column("last_run_at", UTCDateTime, nullable=False),
    sa.Column("mail_enabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("mailed_through", UTCDateTime),
    sa.UniqueConstraint("seeker_id", "query"),
    sa.Index("ix_saved_searches_mail_due", "mail_enabled", "mailed_through"),
)

# 「この端末を記憶する」: a browser that may skip the login code for 30 days (hash only).
remembered_devices = sa.Table(
    "remembered_devices",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    _created(),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_remembered_devices_seeker", "seeker_id"),
)

# What a job-seeker had typed when their session expired under a form: kept for an hour,
# for that job-seeker only, and put back into the form after they sign in again.
pending_forms = sa.Table(
    "pending_forms",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON: field name → list of values
    _created(),
)
