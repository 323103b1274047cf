"""情報提供: staff send お知らせ and 求人情報の提供; job-seekers read them on My Page, with a
mail that says only that something new is there (and which they may turn off)."""

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
    browsers_for,
    errors_of,
    signed_in,
    submit,
)
from webapp.notices import forms, service
from webapp.schema import job_seekers, members, notice_recipients, notices, offices, outbox
from webapp.seekers import service as seekers

SEEKER_PASSWORD = factories.SEEKER_PASSWORD
NEW = "/staff/notices/new"


# --- Arrange helpers ---------------------------------------------------------------------


def seeker_in(client, office: str, email: str, name: str = "山田太郎") -> str:
    """A job-seeker registered at `office` (安定所番号); returns the 求職番号."""
    now = client.app.state.clock.now()
    new = seekers.validate_new_seeker(
        name=name, kana="ヤマダタロウ", birthdate="1990-04-01", email=email, today=now.date()
    )
    return factories.run(
        client, lambda conn: seekers.register(conn, new, office_code=office, now=now)
    )


def set_seeker(client, number: str, **values) -> None:
    factories.update(client, job_seekers, job_seekers.c.seeker_number == number, **values)


def office_id(client, code: str = "16040") -> int:
    return factories.run(
        client, lambda conn: conn.fetch_val(sa.select(offices.c.id).where(offices.c.code == code))
    )


def recipients_of(client, notice_id: int) -> set[str]:
    """The 求職番号 a notice reached."""
    rows = factories.run(
        client,
        lambda conn: conn.fetch_all(
            sa.select(job_seekers.c.seeker_number)
            .select_from(notice_recipients.join(job_seekers))
            .where(notice_recipients.c.notice_id == notice_id)
        ),
    )
    return {row["seeker_number"] for row in rows}


def notice_count(client) -> int:
    return factories.run(
        client, lambda conn: conn.fetch_val(sa.select(sa.func.count()).select_from(notices))
    )


def queued_to(client, email: str) -> list:
    """情報提供 mails written to the outbox for `email` (sent or not yet)."""
    return factories.run(
        client,
        lambda conn: conn.fetch_all(
            sa.select(outbox.c.subject, outbox.c.body).where(
                outbox.c.to_addr == email, outbox.c.subject.like("%マイページに届きました")
            )
        ),
    )


def checked(page: str, name: str) -> bool:
    box = re.search(rf'<input type="checkbox" id="{name}"[^>]*>', page)
    assert box, f"no {name} checkbox"
    return " checked" in box.group(0)


def sent_notice_id(response) -> int:
    match = re.fullmatch(r"/staff/notices/(\d+)", response.url.path)
    assert match, (response.status_code, response.url, errors_of(response))
    return int(match.group(1))


def send(client, **data):
    """The staff's send form, as a person fills it in (お知らせ to the office by default)."""
    form = {
        "kind": "notice",
        "title": "就職面接会のご案内",
        "body": "6月10日に砺波市で面接会を開きます。",
    }
    form.update(data)
    if form["kind"] == "notice":
        form.setdefault("audience", "office")
        if form["audience"] == "office":
            form.setdefault("confirm_all", "yes")
    return submit(client, NEW, form, page=f"{NEW}?kind={form['kind']}")


def as_seeker(client, email: str = "taro@example.com"):
    """A second browser signed in as the job-seeker with this address."""
    return signed_in(client, SEEKER._replace(email=email))


@pytest.fixture
def staff(staff_client):
    """The client, signed in as staff of ハローワーク砺波 (16040)."""
    return staff_client


@pytest.fixture
def other_office(client):
    factories.office(client, code="13010", name="ハローワーク飯田橋")
    return "13010"


# --- Sending -----------------------------------------------------------------------------


def test_an_office_wide_notice_reaches_only_that_offices_active_job_seekers(
    staff, other_office, clock
):
    active = factories.seeker(staff, email="taro@example.com")
    withdrawn = factories.seeker(staff, email="jiro@example.com")
    set_seeker(staff, withdrawn, status="inactive")
    expired = factories.seeker(staff, email="saburo@example.com")
    set_seeker(staff, expired, valid_until=clock.now().date() - dt.timedelta(days=2))
    elsewhere = seeker_in(staff, other_office, "hanako@example.com")

    response = send(staff)

    assert response.status_code == 200
    assert "送信しました（送信先 1人）。" in response.text
    assert recipients_of(staff, sent_notice_id(response)) == {active}
    assert elsewhere not in recipients_of(staff, sent_notice_id(response))
    assert queued_to(staff, "hanako@example.com") == []
    assert queued_to(staff, "jiro@example.com") == []
    assert len(staff.smtp.wait_for("taro@example.com")) == 1


def test_the_form_says_how_many_an_office_wide_notice_reaches(staff, other_office):
    factories.seeker(staff, email="taro@example.com")
    factories.seeker(staff, email="jiro@example.com")
    seeker_in(staff, other_office, "hanako@example.com")
    page = staff.get(NEW)
    assert "ハローワーク砺波の有効な求職者全員（現在 2人）" in page.text


def test_chosen_job_seekers_only_receive_it(staff):
    first = factories.seeker(staff, email="taro@example.com")
    second = factories.seeker(staff, email="jiro@example.com")
    factories.seeker(staff, email="saburo@example.com")
    # Full-width digits and a comma and a line break, as people type them.
    typed = f"{first.translate(str.maketrans('0123456789-', '０１２３４５６７８９－'))}、\n{second}"

    response = send(staff, audience="chosen", seeker_numbers=typed)

    assert recipients_of(staff, sent_notice_id(response)) == {first, second}
    assert queued_to(staff, "saburo@example.com") == []


def test_unknown_and_other_offices_numbers_are_listed_and_nothing_is_sent(staff, other_office):
    mine = factories.seeker(staff, email="taro@example.com")
    theirs = seeker_in(staff, other_office, "hanako@example.com")

    response = send(staff, audience="chosen", seeker_numbers=f"{mine}, {theirs}\n16040-09999999")

    assert response.status_code == 422
    assert (
        f"次の求職番号は、ハローワーク砺波の求職者に見つかりません: {theirs}、16040-09999999"
        in response.text
    )
    assert mine in response.text  # what was typed is kept
    assert notice_count(staff) == 0
    assert queued_to(staff, "taro@example.com") == []


def test_malformed_and_unknown_numbers_are_reported_together(staff):
    factories.seeker(staff, email="taro@example.com")
    response = send(
        staff, audience="chosen", seeker_numbers="16040-00000001\n16040-9\n16040-00000002"
    )
    assert errors_of(response) == [
        "<p>求職番号の形式が正しくありません（例: 16040-00000001）: 16040-9</p>"
        "<p>次の求職番号は、ハローワーク砺波の求職者に見つかりません: 16040-00000002</p>"
    ]


def test_an_inactive_job_seeker_cannot_be_chosen(staff):
    number = factories.seeker(staff, email="taro@example.com")
    set_seeker(staff, number, status="inactive")
    response = send(staff, audience="chosen", seeker_numbers=number)
    assert response.status_code == 422
    assert (
        f"次の求職番号の求職者は、求職登録が有効ではないため送信できません: {number}"
        in response.text
    )
    assert notice_count(staff) == 0


def test_an_office_with_no_active_job_seeker_has_nobody_to_send_to(staff):
    response = send(staff)
    assert response.status_code == 422
    assert "送信できる有効な求職者がいません。" in response.text
    assert notice_count(staff) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "件名を入力してください。"),
        ({"title": "あ" * 101}, "件名は100文字以内で入力してください。"),
        ({"body": "  "}, "本文を入力してください。"),
        ({"body": "あ" * 2001}, "本文は2000文字以内で入力してください。"),
        ({"audience": ""}, "送信先を選んでください。"),
        ({"audience": "chosen", "seeker_numbers": ""}, "送信先の求職番号を入力してください。"),
        (
            {"audience": "chosen", "seeker_numbers": "16040-1, abc"},
            "求職番号の形式が正しくありません（例: 16040-00000001）: 16040-1、abc",
        ),
        (
            {"kind": "job", "job_number": "", "seeker_numbers": "16040-00000001"},
            "求人番号を入力してください。",
        ),
        (
            {"kind": "job", "job_number": "1234", "seeker_numbers": "16040-00000001"},
            "求人番号は「13010-00000001」のように数字とハイフンで入力してください。",
        ),
        (
            {"kind": "job", "job_number": "13010-00000001", "body": ""},
            "メッセージを入力してください。",
        ),
    ],
)
def test_bad_input_is_refused_with_its_message(staff, data, message):
    factories.seeker(staff, email="taro@example.com")
    response = send(staff, **data)
    assert response.status_code == 422
    assert any(message in errors for errors in errors_of(response)), errors_of(response)
    assert notice_count(staff) == 0


def test_a_long_title_is_kept_as_typed_in_the_form(staff):
    factories.seeker(staff, email="taro@example.com")
    response = send(staff, title="あ" * 101)
    assert 'value="' + "あ" * 101 + '"' in response.text


def test_errors_come_back_as_the_form_fragment_for_htmx(staff):
    token_page = staff.get(NEW).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    response = staff.post(
        NEW,
        data={"csrf_token": token, "kind": "notice", "title": "", "body": "", "audience": "office"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="notice-form"')
    assert "件名を入力してください。" in response.text


# --- 求人情報の提供 ------------------------------------------------------------------------


def test_a_job_recommendation_links_the_posting_on_my_page(staff):
    taro = factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    number = factories.seeker(staff, email="jiro@example.com")
    posting = factories.posting(staff, job_title="介護職員")

    response = send(
        staff,
        kind="job",
        job_number=posting["job_number"],
        seeker_numbers=f"{taro}\n{number}",
        body="経験を活かせる求人です。",
    )
    notice_id = sent_notice_id(response)

    assert recipients_of(staff, notice_id) == {taro, number}
    seeker = as_seeker(staff)
    page = seeker.get(f"/mypage/notices/{notice_id}")
    assert "求人情報のご案内：介護職員" in page.text
    assert "経験を活かせる求人です。" in page.text
    assert f'href="/jobs/{posting["job_number"]}"' in page.text


CLOSED = "求人番号 {} の求人は募集中ではないため、提供できません。"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "filled"}, CLOSED),
        ({"days_old": 61, "open_days": 60}, CLOSED),  # past its 紹介期限日
        # An employer's draft awaiting review is not public: as if it did not exist.
        ({"status": "pending"}, "求人番号 {} の求人は見つかりません。"),
    ],
)
def test_a_closed_posting_cannot_be_recommended(staff, overrides, message):
    number = factories.seeker(staff, email="taro@example.com")
    posting = factories.posting(staff, **overrides)
    response = send(
        staff, kind="job", job_number=posting["job_number"], seeker_numbers=number, body="どうぞ"
    )
    assert response.status_code == 422
    assert message.format(posting["job_number"]) in errors_of(response)[0]
    assert notice_count(staff) == 0


def test_an_unknown_job_number_is_refused(staff):
    number = factories.seeker(staff, email="taro@example.com")
    response = send(
        staff, kind="job", job_number="13010-99999999", seeker_numbers=number, body="どうぞ"
    )
    assert response.status_code == 422
    assert "求人番号 13010-99999999 の求人は見つかりません。" in response.text


def test_the_seeker_profile_link_fills_in_the_job_seeker(staff, other_office):
    number = factories.seeker(staff, email="taro@example.com")
    page = staff.get(f"{NEW}?kind=job&seeker={factories.seeker_id(staff, number=number)}")
    assert page.status_code == 200
    assert f">{number}</textarea>" in page.text
    assert "山田太郎 さん" in page.text
    theirs = seeker_in(staff, other_office, "hanako@example.com", name="飯田花子")
    refused = staff.get(f"{NEW}?kind=job&seeker={factories.seeker_id(staff, number=theirs)}")
    assert refused.status_code == 404
    assert "飯田花子" not in refused.text
    assert staff.get(f"{NEW}?seeker=abc").status_code == 404
    assert staff.get(f"{NEW}?seeker=99999999999").status_code == 404


# --- My Page -----------------------------------------------------------------------------


def test_the_menu_counts_unread_notices_down_as_they_are_opened(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    first = sent_notice_id(send(staff, title="一つ目のお知らせ"))
    sent_notice_id(send(staff, title="二つ目のお知らせ"))
    seeker = as_seeker(staff)
    assert "未読 2件" in seeker.get("/mypage").text
    inbox = seeker.get("/mypage/notices").text
    assert inbox.count('<span class="tag tag--new">未読</span>') == 2
    assert inbox.index("二つ目のお知らせ") < inbox.index("一つ目のお知らせ")  # newest first

    opened = seeker.get(f"/mypage/notices/{first}")

    assert opened.status_code == 200
    assert "6月10日に砺波市で面接会を開きます。" in opened.text
    assert "未読 1件" in seeker.get("/mypage").text
    assert seeker.get("/mypage/notices").text.count("tag--new") == 1
    back = submit(seeker, f"/mypage/notices/{first}/unread", page=f"/mypage/notices/{first}")
    assert back.url.path == "/mypage/notices"
    assert "未読に戻しました。" in back.text
    assert "未読 2件" in seeker.get("/mypage").text


def test_the_staff_list_counts_who_has_read_it(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    factories.seeker(staff, email="jiro@example.com")
    notice_id = sent_notice_id(send(staff))
    as_seeker(staff).get(f"/mypage/notices/{notice_id}")
    listing = staff.get("/staff/notices").text
    assert "就職面接会のご案内" in listing
    assert re.search(r'<td class="num">2人</td>\s*<td class="num">1人</td>', listing)


def test_another_job_seekers_notice_is_not_found(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    jiro = factories.seeker(staff, email="jiro@example.com")
    theirs = sent_notice_id(send(staff, audience="chosen", seeker_numbers=jiro, title="次郎さんへ"))
    seeker = as_seeker(staff)
    response = seeker.get(f"/mypage/notices/{theirs}")
    assert response.status_code == 404
    assert "次郎さんへ" not in response.text
    assert seeker.get("/mypage/notices/999999").status_code == 404
    refused = submit(seeker, f"/mypage/notices/{theirs}/unread", page="/mypage/notices")
    assert refused.status_code == 404
    assert "次郎さんへ" not in seeker.get("/mypage/notices").text


def test_another_offices_staff_cannot_open_a_sent_notice(staff, other_office):
    factories.seeker(staff, email="taro@example.com")
    notice_id = sent_notice_id(send(staff))
    factories.staff(staff, email="iidabashi@example.com", office=other_office, name="飯田一郎")
    other = signed_in(staff, IIDABASHI_STAFF)
    assert other.get(f"/staff/notices/{notice_id}").status_code == 404
    assert "就職面接会のご案内" not in other.get("/staff/notices").text


def test_the_inbox_is_paginated(staff):
    number = factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    set_seeker(staff, number, mail_notices=False)
    staff_id = factories.run(staff, lambda conn: conn.fetch_val(sa.select(members.c.id)))
    office = {"id": office_id(staff), "name": "ハローワーク砺波"}
    for n in range(25):
        outgoing = service.Outgoing(
            kind="notice", title=f"お知らせ{n:02d}", body="本文", audience="office"
        )
        factories.run(
            staff,
            lambda conn, o=outgoing: service.send(
                conn,
                o,
                office=office,
                staff_id=staff_id,
                base_url="",
                now=staff.app.state.clock.now(),
            ),
        )
    seeker = as_seeker(staff)
    first = seeker.get("/mypage/notices").text
    assert "25件中 1〜20件目" in first
    assert "お知らせ24" in first and "お知らせ04" not in first
    assert 'href="/mypage/notices?page=2"' in first
    second = seeker.get("/mypage/notices?page=2").text
    assert "25件中 21〜25件目" in second
    assert "お知らせ04" in second and "お知らせ00" in second
    assert 'href="/mypage/notices?page=1"' in second


# --- Mail --------------------------------------------------------------------------------


def test_the_mail_says_only_that_something_new_is_on_my_page(staff):
    factories.seeker(staff, email="taro@example.com")
    notice_id = sent_notice_id(send(staff, body="面接会の会場は砺波市文化会館です。"))
    mail = staff.smtp.wait_for("taro@example.com")[0]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert mail["Subject"] == "【ハローワーク】お知らせがマイページに届きました"
    assert "件名: 就職面接会のご案内" in body
    assert f"http://testserver/mypage/notices/{notice_id}" in body
    assert "http://testserver/mypage/settings/mail" in body
    assert "文化会館" not in body
    assert "山田" not in body


def test_a_job_seeker_who_turned_mail_off_gets_none(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    factories.seeker(staff, email="jiro@example.com")
    seeker = as_seeker(staff)
    saved = submit(seeker, "/mypage/settings/mail", {"mail_messages": "1"})
    assert "メールの設定を保存しました。" in saved.text

    send(staff)

    assert len(staff.smtp.wait_for("jiro@example.com")) == 1
    assert queued_to(staff, "taro@example.com") == []
    assert "未読 1件" in seeker.get("/mypage").text  # it is still on My Page


def test_mail_settings_are_saved_and_shown(staff):
    number = factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    seeker = as_seeker(staff)
    page = seeker.get("/mypage/settings/mail").text
    assert checked(page, "mail_notices") and checked(page, "mail_messages")
    assert '<label for="mail_notices">ハローワークからのお知らせをメールで受け取る</label>' in page
    assert '<label for="mail_messages">事業所からのメッセージをメールで受け取る</label>' in page

    response = submit(
        seeker, "/mypage/settings/mail", {"mail_notices": "1"}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/mypage/settings/mail?saved=1"
    row = factories.run(
        staff,
        lambda conn: conn.fetch_one(
            sa.select(job_seekers.c.mail_notices, job_seekers.c.mail_messages).where(
                job_seekers.c.seeker_number == number
            )
        ),
    )
    assert (row["mail_notices"], row["mail_messages"]) == (True, False)
    shown = seeker.get("/mypage/settings/mail?saved=1").text
    assert checked(shown, "mail_notices") and not checked(shown, "mail_messages")
    assert "メールの設定を保存しました。" in shown


def test_mail_settings_swap_the_form_fragment_with_htmx(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    seeker = as_seeker(staff)
    response = submit(seeker, "/mypage/settings/mail", {}, htmx=True)
    assert response.status_code == 200
    assert '"target": "#mail-settings"' in response.headers["HX-Location"]
    fragment = seeker.get(
        "/mypage/settings/mail?saved=1",
        headers={"HX-Request": "true", "HX-Target": "mail-settings"},
    )
    assert fragment.text.lstrip().startswith('<div id="mail-settings"')
    assert "メールの設定を保存しました。" in fragment.text
    assert not checked(fragment.text, "mail_notices")


# --- Double submission -------------------------------------------------------------------


def test_the_same_send_twice_within_a_minute_sends_once(staff, clock):
    factories.seeker(staff, email="taro@example.com")
    first = send(staff)
    again = send(staff)
    assert sent_notice_id(again) == sent_notice_id(first)
    assert notice_count(staff) == 1
    assert len(queued_to(staff, "taro@example.com")) == 1

    clock.advance(minutes=2)
    later = send(staff)

    assert sent_notice_id(later) != sent_notice_id(first)
    assert len(queued_to(staff, "taro@example.com")) == 2


def test_the_same_words_to_another_job_seeker_is_a_new_send(staff):
    taro = factories.seeker(staff, email="taro@example.com")
    jiro = factories.seeker(staff, email="jiro@example.com")
    posting = factories.posting(staff)
    words = {"kind": "job", "job_number": posting["job_number"], "body": "おすすめです。"}
    first = sent_notice_id(send(staff, seeker_numbers=taro, **words))
    second = sent_notice_id(send(staff, seeker_numbers=jiro, **words))
    assert first != second
    assert recipients_of(staff, second) == {jiro}


# --- Who may do what ---------------------------------------------------------------------

STAFF_PAGES = [
    ("GET", "/staff/notices"),
    ("GET", NEW),
    ("GET", "/staff/notices/1"),
    ("POST", NEW),
]


@pytest.fixture(scope="module")
def not_staff(module_client):
    """Browsers of nobody, of Taro and of となみ精工's user on the module's app (砺波's staff
    exist too), whose database the refusals below only read."""
    factories.staff(module_client)
    factories.seeker(module_client, email="taro@example.com", password=SEEKER_PASSWORD)
    factories.employer(module_client)
    browsers = browsers_for(
        module_client, {"anonymous": None, "seeker": SEEKER, "employer": EMPLOYER}
    )
    with factories.unchanged(module_client):
        yield browsers


@pytest.mark.parametrize(("method", "url"), STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_staff_login(not_staff, method, url):
    visitor = not_staff["anonymous"]
    if method == "GET":
        response = visitor.get(url, follow_redirects=False)
    else:
        response = submit(visitor, url, {"title": "x"}, page="/login", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login")


@pytest.mark.parametrize("who", ["seeker", "employer"])
@pytest.mark.parametrize(("method", "url"), STAFF_PAGES)
def test_job_seekers_and_employers_are_refused_staff_pages(not_staff, who, method, url):
    browser = not_staff[who]
    if method == "GET":
        response = browser.get(url, follow_redirects=False)
    else:
        response = submit(
            browser, url, {"title": "x", "body": "y", "audience": "office"}, page="/jobs/search"
        )
    assert response.status_code == 403
    assert notice_count(browser) == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/mypage/notices"),
        ("GET", "/mypage/notices/1"),
        ("GET", "/mypage/settings/mail"),
    ],
)
def test_my_page_notices_need_a_job_seeker_sign_in(staff, method, url):
    """Staff are not job-seekers: their session does not open My Page."""
    response = staff.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# --- Scale -------------------------------------------------------------------------------


def test_an_office_of_thousands_is_sent_in_one_go(staff):
    """INSERT ... SELECT: recipients and mails for every job-seeker, in one transaction."""
    now = staff.app.state.clock.now()
    rows = [
        {
            "seeker_number": f"16040-{90_000_000 + n:08d}",
            "office_id": office_id(staff),
            "name": "求職者",
            "kana": "キュウショクシャ",
            "birthdate": dt.date(1990, 1, 1),
            "email": f"seeker{n}@example.com",
            "created_at": now,
            # Most have mail off: the test SMTP server need not take thousands of mails.
            "mail_notices": n < 3,
        }
        for n in range(3000)
    ]
    for start in range(0, len(rows), 1000):
        factories.run(
            staff,
            lambda conn, part=rows[start : start + 1000]: conn.execute(
                job_seekers.insert().values(part)
            ),
        )

    response = send(staff)

    notice_id = sent_notice_id(response)
    assert "送信しました（送信先 3,000人）。" in response.text
    assert len(recipients_of(staff, notice_id)) == 3000
    queued = factories.run(
        staff,
        lambda conn: conn.fetch_val(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.to_addr.like("seeker%"))
        ),
    )
    assert queued == 3
    staff.smtp.wait_for("seeker2@example.com")


def test_an_office_wide_send_must_be_confirmed(staff):
    factories.seeker(staff, email="taro@example.com", password=SEEKER_PASSWORD)
    response = send(staff, confirm_all="")
    assert response.status_code == 422
    assert forms.CONFIRM_ALL in response.text
    assert "就職面接会のご案内" in response.text  # what was typed stays
    assert not staff.smtp.to("taro@example.com")
    assert send(staff).status_code == 200


# --- One reading of a 求職番号, in the search and in the list -------------------------------

NUMBER_FORMS = [
    "16040-00000001",
    "１６０４０－０００００００１",  # full-width
    "1604000000001",  # no hyphen
    "１６０４００００００００１",
    "16040ー00000001",  # the 長音符 a phone's keyboard offers for a dash
    "16040‐00000001",
    "16040−00000001",  # minus
    " 16040-00000001 ",
    "1",  # the serial alone: this office's
    "００００００01",
]


@pytest.mark.parametrize("typed", NUMBER_FORMS)
def test_a_number_the_search_finds_is_one_the_list_accepts(staff, typed):
    """The 情報提供 list refused forms the staff search took (issue 12): both now read a
    求職番号 through seekers.parse_seeker_number."""
    taro = factories.seeker(staff, email="taro@example.com")
    assert taro == "16040-00000001"
    found = staff.get("/staff/seekers", params={"q": typed})
    assert f">{taro}<" in found.text
    response = send(staff, audience="chosen", seeker_numbers=typed)
    assert recipients_of(staff, sent_notice_id(response)) == {taro}


@pytest.mark.parametrize(
    "typed",
    [
        "16040-0000001",  # a digit short: the serial 1 or 10? neither is guessed
        "16040-1",
        "16040_00000001",
        "160400000001",  # twelve digits
        "１６０４０＝０００００００１",
        "abc",
    ],
)
def test_a_number_neither_reads_is_refused_in_the_list_and_not_found_by_the_search(staff, typed):
    taro = factories.seeker(staff, email="taro@example.com")
    found = staff.get("/staff/seekers", params={"q": typed})
    assert f">{taro}<" not in found.text
    response = send(staff, audience="chosen", seeker_numbers=typed)
    assert response.status_code == 422
    assert "求職番号の形式が正しくありません（例: 16040-00000001）" in response.text
    assert notice_count(staff) == 0


def test_the_one_reading_of_a_number():
    read = seekers.parse_seeker_number
    assert read("１６０４０ー００００００１２", "13010") == "16040-00000012"
    assert read("12", "13010") == "13010-00000012"
    assert read("123456789", "13010") is None  # nine digits: not a serial, not a number
    assert forms.parse_numbers("1、16040-00000001,\n２", "16040") == (
        ["16040-00000001", "16040-00000002"],
        [],
    )
