"""Rows for tests, written through the same services the app uses."""

from __future__ import annotations

from webapp.members import service as members
from webapp.schema import job_seekers
from webapp.security.passwords import hash_password
from webapp.seekers import service as seekers

DEFAULTS = {
    "name": "山田太郎",
    "kana": "ヤマダタロウ",
    "birthdate": "1990-04-01",
    "email": "taro@example.com",
}


def run(client, work):
    """Run `work(conn)` in the app's event loop, on its database."""

    async def call():
        async with client.app.state.db.connection() as conn:
            return await work(conn)

    return client.portal.call(call)


def seeker(client, *, password: str | None = None, **overrides) -> str:
    """A counter-registered job-seeker (with a password when given); returns the 求職番号."""
    values = {**DEFAULTS, **overrides}
    now = client.app.state.clock.now()
    new = seekers.validate_new_seeker(today=client.app.state.clock.today(), **values)

    async def work(conn):
        number = await seekers.register(conn, new, office_code=None, now=now)
        if password:
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.seeker_number == number)
                .values(password_hash=await hash_password(password), password_set_at=now)
            )
        return number

    return run(client, work)


MEMBER_PASSWORD = "Kh7#mqPw2x"


def staff(
    client, *, email: str = "staff@example.com", office: str = "16040", name: str = "砺波一郎"
) -> int:
    """A Hello Work staff account (password MEMBER_PASSWORD); returns its member id."""
    now = client.app.state.clock.now()
    new = members.validate_member(name=name, email=email, password=MEMBER_PASSWORD)
    return run(client, lambda conn: members.add_staff(conn, new, office_code=office, now=now))


def office(client, code: str = "13010", name: str = "ハローワーク飯田橋") -> int:
    return run(
        client, lambda conn: members.add_office(conn, code=code, name=name, phone="03-3812-8609")
    )


def employer(
    client,
    *,
    email: str = "hr@example.com",
    name: str = "株式会社となみ精工",
    office: str = "16040",
) -> str:
    """A 事業所 with one user (password MEMBER_PASSWORD); returns the 事業所番号."""
    now = client.app.state.clock.now()
    user = members.validate_member(name="採用花子", email=email, password=MEMBER_PASSWORD)
    company = members.validate_employer(name=name, kana="", address="", phone="", business="")
    return run(
        client,
        lambda conn: members.add_employer(conn, company, user, office_code=office, now=now),
    )


def another_session(client, session_cookie: str):
    """A browser that presents `session_cookie` (for example one that was rotated away)."""
    from tests.helpers import another_browser

    other = another_browser(client)
    other.cookies.set("session", session_cookie)
    return other


POSTING = {
    "office_code": "13010",
    "status": "open",
    "company_name": "株式会社テスト商事",
    "company_address": "東京都千代田区九段南1-2-1",
    "company_business": "日用品の卸売",
    "occupation": "C",
    "job_title": "一般事務",
    "description": "書類の作成と電話対応をお願いします。",
    "employment_type": "regular",
    "job_category": "full",
    "prefecture_code": "13",
    "municipality": "千代田区",
    "wage_type": "monthly",
    "wage_min": 200_000,
    "wage_max": 250_000,
    "working_hours": "(1) 09:00〜18:00",
    "holidays": "土 日 祝日",
    "weekends_off": False,
    "insurance": "雇用 労災 健康 厚生",
    "selection_method": "面接（予定1回）",
    "online_application": False,
}
_serials = iter(range(1, 10**8))


def posting(client, *, days_old: int = 0, open_days: int = 60, **overrides) -> dict:
    """A 求人票 received `days_old` days ago (JST) whose 紹介期限日 is `open_days` after
    that; registered now by the test clock. Returns its id and 求人番号."""
    import datetime as dt

    from webapp.postings import service as postings

    now = client.app.state.clock.now()
    received = client.app.state.clock.today() - dt.timedelta(days=days_old)
    values = {
        **POSTING,
        "job_number": f"13010-{next(_serials):08d}",
        "received_on": received,
        "referral_deadline": received + dt.timedelta(days=open_days),
        **overrides,
    }
    posting_id = run(client, lambda conn: postings.create_posting(conn, values, now=now))
    return {"id": posting_id, "job_number": values["job_number"], **values}
