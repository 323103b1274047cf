"""Finding and viewing a job-seeker in the staff console: search by 求職番号, 氏名 or
フリガナ within one's own office, the profile with what is on their My Page, and who may
open these pages at all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests import factories
from tests.helpers import (
    EMPLOYER,
    IIDABASHI_STAFF,
    SEEKER,
    STAFF,
    browsers_for,
    errors_beside,
    signed_in,
    submit,
)
from webapp.clock import to_jst
from webapp.schema import (
    applications,
    favourites,
    job_seekers,
    notice_recipients,
    notices,
    referrals,
)
from webapp.seekers import service as seekers
from webapp.seekers.validity import end_of_month_after_next

SEEKER_PASSWORD = factories.SEEKER_PASSWORD


def register_elsewhere(client, office_code: str, **values) -> str:
    """A job-seeker of another office (factories.seeker registers at the first, 16040)."""
    now = client.app.state.clock.now()
    new = seekers.validate_new_seeker(**{**factories.DEFAULTS, **values}, today=to_jst(now).date())
    return factories.run(
        client, lambda conn: seekers.register(conn, new, office_code=office_code, now=now)
    )


def listed_numbers(response) -> list[str]:
    return re.findall(r'<dd class="nowrap">(\d{5}-\d{8})</dd>', response.text)


@pytest.fixture
def office_with_seekers(client):
    """Three job-seekers at 砺波 (16040), one at 飯田橋 (13010), and a signed-in 砺波 staff."""
    factories.office(client, "13010")
    taro = factories.seeker(client)
    hanako = factories.seeker(
        client, name="砺波 花子", kana="トナミ ハナコ", email="hanako@example.com"
    )
    jiro = factories.seeker(
        client, name="山本次郎", kana="ヤマモトジロウ", email="jiro@example.com"
    )
    other = register_elsewhere(
        client, "13010", name="山田 三郎", kana="ヤマダ サブロウ", email="saburo@example.com"
    )
    factories.staff(client)
    signed_in(client, STAFF, first=True)
    client.numbers = {"taro": taro, "hanako": hanako, "jiro": jiro, "other": other}
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("16040-00000002", ["hanako"]),
        ("1604000000002", ["hanako"]),
        ("２", ["hanako"]),  # the serial only, full-width: this office's 00000002
        ("１６０４０－０００００００１", ["taro"]),
        ("山田", ["taro"]),
        ("山田太郎", ["taro"]),  # stored without a space; typed the same way
        ("砺波花子", ["hanako"]),  # stored as 砺波 花子; typed without the space
        ("花子", ["hanako"]),
        ("ヤマ", ["jiro", "taro"]),
        ("やまだ", ["taro"]),  # hiragana finds the katakana フリガナ
        ("ﾄﾅﾐ", ["hanako"]),  # half-width katakana too
        ("", ["jiro", "hanako", "taro"]),  # nothing typed: every one, newest first
    ],
)
def test_search_by_number_name_or_kana(office_with_seekers, query, expected):
    client = office_with_seekers
    response = client.get("/staff/seekers", params={"q": query})
    assert response.status_code == 200
    assert listed_numbers(response) == [client.numbers[name] for name in expected]


def test_another_offices_seekers_are_never_listed(office_with_seekers):
    client = office_with_seekers
    for query in ("山田", "サブロウ", client.numbers["other"], "saburo", ""):
        response = client.get("/staff/seekers", params={"q": query})
        assert client.numbers["other"] not in listed_numbers(response)
        assert "三郎" not in response.text


def test_no_match_says_so(office_with_seekers):
    response = office_with_seekers.get("/staff/seekers", params={"q": "鈴木"})
    assert response.status_code == 200
    assert "「鈴木」に当てはまる求職者は見つかりませんでした。" in response.text
    assert "ほかの安定所で登録された求職者は表示されません。" in response.text


def test_an_office_without_seekers_says_so(client):
    factories.staff(client)
    signed_in(client, STAFF, first=True)
    response = client.get("/staff/seekers")
    assert "この安定所で登録された求職者はまだいません。" in response.text


def test_search_characters_are_not_wildcards(office_with_seekers):
    for query in ("%", "_", "山田%"):
        response = office_with_seekers.get("/staff/seekers", params={"q": query})
        assert listed_numbers(response) == []


def test_results_come_in_pages_of_twenty(client):
    for n in range(25):
        factories.seeker(client, email=f"s{n}@example.com", name=f"求職 {n}号", kana="キュウショク")
    factories.staff(client)
    signed_in(client, STAFF, first=True)
    first = client.get("/staff/seekers", params={"q": "きゅうしょく"})
    assert len(listed_numbers(first)) == 20
    assert "25件中 1〜20件を表示" in first.text
    assert "1 / 2 ページ" in first.text
    assert (
        'href="/staff/seekers?q=%E3%81%8D%E3%82%85%E3%81%86%E3%81%97%E3%82%87%E3%81%8F&amp;page=2"'
        in first.text
    )
    second = client.get("/staff/seekers", params={"q": "きゅうしょく", "page": "2"})
    assert len(listed_numbers(second)) == 5
    assert "25件中 21〜25件を表示" in second.text
    assert set(listed_numbers(first)).isdisjoint(listed_numbers(second))
    beyond = client.get("/staff/seekers", params={"q": "きゅうしょく", "page": "99"})
    assert listed_numbers(beyond) == listed_numbers(second)
    assert client.get("/staff/seekers", params={"page": "x"}).status_code == 200


def test_htmx_search_swaps_only_the_results(office_with_seekers):
    response = office_with_seekers.get(
        "/staff/seekers", params={"q": "花子"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="seeker-results"')
    assert "<html" not in response.text
    assert listed_numbers(response) == [office_with_seekers.numbers["hanako"]]


def test_profile_shows_the_registration_and_its_validity(client, clock):
    factories.staff(client)
    signed_in(client, STAFF, first=True)
    location = submit(
        client,
        "/staff/seekers/new",
        {
            "name": "山田 太郎", "kana": "ヤマダ タロウ", "year": "1990", "month": "4",
            "day": "1", "email": "taro@example.com", "phone": "0763-32-2914",
            "address": "富山県砺波市栄町7-3", "desired_occupation": "C",
            "desired_prefecture": "16", "desired_municipality": "砺波市",
            "desired_employment_type": "part",
        },
        follow_redirects=False,
    ).headers["location"]  # fmt: skip
    profile_url = location.split("/sheet")[0]
    page = client.get(profile_url)
    assert page.status_code == 200
    valid_until = end_of_month_after_next(to_jst(clock.now()).date())
    for text in (
        "16040-00000001", "山田 太郎", "ヤマダ タロウ", "1990年04月01日", "taro@example.com",
        "0763-32-2914", "富山県砺波市栄町7-3", "事務的職業", "富山県 砺波市", "パート労働者",
        '<span class="state state--active">有効</span>',
        f"有効期限 {valid_until.strftime('%Y年%m月%d日')}", "未開設",
    ):  # fmt: skip
        assert text in page.text, text
    for empty in (
        "お気に入りの求人はありません。",
        "紹介した求人はありません。",
        "応募はありません。",
        "提供した情報はありません。",
    ):
        assert empty in page.text
    seeker = profile_url.rsplit("/", 1)[1]
    assert f'href="/staff/seekers/{seeker}/refer"' in page.text
    assert f'href="/staff/notices/new?seeker={seeker}"' in page.text
    assert f'href="/staff/seekers/{seeker}/sheet"' in page.text
    assert f'href="/staff/seekers/{seeker}/activities"' in page.text
    assert f'href="/staff/seekers/{seeker}/changes"' in page.text

    yesterday = to_jst(clock.now()).date() - dt.timedelta(days=1)
    factories.run(
        client,
        lambda conn: conn.execute(job_seekers.update().values(valid_until=yesterday)),
    )
    expired = client.get(profile_url)
    assert '<span class="state state--inactive">無効</span>' in expired.text
    assert "（期限切れ）" in expired.text


def test_an_inactive_seeker_is_shown_as_invalid(office_with_seekers):
    client = office_with_seekers
    number = client.numbers["taro"]
    factories.run(
        client,
        lambda conn: conn.execute(
            job_seekers.update()
            .where(job_seekers.c.seeker_number == number)
            .values(status="inactive")
        ),
    )
    page = client.get(f"/staff/seekers/{factories.seeker_id(client, number=number)}")
    assert '<span class="state state--inactive">無効</span>' in page.text
    assert "（期限切れ）" not in page.text
    listing = client.get("/staff/seekers", params={"q": number})
    assert '<span class="state state--inactive">無効</span>' in listing.text


def test_profile_lists_favourites_referrals_applications_and_notices(office_with_seekers, clock):
    client = office_with_seekers
    sid = factories.seeker_id(client, number=client.numbers["taro"])
    other = factories.seeker_id(client, number=client.numbers["hanako"])
    clerk = factories.posting(client, job_title="一般事務", company_name="株式会社砺波商事")
    driver = factories.posting(client, job_title="配送ドライバー", company_name="となみ運輸")
    now = clock.now()

    async def work(conn):
        for posting in (clerk, driver):
            await conn.execute(
                favourites.insert().values(seeker_id=sid, posting_id=posting["id"], created_at=now)
            )
        await conn.execute(
            favourites.insert().values(seeker_id=other, posting_id=clerk["id"], created_at=now)
        )
        referral = await conn.fetch_val(
            referrals.insert()
            .values(
                referral_number="16040-R-0001", seeker_id=sid, posting_id=clerk["id"],
                office_id=1, created_at=now,
            )
            .returning(referrals.c.id)
        )  # fmt: skip
        await conn.execute(
            applications.insert().values(
                seeker_id=sid, posting_id=clerk["id"], kind="referral", referral_id=referral,
                state="interview", created_at=now, updated_at=now,
            )
        )  # fmt: skip
        await conn.execute(
            applications.insert().values(
                seeker_id=sid, posting_id=driver["id"], kind="direct", state="applied",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        for title, read_at in (("面接会のお知らせ", now), ("新着の事務求人", None)):
            notice = await conn.fetch_val(
                notices.insert()
                .values(
                    office_id=1, kind="notice", title=title, body="本文",
                    audience="chosen", created_at=now,
                )
                .returning(notices.c.id)
            )  # fmt: skip
            await conn.execute(
                notice_recipients.insert().values(notice_id=notice, seeker_id=sid, read_at=read_at)
            )
        hidden = await conn.fetch_val(
            notices.insert()
            .values(
                office_id=1, kind="notice", title="花子さんだけへ", body="本文",
                audience="chosen", created_at=now,
            )
            .returning(notices.c.id)
        )  # fmt: skip
        await conn.execute(notice_recipients.insert().values(notice_id=hidden, seeker_id=other))

    factories.run(client, work)
    page = client.get(f"/staff/seekers/{sid}").text
    favourites_section = page.split('id="favourites-title"')[1].split("</section>")[0]
    assert "2件" in favourites_section
    assert "紹介した求人（1件）" in page and "16040-R-0001" in page
    assert "株式会社砺波商事" in page and f'href="/jobs/{clerk["job_number"]}"' in page
    assert "応募（2件）" in page
    assert "<strong>面接</strong>" in page and "<strong>応募済み</strong>" in page
    assert "自主応募" in page
    assert "提供した情報（2件）" in page
    assert "面接会のお知らせ" in page and "既読" in page
    assert "新着の事務求人" in page and "<strong>未読</strong>" in page
    assert "花子さんだけへ" not in page


# ---------------------------------------------------------------------------------------
# Who may open these pages.

URLS = ["/staff/seekers", "/staff/seekers/new", "/staff/seekers/{id}", "/staff/seekers/{id}/sheet"]


def make_roles(client):
    """A job-seeker of 砺波 (16040), staff of 砺波 and of 飯田橋 (13010), an employer."""
    factories.office(client, "13010")
    factories.seeker(client, password=SEEKER_PASSWORD)
    factories.staff(client)
    factories.staff(client, email="iidabashi@example.com", office="13010", name="飯田一郎")
    factories.employer(client)
    client.seeker_id = factories.seeker_id(client, number="16040-00000001")
    return client


@pytest.fixture
def roles(client):
    return make_roles(client)


ROLES = {
    "seeker": SEEKER,
    "employer": EMPLOYER,
    "other-office staff": IIDABASHI_STAFF,
    "staff": STAFF,
}


@pytest.fixture(scope="module")
def signed_in_roles(module_client):
    """`roles` in the module's one database with a browser signed in as each of ROLES
    ("anonymous": nobody), for the tests that only open pages (factories.unchanged)."""
    make_roles(module_client)
    browsers = browsers_for(module_client, {"anonymous": None, **ROLES})
    with factories.unchanged(module_client):
        yield module_client.seeker_id, browsers


def sign_in_as(client, who: str):
    if who in ROLES:
        signed_in(client, ROLES[who], first=True)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 303),
        ("seeker", 403),
        ("employer", 403),
        ("other-office staff", None),  # the office's own pages yes; another's job-seeker: 404
        ("staff", 200),
    ],
)
def test_who_may_open_each_page(signed_in_roles, url, who, status):
    seeker_id, browsers = signed_in_roles
    response = browsers[who].get(url.format(id=seeker_id), follow_redirects=False)
    if status is None:
        status = 404 if "{id}" in url else 200
    assert response.status_code == status
    if status == 303:
        assert response.headers["location"].startswith("/staff/login?next=")
    if status != 200:
        assert "山田" not in response.text and "16040-00000001" not in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 303), ("seeker", 403), ("employer", 403), ("other-office staff", 303)],
)
def test_who_may_register_a_seeker(roles, who, status):
    sign_in_as(roles, who)
    page = {"anonymous": "/staff/login", "other-office staff": "/staff/seekers/new"}.get(who, "/")
    response = submit(
        roles,
        "/staff/seekers/new",
        {
            "name": "新規 一郎", "kana": "シンキ イチロウ", "year": "1980", "month": "1",
            "day": "1", "email": "new@example.com", "phone": "03-3812-8609",
            "address": "東京都文京区後楽1-9-20", "desired_occupation": "B",
        },
        page=page,
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == status
    if who == "other-office staff":
        number = factories.run(
            roles,
            lambda conn: conn.fetch_val(
                sa.select(job_seekers.c.seeker_number).where(
                    job_seekers.c.email == "new@example.com"
                )
            ),
        )
        assert number == "13010-00000001"
    else:
        assert factories.seeker_id(roles, number="13010-00000001") is None
        assert factories.seeker_id(roles, number="16040-00000002") is None


def test_an_unknown_seeker_is_a_404_like_another_offices(roles):
    signed_in(roles, STAFF, first=True)
    assert roles.get("/staff/seekers/999999").status_code == 404
    assert roles.get("/staff/seekers/999999/sheet").status_code == 404


def test_staff_of_each_office_see_only_their_own(roles):
    """Two staff at once: the 砺波 one sees the job-seeker, the 飯田橋 one gets a 404."""
    signed_in(roles, STAFF, first=True)
    other = signed_in(roles, IIDABASHI_STAFF)
    url = f"/staff/seekers/{roles.seeker_id}"
    assert roles.get(url).status_code == 200
    assert other.get(url).status_code == 404
    assert "16040-00000001" in roles.get("/staff/seekers").text
    assert "16040-00000001" not in other.get("/staff/seekers").text


@pytest.mark.parametrize("htmx", [False, True])
def test_a_control_character_in_the_search_is_refused_next_to_the_field(office_with_seekers, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = office_with_seekers.get("/staff/seekers", params={"q": "花子\t"}, headers=headers)
    assert response.status_code == 422
    assert errors_beside(response.text, "q") == ["改行や制御文字は使えません。"]
    assert 'value="花子"' in response.text  # shown back without it
    assert listed_numbers(response) == []  # no search
    assert '<div id="seeker-results"></div>' in response.text  # the next search swaps here
    if htmx:  # the field sits outside the results: htmx swaps <main> of the whole page
        assert response.headers["HX-Reselect"] == response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Push-Url"] == "false"
