"""求職公開: what a published profile shows and never shows, the preview being exactly the
employer view, and stopping (or 無効, or a lapsed registration) hiding it at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests import factories, helpers
from tests.helpers import errors_of, signed_in, submit
from webapp.publishing import parts
from webapp.publishing.service import age_band
from webapp.schema import job_seekers, seeker_profiles, work_history

PASSWORD = factories.SEEKER_PASSWORD
SEEKER = {
    "name": "山田太郎",
    "kana": "ヤマダタロウ",
    "birthdate": "1990-04-01",
    "email": "taro@example.com",
    "phone": "0763-32-1234",
    "address": "富山県砺波市栄町7-3",
    "desired_occupation": "C",
    "desired_prefecture": "16",
    "desired_municipality": "砺波市",
    "desired_employment_type": "regular",
}
PROFILE = {
    "desired_occupation_2": "D",
    "desired_wage_type": "monthly",
    "desired_wage_min": 220_000,
    "desired_hours": "9:00〜17:00",
    "desired_holidays": "土日祝",
    "licenses": "普通自動車第一種運転免許\n日商簿記2級",
    "education": "富山県立砺波高等学校 卒業",
    "self_pr": "数字に強く、几帳面です。",
}
HISTORY = {
    "started": "2010-04",
    "ended": "2020-03",
    "company": "株式会社秘密商事",
    "job": "経理事務",
}

# The field table: what each part shows on the employer view when chosen (and only then).
PART_TEXTS = {
    "desired": ["事務的職業、販売の職業", "正社員", "富山県 砺波市"],
    "wage": ["月給 220,000円以上"],
    "hours": ["9:00〜17:00", "土日祝"],
    "licenses": ["普通自動車第一種運転免許", "日商簿記2級"],
    "history": ["2010年4月〜2020年3月", "経理事務"],
    "education": ["砺波高等学校"],
    "pr": ["数字に強く、几帳面です。"],
}

# Never shown, whatever is chosen: the values, in every spelling a page might use.
NEVER_SHOWN = {
    "氏名": ["山田太郎", "山田 太郎"],
    "フリガナ": ["ヤマダタロウ", "やまだたろう"],
    "生年月日": ["1990-04-01", "1990年4月1日", "1990年04月01日", "1990/04/01", "平成2年"],
    "住所": ["栄町7-3", "栄町"],
    "電話番号": ["0763-32-1234", "0763321234"],
    "メールアドレス": ["taro@example.com"],
    "求職番号": ["16040-00000001"],
    "職歴の会社名": ["秘密商事"],
}

NOT_FOUND = "この求職情報は見つかりません。公開が停止されたか、公開番号が正しくありません。"
VIEW = re.compile(r'<article class="card public-profile" id="profile-view".*?</article>', re.S)


def update_seeker(client, email: str, **values) -> None:
    factories.update(client, job_seekers, job_seekers.c.email == email, **values)


def publish(client, email: str, chosen=tuple(parts.PARTS), number: str | None = None, **profile):
    """A published profile written straight to the database; returns its 公開番号."""
    sid = factories.seeker_id(client, email=email)
    return factories.published_profile(client, sid, chosen, number, **profile)


def add_history(client, email: str, **entry) -> None:
    sid = factories.seeker_id(client, email=email)
    factories.run(
        client, lambda conn: conn.execute(work_history.insert().values(seeker_id=sid, **entry))
    )


@pytest.fixture
def taro(client):
    """The job-seeker with every field filled, signed in in their own browser."""
    factories.seeker(client, password=PASSWORD, **SEEKER)
    add_history(client, SEEKER["email"], **HISTORY)
    return signed_in(client, helpers.SEEKER)


@pytest.fixture
def employer(employer_client):
    """An employer user signed in on `client`; returns the client."""
    return employer_client


def employer_view(client, number: str) -> str:
    response = client.get(f"/employer/profiles/{number}")
    assert response.status_code == 200
    return VIEW.search(response.text).group(0)


@pytest.mark.parametrize("shown", list(parts.PARTS))
def test_each_part_shows_its_fields_only_when_chosen(taro, employer, shown):
    number = publish(employer, SEEKER["email"], chosen=[shown], **PROFILE)
    view = employer_view(employer, number)
    for key, texts in PART_TEXTS.items():
        for text in texts:
            assert (text in view) == (key == shown), (key, text)


def test_always_shown_the_number_the_age_band_and_the_update_date(taro, employer, clock):
    number = publish(employer, SEEKER["email"], chosen=["pr"], **PROFILE)
    view = employer_view(employer, number)
    band = age_band(dt.date(1990, 4, 1), clock.today())
    assert f'公開番号 <span class="nowrap">{number}</span>' in view
    assert f"<dd>{band}</dd>" in view
    assert re.search(r"代(前半|後半)</dd>", view)
    assert clock.today().strftime("%Y年%m月%d日") in view


@pytest.mark.parametrize(
    ("birthdate", "today", "band"),
    [
        (dt.date(1990, 4, 1), dt.date(2024, 3, 31), "30代前半"),  # 33
        (dt.date(1990, 4, 1), dt.date(2024, 4, 1), "30代前半"),  # 34
        (dt.date(1990, 4, 1), dt.date(2025, 4, 1), "30代後半"),  # 35
        (dt.date(2005, 1, 1), dt.date(2024, 6, 1), "10代"),  # 19
        (dt.date(1960, 6, 2), dt.date(2024, 6, 1), "60代前半"),  # 63
    ],
)
def test_age_band(birthdate, today, band):
    assert age_band(birthdate, today) == band


@pytest.mark.parametrize(("field", "values"), list(NEVER_SHOWN.items()))
def test_never_shown_fields_appear_on_no_employer_page_nor_the_preview(
    taro, employer, field, values
):
    number = publish(employer, SEEKER["email"], **PROFILE)  # every part chosen
    pages = {
        "search": employer.get("/employer/profiles").text,
        "profile": employer.get(f"/employer/profiles/{number}").text,
        "preview": taro.get("/mypage/publishing/preview").text,
    }
    assert number in pages["search"]
    for page, html in pages.items():
        for value in values:
            assert value not in html, (field, page, value)


def test_the_preview_is_exactly_what_employers_see(taro, employer):
    number = publish(employer, SEEKER["email"], chosen=["desired", "history", "pr"], **PROFILE)
    preview = taro.get("/mypage/publishing/preview")
    assert "公開中です。求人者（事業所）には、このとおりに表示されます。" in preview.text
    assert VIEW.search(preview.text).group(0) == employer_view(employer, number)


def test_publishing_from_the_settings_page(taro, employer):
    page = taro.get("/mypage/publishing")
    assert "公開していません" in page.text
    for never in parts.NEVER_SHOWN:
        assert never in page.text
    response = submit(
        taro, "/mypage/publishing", {"publish": "yes", "parts": ["desired", "licenses"]}
    )
    assert "求職情報を公開しました。" in response.text
    number = re.search(
        r"公開中（公開番号 <span class=\"nowrap\">(K\d{8})</span>）", response.text
    ).group(1)
    sid = factories.seeker_id(taro, email=SEEKER["email"])
    row = factories.run(
        taro,
        lambda conn: conn.fetch_one(
            sa.select(seeker_profiles).where(seeker_profiles.c.seeker_id == sid)
        ),
    )
    assert (row["published"], row["publish_parts"], row["publish_number"]) == (
        True,
        "desired,licenses",
        number,
    )
    assert row["updated_at"] is not None
    assert "事務的職業" in employer_view(employer, number)


def test_republishing_keeps_the_number_and_changing_parts_changes_the_view(taro, employer):
    submit(taro, "/mypage/publishing", {"publish": "yes", "parts": ["desired"]})
    number = factories.run(
        taro,
        lambda conn: conn.fetch_val(sa.select(seeker_profiles.c.publish_number)),
    )
    submit(taro, "/mypage/publishing", {"action": "stop"})
    response = submit(taro, "/mypage/publishing", {"publish": "yes", "parts": ["wage"]})
    assert "求職情報を公開しました。" in response.text
    assert number in response.text
    view = employer_view(employer, number)
    assert "希望賃金" in view
    assert "希望職種" not in view


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"parts": ["desired"]}, "publish", "求職情報を公開するかどうかを選んでください。"),
        ({"publish": "maybe"}, "publish", "求職情報を公開するかどうかを選んでください。"),
        ({"publish": "yes"}, "parts", "公開する項目を1つ以上選んでください。"),
        (
            {"publish": "yes", "parts": ["name", "email"]},
            "parts",
            "公開する項目を1つ以上選んでください。",
        ),
    ],
)
def test_settings_errors(taro, data, field, message):
    response = submit(taro, "/mypage/publishing", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert errors_of(response) == [f"<p>{message}</p>"]
    assert (
        factories.run(
            taro,
            lambda conn: conn.fetch_val(sa.select(sa.func.count()).select_from(seeker_profiles)),
        )
        == 0
    )


def test_settings_errors_come_back_as_the_fragment_for_htmx(taro):
    response = submit(taro, "/mypage/publishing", {"publish": "yes"}, htmx=True)
    assert response.status_code == 422
    assert '<div id="publishing-form" class="card">' in response.text
    assert "<html" not in response.text


def test_not_published_profile_preview_says_so(taro):
    response = taro.get("/mypage/publishing/preview")
    assert "現在、求人者にはこの内容は表示されていません。" in response.text
    assert "求職情報を公開していません。" in response.text
    assert "（公開すると付きます）" in response.text
    # Before any choice, the preview shows the default parts.
    assert "希望する仕事" in response.text
    assert "自己PR" not in VIEW.search(response.text).group(0)


def _stop(client, taro):
    submit(taro, "/mypage/publishing", {"action": "stop"})


def _inactive(client, taro):
    update_seeker(client, SEEKER["email"], status="inactive")


def _lapsed(client, taro):
    yesterday = client.app.state.clock.today() - dt.timedelta(days=1)
    update_seeker(client, SEEKER["email"], valid_until=yesterday)


@pytest.mark.parametrize(
    ("hide", "reason"),
    [
        (_stop, "求職情報を公開していません。"),
        (_inactive, "求職情報が「無効」になっています。"),
        (_lapsed, "求職登録の有効期限が過ぎています。"),
    ],
)
def test_stopping_inactive_or_lapsed_hides_the_profile_at_once(taro, employer, hide, reason):
    number = publish(employer, SEEKER["email"], **PROFILE)
    assert number in employer.get("/employer/profiles").text
    hide(employer, taro)
    response = employer.get(f"/employer/profiles/{number}")
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    search = employer.get("/employer/profiles")
    assert number not in search.text
    assert "条件に合う求職情報はありません。" in search.text
    assert reason in taro.get("/mypage/publishing/preview").text


def test_an_unknown_number_is_the_same_not_found(employer):
    response = employer.get("/employer/profiles/K00000000")
    assert response.status_code == 404
    assert NOT_FOUND in response.text


def test_the_stop_button_says_it_took_effect(taro):
    submit(taro, "/mypage/publishing", {"publish": "yes", "parts": ["desired"]})
    page = taro.get("/mypage/publishing")
    assert "今すぐ公開を停止する" in page.text
    response = submit(taro, "/mypage/publishing", {"action": "stop"})
    assert "求職情報の公開を停止しました。求人者からは見えなくなりました。" in response.text
    assert "今すぐ公開を停止する" not in response.text


@pytest.mark.parametrize("page", ["/mypage/publishing", "/mypage/publishing/preview"])
def test_seeker_pages_need_a_signed_in_job_seeker(client, page):
    response = client.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
