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
    # 開庁時間 (migration 0015), told to an オンライン登録者 who must come to the counter.
    sa.Column(
        "hours",
        sa.Text,
        nullable=False,
        server_default="平日 8時30分〜17時15分（土曜・日曜・祝日・年末年始を除く）",
    ),
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
    # From here on: the counter registration's fields (migration 0006).
    sa.Column("phone", sa.Text, nullable=False, server_default=""),
    sa.Column("address", sa.Text, nullable=False, server_default=""),  # 住所
    sa.Column("desired_occupation", sa.String(1), nullable=False, server_default=""),
    sa.Column("desired_prefecture", sa.String(2), nullable=False, server_default=""),
    sa.Column("desired_municipality", sa.Text, nullable=False, server_default=""),
    sa.Column("desired_employment_type", sa.String(20), nullable=False, server_default=""),
    sa.Column("status", sa.String(10), nullable=False, server_default="active"),  # 有効 / 無効
    sa.Column("valid_until", sa.Date),  # 有効期限 (see seekers/validity.py)
    # Mail notices the job-seeker may turn off: 情報提供 and messages from employers.
    sa.Column("mail_notices", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("mail_messages", sa.Boolean, nullable=False, server_default=sa.true()),
    # Migration 0007: requests from employers by mail, and the 7-day lapse reminder's mark
    # (the valid_until it was sent for, so a renewed registration is reminded again).
    sa.Column("mail_requests", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("lapse_reminded_for", sa.Date),
    # Migration 0015: "counter" (利用登録者) or "online" (オンライン登録者, applied on the
    # web, not yet confirmed at a counter); see webapp/security/capabilities.py.
    sa.Column("registration_kind", sa.String(10), nullable=False, server_default="counter"),
    # Migration 0016: the end of the account (退会, or staff ending the registration: 就職,
    # 取消). Closed, `email` holds a placeholder and the address is kept in closed_email
    # until `python -m webapp purge` deletes the account (see webapp/closing/).
    sa.Column("closed_at", UTCDateTime),
    sa.Column("closed_reason", sa.String(10)),  # withdrawn | employed | cancelled
    sa.Column("closed_by", sa.Integer),  # the staff member who ended it (NULL: 退会)
    sa.Column("closed_note", sa.Text, nullable=False, server_default=""),
    sa.Column("closed_email", sa.String(100)),
    sa.Index("ix_job_seekers_closed_at", "closed_at"),
    sa.Index("ix_job_seekers_kind_office", "registration_kind", "office_id"),
    # Migration 0019: an office's job-seekers, newest first (the staff search).
    sa.Index("ix_job_seekers_office", "office_id", "id"),
)

# 求職申込み online (migration 0015): one row per person who applied on the web. `step` is
# the 求職申込書 step to fill next (any device resumes there); what the 申込書 asks beyond
# job_seekers; when it was sent; when and by whom a counter confirmed the person.
online_applications = sa.Table(
    "online_applications",
    metadata,
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("step", sa.Integer, nullable=False, server_default="1"),
    sa.Column("postcode", sa.String(7), nullable=False, server_default=""),  # 郵便番号
    sa.Column("gender", sa.String(10), nullable=False, server_default=""),  # 性別 (任意)
    sa.Column("disability", sa.String(10), nullable=False, server_default=""),  # "" | no | yes
    sa.Column("disability_note", sa.Text, nullable=False, server_default=""),
    _created(),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("submitted_at", UTCDateTime),
    sa.Column("confirmed_at", UTCDateTime),
    sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("members.id")),
)

# 認証キー: one row per key mailed (or per request that matched nobody, so both
# paths write the same rows and take the same time). Only an HMAC of the key is kept.
auth_keys = sa.Table(
    "auth_keys",
    metadata,
    _id(),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE")),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE")),
    sa.Column("email", sa.String(100), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    _created(),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
    sa.Column("superseded_at", UTCDateTime),
    # Migration 0011: the HMAC of the key mail's continue link (パスワード登録 and reset),
    # which opens the key page in any browser while the key lasts; never the key itself.
    sa.Column("resume_hash", sa.String(64)),
    sa.Index("ix_auth_keys_seeker_purpose", "seeker_id", "purpose"),
    sa.Index("ix_auth_keys_resume_hash", "resume_hash", unique=True),
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
    # Staff and employer sessions: member_id instead of seeker_id (never both).
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE")),
    _created(),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
    sa.Column("ip_address", sa.String(45), nullable=False, server_default=""),
    sa.Index("ix_sessions_seeker", "seeker_id"),
)

# Durable outbox: written in the transaction that causes the mail, sent by mail.sender.
# failed_at: given up (the server refused it for good, it could not be built, or it ran out
# of attempts); last_error says why. `python -m webapp outbox` lists these.
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
    sa.Column("failed_at", UTCDateTime),
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
# address or the client's IP, so every app instance sees the same counts. subject_hash
# (migration 0009): whom a client's event was against (an HMAC of the address typed), for
# counting failures against distinct accounts from one client (password spraying).
rate_limit_hits = sa.Table(
    "rate_limit_hits",
    metadata,
    _id(),
    sa.Column("bucket", sa.String(40), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    _created(),
    sa.Column("subject_hash", sa.String(64)),
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
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
    sa.Column("email_hash", sa.String(64)),
    sa.Column("ip_address", sa.String(45), nullable=False, server_default=""),
    sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_security_events_seeker", "seeker_id", "created_at"),
)

# What job-seekers filter on (issue 15, migration 0020): 一般求人 / 障害者求人 is part of
# every search; the yes/no filters, 週休二日制, 年間休日, the 中分類 and 最寄り駅 when asked.
POSTING_FILTERS = (
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
    # 最寄り駅 is a substring test: carried too (at most 30 characters, the employer's form
    # limit), so it runs on the index entry instead of reading every wide row.
    "nearest_station",
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
    *POSTING_FILTERS,
)

# 求人票: a Hello Work job posting. The employer's details are copied onto the posting (as
# on the printed 求人票); employer_id links the postings of a 事業所 known to the service
# (NULL for postings without one). It has no foreign key: adding one to a
# million-row SQLite table means rebuilding it, and the service checks ownership.
# The keyword index lives beside it (written by webapp/postings/index.py, read by
# webapp/postings/search.py): an FTS5 table on SQLite (migration 0002), a GIN-indexed tsvector
# column on PostgreSQL (migration 0008; the index holds received_on too since 0022).
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
    # NULL only in a half-done 下書き (migration 0011): not typed yet.
    sa.Column("wage_min", sa.Integer),
    sa.Column("wage_max", sa.Integer),
    sa.Column("wage_monthly", sa.Integer),  # sort key: hourly × 173
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
    sa.Column("openings", sa.Integer, server_default="1"),  # 採用人数 (NULL: as wage_min)
    # The employer's choice; whether the posting takes オンライン自主応募 also needs a
    # 求人者マイページ: the one rule is webapp/postings/online.py.
    sa.Column("online_application", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("search_text", sa.Text, nullable=False),  # normalized keyword text
    sa.Column("registered_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Employer-drafted postings (migration 0006): draft → pending (審査待ち) → open, or back
    # to draft with the staff's note. Demo and bulk postings are open from the start.
    sa.Column("submitted_at", UTCDateTime),
    sa.Column("approved_at", UTCDateTime),
    sa.Column("approved_by", sa.Integer),
    sa.Column("review_note", sa.Text, nullable=False, server_default=""),
    # --- The whole 求人票 in Hello Work's order (migration 0014). A text not written yet is
    # "", a number or a yes/no not answered yet NULL: the posting page reads 「記載なし」 for
    # either (postings older than 0014 have none of these). The filters job-seekers search
    # on are plain columns: age_limit (年齢不問), education_required (学歴不問),
    # experience_required (未経験可), car_commute, transfer_possible (転勤なし),
    # weekly_two_days (週休二日制 毎週), annual_holidays, bonus, for_disabled (障害者求人),
    # nearest_station and occupation_minor (職業分類の中分類).
    # 求人事業所
    sa.Column("company_employees", sa.Integer),  # 従業員数 企業全体
    sa.Column("company_employees_site", sa.Integer),  # うち就業場所
    sa.Column("company_founded", sa.Text, nullable=False, server_default=""),  # 設立年
    sa.Column("company_features", sa.Text, nullable=False, server_default=""),  # 会社の特長
    # 仕事内容
    sa.Column("occupation_minor", sa.String(2), nullable=False, server_default=""),  # 中分類
    sa.Column("employment_term", sa.String(12), nullable=False, server_default=""),  # 雇用期間
    sa.Column("contract_period", sa.Text, nullable=False, server_default=""),  # 契約期間
    sa.Column("contract_renewal", sa.String(12), nullable=False, server_default=""),
    sa.Column("renewal_conditions", sa.Text, nullable=False, server_default=""),
    sa.Column("renewal_limit", sa.String(12), nullable=False, server_default=""),  # 更新上限
    sa.Column("renewal_limit_detail", sa.Text, nullable=False, server_default=""),
    sa.Column("nearest_station", sa.Text, nullable=False, server_default=""),  # 最寄り駅
    sa.Column("station_access", sa.Text, nullable=False, server_default=""),  # 徒歩, バス
    sa.Column("station_minutes", sa.Integer),  # 最寄り駅から（分）
    sa.Column("smoking_measure", sa.String(20), nullable=False, server_default=""),  # 受動喫煙
    sa.Column("smoking_detail", sa.Text, nullable=False, server_default=""),
    sa.Column("car_commute", sa.Boolean),  # マイカー通勤 可 / 不可
    sa.Column("car_parking", sa.Text, nullable=False, server_default=""),  # 駐車場
    sa.Column("transfer_possible", sa.Boolean),  # 転勤の可能性
    sa.Column("transfer_detail", sa.Text, nullable=False, server_default=""),
    sa.Column("job_change_scope", sa.Text, nullable=False, server_default=""),  # 業務の変更の範囲
    sa.Column("workplace_change_scope", sa.Text, nullable=False, server_default=""),
    sa.Column("age_limit_reason", sa.Text, nullable=False, server_default=""),  # 該当事由
    sa.Column("education_required", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("experience_required", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("trial_conditions", sa.Text, nullable=False, server_default=""),  # 試用期間中
    sa.Column("for_disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    # 賃金・手当: a 基本給, b 定額的に支払われる手当 (JSON list of {"name", "amount"}, and
    # their total), c 固定残業代 with its hours; wage_min/wage_max stay a+b+c (searched).
    sa.Column("wage_form", sa.String(10), nullable=False, server_default=""),  # 賃金形態
    sa.Column("base_wage_min", sa.Integer),
    sa.Column("base_wage_max", sa.Integer),
    sa.Column("allowances", sa.Text, nullable=False, server_default=""),
    sa.Column("allowance_total", sa.Integer),
    sa.Column("fixed_overtime_pay", sa.Integer),
    sa.Column("fixed_overtime_hours", sa.Integer),
    sa.Column("commute_allowance", sa.Text, nullable=False, server_default=""),
    sa.Column("wage_closing_day", sa.Text, nullable=False, server_default=""),  # 賃金締切日
    sa.Column("wage_pay_day", sa.Text, nullable=False, server_default=""),  # 賃金支払日
    sa.Column("pay_raise", sa.Text, nullable=False, server_default=""),  # 昇給
    sa.Column("bonus", sa.Boolean),  # 賞与 あり / なし
    sa.Column("bonus_record", sa.Text, nullable=False, server_default=""),  # 前年度実績
    # 労働時間
    sa.Column("variable_hours", sa.String(10), nullable=False, server_default=""),  # 変形労働
    sa.Column("overtime_monthly", sa.Integer),  # 時間外労働 月平均（時間）
    sa.Column("break_minutes", sa.Integer),  # 休憩時間（分）
    sa.Column("weekly_two_days", sa.String(10), nullable=False, server_default=""),  # 週休二日
    # その他の労働条件, 会社の情報
    sa.Column("retirement_allowance", sa.Text, nullable=False, server_default=""),  # 退職金
    sa.Column("retirement_age", sa.Text, nullable=False, server_default=""),  # 定年制
    sa.Column("rehire", sa.Text, nullable=False, server_default=""),  # 再雇用・勤務延長
    sa.Column("housing", sa.Text, nullable=False, server_default=""),  # 入居可能住宅
    sa.Column("childcare_facility", sa.Text, nullable=False, server_default=""),  # 託児施設
    sa.Column("childcare_leave_record", sa.Text, nullable=False, server_default=""),
    sa.Column("nursing_leave_record", sa.Text, nullable=False, server_default=""),
    # 選考, 特記事項, 障害者に対する配慮
    sa.Column("result_notice", sa.Text, nullable=False, server_default=""),  # 選考結果通知
    sa.Column("documents_required", sa.Text, nullable=False, server_default=""),  # 応募書類
    sa.Column("contact_person", sa.Text, nullable=False, server_default=""),  # 担当者
    sa.Column("contact_phone", sa.Text, nullable=False, server_default=""),
    sa.Column("special_notes", sa.Text, nullable=False, server_default=""),  # 特記事項
    sa.Column("disability_accommodations", sa.Text, nullable=False, server_default=""),
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
    # 紹介期限 and 賃金 order, ending with the id as those orders do (migration 0023).
    sa.Index("ix_job_postings_deadline", "referral_deadline", "id"),
    sa.Index("ix_job_postings_wage", "wage_monthly", "id"),
    sa.Index("ix_job_postings_registered", "registered_at"),
    # 職業分類の中分類 (migration 0014): the second step of the occupation choice.
    sa.Index("ix_job_postings_occupation_minor", "occupation_minor"),
    # Migration 0019: a 事業所's own postings (its applicants, its posting list).
    sa.Index("ix_job_postings_employer", "employer_id"),
    # A narrow copy of every filter and sort column, looked up by id: a keyword's candidates
    # are checked and ordered here, without reading the wide rows (see postings/search.py).
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
        *POSTING_FILTERS,
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

# ---------------------------------------------------------------------------------------
# Staff, employers and everything they put on a job-seeker's My Page (migration 0006).

# 事業所 (求人者): the employer as Hello Work knows it; its users are `members` rows.
employers = sa.Table(
    "employers",
    metadata,
    _id(),
    sa.Column("employer_number", sa.String(16), nullable=False, unique=True),  # 事業所番号
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),  # 管轄
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kana", sa.Text, nullable=False, server_default=""),
    sa.Column("address", sa.Text, nullable=False, server_default=""),
    sa.Column("phone", sa.Text, nullable=False, server_default=""),
    sa.Column("business", sa.Text, nullable=False, server_default=""),  # 事業内容
    _created(),
)

# People who sign in and are not job-seekers: Hello Work staff (role staff, with their
# 安定所) and employer users (role employer, with their 事業所). One table, so sign-in,
# sessions, codes and the audit log have one foreign key for both.
members = sa.Table(
    "members",
    metadata,
    _id(),
    sa.Column("role", sa.String(10), nullable=False),  # staff | employer
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id")),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id", ondelete="CASCADE")),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text),
    sa.Column("password_set_at", UTCDateTime),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _created(),
    sa.CheckConstraint(
        "(role = 'staff' AND office_id IS NOT NULL AND employer_id IS NULL)"
        " OR (role = 'employer' AND employer_id IS NOT NULL)",
        name="ck_members_role_owner",
    ),
    # A 事業所's users (migration 0011): whether a posting takes オンライン自主応募 asks for
    # an active one per posting (webapp/postings/online.py); its mails go to each of them.
    sa.Index("ix_members_employer", "employer_id"),
)

# 紹介状: Hello Work refers a job-seeker to a posting. One per job-seeker and posting.
referrals = sa.Table(
    "referrals",
    metadata,
    _id(),
    sa.Column("referral_number", sa.String(20), nullable=False, unique=True),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("job_postings.id"), nullable=False),
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # 紹介者からの連絡事項
    _created(),
    sa.UniqueConstraint("seeker_id", "posting_id"),
)

# 紹介を希望: a signed-in job-seeker asks for a referral online; staff approve or decline.
referral_requests = sa.Table(
    "referral_requests",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("job_postings.id"), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # pending|approved|declined|withdrawn
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("decline_reason", sa.Text, nullable=False, server_default=""),
    _created(),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("decided_by", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("referral_id", sa.Integer, sa.ForeignKey("referrals.id")),
    # At most one waiting request per job-seeker and posting (a declined one may be asked again).
    sa.Index(
        "uq_referral_requests_pending",
        "seeker_id",
        "posting_id",
        unique=True,
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    ),
    sa.Index("ix_referral_requests_state", "state", "created_at"),
)

# 情報提供: お知らせ and 求人情報の提供 from an office; one recipient row per job-seeker
# (written when sent), which carries the read state.
notices = sa.Table(
    "notices",
    metadata,
    _id(),
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("kind", sa.String(10), nullable=False),  # notice | job
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("job_postings.id")),
    sa.Column("audience", sa.String(10), nullable=False),  # office | chosen
    _created(),
)

notice_recipients = sa.Table(
    "notice_recipients",
    metadata,
    _id(),
    sa.Column(
        "notice_id", sa.Integer, sa.ForeignKey("notices.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("read_at", UTCDateTime),
    sa.UniqueConstraint("notice_id", "seeker_id"),
    sa.Index("ix_notice_recipients_seeker", "seeker_id", "read_at"),
)

# 応募: a direct online application (自主応募) or the application a referral becomes.
applications = sa.Table(
    "applications",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("job_postings.id"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # direct | referral
    sa.Column("referral_id", sa.Integer, sa.ForeignKey("referrals.id"), unique=True),
    # applied|screening|interview|offered|rejected|withdrawn (see applications/states.py)
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("motivation", sa.Text, nullable=False, server_default=""),  # 志望動機
    # When the seeker acknowledged the three notes on オンライン自主応募 (direct only).
    sa.Column("acknowledged_at", UTCDateTime),
    _created(),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("seeker_id", "posting_id"),
    sa.Index("ix_applications_posting", "posting_id", "state"),
)

# Each state change and interview date of an application, with who made it and when.
application_events = sa.Table(
    "application_events",
    metadata,
    _id(),
    sa.Column(
        "application_id",
        sa.Integer,
        sa.ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _created(),
    sa.Column("actor", sa.String(10), nullable=False),  # seeker | employer | staff
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("kind", sa.String(10), nullable=False),  # state | interview
    sa.Column("state", sa.String(12)),
    sa.Column("interview_at", UTCDateTime),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_application_events_application", "application_id", "id"),
)

# 応募書類 (履歴書, 職務経歴書): kept in the database, not on one machine's disk, so every
# app instance can serve them; served only to the applicant and the posting's employer.
application_documents = sa.Table(
    "application_documents",
    metadata,
    _id(),
    sa.Column(
        "application_id",
        sa.Integer,
        sa.ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("kind", sa.String(10), nullable=False),  # resume | career
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(40), nullable=False),  # from the bytes, not the name
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    _created(),
)

# What a job-seeker typed before 応募する / 紹介を希望する (kind direct | referral), kept
# between the form and its check page; sending deletes it. `revision` goes up with each
# save, so the check page's button sends only the version it showed.
apply_drafts = sa.Table(
    "apply_drafts",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "posting_id",
        sa.Integer,
        sa.ForeignKey("job_postings.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("acknowledged", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    _created(),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("seeker_id", "posting_id", "kind", name="uq_apply_drafts_one"),
)

# 応募書類 chosen on the application form, waiting with the draft (checked as at sending).
apply_draft_files = sa.Table(
    "apply_draft_files",
    metadata,
    _id(),
    sa.Column(
        "draft_id", sa.Integer, sa.ForeignKey("apply_drafts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(10), nullable=False),  # resume | career
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(40), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    _created(),
    sa.UniqueConstraint("draft_id", "kind", name="uq_apply_draft_files_kind"),
)

# 相互連絡: one thread per application; read_at is set when the other side opens it.
messages = sa.Table(
    "messages",
    metadata,
    _id(),
    sa.Column(
        "application_id",
        sa.Integer,
        sa.ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("sender", sa.String(10), nullable=False),  # seeker | employer
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("body", sa.Text, nullable=False),
    _created(),
    sa.Column("read_at", UTCDateTime),
    sa.Index("ix_messages_application", "application_id", "id"),
)

# ---------------------------------------------------------------------------------------
# The job-seeker's own information, its publishing and its life (migration 0007).

# 求職情報: what the job-seeker looks for and brings; one row per job-seeker, created on
# first save. Name and birthdate stay on job_seekers (changed only at the counter).
seeker_profiles = sa.Table(
    "seeker_profiles",
    metadata,
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # 希望職種 2 and 3 (the first is job_seekers.desired_occupation, set at the counter).
    sa.Column("desired_occupation_2", sa.String(1), nullable=False, server_default=""),
    sa.Column("desired_occupation_3", sa.String(1), nullable=False, server_default=""),
    sa.Column("desired_wage_type", sa.String(10), nullable=False, server_default=""),
    sa.Column("desired_wage_min", sa.Integer),
    sa.Column("desired_hours", sa.Text, nullable=False, server_default=""),  # 希望就業時間
    sa.Column("desired_holidays", sa.Text, nullable=False, server_default=""),  # 希望休日
    sa.Column("licenses", sa.Text, nullable=False, server_default=""),  # 免許・資格, one per line
    sa.Column("education", sa.Text, nullable=False, server_default=""),  # 学歴
    sa.Column("self_pr", sa.Text, nullable=False, server_default=""),  # 自己PR
    # 求職公開: published or not, the 公開番号 employers see, and which parts are shown.
    sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("publish_number", sa.String(12), unique=True),
    sa.Column("publish_parts", sa.Text, nullable=False, server_default=""),  # comma list
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# 職歴: one row per job held.
work_history = sa.Table(
    "work_history",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("started", sa.String(7), nullable=False),  # YYYY-MM
    sa.Column("ended", sa.String(7), nullable=False, server_default=""),  # YYYY-MM, "" = now
    sa.Column("company", sa.Text, nullable=False),
    sa.Column("job", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_work_history_seeker", "seeker_id", "started"),
)

# Every change of a job-seeker's information: when, who, which field, before and after.
profile_changes = sa.Table(
    "profile_changes",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    _created(),
    sa.Column("actor", sa.String(10), nullable=False),  # seeker | staff
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("field", sa.String(40), nullable=False),
    sa.Column("before", sa.Text, nullable=False, server_default=""),
    sa.Column("after", sa.Text, nullable=False, server_default=""),
    # Why staff corrected a counter registration (migration 0011); "" for the job-seeker's.
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_profile_changes_seeker", "seeker_id", "created_at"),
)

# 求人者からのリクエスト: an employer sends one of its open postings to a published profile.
direct_requests = sa.Table(
    "direct_requests",
    metadata,
    _id(),
    sa.Column(
        "employer_id", sa.Integer, sa.ForeignKey("employers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("job_postings.id"), nullable=False),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # sent | declined | applied
    _created(),
    sa.Column("read_at", UTCDateTime),
    sa.Column("decided_at", UTCDateTime),
    # A job-seeker receives a posting at most once.
    sa.UniqueConstraint("posting_id", "seeker_id"),
    sa.Index("ix_direct_requests_seeker", "seeker_id", "created_at"),
)

# An employer the job-seeker blocked: it can neither see the profile nor send requests.
employer_blocks = sa.Table(
    "employer_blocks",
    metadata,
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "employer_id",
        sa.Integer,
        sa.ForeignKey("employers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    _created(),
)

# 職業相談 and other activities staff record; with applications and referrals they make the
# 求職活動実績 list for the 失業認定申告書.
activities = sa.Table(
    "activities",
    metadata,
    _id(),
    sa.Column(
        "seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id")),
    sa.Column("kind", sa.String(20), nullable=False),  # counselling | seminar
    sa.Column("happened_on", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    _created(),
    sa.Index("ix_activities_seeker", "seeker_id", "happened_on"),
)
