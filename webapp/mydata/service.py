"""登録情報のダウンロード (個人情報の開示): everything held about a job-seeker, as one ZIP.

What goes in is read off the table definitions (closing.owned): every table with the
person's rows, so a table added later is in the download without anyone listing it.
The ZIP holds data.json (every row, every column but hashes of secrets), index.html (the
same, readable, rendered by Jinja with autoescaping), and the 応募書類 as files.

Built in memory: a job-seeker's rows and documents are a few megabytes at most (each
document is capped at its upload), so a streamed ZIP would buy nothing here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import asdict

import sqlalchemy as sa
from databases.core import Connection

from webapp.activities import service as activities
from webapp.clock import to_jst
from webapp.db import is_sqlite
from webapp.mail import outbox
from webapp.schema import application_documents, job_postings, job_seekers
from webapp.security import rate_limit
from webapp.seekers.owned import MAIL_TABLES, SECRET_COLUMNS, addresses, clauses, mail_to
from webapp.templating import templates

# At most this many downloads per account a day: each reads everything and mails a notice.
MY_DATA_PER_ACCOUNT = rate_limit.RateLimit("my-data-account", 3, dt.timedelta(days=1))

# Each table as the readable page heads it; a table not named here is headed by its name.
TABLE_TITLES = {
    "seeker_profiles": "求職情報",
    "work_history": "職歴",
    "profile_changes": "登録内容・求職情報の変更履歴",
    "applications": "応募",
    "application_events": "応募の経過",
    "application_documents": "応募書類",
    "messages": "事業所とのメッセージ（相互連絡）",
    "referrals": "ハローワークの紹介（紹介状）",
    "referral_requests": "職業紹介の希望",
    "favourites": "お気に入りの求人",
    "saved_searches": "保存した検索条件",
    "activities": "職業相談などの記録",
    "notice_recipients": "ハローワークからのお知らせ・求人情報",
    "direct_requests": "求人者からのリクエスト",
    "employer_blocks": "ブロックした求人者",
    "sessions": "ログイン中の端末",
    "remembered_devices": "記憶した端末（確認コードの省略）",
    "security_events": "ログイン履歴・セキュリティの記録",
    "auth_keys": "認証キー・確認コードの発行記録",
    "pending_forms": "ログインが切れたときに保存した入力",
    "registration_wizards": "パスワード登録の手続きの途中経過",
    "outbox": "お送りしたメール",
    "caught_mail": "お送りしたメール（デモ用の受信箱）",
}


# The columns the readable page names in Japanese (the column's own name beside it); any
# other column is shown by its name alone, as in data.json.
COLUMN_LABELS = {
    "id": "番号",
    "created_at": "日時",
    "updated_at": "更新日時",
    "state": "状況",
    "kind": "種類",
    "name": "名称",
    "body": "本文",
    "subject": "件名",
    "to_addr": "宛先",
    "sent_at": "送信日時",
    "message": "メッセージ",
    "note": "メモ",
    "posting_id": "求人",
    "application_id": "応募の番号",
    "filename": "ファイル名",
    "file": "ファイル",
    "size": "大きさ（バイト）",
    "field": "項目",
    "before": "変更前",
    "after": "変更後",
    "reason": "理由",
    "actor": "変更した人",
    "event": "出来事",
    "outcome": "結果",
    "ip_address": "IPアドレス",
    "user_agent": "ブラウザ",
    "expires_at": "有効期限",
    "last_seen_at": "最終利用",
    "read_at": "既読日時",
    "query": "検索条件",
    "company": "会社名",
    "job": "仕事の内容",
    "started": "開始",
    "ended": "終了",
    "happened_on": "日付",
    "sender": "送信者",
}


def _plain(value):
    """A value as JSON holds it."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row(row, *, leave_out=frozenset()) -> dict:
    return {
        key: _plain(value)
        for key, value in dict(row._mapping).items()
        if key not in SECRET_COLUMNS and key not in leave_out
    }


def _file_name(table: sa.Table, document: dict) -> str:
    """Where a file goes in the ZIP: its table and ids first (unique), then its own name
    with anything a file system might take for a path or a device left out."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", document["filename"]).strip(". ") or "file"
    if table is application_documents:
        return f"documents/{document['application_id']}-{document['id']}-{safe[:100]}"
    return f"documents/{table.name}/{document['id']}-{safe[:100]}"


def _binary_columns(table: sa.Table) -> set[str]:
    """The columns that hold a file's bytes (応募書類, and those waiting with a draft)."""
    return {c.name for c in table.columns if isinstance(c.type, sa.LargeBinary)}


async def collect(conn: Connection, seeker_id: int) -> tuple[dict, dict[str, bytes]]:
    """(every record as JSON data, the document files by their path in the ZIP)."""
    seeker = await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))
    assert seeker is not None
    tables: dict[str, list[dict]] = {}
    files: dict[str, bytes] = {}
    posting_ids: set[int] = set()
    for table, where in clauses(seeker_id):
        rows = await conn.fetch_all(
            sa.select(table).where(where).order_by(*table.primary_key.columns)
        )
        found = []
        binary = _binary_columns(table)
        for row in rows:
            if binary:
                # A file goes in as itself beside the records, not as bytes in the JSON.
                record = _row(row, leave_out=binary)
                record["file"] = _file_name(table, record)
                files[record["file"]] = b"".join(bytes(row[name]) for name in sorted(binary))
            else:
                record = _row(row)
            if record.get("posting_id"):
                posting_ids.add(record["posting_id"])
            found.append(record)
        tables[table.name] = found
    had = await addresses(conn, seeker["id"], seeker["email"])
    for table in MAIL_TABLES:
        rows = await conn.fetch_all(
            sa.select(table).where(mail_to(table, had)).order_by(table.c.id)
        )
        tables[table.name] = [_row(row) for row in rows]
    postings = await conn.fetch_all(
        sa.select(
            job_postings.c.id,
            job_postings.c.job_number,
            job_postings.c.company_name,
            job_postings.c.job_title,
        )
        .where(job_postings.c.id.in_(sorted(posting_ids)))
        .order_by(job_postings.c.id)
    )
    activity_record = [
        {**asdict(activity), "day": activity.day.isoformat()}
        for activity in await activities.for_seeker(conn, seeker_id)
    ]
    data = {
        "job_seeker": _row(seeker),
        "tables": tables,
        "postings": [_row(row) for row in postings],
        "activity_record": activity_record,  # 求職活動実績, as the My Page list shows it
    }
    return data, files


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", value):
        return to_jst(dt.datetime.fromisoformat(value)).strftime("%Y年%m月%d日 %H:%M")
    return str(value)


def render_page(data: dict, made_at: dt.datetime) -> str:
    """The readable copy: the same records as data.json, as HTML (autoescaped)."""
    template = templates.env.get_template("mydata/report.html")
    return template.render(
        data=data,
        titles=TABLE_TITLES,
        labels=COLUMN_LABELS,
        shown=_shown,
        made_at=to_jst(made_at),
    )


async def build(conn: Connection, seeker_id: int, made_at: dt.datetime) -> bytes:
    """The ZIP: data.json, index.html and documents/…"""
    data, files = await collect(conn, seeker_id)
    data = {"made_at": made_at.isoformat(), **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("index.html", render_page(data, made_at))
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


class TooMany(Exception):
    """The day's downloads are used up; retry_after: seconds until the next is allowed."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


async def download(
    conn: Connection, secret_key: str, user, *, now: dt.datetime, base_url: str
) -> bytes:
    """The ZIP for the signed-in job-seeker, counted and mailed to them in one transaction:
    two downloads at once cannot both take the day's last one (the account's row is
    locked on PostgreSQL; SQLite's BEGIN IMMEDIATE serializes writers), and a ZIP that
    cannot be built is neither counted nor mailed. Raises TooMany."""
    async with conn.transaction():
        if not is_sqlite(conn):
            await conn.execute(
                sa.select(job_seekers.c.id).where(job_seekers.c.id == user["id"]).with_for_update()
            )
        wait = await MY_DATA_PER_ACCOUNT.retry_after(conn, secret_key, str(user["id"]), now)
        if wait:
            raise TooMany(wait)
        archive = await build(conn, user["id"], now)
        await MY_DATA_PER_ACCOUNT.hit(conn, secret_key, str(user["id"]), now)
        await outbox.enqueue(
            conn,
            to=user["email"],
            template="my_data_made",
            context={
                "name": user["name"],
                "made_at": now,
                "account_url": f"{base_url}/mypage/account",
            },
            now=now,
        )
    return archive
