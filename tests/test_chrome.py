"""Issue 12, the chrome of the three doors: each door's own name, menu and footer; the
job-seeker's unread counts in the header (one statement); よくあるご質問 and お問い合わせ
on every door; the mailbox's sender kept whole; 44 px targets that were not."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import running, settings_for
from tests.helpers import EMPLOYER, SEEKER, STAFF, signed_in
from webapp.app import create_app
from webapp.schema import (
    direct_requests,
    messages,
    notice_recipients,
    notices,
)

OPEN_ACCOUNT = "求職者マイページ開設（パスワード登録）"


def header(page: str) -> str:
    return re.search(r'<header class="site-header.*?</header>', page, re.S).group(0)


def footer(page: str) -> str:
    return re.search(r'<footer class="site-footer">.*?</footer>', page, re.S).group(0)


def site_name(page: str) -> str:
    return re.search(r'<span class="site-name__main">([^<]*)</span>', page).group(1)


@pytest.fixture
def world(client):
    """The client, carrying applications_world's ids (taro, company, posting …)."""
    for name, value in vars(factories.applications_world(client)).items():
        setattr(client, name, value)
    factories.staff(client)
    return client


# --- each door: its own name, menu and footer ------------------------------------------------


@pytest.mark.parametrize(
    ("who", "page", "name", "menu", "not_in_menu"),
    [
        (
            SEEKER,
            "/mypage",
            "求職者マイページ",
            ["求人検索", "マイページ", "メニュー"],
            ["職員メニュー"],
        ),
        (
            STAFF,
            "/staff/seekers",
            "ハローワーク 職員用",
            [
                "職員メニュー",
                "求職申込み",
                "求職者の検索",
                "紹介の希望",
                "求人票の審査",
                "情報提供",
            ],
            ["求人検索", "求職者マイページ", "マイページ開設"],
        ),
        (
            EMPLOYER,
            "/employer/postings",
            "求人者マイページ",
            ["求人者メニュー", "求人票", "求職者を探す", "リクエスト", "応募者"],
            ["求人検索", "求職者マイページ", "マイページ開設"],
        ),
    ],
)
def test_each_door_carries_its_own_name_and_menu(world, who, page, name, menu, not_in_menu):
    browser = signed_in(world, who)
    text = browser.get(page).text
    assert site_name(text) == name
    top = header(text)
    for word in menu:
        assert f">{word}<" in top or f">{word} " in top, (word, who.door)
    for word in not_in_menu:
        assert f">{word}<" not in top, (word, who.door)
    assert "ログアウト" in top
    # The footer never offers a job-seeker's registration on another door or signed in.
    bottom = footer(text)
    assert OPEN_ACCOUNT not in bottom
    assert 'href="/help"' in bottom and 'href="/contact"' in bottom


def test_the_page_being_shown_is_marked_in_the_staff_menu(world):
    text = signed_in(world, STAFF).get("/staff/seekers").text
    assert re.search(r'<a href="/staff/seekers" aria-current="page">求職者の検索</a>', text)
    assert 'href="/staff/seekers/new" aria-current' not in text


@pytest.mark.parametrize(
    ("door", "name", "title"),
    [
        ("/staff/login", "ハローワーク 職員用", "ハローワーク 職員用"),
        ("/employer/login", "求人者マイページ", "ハローワーク求人者マイページ"),
    ],
)
def test_the_staff_and_employer_login_pages_wear_their_own_doors_header(client, door, name, title):
    text = client.get(door).text
    assert site_name(text) == name
    assert f"| {title}</title>" in text
    top = header(text)
    # Not the job-seeker's nav: no 求人検索, no マイページ, no ログイン to another door.
    assert "求人検索" not in top and "マイページ開設" not in top and 'href="/login"' not in top
    assert OPEN_ACCOUNT not in footer(text)


def test_signed_out_the_job_seeker_door_offers_opening_a_my_page(client):
    text = client.get("/").text
    assert site_name(text) == "求職者マイページ"
    assert OPEN_ACCOUNT in footer(text)
    assert 'href="/login"' in header(text)


# --- unread counts in the header ------------------------------------------------------------


def _unread_for(client, world) -> dict:
    """Two unread 情報提供, one unread message from the employer, one unread request;
    returns the ids of the first notice and of the application."""
    now = client.app.state.clock.now()
    office = factories.office_id(client)
    application = factories.application_row(client, world.taro, world.posting["id"])

    async def write(conn):
        first = None
        for title in ("説明会のお知らせ", "新着求人のご案内"):
            notice = await conn.fetch_val(
                notices.insert()
                .values(
                    office_id=office,
                    kind="notice",
                    title=title,
                    body="本文",
                    audience="chosen",
                    created_at=now,
                )
                .returning(notices.c.id)
            )
            await conn.execute(
                notice_recipients.insert().values(notice_id=notice, seeker_id=world.taro)
            )
            first = first or notice
        await conn.execute(
            messages.insert().values(
                application_id=application, sender="employer", body="面接日のご連絡", created_at=now
            )
        )
        other = await factories.add_posting(conn, now=now, employer_id=world.company)
        await conn.execute(
            direct_requests.insert().values(
                employer_id=world.company,
                posting_id=other["id"],
                seeker_id=world.taro,
                message="ご応募をお待ちしています",
                state="sent",
                created_at=now,
            )
        )
        return first

    notice = factories.run(client, write)
    return {"notice": notice, "application": application}


def test_the_header_menu_counts_what_is_unread_on_every_page(world):
    _unread_for(world, world)
    browser = signed_in(world, SEEKER)
    for page in ("/jobs/search", "/mypage/profile"):
        top = header(browser.get(page).text)
        toggle = re.search(r"<summary[^>]*>(.*?)</summary>", top, re.S).group(1)
        # What a screen reader says: メニュー （未読4件）; the eye sees メニュー 4.
        assert re.sub(r"<[^>]+>", "", toggle).split() == ["メニュー", "（未読4件）"]
        assert "未読メッセージ 1件" in top
        assert (
            'href="/mypage/requests">求人者からのリクエスト <span class="badge badge--new">未読 1件'
            in top
        )
        assert (
            'href="/mypage/notices">ハローワークからのお知らせ '
            '<span class="badge badge--new">未読 2件' in top
        )


def unread_total(page: str) -> str:
    toggle = re.search(r"<summary[^>]*>(.*?)</summary>", header(page), re.S).group(1)
    return re.sub(r"<[^>]+>", "", toggle).split()[-1]


def test_the_page_that_reads_something_counts_it_read_in_its_own_header(world):
    ids = _unread_for(world, world)
    browser = signed_in(world, SEEKER)
    assert unread_total(browser.get("/jobs/search").text) == "（未読4件）"
    page = browser.get(f"/mypage/notices/{ids['notice']}").text
    assert unread_total(page) == "（未読3件）"
    page = browser.get("/mypage/requests").text
    assert unread_total(page) == "（未読2件）" and "未読 1件" in header(page)
    page = browser.get(f"/mypage/applications/{ids['application']}/messages").text
    assert unread_total(page) == "（未読1件）" and "未読メッセージ" not in header(page)
    assert unread_total(browser.get("/jobs/search").text) == "（未読1件）"


def test_nothing_unread_shows_no_count(world):
    top = header(signed_in(world, SEEKER).get("/jobs/search").text)
    assert "未読" not in top and "count-badge" not in top


def test_the_counts_come_with_the_session_for_a_whole_page_not_for_a_part_of_one(world):
    """The counts are read with the session (its one query: tests/test_query_counts.py);
    a fragment swapped by htmx carries no header, and a boosted navigation draws the
    whole page, header and counts included."""
    _unread_for(world, world)
    browser = signed_in(world, SEEKER)
    assert unread_total(browser.get("/jobs/search").text) == "（未読4件）"
    part = browser.get("/jobs/search?q=検査", headers={"HX-Request": "true"}).text
    assert '<header class="site-header' not in part
    boosted = browser.get("/jobs/search", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert unread_total(boosted.text) == "（未読4件）"
    assert browser.get("/mypage/activities.csv").status_code == 200  # a download: no header


def test_my_page_home_reads_the_counts_the_header_already_has(world):
    _unread_for(world, world)
    text = signed_in(world, SEEKER).get("/mypage").text
    main = text.split('<main id="main"', 1)[1]
    assert "未読メッセージ 1件" in main and "未読 2件" in main and "未読 1件" in main


# --- help on every door ---------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, SEEKER, STAFF, EMPLOYER])
def test_help_and_contact_are_linked_from_every_doors_footer(world, who):
    browser = signed_in(world, who) if who else world
    home = {None: "/", SEEKER.door: "/mypage", STAFF.door: "/staff", EMPLOYER.door: "/employer"}
    text = browser.get(home[who.door if who else None]).text
    bottom = footer(text)
    assert '<a href="/help">よくあるご質問</a>' in bottom
    assert '<a href="/contact">お問い合わせ</a>' in bottom
    assert browser.get("/help").status_code == 200
    assert browser.get("/contact").status_code == 200


def test_the_faq_answers_from_the_seeds_notes(client):
    text = client.get("/help").text
    for words in (
        "メールが届きません",
        "system@mail.hellowork.example.jp",
        "50分以内に操作をしないと、認証キーが無効になります",
        "半角数字、英字、記号を組み合わせ、8桁以上32桁以内",
        "ハローワークの職業紹介を要件とする雇用保険の再就職手当等の対象外です",
        "助成金は支給されません",
        "既にマイページを開設済み",
        "生年月日が窓口で登録された内容と一致しなかった",
        "求職活動実績",
    ):
        assert words in text, words
    # Every entry of the contents leads to a question on the page.
    for anchor in re.findall(r'<li><a href="#([a-z0-9-]+)">', text):
        assert f'id="{anchor}"' in text, anchor


def test_contact_lists_the_offices_phone_and_hours(world):
    factories.office(world)  # ハローワーク飯田橋 besides ハローワーク砺波
    text = world.get("/contact").text
    assert "ハローワーク砺波" in text and "ハローワーク飯田橋" in text
    assert 'href="tel:0338128609">03-3812-8609</a>' in text
    assert re.search(r'href="tel:[0-9]+"', text)
    assert "8時30分～17時15分" in text


def test_contact_shows_a_job_seekers_own_office_first(world):
    text = signed_in(world, SEEKER).get("/contact").text
    own = text.split("あなたが求職申込みをしたハローワーク", 1)[1].split("</section>", 1)[0]
    assert "ハローワーク砺波" in own


def test_office_hours_is_a_setting(database_url, smtp, clock):
    settings = settings_for(database_url, smtp_port=smtp.port, office_hours="平日 9時～17時")
    with running(create_app(settings, clock=clock), smtp) as other:
        assert "平日 9時～17時" in other.get("/contact").text


# --- small things ---------------------------------------------------------------------------


def test_the_mailbox_shows_the_senders_name_whole(client):
    from webapp.templating import templates

    sender = templates.env.filters["sender"]
    assert sender("ハローワークインターネットサービス <system@mail.hellowork.example.jp>") == {
        "name": "ハローワークインターネットサービス",
        "address": "<system@mail.hellowork.example.jp>",
    }
    assert sender("system@example.jp") == {"name": "", "address": "system@example.jp"}


def test_the_switch_link_on_my_page_home_is_a_44px_target(world):
    text = signed_in(world, SEEKER).get("/mypage").text
    assert '<a class="switch-link" href="/mypage/status">切り替え</a>' in text


def test_a_staff_fragments_title_names_the_staff_door(world):
    browser = signed_in(world, STAFF)
    whole = browser.get("/staff/seekers").text
    assert "<title>求職者の検索 | ハローワーク 職員用</title>" in whole
    part = browser.get("/staff/seekers?q=山田", headers={"HX-Request": "true"}).text
    assert "<title>求職者の検索 | ハローワーク 職員用</title>" in part
