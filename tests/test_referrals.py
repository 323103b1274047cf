"""職業紹介 by staff: finding the posting, the rules (each with its message), the referral
and the application it becomes, the 紹介状's content, and who may see what."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests import factories
from tests.helpers import (
    EMPLOYER,
    IIDABASHI_STAFF,
    OTHER_SEEKER,
    SEEKER,
    STAFF,
    browsers_for,
    errors_of,
    signed_in,
    submit,
)
from webapp.clock import to_jst
from webapp.referrals import service
from webapp.schema import application_events, applications, job_seekers, members, referrals

SEEKER_PASSWORD = factories.SEEKER_PASSWORD


def update_seeker(client, seeker: int, **values) -> None:
    factories.update(client, job_seekers, job_seekers.c.id == seeker, **values)


@pytest.fixture
def counter(client):
    """A job-seeker of ハローワーク砺波 and a signed-in staff member of that office."""
    number = factories.seeker(client, password=SEEKER_PASSWORD)
    factories.staff(client)
    signed_in(client, STAFF, first=True)
    client.seeker_number = number
    client.seeker_id = factories.seeker_id(client, number=number)
    return client


def refer(client, seeker: int, posting: dict, note: str = "", **kwargs):
    page = kwargs.pop("page", f"/staff/seekers/{seeker}/refer?posting={posting['id']}")
    return submit(
        client,
        f"/staff/seekers/{seeker}/refer",
        {"posting_id": str(posting["id"]), "note": note},
        page=page,
        **kwargs,
    )


def today_jst(client) -> dt.date:
    return to_jst(client.app.state.clock.now()).date()


def test_find_choose_and_refer_creates_the_referral_its_application_and_first_event(counter):
    posting = factories.posting(counter, job_title="経理事務", company_name="株式会社となみ商会")
    base = f"/staff/seekers/{counter.seeker_id}/refer"

    found = counter.get(f"{base}?q={posting['job_number']}")
    assert "経理事務" in found.text and "この求人を選ぶ" in found.text
    by_keyword = counter.get(f"{base}?q=経理")
    assert "経理事務" in by_keyword.text
    chosen = counter.get(f"{base}?posting={posting['id']}")
    assert "この求人に紹介して紹介状を発行する" in chosen.text

    response = refer(
        counter, counter.seeker_id, posting, note="面接は午前を希望", follow_redirects=False
    )
    assert response.status_code == 303
    (referral,) = factories.rows(counter, referrals)
    assert response.headers["location"] == f"/staff/referrals/{referral['id']}/letter?done=created"
    assert referral["seeker_id"] == counter.seeker_id
    assert referral["note"] == "面接は午前を希望"
    (application,) = factories.rows(counter, applications)
    assert application["kind"] == "referral"
    assert application["referral_id"] == referral["id"]
    assert application["state"] == "applied"
    assert application["posting_id"] == posting["id"]
    (event,) = factories.rows(counter, application_events)
    assert event["application_id"] == application["id"]
    assert (event["actor"], event["kind"], event["state"]) == ("staff", "state", "applied")
    assert event["note"] == "ハローワークの紹介"
    letter = counter.get(response.headers["location"])
    assert "紹介状を発行しました。印刷して求職者にお渡しください。" in letter.text


def test_the_letter_shows_office_date_number_seeker_posting_and_the_request_to_report(counter):
    posting = factories.posting(
        counter,
        job_title="一般事務",
        occupation="C",
        company_name="株式会社テスト商事",
        company_address="東京都千代田区九段南1-2-1",
    )
    response = refer(counter, counter.seeker_id, posting, note="履歴書を持参します")
    day = today_jst(counter)
    number = f"16040-{day:%Y%m%d}-0001"
    text = response.text
    for expected in (
        "紹介状",
        "ハローワーク砺波",
        '安定所番号 <span class="nowrap">16040</span>',
        "0763-32-2914",
        f"{day:%Y年%m月%d日}",
        number,
        "山田太郎",
        "ヤマダタロウ",
        counter.seeker_number,
        posting["job_number"],
        "株式会社テスト商事 御中",
        "東京都千代田区九段南1-2-1",
        "一般事務（事務的職業）",
        "履歴書を持参します",
        "採否連絡のお願い（求人者の方へ）",
        "選考の結果（採否）が決まりましたら",
        "紹介者 砺波一郎",
    ):
        assert expected in text, expected


def test_referral_numbers_count_up_within_the_office_and_day(counter):
    first, second = factories.posting(counter), factories.posting(counter)
    refer(counter, counter.seeker_id, first)
    refer(counter, counter.seeker_id, second)
    day = today_jst(counter)
    numbers = sorted(row["referral_number"] for row in factories.rows(counter, referrals))
    assert numbers == [f"16040-{day:%Y%m%d}-0001", f"16040-{day:%Y%m%d}-0002"]


def _filled(client):
    return factories.posting(client, status="filled")


def _expired(client):
    return factories.posting(client, days_old=30, open_days=10)


@pytest.mark.parametrize(
    ("make_posting", "seeker_values", "message"),
    [
        (_filled, {}, "この求人は充足のため、紹介できません。"),
        (_expired, {}, "この求人は紹介期限切れ（紹介期限日 {deadline}）のため、紹介できません。"),
        (
            factories.posting,
            {"status": "inactive"},
            "この求職者の求職登録は無効のため、紹介できません。",
        ),
        (
            factories.posting,
            {"valid_until": "yesterday"},
            "この求職者の求職登録は有効期限（{until}）を過ぎているため、紹介できません。",
        ),
    ],
    ids=["filled", "expired", "inactive-seeker", "lapsed-seeker"],
)
def test_referral_rules_refuse_with_a_clear_message(counter, make_posting, seeker_values, message):
    posting = make_posting(counter)
    yesterday = today_jst(counter) - dt.timedelta(days=1)
    if seeker_values.get("valid_until") == "yesterday":
        seeker_values = {"valid_until": yesterday}
    if seeker_values:
        update_seeker(counter, counter.seeker_id, **seeker_values)
    deadline = posting["referral_deadline"]
    expected = message.format(
        deadline=f"{deadline.year}年{deadline.month}月{deadline.day}日",
        until=f"{yesterday.year}年{yesterday.month}月{yesterday.day}日",
    )

    chosen = counter.get(f"/staff/seekers/{counter.seeker_id}/refer?posting={posting['id']}")
    assert expected in chosen.text
    assert "この求人に紹介して紹介状を発行する" not in chosen.text

    # The form from before the posting closed (or the registration lapsed), sent now.
    token_page = f"/staff/seekers/{counter.seeker_id}/refer"
    response = refer(counter, counter.seeker_id, posting, page=token_page)
    assert response.status_code == 422
    assert expected in errors_of(response)[0]
    assert factories.rows(counter, referrals) == []
    assert factories.rows(counter, applications) == []


def test_a_seeker_who_applied_directly_cannot_also_be_referred(counter):
    posting = factories.posting(counter)
    now = counter.app.state.clock.now()
    factories.run(
        counter,
        lambda conn: conn.execute(
            applications.insert().values(
                seeker_id=counter.seeker_id,
                posting_id=posting["id"],
                kind="direct",
                state="applied",
                created_at=now,
                updated_at=now,
            )
        ),
    )
    response = refer(counter, counter.seeker_id, posting)
    assert response.status_code == 422
    assert (
        "この求職者は、この求人にオンライン自主応募で既に応募しているため、紹介できません。"
        in response.text
    )
    assert factories.rows(counter, referrals) == []


def test_a_second_referral_to_the_same_posting_is_refused_and_shows_the_first(counter):
    posting = factories.posting(counter)
    first = refer(counter, counter.seeker_id, posting, follow_redirects=False)
    letter_url = first.headers["location"].split("?")[0]
    (referral,) = factories.rows(counter, referrals)

    chosen = counter.get(f"/staff/seekers/{counter.seeker_id}/refer?posting={posting['id']}")
    assert (
        f"この求職者には、この求人を既に紹介しています（紹介番号 {referral['referral_number']}）。"
        in chosen.text
    )
    assert f'href="{letter_url}"' in chosen.text
    assert "この求人に紹介して紹介状を発行する" not in chosen.text


def test_a_double_submission_lands_on_the_same_referral(counter):
    posting = factories.posting(counter)
    page = f"/staff/seekers/{counter.seeker_id}/refer?posting={posting['id']}"
    first = refer(counter, counter.seeker_id, posting, page=page, follow_redirects=False)
    second = refer(counter, counter.seeker_id, posting, page=page, follow_redirects=False)
    assert second.status_code == 303
    assert first.headers["location"].split("?")[0] == second.headers["location"].split("?")[0]
    assert second.headers["location"].endswith("?done=already")
    shown = counter.get(second.headers["location"])
    assert (
        "この求職者には、この求人を既に紹介しています。発行済みの紹介状を表示しています。"
        in shown.text
    )
    assert len(factories.rows(counter, referrals)) == 1
    assert len(factories.rows(counter, applications)) == 1


def test_two_simultaneous_referrals_make_one(counter):
    posting = factories.posting(counter)
    staff = factories.run(
        counter, lambda conn: conn.fetch_one(sa.select(members.c.id, members.c.office_id))
    )
    now = counter.app.state.clock.now()
    db = counter.app.state.db

    async def one():
        async with db.connection() as conn:
            try:
                return await service.refer(
                    conn,
                    seeker_id=counter.seeker_id,
                    posting_id=posting["id"],
                    staff=staff,
                    note="",
                    now=now,
                    base_url="http://testserver",
                )
            except service.AlreadyReferred as already:
                return already.referral_id

    async def both():
        return await asyncio.gather(one(), one())

    first, second = counter.portal.call(both)
    assert first == second
    assert len(factories.rows(counter, referrals)) == 1


def test_the_note_is_limited_to_500_characters(counter):
    posting = factories.posting(counter)
    response = refer(counter, counter.seeker_id, posting, note="あ" * 501)
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>連絡事項は500文字以内で入力してください（入力された文字数: 501文字）。</p>"
    ]
    assert "あ" * 501 in response.text  # what was typed is kept
    assert factories.rows(counter, referrals) == []


def test_htmx_refusal_re_renders_only_the_form(counter):
    posting = factories.posting(counter)
    response = refer(counter, counter.seeker_id, posting, note="あ" * 501, htmx=True)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="refer-form"')


def test_a_job_number_that_does_not_exist_finds_nothing(counter):
    response = counter.get(f"/staff/seekers/{counter.seeker_id}/refer?q=13010-99999999")
    assert "「13010-99999999」に当てはまる求人はありません。" in response.text


def test_staff_of_another_office_get_404_for_the_seeker_and_the_letter(counter):
    posting = factories.posting(counter)
    letter = refer(counter, counter.seeker_id, posting, follow_redirects=False).headers["location"]
    factories.office(counter, code="13010")
    factories.staff(counter, email="iidabashi@example.com", office="13010", name="飯田花子")
    other = signed_in(counter, IIDABASHI_STAFF)
    assert other.get(f"/staff/seekers/{counter.seeker_id}/refer").status_code == 404
    assert other.get(letter).status_code == 404
    response = refer(other, counter.seeker_id, factories.posting(counter), page="/staff")
    assert response.status_code == 404
    assert len(factories.rows(counter, referrals)) == 1


STAFF_PAGES = [
    "/staff/seekers/{seeker}/refer",
    "/staff/referrals/{referral}/letter",
    "/staff/referral-requests",
]


@pytest.fixture(scope="module")
def referred(module_client):
    """Taro, referred by 砺波's staff to one posting, in the module's one database, with
    Hanako, となみ精工 and a second posting; a browser for each person ("anonymous":
    nobody). The tests below only look and get refused (factories.unchanged)."""
    number = factories.seeker(module_client, password=SEEKER_PASSWORD)
    factories.seeker(
        module_client, password=SEEKER_PASSWORD, email="hanako@example.com", name="砺波花子"
    )
    factories.staff(module_client)
    factories.employer(module_client)
    world = SimpleNamespace(seeker_id=factories.seeker_id(module_client, number=number))
    world.browsers = browsers_for(
        module_client,
        {
            "anonymous": None,
            "seeker": SEEKER,
            "other_seeker": OTHER_SEEKER,
            "employer": EMPLOYER,
            "staff": STAFF,
        },
    )
    refer(world.browsers["staff"], world.seeker_id, factories.posting(module_client))
    (world.referral,) = factories.rows(module_client, referrals)
    world.other_posting = factories.posting(module_client)
    with factories.unchanged(module_client):
        yield world


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_staff_door(referred, page):
    url = page.format(seeker=referred.seeker_id, referral=referred.referral["id"])
    response = referred.browsers["anonymous"].get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("who", ["seeker", "employer"])
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_job_seekers_and_employers_get_a_plain_403(referred, who, page):
    url = page.format(seeker=referred.seeker_id, referral=referred.referral["id"])
    response = referred.browsers[who].get(url, follow_redirects=False)
    assert response.status_code == 403
    assert "山田太郎" not in response.text


@pytest.mark.parametrize("who", ["anonymous", "seeker", "employer"])
def test_only_staff_may_post_a_referral(referred, who):
    browser = referred.browsers[who]
    response = submit(
        browser,
        f"/staff/seekers/{referred.seeker_id}/refer",
        {"posting_id": str(referred.other_posting["id"])},
        page="/login" if who == "anonymous" else "/",
        follow_redirects=False,
    )
    assert response.status_code == (303 if who == "anonymous" else 403)
    assert len(factories.rows(browser, referrals)) == 1


# ---------------------------------------------------------------------------------------
# The job-seeker's side: ハローワークで紹介した求人 and their own 紹介状


def test_the_job_seeker_sees_their_referrals_and_letters(referred):
    referral = referred.referral
    seeker = referred.browsers["seeker"]
    listing = seeker.get("/mypage/referrals")
    assert listing.status_code == 200
    assert "ハローワークで紹介した求人" in listing.text
    assert referral["referral_number"] in listing.text
    assert f'href="/mypage/referrals/{referral["id"]}/letter"' in listing.text
    letter = seeker.get(f"/mypage/referrals/{referral['id']}/letter")
    assert letter.status_code == 200
    assert referral["referral_number"] in letter.text
    assert "紹介した求人の一覧へ戻る" in letter.text


def test_another_job_seeker_gets_404_for_the_letter_and_sees_none_in_their_list(referred):
    referral = referred.referral
    other = referred.browsers["other_seeker"]
    assert other.get(f"/mypage/referrals/{referral['id']}/letter").status_code == 404
    listing = other.get("/mypage/referrals")
    assert referral["referral_number"] not in listing.text
    assert "ハローワークで紹介した求人はまだありません。" in listing.text


def test_signed_out_visitors_are_sent_to_log_in_for_my_referrals(client):
    response = client.get("/mypage/referrals", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
