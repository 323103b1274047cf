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


COMMON = {
    "company_employees": 85,
    "company_employees_site": 60,
    "company_founded": "1972年",
    "company_features": "精密部品の切削加工を50年続けています。資格取得の費用を会社が負担します。",
    "nearest_station": "砺波駅",
    "station_access": "徒歩",
    "station_minutes": 15,
    "smoking_measure": "room",
    "smoking_detail": "喫煙室を設置しており、喫煙室以外は禁煙です",
    "car_commute": True,
    "car_parking": "あり（無料）",
    "transfer_possible": False,
    "transfer_detail": "",
    "workplace_change_scope": "雇入れ直後: 上記の就業場所\n変更の範囲: 変更なし",
    "commute_allowance": "実費支給（上限あり） 月額20,000円まで",
    "wage_closing_day": "毎月20日",
    "wage_pay_day": "当月25日",
    "variable_hours": "none",
    "retirement_age": "あり（一律60歳）",
    "rehire": "あり（65歳まで）",
    "housing": "なし",
    "childcare_facility": "なし",
    "childcare_leave_record": "あり",
    "nursing_leave_record": "なし",
    "result_notice": "面接後 7日以内に郵送で通知",
    "documents_required": "ハローワーク紹介状\n履歴書（写真貼付）",
    "contact_person": "総務課 採用担当 山田",
    "contact_phone": "0763-00-0000",
    "disability_accommodations": "段差のない職場です。作業手順書を用意しています",
}

DEMO_POSTINGS = [
    {
        **COMMON,
        "occupation_minor": "52",
        "employment_term": "indefinite",
        "job_change_scope": "雇入れ直後: NC旋盤による部品加工\n変更の範囲: 会社の定める製造業務",
        "age_limit_reason": "定年年齢を上限とするため（例外事由1号）",
        "education_required": True,
        "experience_required": False,
        "trial_conditions": "労働条件は本採用と同じ",
        "wage_form": "月給",
        "base_wage_min": 180_000,
        "base_wage_max": 240_000,
        "allowances": '[{"name": "職務手当", "amount": 10000}]',
        "allowance_total": 10_000,
        "fixed_overtime_pay": 30_000,
        "fixed_overtime_hours": 20,
        "pay_raise": "あり（前年度実績: 月額3,000円〜5,000円）",
        "bonus": True,
        "bonus_record": "年2回（前年度実績: 計2.00か月分）",
        "overtime_monthly": 10,
        "break_minutes": 60,
        "weekly_two_days": "every",
        "retirement_allowance": "あり（勤続3年以上）",
        "special_notes": "応募前の職場見学を歓迎します。",
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
        "age_limit_detail": "59歳以下",
        "education": "高卒以上",
        "experience": "不問",
        "licenses": "普通自動車運転免許（AT限定可）",
        "insurance": "雇用 労災 健康 厚生",
        "trial_period": "あり（3か月）",
        "selection_method": "書類選考、面接（予定1回）",
        "openings": 2,
        "online_application": False,
    },
    {
        **COMMON,
        "occupation_minor": "57",
        "employment_term": "fixed",
        "contract_period": "1年",
        "contract_renewal": "conditional",
        "renewal_conditions": "契約期間満了時の業務量、勤務成績により判断します",
        "renewal_limit": "limited",
        "renewal_limit_detail": "通算契約期間の上限 5年",
        "job_change_scope": "雇入れ直後: 部品の検査と梱包\n変更の範囲: 変更なし",
        "trial_conditions": "",
        "wage_form": "時給",
        "base_wage_min": 1_100,
        "base_wage_max": 1_250,
        "allowances": "[]",
        "allowance_total": 0,
        "pay_raise": "あり（前年度実績: 時給10円〜30円）",
        "bonus": False,
        "overtime_monthly": 0,
        "break_minutes": 45,
        "weekly_two_days": "every",
        "retirement_allowance": "なし",
        "retirement_age": "なし",
        "rehire": "なし",
        "special_notes": "扶養の範囲内での勤務も相談できます。",
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
