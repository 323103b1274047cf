"""The demo employer's postings, taken through the steps a real one takes (webapp/postings):
drafted, submitted, approved."""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.postings import service as postings
from webapp.schema import job_postings, members, offices


async def publish_demo(conn: Connection, employer_id: int, member, drafts: list[dict], *, now):
    """Draft, submit and approve each posting as the employer and `member` (staff) would."""
    for values in drafts:
        posting_id = await postings.create_draft(conn, employer_id, values, now=now)
        await postings.submit(conn, posting_id, employer_id, seen=now, now=now)
        await postings.approve(conn, posting_id, member, now=now)


DEMO_POSTINGS = [
    {
        "job_title": "NC旋盤オペレーター",
        "occupation": "H",
        "description": "精密機械部品の切削加工をNC旋盤で行います。\n"
        "図面の確認、プログラムの呼び出し、段取り、寸法検査までをお願いします。\n"
        "未経験の方も先輩が丁寧に指導します。",
        "employment_type": "regular",
        "job_category": "full",
        "prefecture_code": "16",
        "municipality": "砺波市",
        "work_address": "富山県砺波市表町1-1",
        "wage_type": "monthly",
        "wage_min": 220_000,
        "wage_max": 280_000,
        "working_hours": "(1) 08:00〜17:00（休憩60分）\n時間外労働あり（月平均10時間）",
        "holidays": "土 日 祝日\n週休二日制: 毎週\n年末年始、夏季休暇",
        "weekends_off": True,
        "annual_holidays": 120,
        "age_limit": True,
        "age_limit_detail": "59歳以下（定年が60歳のため）",
        "education": "高卒以上",
        "experience": "不問",
        "licenses": "普通自動車運転免許（AT限定可）",
        "insurance": "雇用 労災 健康 厚生",
        "trial_period": "あり（3か月、労働条件は同じ）",
        "selection_method": "書類選考、面接（予定1回）",
        "openings": 2,
        "online_application": False,
    },
    {
        "job_title": "製品検査スタッフ（パート）",
        "occupation": "H",
        "description": "完成した部品の外観検査と寸法測定、梱包をお願いします。\n"
        "座ってできる作業が中心です。扶養の範囲内での勤務も相談できます。",
        "employment_type": "part",
        "job_category": "part",
        "prefecture_code": "16",
        "municipality": "砺波市",
        "work_address": "富山県砺波市表町1-1",
        "wage_type": "hourly",
        "wage_min": 1_100,
        "wage_max": 1_250,
        "working_hours": "(1) 09:00〜15:00（休憩45分）\n週3日以上、曜日は相談に応じます",
        "holidays": "土 日 祝日\n年末年始、夏季休暇",
        "weekends_off": True,
        "annual_holidays": None,
        "age_limit": False,
        "age_limit_detail": "",
        "education": "不問",
        "experience": "不問",
        "licenses": "不問",
        "insurance": "雇用 労災",
        "trial_period": "なし",
        "selection_method": "面接（予定1回）",
        "openings": 1,
        "online_application": True,
    },
]


async def load_demo_postings(conn: Connection, *, employer_email: str, staff_email: str, now):
    """The demo employer's two open postings (one takes オンライン自主応募), drafted,
    submitted and approved by the demo staff of its office; once only."""
    employer_id = await conn.fetch_val(
        sa.select(members.c.employer_id).where(members.c.email == employer_email)
    )
    reviewer = await conn.fetch_one(
        sa.select(members.c.id, offices.c.code.label("office_code"))
        .select_from(members.join(offices, members.c.office_id == offices.c.id))
        .where(members.c.email == staff_email)
    )
    if employer_id is None or reviewer is None:
        return
    has_postings = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(job_postings)
        .where(job_postings.c.employer_id == employer_id)
    )
    if not has_postings:
        await publish_demo(conn, employer_id, reviewer, DEMO_POSTINGS, now=now)
