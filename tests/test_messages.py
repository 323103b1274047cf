"""相互連絡: a thread per application, written and read by the job-seeker and the 事業所,
unread counts on both menus, polling for new messages, mail notices, and nobody else in."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests import factories
from tests.helpers import (
    EMPLOYER,
    OTHER_EMPLOYER,
    OTHER_SEEKER,
    SEEKER,
    STAFF,
    browsers_for,
    errors_of,
    signed_in,
)
from webapp.schema import applications, job_seekers, messages, outbox

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRF-Token": "([^"]+)"')
AFTER = re.compile(r'name="after" value="(\d+)"')


@pytest.fixture
def thread(client):
    """Taro applied to a posting of 株式会社となみ精工; Hanako and another 事業所 exist."""
    world = factories.applications_world(client)
    factories.staff(client)
    application_id = factories.application_row(client, world.taro, world.posting["id"])
    return SimpleNamespace(
        id=application_id,
        seeker_url=f"/mypage/applications/{application_id}/messages",
        employer_url=f"/employer/applicants/{application_id}/messages",
        posting=world.posting,
        taro=world.taro,
    )


def send(browser, url: str, body: str, *, htmx: bool = False, after: str | None = None):
    """Open the thread as a person would, then send the form on it."""
    page = browser.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    after = after if after is not None else AFTER.search(page.text).group(1)
    headers = {"HX-Request": "true"} if htmx else {}
    return browser.post(
        url, data={"csrf_token": token, "after": after, "body": body}, headers=headers
    )


def stored(client) -> list:
    return factories.rows(client, messages)


def queued_to(client, address: str) -> list:
    return factories.rows(client, outbox, outbox.c.to_addr == address)


def notices_to(client, address: str, subject: str) -> list:
    return [row for row in queued_to(client, address) if row["subject"] == subject]


SEEKER_NOTICE = "【ハローワーク】応募先の事業所からメッセージが届きました"
EMPLOYER_NOTICE = "【ハローワーク】応募者からメッセージが届きました"


def test_both_sides_write_and_read_one_thread(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)

    response = send(seeker, thread.seeker_url, "はじめまして。\n面接の日程についてご相談です。")
    assert response.status_code == 200
    assert response.url.path == thread.seeker_url
    assert "メッセージを送信しました。" in response.text

    page = employer.get(thread.employer_url)
    assert page.status_code == 200
    assert "応募者とのメッセージ" in page.text
    assert "山田太郎" in page.text
    assert "はじめまして。\n面接の日程についてご相談です。" in page.text
    assert '<span class="tag tag--new">新着</span>' in page.text

    send(employer, thread.employer_url, "ご連絡ありがとうございます。\n来週はいかがですか。")
    page = seeker.get(thread.seeker_url)
    assert "事業所とのメッセージ" in page.text
    assert "精密部品の検査" in page.text
    first = page.text.index("はじめまして。")
    reply = page.text.index("ご連絡ありがとうございます。\n来週はいかがですか。")
    assert first < reply  # oldest first
    assert '<span class="message__from">株式会社となみ精工</span>' in page.text
    assert '<span class="message__from">山田太郎</span>' in page.text
    assert "担当: 採用花子" not in page.text  # who at the 事業所 wrote is theirs to know
    assert "担当: 採用花子" in employer.get(thread.employer_url).text
    assert re.search(r'<time class="message__time nowrap" datetime="[^"]+">\d{4}年', page.text)

    rows = stored(client)
    assert [(r["sender"], r["member_id"] is not None) for r in rows] == [
        ("seeker", False),
        ("employer", True),
    ]
    assert all(r["read_at"] is not None for r in rows)


def test_unread_counts_go_up_and_back_to_zero_once_the_thread_is_opened(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)

    send(employer, thread.employer_url, "書類を拝見しました。")
    send(employer, thread.employer_url, "面接にお越しください。")
    assert "未読メッセージ 2件" in seeker.get("/mypage").text
    seeker.get(thread.seeker_url)
    assert "未読メッセージ" not in seeker.get("/mypage").text

    send(seeker, thread.seeker_url, "承知しました。")
    assert "未読メッセージ 1件" in employer.get("/employer").text
    employer.get(thread.employer_url)
    assert "未読メッセージ" not in employer.get("/employer").text


def test_the_writers_own_messages_do_not_count_as_unread_for_them(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    send(seeker, thread.seeker_url, "よろしくお願いします。")
    assert "未読メッセージ" not in seeker.get("/mypage").text


def test_polling_returns_only_newer_messages_marks_them_read_then_204(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "一通目です。")
    page = seeker.get(thread.seeker_url)
    last = AFTER.search(page.text).group(1)
    assert f'hx-get="{thread.seeker_url}/since/{last}"' in page.text
    assert 'hx-trigger="every 10s, visibilitychange from:document"' in page.text
    assert "新しいメッセージを確認" in page.text  # without JavaScript: a reload

    send(employer, thread.employer_url, "二通目です。")
    htmx = {"HX-Request": "true"}
    poll = seeker.get(f"{thread.seeker_url}/since/{last}", headers=htmx)
    assert poll.status_code == 200
    assert "二通目です。" in poll.text
    assert "一通目です。" not in poll.text
    assert "<html" not in poll.text
    newest = stored(client)[-1]["id"]
    assert f'hx-get="{thread.seeker_url}/since/{newest}"' in poll.text
    assert 'hx-swap-oob="true"' in poll.text  # the poll moves on, and so does the form
    assert f'id="message-after" name="after" value="{newest}"' in poll.text
    assert "未読メッセージ" not in seeker.get("/mypage").text

    nothing = seeker.get(f"{thread.seeker_url}/since/{newest}", headers=htmx)
    assert nothing.status_code == 204
    assert nothing.text == ""


def test_polling_leaves_a_message_that_arrives_after_it_unread(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "一通目です。")
    page = seeker.get(thread.seeker_url)
    last = AFTER.search(page.text).group(1)
    nothing = seeker.get(f"{thread.seeker_url}/since/{last}", headers={"HX-Request": "true"})
    assert nothing.status_code == 204
    send(employer, thread.employer_url, "二通目です。")
    assert "未読メッセージ 1件" in seeker.get("/mypage").text


def test_the_employer_polls_too(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    page = employer.get(thread.employer_url)
    assert "まだメッセージはありません。" in page.text
    assert AFTER.search(page.text).group(1) == "0"
    send(seeker, thread.seeker_url, "応募書類を送りました。")
    poll = employer.get(f"{thread.employer_url}/since/0", headers={"HX-Request": "true"})
    assert "応募書類を送りました。" in poll.text
    assert "未読メッセージ" not in employer.get("/employer").text


def test_the_poll_url_without_htmx_goes_back_to_the_thread(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    response = seeker.get(f"{thread.seeker_url}/since/0", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == thread.seeker_url


def test_sending_with_htmx_appends_the_message_and_clears_the_form(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    response = send(seeker, thread.seeker_url, "よろしくお願いします。", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'hx-swap-oob="beforeend:#message-list"' in response.text
    assert "よろしくお願いします。</p>" in response.text
    assert "メッセージを送信しました。" in response.text
    assert re.search(r'<textarea id="body"[^>]*>\n</textarea>', response.text)
    newest = stored(client)[-1]["id"]
    assert f'hx-get="{thread.seeker_url}/since/{newest}"' in response.text
    assert f'name="after" value="{newest}"' in response.text


def test_sending_with_htmx_appends_what_the_page_had_not_shown_yet(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    page = seeker.get(thread.seeker_url)
    after = AFTER.search(page.text).group(1)
    send(employer, thread.employer_url, "お待ちしております。")
    response = send(seeker, thread.seeker_url, "伺います。", htmx=True, after=after)
    assert "お待ちしております。" in response.text
    assert "伺います。" in response.text


def test_without_javascript_a_send_redirects_back_to_the_thread(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    page = seeker.get(thread.seeker_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = seeker.post(
        thread.seeker_url,
        data={"csrf_token": token, "after": "0", "body": "こんにちは"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{thread.seeker_url}?sent=1#message-form"


TOO_LONG = "メッセージは1000文字以内で入力してください（いま1234文字）。"
CONTROL = "改行とタブ以外の制御文字は使えません。"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "メッセージを入力してください。"),
        (" \n\u3000\t", "メッセージを入力してください。"),
        ("\x00\x07\u202e", CONTROL),
        ("はい\u202eです", CONTROL),
        ("あ" * 1234, TOO_LONG),
        ("\n" + "字" * 1001 + "\n", "メッセージは1000文字以内で入力してください（いま1001文字）。"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_message_must_have_text_within_the_limit(client, thread, body, message, htmx):
    seeker = signed_in(client, SEEKER, first=True)
    response = send(seeker, thread.seeker_url, body, htmx=htmx)
    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{message}</p>"]
    assert ("<html" in response.text) is not htmx
    assert stored(client) == []
    if body.strip() and message != CONTROL:
        assert body.strip() in response.text  # what was typed is kept


def test_exactly_1000_characters_are_accepted_after_trimming(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    response = send(seeker, thread.seeker_url, "  " + "字" * 1000 + "\n\n")
    assert response.status_code == 200
    assert stored(client)[0]["body"] == "字" * 1000


def test_html_in_a_message_is_shown_as_text_on_both_sides(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    text = '<script>alert("x")</script>\n<b>太字</b> & <a href="https://evil.example">link</a>'
    send(seeker, thread.seeker_url, text)
    for browser, url in ((seeker, thread.seeker_url), (employer, thread.employer_url)):
        page = browser.get(url)
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\n&lt;b&gt;太字&lt;/b&gt;" in page.text
        )
        assert "<script>alert" not in page.text
        assert '<a href="https://evil.example">' not in page.text
    poll = employer.get(f"{thread.employer_url}/since/0", headers={"HX-Request": "true"})
    assert "<script>alert" not in poll.text


def test_control_characters_are_refused_and_line_breaks_kept(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    refused = send(seeker, thread.seeker_url, "一行目\r\n二行目\x07\u202eです\x00")
    assert refused.status_code == 422 and stored(client) == []
    assert "一行目\n二行目です" in refused.text  # shown back without them, to send again
    send(seeker, thread.seeker_url, "一行目\r\n二行目\rです\t。")
    assert stored(client)[0]["body"] == "一行目\n二行目\nです\t。"


def test_sending_the_same_form_twice_stores_the_message_once(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    page = seeker.get(thread.seeker_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": token, "after": AFTER.search(page.text).group(1), "body": "はい"}
    first = seeker.post(thread.seeker_url, data=form, follow_redirects=False)
    again = seeker.post(thread.seeker_url, data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert [r["body"] for r in stored(client)] == ["はい"]
    htmx_again = seeker.post(thread.seeker_url, data=form, headers={"HX-Request": "true"})
    assert htmx_again.status_code == 200
    assert [r["body"] for r in stored(client)] == ["はい"]

    send(seeker, thread.seeker_url, "はい")  # the same words from a fresh form: a new message
    assert [r["body"] for r in stored(client)] == ["はい", "はい"]


def test_a_message_from_the_employer_mails_the_seeker_a_link_not_the_text(client, thread):
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "面接は10日の14時でお願いします。")
    mail = client.smtp.wait_for("taro@example.com", 1)[-1]
    assert mail["Subject"] == SEEKER_NOTICE
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "山田太郎 様" in body
    assert f"http://testserver{thread.seeker_url}\n" in body
    assert "応募先: 株式会社となみ精工\n求人: 精密部品の検査（求人番号 13010-" in body
    assert "面接は10日" not in body


def test_a_message_from_the_seeker_mails_the_employers_users(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    send(seeker, thread.seeker_url, "辞退はしません。")
    mail = client.smtp.wait_for("hr@example.com", 1)[-1]  # the employer has not signed in
    assert mail["Subject"] == EMPLOYER_NOTICE
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "採用花子 様" in body
    assert f"http://testserver{thread.employer_url}\n" in body
    assert "求人: 精密部品の検査" in body
    assert "辞退はしません。" not in body
    assert "山田太郎" not in body
    assert notices_to(client, "other@example.com", EMPLOYER_NOTICE) == []


def test_one_notice_per_unread_stretch(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "一通目")
    send(employer, thread.employer_url, "二通目")
    assert len(notices_to(client, "taro@example.com", SEEKER_NOTICE)) == 1
    seeker.get(thread.seeker_url)
    send(employer, thread.employer_url, "三通目")
    assert len(notices_to(client, "taro@example.com", SEEKER_NOTICE)) == 2


def test_a_seeker_who_turned_message_mail_off_gets_none(client, thread):
    async def mail_off(conn):
        await conn.execute(job_seekers.update().values(mail_messages=False))

    factories.run(client, mail_off)
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "ご確認ください。")
    assert notices_to(client, "taro@example.com", SEEKER_NOTICE) == []
    assert "未読メッセージ 1件" in seeker.get("/mypage").text  # still on My Page


@pytest.mark.parametrize("who", ["seeker", "employer"])
def test_nobody_writes_in_a_withdrawn_application_but_both_still_read(client, thread, who):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(seeker, thread.seeker_url, "お世話になります。")

    async def withdraw(conn):
        await conn.execute(applications.update().values(state="withdrawn"))

    factories.run(client, withdraw)
    browser, url = (
        (seeker, thread.seeker_url) if who == "seeker" else (employer, thread.employer_url)
    )
    page = browser.get(url)
    closed = (
        "この応募は辞退されたため、メッセージは送れません。"
        "これまでのメッセージは読むことができます。"
    )
    assert closed in page.text
    assert "お世話になります。" in page.text
    assert "<textarea" not in page.text

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = browser.post(url, data={"csrf_token": token, "after": "1", "body": "まだ送れますか"})
    assert response.status_code == 422
    assert closed in response.text
    assert "まだ送れますか" in response.text  # shown back, so it can be copied
    assert [r["body"] for r in stored(client)] == ["お世話になります。"]


def test_a_withdrawal_while_the_form_is_open_refuses_the_send(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    page = employer.get(thread.employer_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    async def withdraw(conn):
        await conn.execute(applications.update().values(state="withdrawn"))

    factories.run(client, withdraw)
    response = employer.post(
        thread.employer_url,
        data={"csrf_token": token, "after": "0", "body": "面接日のご案内"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "この応募は辞退されたため" in response.text
    assert stored(client) == []
    assert seeker is not None


def _token(browser) -> str:
    match = TOKEN.search(browser.get("/").text)
    return match.group(1) or match.group(2)


# Who tries, and what each of the three URLs of each side answers them.
REFUSALS = [
    # A job-seeker with no part in the application: as if it did not exist.
    ("other_seeker", "seeker", 404, None),
    # The other 事業所: the same.
    ("other_employer", "employer", 404, None),
    # Staff are not a party to the thread: not signed in as a job-seeker; not an employer.
    ("staff", "seeker", 303, "/login?next="),
    ("staff", "employer", 403, None),
    # Each party through the other's door.
    ("employer", "seeker", 303, "/login?next="),
    ("seeker", "employer", 403, None),
    # Nobody signed in: that door's login.
    ("anonymous", "seeker", 303, "/login?next="),
    ("anonymous", "employer", 303, "/employer/login"),
]
WHO = {
    "seeker": SEEKER,
    "employer": EMPLOYER,
    "other_seeker": OTHER_SEEKER,
    "other_employer": OTHER_EMPLOYER,
    "staff": STAFF,
}


@pytest.fixture(scope="module")
def private_threads(module_client):
    """Two threads of Taro's with 株式会社となみ精工 in the module's one database, each
    with one unread 秘密の話: under "seeker" the employer wrote it (the intruders try that
    thread's job-seeker URLs), under "employer" Taro did; and a browser for each of WHO
    (and "anonymous"). The refusals below must leave every row as it is."""
    world = factories.applications_world(module_client)
    factories.staff(module_client)
    second = factories.posting(module_client, employer_id=world.company, job_title="梱包")
    threads = {}
    for side, posting in (("seeker", world.posting), ("employer", second)):
        application_id = factories.application_row(module_client, world.taro, posting["id"])
        threads[side] = SimpleNamespace(
            id=application_id,
            seeker_url=f"/mypage/applications/{application_id}/messages",
            employer_url=f"/employer/applicants/{application_id}/messages",
        )
    browsers = browsers_for(module_client, {"anonymous": None, **WHO})
    send(browsers["employer"], threads["seeker"].employer_url, "秘密の話")
    send(browsers["seeker"], threads["employer"].seeker_url, "秘密の話")
    with factories.unchanged(module_client):
        yield threads, browsers


@pytest.mark.parametrize(("who", "side", "status", "location"), REFUSALS)
def test_nobody_reads_or_writes_a_thread_they_are_not_part_of(
    private_threads, who, side, status, location
):
    threads, browsers = private_threads
    thread, browser = threads[side], browsers[who]
    url = thread.seeker_url if side == "seeker" else thread.employer_url
    token = _token(browser)
    attempts = [
        browser.get(url, follow_redirects=False),
        browser.post(
            url,
            data={"csrf_token": token, "after": "0", "body": "のぞき見"},
            follow_redirects=False,
        ),
        browser.get(f"{url}/since/0", follow_redirects=False),
    ]
    for response in attempts:
        assert response.status_code == status, response.request.url
        assert "秘密の話" not in response.text
        if location:
            assert response.headers["location"].startswith(location)
    written = factories.rows(browser, messages, messages.c.application_id == thread.id)
    assert [r["body"] for r in written] == ["秘密の話"]
    assert all(r["read_at"] is None for r in written)


@pytest.mark.parametrize("side", ["seeker", "employer"])
def test_a_poll_without_a_session_stops_polling_and_shows_nothing(client, thread, side):
    url = thread.seeker_url if side == "seeker" else thread.employer_url
    response = client.get(f"{url}/since/0", headers={"HX-Request": "true"})
    # 286: htmx stops polling; no HX-Redirect that would take the page from a half-typed
    # message (a send goes to the sign-in form and keeps the text).
    assert response.status_code == 286
    assert response.text == ""
    assert "HX-Redirect" not in response.headers


def test_a_poll_from_a_session_that_ended_stops_too(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    send(employer, thread.employer_url, "ご確認ください。")
    client.app.state.clock.advance(hours=13)  # past the longest a session lives
    response = seeker.get(f"{thread.seeker_url}/since/0", headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert all(r["read_at"] is None for r in stored(client))


def test_an_unknown_application_is_404_for_both_sides(client, thread):
    seeker = signed_in(client, SEEKER, first=True)
    employer = signed_in(client, EMPLOYER)
    assert seeker.get(f"/mypage/applications/{thread.id + 99}/messages").status_code == 404
    assert employer.get(f"/employer/applicants/{thread.id + 99}/messages").status_code == 404


def test_polling_does_not_keep_an_idle_session_alive(client, thread, clock):
    """An open thread on a shared computer: its 10-second poll is not the user's activity."""
    seeker = signed_in(client, SEEKER, first=True)
    last = AFTER.search(seeker.get(thread.seeker_url).text).group(1)
    htmx = {"HX-Request": "true"}
    for _ in range(4):  # 32 minutes of polls and no clicks
        clock.advance(minutes=8)
        seeker.get(f"{thread.seeker_url}/since/{last}", headers=htmx)
    assert seeker.get("/mypage", follow_redirects=False).status_code == 303


def test_the_page_reads_the_thread_and_its_messages_as_the_two_lookups_do(client, thread):
    """thread_with_messages (the page's one statement) says what thread() and
    messages_after() say: with no message yet, with both sides', and None for a job-seeker
    whose application it is not."""
    from webapp.messages import service as messages_service

    def both(**mine):
        async def work(conn):
            apart = await messages_service.thread(conn, thread.id, **mine)
            together = await messages_service.thread_with_messages(conn, thread.id, **mine)
            if apart is None:
                return None, together
            return (apart, await messages_service.messages_after(conn, apart)), together

        return factories.run(client, work)

    apart, together = both(seeker_id=thread.taro)
    assert together == apart and together[1] == []
    factories.message(client, thread.id, "seeker", "よろしくお願いします。")
    factories.message(client, thread.id, "employer", "面接の日程をご連絡します。")
    factories.message(client, thread.id, "seeker", "承知しました。")
    for mine in ({"seeker_id": thread.taro}, {}):
        apart, together = both(**mine)
        assert together == apart
        assert [item["sender"] for item in together[1]] == ["seeker", "employer", "seeker"]
    hanako = factories.seeker_id(client, email="hanako@example.com")
    assert both(seeker_id=hanako) == (None, None)
