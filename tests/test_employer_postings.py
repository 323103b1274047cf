"""求人票 by employers: 下書き → 審査待ち → 募集中 (after staff approve) or back to 下書き
with a note; 充足 and a later 紹介期限日; each 事業所 touches only its own postings."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from starlette.datastructures import FormData

from tests import factories, helpers
from tests.helpers import SEEKER, browsers_for, errors_of, signed_in, submit
from webapp.demo import bulk, employer_postings
from webapp.postings import forms as posting_forms
from webapp.postings import service as posting_service
from webapp.schema import job_postings, members
from webapp.seekers.validity import end_of_month_after_next

SEEKER_PASSWORD = factories.SEEKER_PASSWORD
EMPLOYER = "hr@example.com"
OTHER_EMPLOYER = "other@example.com"
STAFF = "staff@example.com"

VALID = {
    "job_title": "NC旋盤オペレーター",
    "occupation": "H",
    "description": "精密部品の切削加工と寸法検査をお願いします。",
    "employment_type": "regular",
    "job_category": "full",
    "prefecture_code": "16",
    "municipality": "砺波市",
    "work_address": "",
    "age_limit": "0",
    "age_limit_detail": "",
    "education": "",
    "experience": "",
    "licenses": "",
    "trial_period": "",
    "wage_type": "monthly",
    "wage_min": "220000",
    "wage_max": "280000",
    "working_hours": "08:00〜17:00（休憩60分）",
    "holidays": "土 日 祝日",
    "weekends_off": "1",
    "annual_holidays": "120",
    "insurance": ["雇用", "労災", "健康", "厚生"],
    "openings": "2",
    "selection_method": "面接（予定1回）",
    "online_application": "1",
    # The rest of the 求人票 (issue 15): what 審査に提出 requires.
    "occupation_minor": "52",
    "employment_term": "indefinite",
    "smoking_measure": "indoor",
    "car_commute": "1",
    "transfer_possible": "0",
    "job_change_scope": "雇入れ直後: 部品加工\n変更の範囲: 会社の定める製造業務",
    "workplace_change_scope": "変更なし",
    "wage_form": "月給",
    "base_wage_min": "220000",
    "base_wage_max": "280000",
    "commute_allowance": "実費支給（上限あり） 月額20,000円まで",
    "wage_closing_day": "毎月20日",
    "wage_pay_day": "当月25日",
    "bonus": "1",
    "variable_hours": "none",
    "overtime_monthly": "10",
    "break_minutes": "60",
    "weekly_two_days": "every",
}


def make_people(client):
    """Two 事業所 of ハローワーク砺波, its staff, another office's staff, a job-seeker."""
    factories.employer(client, email=EMPLOYER)
    factories.employer(client, email=OTHER_EMPLOYER, name="株式会社よその会社")
    factories.staff(client, email=STAFF)
    factories.office(client, code="13010")
    factories.staff(client, email="staff2@example.com", office="13010", name="飯田橋花子")
    factories.seeker(client, password=SEEKER_PASSWORD)
    return client


@pytest.fixture
def people(client):
    return make_people(client)


def as_employer(client, email: str = EMPLOYER):
    return signed_in(client, helpers.EMPLOYER._replace(email=email), first=True)


def as_staff(client, email: str = STAFF):
    return signed_in(client, helpers.STAFF._replace(email=email))


def _form_data(values: dict) -> FormData:
    items = []
    for name, value in values.items():
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return FormData(items)


def draft(client, email: str = EMPLOYER, **overrides) -> dict:
    """A 下書き of `email`'s 事業所, made through the form's rules and the service."""
    form, values = posting_forms.parse_posting(_form_data({**VALID, **overrides}))
    assert values is not None, form.errors
    now = client.app.state.clock.now()

    async def work(conn):
        employer_id = await conn.fetch_val(
            sa.select(members.c.employer_id).where(members.c.email == email)
        )
        posting_id = await posting_service.create_draft(conn, employer_id, values, now=now)
        return await conn.fetch_one(sa.select(job_postings).where(job_postings.c.id == posting_id))

    return dict(factories.run(client, work)._mapping)


def stored(client, posting_id: int) -> dict:
    row = factories.run(
        client,
        lambda conn: conn.fetch_one(sa.select(job_postings).where(job_postings.c.id == posting_id)),
    )
    return dict(row._mapping)


def set_status(client, posting_id: int, status: str, **values) -> None:
    factories.run(
        client,
        lambda conn: conn.execute(
            job_postings.update()
            .where(job_postings.c.id == posting_id)
            .values(status=status, **values)
        ),
    )


def approved(client, staff_browser, **overrides) -> dict:
    """A posting drafted, submitted and approved: 募集中."""
    posting = draft(client, **overrides)
    set_status(client, posting["id"], "pending", submitted_at=client.app.state.clock.now())
    url = f"/staff/postings/review/{posting['id']}"
    response = submit(staff_browser, f"{url}/approve", page=url)
    assert response.url.path == "/staff/postings/review"
    return stored(client, posting["id"])


SEEN = re.compile(r'<input type="hidden" name="seen" value="([^"]+)">')


def submit_for_review(client, posting_id: int, *, htmx: bool = False):
    """審査に提出する as the employer does: the check page, then its final button."""
    url = f"/employer/postings/{posting_id}/submit"
    check = client.get(url)
    assert check.status_code == 200, check.text
    assert "この内容で審査に提出する" in check.text
    (seen,) = SEEN.findall(check.text)
    return submit(client, url, {"seen": seen}, htmx=htmx)


def found(client, keyword: str, posting: dict) -> bool:
    """Whether /jobs/search?q=keyword lists the posting."""
    # Past the search result cache's 30 seconds, so each search reads the database.
    client.app.state.clock.advance(minutes=1)
    page = client.get("/jobs/search", params={"q": keyword})
    assert page.status_code == 200
    return f'href="/jobs/{posting["job_number"]}"' in page.text


def today(client) -> dt.date:
    return client.app.state.clock.today()


# --- drafting ----------------------------------------------------------------------------


def test_an_employer_saves_a_draft_with_their_details_and_a_job_number(people):
    as_employer(people)
    response = submit(people, "/employer/postings/new", VALID)
    assert response.status_code == 200
    assert response.url.path.startswith("/employer/postings/")
    assert (
        "下書きを保存しました。内容を確かめて「審査に提出する」を押してください。" in response.text
    )
    assert "16040-00000001" in response.text
    assert "株式会社となみ精工" in response.text
    row = stored(people, int(response.url.path.rsplit("/", 1)[1]))
    assert row["status"] == "draft"
    assert row["company_name"] == "株式会社となみ精工"
    assert row["office_code"] == "16040"
    assert (row["wage_min"], row["wage_max"], row["openings"]) == (220_000, 280_000, 2)
    assert row["insurance"] == "雇用 労災 健康 厚生"
    assert (row["education"], row["experience"], row["trial_period"]) == ("不問", "不問", "なし")
    assert row["online_application"] is True
    listing = people.get("/employer/postings")
    assert "NC旋盤オペレーター" in listing.text
    assert "下書き" in listing.text
    assert "承認後に決まります" in listing.text


def test_full_width_digits_commas_and_yen_are_accepted(people):
    as_employer(people)
    response = submit(
        people,
        "/employer/postings/new",
        {
            **VALID,
            "wage_type": "hourly",
            "wage_min": "１，１００円",
            "wage_max": "",
            "openings": "３",
        },
    )
    assert response.status_code == 200
    row = stored(people, int(response.url.path.rsplit("/", 1)[1]))
    assert (row["wage_min"], row["wage_max"], row["wage_monthly"]) == (1100, 1100, 1100 * 173)
    assert row["openings"] == 3


# What is typed wrongly: refused even in a 下書き, with the message next to the field.
WRONG = [
    (
        {"job_title": "あ" * 31},
        "職種は30文字以内で入力してください（入力された文字数: 31文字）。",
    ),
    ({"occupation": "Z"}, "職業分類を一覧から選んでください。"),
    (
        {"description": "あ" * 601},
        "仕事内容は600文字以内で入力してください（入力された文字数: 601文字）。",
    ),
    ({"job_category": "night"}, "求人区分を一覧から選んでください。"),
    ({"prefecture_code": "48"}, "就業場所の都道府県を一覧から選んでください。"),
    ({"wage_type": "daily"}, "賃金の種類を一覧から選んでください。"),
    ({"wage_min": "22万"}, "賃金の下限額は半角数字で入力してください（例: 月給なら200000）。"),
    ({"wage_min": "22000"}, "月給の下限額は100,000円以上2,000,000円以下で入力してください。"),
    (
        {"wage_max": "3000000"},
        "月給の上限額は100,000円以上2,000,000円以下で入力してください。",
    ),
    (
        {"wage_type": "hourly", "wage_min": "850", "wage_max": ""},
        "時給の下限額は900円以上10,000円以下で入力してください。",
    ),
    (
        {"wage_type": "hourly", "wage_min": "1200", "wage_max": "120000"},
        "時給の上限額は900円以上10,000円以下で入力してください。",
    ),
    ({"wage_max": "200000"}, "賃金の上限額は下限額以上の金額を入力してください。"),
    ({"annual_holidays": "400"}, "年間休日数は0〜366の半角数字で入力してください。"),
    ({"annual_holidays": "多め"}, "年間休日数は0〜366の半角数字で入力してください。"),
    ({"openings": "0"}, "採用人数は1〜99の半角数字で入力してください。"),
    ({"openings": "100"}, "採用人数は1〜99の半角数字で入力してください。"),
    (
        {"trial_period": "あ" * 101},
        "試用期間は100文字以内で入力してください（入力された文字数: 101文字）。",
    ),
]

# What is not there yet: a 下書き keeps it so; 審査に提出する lists it next to its field.
MISSING = [
    ({"occupation": ""}, "occupation", "職業分類を一覧から選んでください。"),
    ({"description": "  "}, "description", "仕事内容を入力してください。"),
    ({"employment_type": ""}, "employment_type", "雇用形態を一覧から選んでください。"),
    ({"job_category": ""}, "job_category", "求人区分を一覧から選んでください。"),
    ({"prefecture_code": ""}, "prefecture_code", "就業場所の都道府県を一覧から選んでください。"),
    ({"municipality": ""}, "municipality", "就業場所の市区町村を入力してください。"),
    ({"wage_type": ""}, "wage_type", "賃金の種類を一覧から選んでください。"),
    ({"wage_min": "", "wage_max": ""}, "wage_min", "賃金の下限額を入力してください。"),
    ({"working_hours": ""}, "working_hours", "就業時間を入力してください。"),
    ({"holidays": ""}, "holidays", "休日等を入力してください。"),
    (
        {"age_limit": "1", "age_limit_detail": ""},
        "age_limit",
        "年齢制限がある場合は、その範囲と理由を入力してください"
        "（例: 59歳以下（定年が60歳のため））。",
    ),
    ({"insurance": []}, "insurance", "加入保険等を1つ以上選んでください。"),
    ({"openings": ""}, "openings", "採用人数を入力してください。"),
    ({"selection_method": ""}, "selection_method", "選考方法を入力してください。"),
    # What the law requires since 2020 and April 2024, and the rules that tie fields together.
    ({"job_change_scope": ""}, "job_change_scope", "業務の変更の範囲を入力してください。"),
    (
        {"workplace_change_scope": " "},
        "workplace_change_scope",
        "就業場所の変更の範囲を入力してください。",
    ),
    ({"smoking_measure": ""}, "smoking_measure", "受動喫煙対策を一覧から選んでください。"),
    (
        {"employment_term": "fixed", "contract_period": "1年", "contract_renewal": "always"},
        "renewal_limit",
        "雇用期間の定めがある場合は、契約更新の上限（あり・なし）を選んでください。",
    ),
    (
        {
            "employment_term": "fixed",
            "contract_period": "1年",
            "contract_renewal": "conditional",
            "renewal_limit": "limited",
        },
        "renewal_limit_detail",
        "契約更新の上限がある場合は、その内容を入力してください（例: 通算契約期間の上限 5年）。",
    ),
    (
        {"fixed_overtime_pay": "30000", "base_wage_min": "190000", "base_wage_max": "250000"},
        "fixed_overtime_hours",
        "c 固定残業代がある場合は、それが何時間分の残業代かを入力してください。",
    ),
    (
        {"age_limit": "1", "age_limit_detail": "59歳以下"},
        "age_limit_reason",
        "年齢制限がある場合は、法律で認められた理由（該当事由）を入力してください。",
    ),
    ({"car_commute": ""}, "car_commute", "マイカー通勤を選んでください。"),
    ({"bonus": ""}, "bonus", "賞与を選んでください。"),
    (
        {"base_wage_min": "", "base_wage_max": ""},
        "base_wage_min",
        "a 基本給の下限額を入力してください。",
    ),
    (
        {"base_wage_min": "200000"},
        "wage_min",
        "賃金の下限額は、a 基本給の下限額・b 手当の合計・c 固定残業代の合計（200,000円）"
        "と同じ金額にしてください。",
    ),
]


def _count_postings(client) -> int:
    return factories.run(
        client, lambda conn: conn.fetch_val(sa.select(sa.func.count()).select_from(job_postings))
    )


@pytest.mark.parametrize(("changes", "message"), WRONG)
def test_a_draft_with_something_typed_wrongly_is_refused_with_the_message_next_to_its_field(
    people, changes, message
):
    as_employer(people)
    response = submit(people, "/employer/postings/new", {**VALID, **changes})
    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{message}</p>"]
    assert "入力内容を確認してください" in response.text
    assert "NC旋盤オペレーター" in response.text or "job_title" in changes  # typed values kept
    assert _count_postings(people) == 0


def test_a_draft_needs_only_its_job_title(people):
    as_employer(people)
    response = submit(people, "/employer/postings/new", {"job_title": ""})
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>職種を入力してください。下書きは、職種だけ入力すれば保存できます。</p>"
    ]
    assert _count_postings(people) == 0

    response = submit(people, "/employer/postings/new", {"job_title": "検品スタッフ"})
    assert response.status_code == 200
    posting_id = int(response.url.path.rsplit("/", 1)[1])
    assert "下書きを保存しました。まだ入力されていない項目があります。" in response.text
    assert "まだ入力されていない項目があります（30項目）" in response.text
    row = stored(people, posting_id)
    assert (row["status"], row["job_title"]) == ("draft", "検品スタッフ")
    assert (row["wage_min"], row["wage_max"], row["wage_monthly"], row["openings"]) == (
        None,
        None,
        None,
        None,
    )
    assert (row["occupation"], row["description"], row["insurance"]) == ("", "", "")
    # Listed under its name, and opened again with nothing but what was typed.
    listing = people.get("/employer/postings").text
    assert "検品スタッフ" in listing and "まだ入力されていない項目があります。" in listing
    edit = people.get(f"/employer/postings/{posting_id}/edit")
    assert 'value="検品スタッフ"' in edit.text
    assert 'id="wage_min" name="wage_min" value=""' in edit.text


@pytest.mark.parametrize(("changes", "name", "message"), MISSING)
def test_a_missing_field_is_saved_in_the_draft_and_listed_when_it_is_submitted(
    people, changes, name, message
):
    as_employer(people)
    response = submit(people, "/employer/postings/new", {**VALID, **changes})
    assert response.status_code == 200, errors_of(response)
    posting_id = int(response.url.path.rsplit("/", 1)[1])
    assert stored(people, posting_id)["status"] == "draft"

    url = f"/employer/postings/{posting_id}/submit"
    check = people.get(url)
    assert check.status_code == 422
    assert "審査に提出する前に、次の項目を入力してください" in check.text
    assert f'<a href="#check-{name}">{message}</a>' in check.text
    assert re.search(
        rf'id="check-{name}">.*?<div class="field-error" id="check-{name}-error"><p>'
        + re.escape(message),
        check.text,
        re.S,
    )
    assert "この内容で審査に提出する" not in check.text
    # Sent anyway (an old page, a crafted post): refused the same way, nothing changes.
    seen = stored(people, posting_id)["updated_at"].isoformat()
    refused = submit(people, url, {"seen": seen}, page=f"/employer/postings/{posting_id}")
    assert refused.status_code == 422
    assert f'<a href="#check-{name}">{message}</a>' in refused.text
    assert stored(people, posting_id)["status"] == "draft"


def test_an_htmx_draft_with_problems_gets_the_form_fragment_back(people):
    as_employer(people)
    response = submit(
        people,
        "/employer/postings/new",
        {**VALID, "wage_min": "300000", "description": "旋盤の仕事"},
        page="/employer/postings/new",
        htmx=True,
    )
    assert response.status_code == 422
    assert 'id="posting-form"' in response.text
    assert "<html" not in response.text
    assert "賃金の上限額は下限額以上の金額を入力してください。" in response.text
    assert "旋盤の仕事" in response.text
    assert 'value="300000"' in response.text


def test_a_draft_number_skips_one_already_taken(people):
    factories.posting(people, job_number="16040-00000001", office_code="16040")
    assert draft(people)["job_number"] == "16040-00000002"
    assert draft(people)["job_number"] == "16040-00000003"


def test_a_draft_is_neither_searchable_nor_public(people):
    posting = draft(people, job_title="ワサビ農園スタッフ")
    assert not found(people, "ワサビ", posting)
    assert people.get(f"/jobs/{posting['job_number']}").status_code == 404


def test_the_employer_edits_a_draft(people):
    posting = draft(people)
    as_employer(people)
    page = people.get(f"/employer/postings/{posting['id']}/edit")
    assert 'value="NC旋盤オペレーター"' in page.text
    assert 'value="280000"' in page.text
    url = f"/employer/postings/{posting['id']}/edit"
    response = submit(people, url, {**VALID, "job_title": "マシニングセンタ担当"})
    assert "下書きを保存しました。" in response.text
    assert stored(people, posting["id"])["job_title"] == "マシニングセンタ担当"
    assert stored(people, posting["id"])["job_number"] == posting["job_number"]


def summary_links(page) -> list[str]:
    """The error summary's links, in the order it lists them."""
    (summary,) = re.findall(r'<ul class="error-summary__list">(.*?)</ul>', page.text, re.S)
    return re.findall(r'<a href="#([^"]+)">', summary)


def test_the_error_summary_lists_the_errors_in_the_forms_order(people):
    """The parser checks the free texts before the lists; the summary still reads as the
    form does: 職業分類 (near the top) before 就業時間, 就業時間 before 採用人数."""
    as_employer(people)
    response = submit(
        people,
        "/employer/postings/new",
        {**VALID, "openings": "0", "working_hours": "あ" * 201, "occupation": "Z"},
    )
    assert response.status_code == 422
    assert summary_links(response) == ["occupation", "working_hours", "openings"]
    positions = [response.text.index(f'id="{name}"') for name in summary_links(response)]
    assert positions == sorted(positions)


# --- 審査に提出する: the check page ---------------------------------------------------------


def test_the_check_page_shows_every_field_with_a_link_to_change_it(people):
    posting = draft(
        people,
        age_limit="1",
        age_limit_detail="59歳以下（定年が60歳のため）",
        age_limit_reason="定年年齢を上限とするため（例外事由1号）",
    )
    as_employer(people)
    page = people.get(f"/employer/postings/{posting['id']}")
    check_url = f"/employer/postings/{posting['id']}/submit"
    assert f'href="{check_url}">審査に提出する</a>' in page.text
    check = people.get(check_url)
    assert check.status_code == 200
    assert "審査に提出する内容の確認" in check.text
    assert "入力内容を確認してください" not in check.text
    rows = re.findall(
        r'<dt class="check-answers__key">([^<]+)</dt>\s*<dd class="check-answers__value">\s*'
        r'<span class="posting__text">([^<]*)</span>',
        check.text,
    )
    # Hello Work's order: 求人事業所 first (what the employer may add to it), then 仕事内容.
    assert rows[4:7] == [
        ("職種", "NC旋盤オペレーター"),
        ("職業分類", "生産工程の職業"),
        ("職業分類（中分類）", "金属材料製造、金属加工、金属溶接・溶断の職業"),
    ]
    shown = dict(rows)
    assert shown["従業員数（企業全体）"] == "空欄"
    assert shown["年齢"] == "制限あり: 59歳以下（定年が60歳のため）"
    assert (shown["賃金（a + b + c）の下限額"], shown["賃金（a + b + c）の上限額"]) == (
        "220,000円",
        "280,000円",
    )
    assert (shown["a 基本給の下限額"], shown["b 定額的に支払われる手当"]) == ("220,000円", "なし")
    assert (shown["業務の変更の範囲"], shown["受動喫煙対策"]) == (
        "雇入れ直後: 部品加工\n変更の範囲: 会社の定める製造業務",
        "あり（屋内禁煙）",
    )
    assert shown["加入保険等"] == "雇用、労災、健康、厚生"
    assert (shown["採用人数"], shown["オンライン自主応募"]) == ("2人", "受け付ける")
    edit = f"/employer/postings/{posting['id']}/edit"
    hidden = '<span class="visually-hidden">（賃金（a + b + c）の下限額）</span>'
    assert f'href="{edit}#wage_min">変更する{hidden}' in check.text
    assert f'href="{edit}#insurance-0">変更する' in check.text
    assert "株式会社となみ精工" in check.text  # the 事業所 as copied, not changeable here
    assert stored(people, posting["id"])["status"] == "draft"  # looking changes nothing


def test_a_submission_without_the_check_page_shows_the_check_page(people):
    """An old page's 審査に提出する (a post without the checked version) submits nothing."""
    posting = draft(people)
    as_employer(people)
    url = f"/employer/postings/{posting['id']}/submit"
    for seen in (None, "yesterday", "2026-01-01T00:00:00"):
        response = submit(people, url, {} if seen is None else {"seen": seen}, page="/employer")
        assert response.status_code == 200
        assert "この内容で審査に提出する" in response.text
        assert stored(people, posting["id"])["status"] == "draft"


def test_a_draft_changed_after_the_check_is_shown_again_not_submitted(people):
    posting = draft(people)
    as_employer(people)
    url = f"/employer/postings/{posting['id']}/submit"
    (seen,) = SEEN.findall(people.get(url).text)
    # Meanwhile, in another tab, the wage is changed.
    people.app.state.clock.advance(minutes=2)
    edit = f"/employer/postings/{posting['id']}/edit"
    submit(people, edit, {**VALID, "wage_min": "230000", "base_wage_min": "230000"})
    response = submit(people, url, {"seen": seen}, page="/employer")
    assert response.status_code == 200
    assert "確認の画面を開いた後に変更されました" in response.text
    assert "230,000円" in response.text
    assert stored(people, posting["id"])["status"] == "draft"
    (fresh,) = SEEN.findall(response.text)
    done = submit(people, url, {"seen": fresh}, page="/employer")
    assert "審査に提出しました。" in done.text
    assert stored(people, posting["id"])["wage_min"] == 230_000


def test_htmx_swaps_the_check_and_is_sent_on_after_submitting(people):
    posting = draft(people)
    as_employer(people)
    url = f"/employer/postings/{posting['id']}/submit"
    fragment = people.get(url, headers={"HX-Request": "true"})
    assert fragment.text.startswith('<div id="posting-check">')
    assert "<html" not in fragment.text
    done = submit_for_review(people, posting["id"], htmx=True)
    assert done.headers["HX-Redirect"] == f"/employer/postings/{posting['id']}?done=submitted"
    assert stored(people, posting["id"])["status"] == "pending"


def test_save_and_check_leads_from_the_form_to_the_check_page(people):
    as_employer(people)
    response = submit(
        people, "/employer/postings/new", {**VALID, "then": "check"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert re.fullmatch(r"/employer/postings/\d+/submit", response.headers["location"])
    incomplete = submit(
        people, "/employer/postings/new", {"job_title": "梱包", "then": "check"}, htmx=True
    )
    check = people.get(incomplete.headers["HX-Redirect"])
    assert check.status_code == 422
    assert "審査に提出する前に、次の項目を入力してください" in check.text


# --- review and publication --------------------------------------------------------------


def test_submitted_then_approved_a_posting_is_open_and_found_by_the_search(people):
    posting = draft(people, job_title="ワサビ農園スタッフ")
    as_employer(people)
    response = submit_for_review(people, posting["id"])
    assert "審査に提出しました。" in response.text
    assert "審査待ち" in response.text
    assert stored(people, posting["id"])["status"] == "pending"
    assert not found(people, "ワサビ", posting)

    staff = as_staff(people)
    queue = staff.get("/staff/postings/review")
    assert "ワサビ農園スタッフ" in queue.text
    review = staff.get(f"/staff/postings/review/{posting['id']}")
    assert "承認して公開する" in review.text
    response = submit(
        staff,
        f"/staff/postings/review/{posting['id']}/approve",
        page=f"/staff/postings/review/{posting['id']}",
    )
    assert "承認しました。求人検索に公開されました。" in response.text
    assert "ワサビ農園スタッフ" not in response.text  # the queue is empty again

    row = stored(people, posting["id"])
    staff_id = factories.run(
        people, lambda conn: conn.fetch_val(sa.select(members.c.id).where(members.c.email == STAFF))
    )
    assert row["status"] == "open"
    assert row["received_on"] == today(people)
    assert row["referral_deadline"] == end_of_month_after_next(today(people))
    assert row["approved_by"] == staff_id
    assert row["approved_at"] is not None
    assert found(people, "ワサビ", posting)
    assert people.get(f"/jobs/{posting['job_number']}").status_code == 200
    assert "募集中" in people.get(f"/employer/postings/{posting['id']}").text


def test_rejected_with_a_note_the_posting_is_a_draft_again_and_the_note_is_shown(people):
    posting = draft(people)
    set_status(people, posting["id"], "pending")
    staff = as_staff(people)
    url = f"/staff/postings/review/{posting['id']}"
    response = submit(staff, f"{url}/reject", {"note": "  "}, page=url)
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>差し戻しの理由を入力してください。事業所に表示されます。</p>"
    ]
    assert stored(people, posting["id"])["status"] == "pending"

    response = submit(
        staff, f"{url}/reject", {"note": "就業時間に休憩時間を書いてください。"}, page=url
    )
    assert "差し戻しました。" in response.text
    row = stored(people, posting["id"])
    assert (row["status"], row["review_note"]) == ("draft", "就業時間に休憩時間を書いてください。")

    as_employer(people)
    assert "差し戻し" in people.get("/employer/postings").text
    page = people.get(f"/employer/postings/{posting['id']}")
    assert "ハローワークから差し戻されました。" in page.text
    assert "就業時間に休憩時間を書いてください。" in page.text
    edit = people.get(f"/employer/postings/{posting['id']}/edit")
    assert "就業時間に休憩時間を書いてください。" in edit.text
    response = submit_for_review(people, posting["id"])
    assert "審査に提出しました。" in response.text


def test_approval_clears_the_old_note(people):
    staff = as_staff(people)
    posting = draft(people)
    set_status(people, posting["id"], "pending", review_note="前回の指摘")
    assert "前回の差し戻しの理由" in staff.get(f"/staff/postings/review/{posting['id']}").text
    url = f"/staff/postings/review/{posting['id']}"
    submit(staff, f"{url}/approve", page=url)
    assert stored(people, posting["id"])["review_note"] == ""


def test_staff_see_only_their_offices_queue(people):
    posting = draft(people, job_title="ワサビ農園スタッフ")
    set_status(people, posting["id"], "pending")
    other_office = as_staff(people, "staff2@example.com")
    assert "ワサビ農園スタッフ" not in other_office.get("/staff/postings/review").text
    assert other_office.get(f"/staff/postings/review/{posting['id']}").status_code == 404
    url = f"/staff/postings/review/{posting['id']}"
    response = submit(other_office, f"{url}/approve", page="/staff/postings/review")
    assert response.status_code == 404
    response = submit(other_office, f"{url}/reject", {"note": "x"}, page="/staff/postings/review")
    assert response.status_code == 404
    assert stored(people, posting["id"])["status"] == "pending"
    assert "審査待ち 1件" in as_staff(people).get("/staff").text
    assert "審査待ち" not in other_office.get("/staff").text


# --- open postings: 充足 and 紹介期限日 -------------------------------------------------


def test_closing_asks_for_confirmation_then_the_posting_is_filled_and_leaves_the_search(people):
    posting = approved(people, as_staff(people), job_title="ワサビ農園スタッフ")
    as_employer(people)
    url = f"/employer/postings/{posting['id']}"
    assert found(people, "ワサビ", posting)

    confirm = people.get(f"{url}/close")
    assert "この求人を充足にしますか" in confirm.text
    response = submit(people, f"{url}/close", page=url)  # no confirm field: asks again
    assert "この求人を充足にしますか" in response.text
    assert stored(people, posting["id"])["status"] == "open"

    response = submit(people, f"{url}/close", {"confirm": "yes"}, page=f"{url}/close")
    assert "充足にしました。この求人は求人検索に表示されなくなりました。" in response.text
    assert stored(people, posting["id"])["status"] == "filled"
    assert not found(people, "ワサビ", posting)
    assert "充足" in people.get("/employer/postings").text

    again = submit(people, f"{url}/close", {"confirm": "yes"}, page=url)
    assert "この求人票は既に募集を終了しています。" in again.text


def test_the_deadline_is_extended_by_a_month_up_to_three_months_ahead(people):
    posting = approved(people, as_staff(people))
    as_employer(people)
    url = f"/employer/postings/{posting['id']}"
    first = posting["referral_deadline"]
    assert first == posting_service.month_end(today(people), 2)
    page = people.get(url)
    later = posting_service.month_end(today(people), 3)
    assert f"紹介期限日を{later.year}年{later.month}月{later.day}日まで延長する" in page.text

    response = submit(people, f"{url}/extend", {"deadline": first.isoformat()}, page=url)
    assert "紹介期限日を延長しました。" in response.text
    assert stored(people, posting["id"])["referral_deadline"] == later
    assert "延長する</button>" not in response.text  # at the limit: no button

    # The same form sent again (a double click, a second tab) does not extend twice.
    again = submit(people, f"{url}/extend", {"deadline": first.isoformat()}, page=url)
    assert "紹介期限日は既に変更されています。新しい紹介期限日を確かめてください。" in again.text
    assert stored(people, posting["id"])["referral_deadline"] == later

    at_limit = submit(people, f"{url}/extend", {"deadline": later.isoformat()}, page=url)
    assert "今日から3か月後の月末より先には延長できません。" in at_limit.text
    assert stored(people, posting["id"])["referral_deadline"] == later


def test_an_expired_posting_is_extended_from_today(people):
    posting = approved(people, as_staff(people))
    past = today(people) - dt.timedelta(days=3)
    set_status(people, posting["id"], "open", referral_deadline=past)
    as_employer(people)
    url = f"/employer/postings/{posting['id']}"
    assert "紹介期限切れ" in people.get(url).text
    submit(people, f"{url}/extend", {"deadline": past.isoformat()}, page=url)
    assert stored(people, posting["id"])["referral_deadline"] == posting_service.month_end(
        today(people), 1
    )


@pytest.mark.parametrize(
    ("deadline", "today_", "expected"),
    [
        (dt.date(2026, 3, 31), dt.date(2026, 1, 15), dt.date(2026, 4, 30)),
        (dt.date(2026, 4, 30), dt.date(2026, 1, 15), None),  # already 3 months ahead
        (dt.date(2026, 1, 10), dt.date(2026, 1, 15), dt.date(2026, 2, 28)),  # expired
        (dt.date(2026, 12, 31), dt.date(2026, 11, 1), dt.date(2027, 1, 31)),
        (dt.date(2026, 1, 31), dt.date(2025, 12, 31), dt.date(2026, 2, 28)),
    ],
)
def test_extended_deadline(deadline, today_, expected):
    if expected is None:
        with pytest.raises(posting_service.CannotExtend):
            posting_service.extended_deadline(deadline, today_)
    else:
        assert posting_service.extended_deadline(deadline, today_) == expected


# --- double submissions ------------------------------------------------------------------


def test_a_second_submit_changes_nothing_and_says_so(people):
    posting = draft(people)
    as_employer(people)
    url = f"/employer/postings/{posting['id']}"
    token_page = people.get(url).text
    assert "審査に提出する" in token_page
    seen = SEEN.findall(people.get(f"{url}/submit").text)[0]
    first = submit(people, f"{url}/submit", {"seen": seen}, page=url)
    submitted_at = stored(people, posting["id"])["submitted_at"]
    people.app.state.clock.advance(minutes=1)
    second = submit(people, f"{url}/submit", {"seen": seen}, page=f"{url}/edit")
    assert first.status_code == second.status_code == 200
    assert "審査に提出しました。" in first.text
    assert "この求人票は既に審査に提出されています。" in second.text
    assert stored(people, posting["id"])["submitted_at"] == submitted_at


def test_a_second_approval_changes_nothing_and_says_so(people):
    staff = as_staff(people)
    posting = approved(people, staff)
    url = f"/staff/postings/review/{posting['id']}"
    response = submit(staff, f"{url}/approve", page=url)
    assert response.status_code == 200
    assert "この求人票は既に審査済みです。" in response.text
    response = submit(staff, f"{url}/reject", {"note": "遅れて差し戻し"}, page=url)
    assert "この求人票は既に審査済みです。" in response.text
    assert stored(people, posting["id"])["status"] == "open"


def test_a_submitted_posting_can_no_longer_be_edited(people):
    posting = draft(people)
    set_status(people, posting["id"], "pending")
    as_employer(people)
    url = f"/employer/postings/{posting['id']}/edit"
    page = people.get(url)
    assert page.url.path == f"/employer/postings/{posting['id']}"
    assert "審査待ちまたは公開後の求人票は変更できません。" in page.text
    response = submit(people, url, {**VALID, "job_title": "書き換え"}, page="/employer/postings")
    assert "審査待ちまたは公開後の求人票は変更できません。" in response.text
    assert stored(people, posting["id"])["job_title"] == "NC旋盤オペレーター"


# --- who may do what ---------------------------------------------------------------------

# Each action on a posting of the other 事業所 in the state where it would otherwise work.
OTHER_EMPLOYERS_POSTING = [
    ("draft", "GET", "{url}", None),
    ("open", "GET", "{url}", None),
    ("draft", "GET", "{url}/edit", None),
    ("draft", "POST", "{url}/edit", VALID),
    ("draft", "POST", "{url}/submit", {}),
    ("open", "GET", "{url}/close", None),
    ("open", "POST", "{url}/close", {"confirm": "yes"}),
    ("open", "POST", "{url}/extend", {"deadline": "2030-01-31"}),
]


@pytest.fixture(scope="module")
def refusing(module_client):
    """`people` in the module's one database, with postings to be refused on: the other
    事業所's 下書き and 募集中 (`theirs`), our own 募集中 and 審査待ち (`ours`); a browser
    for each of anonymous, seeker, staff and employer. The refusals below must leave every
    row as it is (factories.unchanged)."""
    make_people(module_client)
    world = SimpleNamespace(theirs={}, ours={})
    for status in ("draft", "open"):
        world.theirs[status] = draft(module_client, email=OTHER_EMPLOYER)
        set_status(module_client, world.theirs[status]["id"], status)
    for status in ("open", "pending"):
        world.ours[status] = draft(module_client)
        set_status(module_client, world.ours[status]["id"], status)
    world.browsers = browsers_for(
        module_client,
        {
            "anonymous": None,
            "seeker": SEEKER,
            "staff": helpers.STAFF._replace(email=STAFF),
            "employer": helpers.EMPLOYER._replace(email=EMPLOYER),
        },
    )
    with factories.unchanged(module_client):
        yield world


@pytest.mark.parametrize(("status", "method", "path", "data"), OTHER_EMPLOYERS_POSTING)
def test_another_employers_posting_answers_404(refusing, status, method, path, data):
    posting, employer = refusing.theirs[status], refusing.browsers["employer"]
    url = path.format(url=f"/employer/postings/{posting['id']}")
    if method == "GET":
        response = employer.get(url)
    else:
        response = submit(employer, url, data, page="/employer/postings")
    assert response.status_code == 404
    assert "よその会社" not in response.text
    row = stored(employer, posting["id"])
    assert (row["status"], row["job_title"]) == (status, "NC旋盤オペレーター")


EMPLOYER_URLS = [
    ("GET", "/employer/postings"),
    ("GET", "/employer/postings/new"),
    ("POST", "/employer/postings/new"),
    ("GET", "/employer/postings/{id}"),
    ("GET", "/employer/postings/{id}/edit"),
    ("POST", "/employer/postings/{id}/submit"),
    ("POST", "/employer/postings/{id}/close"),
    ("POST", "/employer/postings/{id}/extend"),
]
STAFF_URLS = [
    ("GET", "/staff/postings/review"),
    ("GET", "/staff/postings/review/{id}"),
    ("POST", "/staff/postings/review/{id}/approve"),
    ("POST", "/staff/postings/review/{id}/reject"),
]


def _request(client, method: str, url: str, who: str):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    page = "/login" if who == "anonymous" else "/"  # a page with a form, so a CSRF token
    return submit(client, url, {"note": "x", "confirm": "yes"}, page=page, follow_redirects=False)


@pytest.mark.parametrize(("method", "path"), EMPLOYER_URLS)
@pytest.mark.parametrize("who", ["anonymous", "seeker", "staff"])
def test_employer_pages_refuse_everyone_else(refusing, who, method, path):
    posting, browser = refusing.ours["open"], refusing.browsers[who]
    response = _request(browser, method, path.format(id=posting["id"]), who)
    if who == "anonymous":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/employer/login")
    else:
        assert response.status_code == 403
    assert stored(browser, posting["id"])["status"] == "open"


@pytest.mark.parametrize(("method", "path"), STAFF_URLS)
@pytest.mark.parametrize("who", ["anonymous", "seeker", "employer"])
def test_review_pages_refuse_everyone_but_staff(refusing, who, method, path):
    posting, browser = refusing.ours["pending"], refusing.browsers[who]
    response = _request(browser, method, path.format(id=posting["id"]), who)
    if who == "anonymous":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/login")
    else:
        assert response.status_code == 403
    assert stored(browser, posting["id"])["status"] == "pending"


def test_the_list_shows_only_the_employers_own_postings_with_applicants(people):
    mine = draft(people, job_title="自社の求人")
    draft(people, email=OTHER_EMPLOYER, job_title="よその求人")
    as_employer(people)
    page = people.get("/employer/postings")
    assert "自社の求人" in page.text
    assert "よその求人" not in page.text
    assert "0人" in page.text
    assert f'href="/employer/postings/{mine["id"]}"' in page.text


# --- demo data ---------------------------------------------------------------------------


def test_the_demo_postings_pass_the_form_rules():
    for values in employer_postings.DEMO_POSTINGS:
        data = {
            **{k: ("" if v is None else str(v)) for k, v in values.items()},
            "insurance": values["insurance"].split(),
            "age_limit": "1" if values["age_limit"] else "0",
            "weekends_off": "1" if values["weekends_off"] else "",
            "online_application": "1" if values["online_application"] else "",
        }
        form, parsed = posting_forms.parse_posting(_form_data(data))
        assert parsed is not None, form.errors
        # And they are complete: what 審査に提出 asks for, each field of the whole 求人票.
        row = {column.name: None for column in job_postings.columns}
        row.update(bulk.DEFAULTS)
        assert posting_forms.missing({**row, **values}).errors == {}


def test_the_demo_employer_gets_two_open_postings_once(client):
    from webapp.demo import load_demo

    factories.run(client, lambda conn: load_demo(conn))
    factories.run(client, lambda conn: load_demo(conn))
    rows = factories.run(
        client,
        lambda conn: conn.fetch_all(
            sa.select(job_postings)
            .where(job_postings.c.employer_id.is_not(None))
            .order_by(job_postings.c.id)
        ),
    )
    assert [(r["status"], r["online_application"]) for r in rows] == [
        ("open", False),
        ("open", True),
    ]
    assert found(client, "旋盤", rows[0])
    assert found(client, "外観検査", rows[1])


@pytest.mark.parametrize(
    ("action", "data", "subject"),
    [
        ("approve", {}, "求人票が承認され、公開されました"),
        ("reject", {"note": "休憩時間を書いてください。"}, "求人票が差し戻されました"),
    ],
)
def test_the_employers_users_are_mailed_the_outcome_of_the_review(people, action, data, subject):
    posting = draft(people)
    set_status(people, posting["id"], "pending")
    staff = as_staff(people)
    url = f"/staff/postings/review/{posting['id']}"
    submit(staff, f"{url}/{action}", data, page=url)
    (mail,) = people.smtp.wait_for(EMPLOYER, 1)
    assert subject in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert posting["job_number"] in body
    assert f"http://testserver/employer/postings/{posting['id']}" in body
    assert "休憩時間" not in body  # the reason is on the page, not in the mail
    assert not people.smtp.to(OTHER_EMPLOYER)


# --- staff review refuses what the law requires and the 求人票 lacks ---------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"job_change_scope": ""}, "業務の変更の範囲を入力してください。"),
        ({"workplace_change_scope": ""}, "就業場所の変更の範囲を入力してください。"),
        ({"smoking_measure": ""}, "受動喫煙対策を一覧から選んでください。"),
        (
            {"employment_term": "fixed", "contract_period": "1年", "contract_renewal": "always"},
            "雇用期間の定めがある場合は、契約更新の上限（あり・なし）を選んでください。",
        ),
        (
            {"fixed_overtime_pay": "30000", "base_wage_min": "190000", "base_wage_max": "250000"},
            "c 固定残業代がある場合は、それが何時間分の残業代かを入力してください。",
        ),
    ],
)
def test_staff_cannot_approve_a_posting_lacking_a_required_field_and_are_told_which(
    people, changes, message
):
    """A 求人票 that reached 審査待ち without a field the law requires (submitted before the
    field existed, or sent round the check page): the review names it, and 承認 refuses."""
    posting = draft(people, **changes)
    set_status(people, posting["id"], "pending", submitted_at=people.app.state.clock.now())
    staff = as_staff(people)
    url = f"/staff/postings/review/{posting['id']}"

    page = staff.get(url)
    assert "この求人票は、次の項目がないため承認できません" in page.text
    assert f"<li>{message}</li>" in page.text
    assert "承認して公開する" not in page.text

    refused = submit(staff, f"{url}/approve", page=url)
    assert refused.status_code == 422
    assert f"<li>{message}</li>" in refused.text
    assert stored(people, posting["id"])["status"] == "pending"
    # Sending it back with the reason still works.
    submit(staff, f"{url}/reject", {"note": message}, page=url)
    assert stored(people, posting["id"])["status"] == "draft"


def test_a_complete_posting_is_approved_as_before(people):
    posting = approved(people, as_staff(people))
    assert posting["status"] == "open"


def test_an_approved_posting_is_found_by_its_station(people):
    # Approval indexes the 最寄り駅 with the text (migration 0021), in normal form.
    posting = approved(people, as_staff(people), nearest_station="ＪＲ砺波駅")
    people.app.state.clock.advance(minutes=1)  # past the result cache
    for station, listed in (("jr砺波", True), ("砺波", True), ("高岡", False)):
        page = people.get("/jobs/search", params={"station": station})
        assert (f'href="/jobs/{posting["job_number"]}"' in page.text) is listed, station


# --- the whole 求人票 in the form (issue 15) ----------------------------------------------


def test_the_form_groups_its_fields_in_hello_works_order(people):
    as_employer(people)
    page = people.get("/employer/postings/new").text
    legends = re.findall(r'<legend class="form-section__title">(.*?)</legend>', page)
    assert legends == [
        "求人事業所",
        "仕事内容",
        "賃金・手当",
        "労働時間",
        "その他の労働条件等",
        "会社の情報",
        "選考等",
        "特記事項・障害者に対する配慮",
    ]
    for name in ("job_change_scope", "workplace_change_scope", "smoking_measure", "renewal_limit"):
        assert f'name="{name}"' in page


def test_a_draft_keeps_the_whole_hojinhyo_and_gives_it_back_to_edit(people):
    as_employer(people)
    data = {
        **VALID,
        "employment_type": "non_regular",
        "employment_term": "fixed",
        "contract_period": "1年",
        "contract_renewal": "conditional",
        "renewal_limit": "limited",
        "renewal_limit_detail": "通算契約期間の上限 5年",
        "allowance_name_1": "職務手当",
        "allowance_amount_1": "１０，０００",  # full-width digits and comma forgiven
        "allowance_name_2": "資格手当",
        "allowance_amount_2": "5000",
        "fixed_overtime_pay": "30000",
        "fixed_overtime_hours": "20",
        "base_wage_min": "175000",
        "base_wage_max": "235000",
        "nearest_station": "砺波駅",
        "station_minutes": "15",
        "for_disabled": "1",
        "experience_required": "1",
    }
    response = submit(people, "/employer/postings/new", data)
    assert response.status_code == 200, errors_of(response)
    posting_id = int(response.url.path.rsplit("/", 1)[1])
    row = stored(people, posting_id)
    assert row["allowance_total"] == 15_000
    assert json.loads(row["allowances"]) == [
        {"name": "職務手当", "amount": 10_000},
        {"name": "資格手当", "amount": 5_000},
    ]
    assert (row["fixed_overtime_pay"], row["fixed_overtime_hours"]) == (30_000, 20)
    assert (row["renewal_limit"], row["renewal_limit_detail"]) == (
        "limited",
        "通算契約期間の上限 5年",
    )
    assert (row["car_commute"], row["transfer_possible"], row["bonus"]) == (True, False, True)
    assert (row["for_disabled"], row["experience_required"], row["station_minutes"]) == (
        True,
        True,
        15,
    )
    assert posting_forms.missing(row).valid  # complete: 175,000 + 15,000 + 30,000 = 220,000

    edit = people.get(f"/employer/postings/{posting_id}/edit").text
    assert 'name="allowance_name_2" value="資格手当"' in edit
    assert 'name="allowance_amount_1" value="10000"' in edit
    assert re.search(r'id="car_commute-1" name="car_commute" value="1" checked', edit)
    assert re.search(r'<option value="limited" selected>', edit)


@pytest.mark.parametrize(
    ("changes", "name", "message"),
    [
        (
            {"allowance_amount_1": "10000"},
            "allowance_name_1",
            "手当1の名称を入力してください（例: 職務手当）。",
        ),
        ({"allowance_name_1": "職務手当"}, "allowance_amount_1", "手当1の月額を入力してください。"),
        (
            {"occupation_minor": "25"},
            "occupation_minor",
            "職業分類（中分類）は、選んだ職業分類（大分類）に含まれるものを選んでください。",
        ),
        (
            {"station_minutes": "徒歩5分"},
            "station_minutes",
            "最寄り駅からの所要時間は0〜600の半角数字で入力してください。",
        ),
    ],
)
def test_a_draft_refuses_what_is_typed_wrongly_in_the_new_fields(people, changes, name, message):
    as_employer(people)
    response = submit(people, "/employer/postings/new", {**VALID, **changes})
    assert response.status_code == 422
    assert f'<a href="#{name}">{message}</a>' in response.text
    assert _count_postings(people) == 0
