"""求人者からのリクエスト: an employer sends one of its open postings to a published
profile; the job-seeker reads it (with a mail unless turned off), declines, blocks."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import (
    EMPLOYER,
    OTHER_EMPLOYER,
    SEEKER,
    STAFF,
    browsers_for,
    errors_of,
    signed_in,
    submit,
)
from webapp.direct_requests import service
from webapp.direct_requests.forms import BAD_POSTING, LONG_MESSAGE, NO_MESSAGE, NO_POSTING
from webapp.schema import (
    direct_requests,
    employer_blocks,
    job_seekers,
    outbox,
    seeker_profiles,
)

PASSWORD = SEEKER.password
MESSAGE = "経理経験を活かせる求人です。ぜひご検討ください。"
NOT_FOUND = service.ProfileNotVisible.message
LIMIT = "この求人は既に10人に送信しています。1つの求人を送信できるのは10人までです。"
ALREADY = (
    "この求職者には、この求人を既に送信しています。"
    "同じ求人を同じ求職者に送信できるのは1回までです。"
)


def published_seeker(client, email: str, *, password: str | None = None, **profile) -> str:
    """A counter-registered job-seeker with a published profile; returns the 公開番号."""
    factories.seeker(client, email=email, password=password, desired_occupation="C")
    return factories.published_profile(client, factories.seeker_id(client, email=email), **profile)


@pytest.fixture
def company(client):
    """株式会社となみ精工, signed in on `client`, with one open posting."""
    eid = factories.employer_id(client, factories.employer(client))
    client.posting = factories.posting(client, employer_id=eid, job_title="経理事務員")
    client.employer_id = eid
    return signed_in(client, EMPLOYER, first=True)


@pytest.fixture
def taro(company):
    """A published job-seeker who can sign in (not signed in yet)."""
    return published_seeker(company, "taro@example.com", password=PASSWORD)


def send(client, number: str, posting_id, message: str = MESSAGE, **kwargs):
    """POST the request form (the token read from the profile page, or `page`)."""
    page = kwargs.pop("page", f"/employer/profiles/{number}")
    data = {"posting_id": str(posting_id), "message": message}
    return submit(client, f"/employer/profiles/{number}/request", data, page=page, **kwargs)


def taro_applies(company) -> None:
    """Taro's application to the company's posting, written as the apply page would."""
    sid = factories.seeker_id(company, email="taro@example.com")
    factories.application_row(company, sid, company.posting["id"])


def seeker_browser(client, email: str = "taro@example.com"):
    return signed_in(client, SEEKER._replace(email=email))


def test_a_sent_request_reaches_the_seeker_with_a_mail(company, taro):
    page = company.get(f"/employer/profiles/{taro}")
    assert "経理事務員" in page.text
    response = send(company, taro, company.posting["id"])
    assert response.url.path == f"/employer/profiles/{taro}"
    assert "リクエストを送信しました。求職者のマイページに届きます。" in response.text

    mail = company.smtp.wait_for("taro@example.com", 1)[0]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert mail["Subject"] == "【ハローワーク】求人者からリクエストが届きました"
    assert "http://testserver/mypage/requests" in body
    assert MESSAGE not in body
    assert "となみ精工" not in body

    seeker = seeker_browser(company)
    sid = factories.seeker_id(company, email="taro@example.com")
    assert factories.run(company, lambda conn: service.unread_count(conn, sid)) == 1
    inbox = seeker.get("/mypage/requests")
    assert "株式会社となみ精工" in inbox.text
    assert f'<a href="/jobs/{company.posting["job_number"]}">経理事務員</a>' in inbox.text
    assert f'href="/jobs/{company.posting["id"]}/apply"' in inbox.text
    assert MESSAGE in inbox.text
    assert '<span class="badge badge--new">未読</span>' in inbox.text
    assert "未回答" in inbox.text
    assert factories.run(company, lambda conn: service.unread_count(conn, sid)) == 0
    assert '<span class="badge badge--new">未読</span>' not in seeker.get("/mypage/requests").text


def test_no_mail_when_the_seeker_turned_request_mails_off(company, taro):
    factories.run(
        company,
        lambda conn: conn.execute(
            job_seekers.update()
            .where(job_seekers.c.email == "taro@example.com")
            .values(mail_requests=False)
        ),
    )
    send(company, taro, company.posting["id"])
    assert len(factories.rows(company, direct_requests)) == 1
    assert factories.rows(company, outbox, outbox.c.to_addr == "taro@example.com") == []


def test_a_posting_goes_to_at_most_ten_job_seekers(company):
    numbers = [published_seeker(company, f"seeker{i}@example.com") for i in range(11)]
    for number in numbers[:10]:
        assert send(company, number, company.posting["id"]).status_code == 200
    response = send(company, numbers[10], company.posting["id"])
    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{LIMIT}</p>"]
    assert len(factories.rows(company, direct_requests)) == 10
    # The form says so before sending, too.
    assert "送信できる人数に達しています" in company.get(f"/employer/profiles/{numbers[10]}").text


def test_a_job_seeker_receives_a_posting_once(company, taro):
    send(company, taro, company.posting["id"])
    response = send(company, taro, company.posting["id"])
    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{ALREADY}</p>"]
    assert len(factories.rows(company, direct_requests)) == 1


def test_another_posting_may_go_to_the_same_job_seeker(company, taro):
    second = factories.posting(company, employer_id=company.employer_id, job_title="営業事務")
    send(company, taro, company.posting["id"])
    assert send(company, taro, second["id"]).status_code == 200
    assert len(factories.rows(company, direct_requests)) == 2


def _other_employers(client):
    other = factories.employer(client, email="other@example.com", name="他社株式会社")
    return factories.posting(client, employer_id=factories.employer_id(client, other))


def _filled(client):
    return factories.posting(client, employer_id=client.employer_id, status="filled")


def _past_deadline(client):
    return factories.posting(client, employer_id=client.employer_id, days_old=70, open_days=60)


def _draft(client):
    return factories.posting(client, employer_id=client.employer_id, status="draft")


@pytest.mark.parametrize("make", [_other_employers, _filled, _past_deadline, _draft])
def test_only_the_employers_own_open_postings_can_be_sent(company, taro, make):
    posting = make(company)
    response = send(company, taro, posting["id"])
    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{BAD_POSTING}</p>"]
    assert f'value="{posting["id"]}"' not in company.get(f"/employer/profiles/{taro}").text
    assert factories.rows(company, direct_requests) == []


@pytest.mark.parametrize(
    ("posting", "message", "field", "error"),
    [
        ("", MESSAGE, "posting_id", NO_POSTING),
        ("abc", MESSAGE, "posting_id", BAD_POSTING),
        ("99999999999999999999", MESSAGE, "posting_id", BAD_POSTING),
        (None, "", "message", NO_MESSAGE),
        (None, "  \n ", "message", NO_MESSAGE),
        (None, "あ" * 1001, "message", LONG_MESSAGE),
    ],
)
def test_request_form_errors(company, taro, posting, message, field, error):
    posting_id = company.posting["id"] if posting is None else posting
    response = send(company, taro, posting_id, message)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert errors_of(response) == [f"<p>{error}</p>"]
    if field == "message" and message.strip():
        assert "あ" * 1001 in response.text  # what was typed comes back
    assert factories.rows(company, direct_requests) == []


def test_a_message_of_exactly_1000_characters_is_sent(company, taro):
    assert send(company, taro, company.posting["id"], "あ" * 1000).status_code == 200
    assert factories.rows(company, direct_requests)[0]["message"] == "あ" * 1000


def test_request_errors_come_back_as_the_fragment_for_htmx(company, taro):
    response = send(company, taro, company.posting["id"], "", htmx=True)
    assert response.status_code == 422
    assert '<section id="request-form" class="card"' in response.text
    assert "<html" not in response.text


def test_an_unpublished_profile_cannot_be_sent_to(company, taro):
    factories.run(
        company,
        lambda conn: conn.execute(seeker_profiles.update().values(published=False)),
    )
    response = send(company, taro, company.posting["id"])
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    htmx_response = send(company, taro, company.posting["id"], htmx=True)
    assert htmx_response.headers["HX-Redirect"] == f"/employer/profiles/{taro}"
    assert factories.rows(company, direct_requests) == []


def test_an_inactive_job_seeker_gets_no_request(company, taro):
    factories.run(
        company,
        lambda conn: conn.execute(job_seekers.update().values(status="inactive")),
    )
    assert send(company, taro, company.posting["id"]).status_code == 404
    assert factories.rows(company, direct_requests) == []


def test_a_blocked_employer_neither_sees_nor_reaches_the_profile(company, taro):
    send(company, taro, company.posting["id"])
    seeker = seeker_browser(company)
    request_id = factories.rows(company, direct_requests)[0]["id"]
    confirm = seeker.get(f"/mypage/requests/{request_id}/block")
    assert "求人者をブロックしますか" in confirm.text
    assert "株式会社となみ精工" in confirm.text
    response = submit(seeker, f"/mypage/requests/{request_id}/block", page="/mypage/requests")
    assert "求人者をブロックしました。" in response.text
    assert "経理事務員" not in response.text  # its requests are hidden

    page = company.get(f"/employer/profiles/{taro}")
    assert page.status_code == 404
    assert NOT_FOUND in page.text  # the same answer as not found: the block is not revealed
    assert taro not in company.get("/employer/profiles").text
    second = factories.posting(company, employer_id=company.employer_id)
    refused = send(company, taro, second["id"], page="/employer/profiles")
    assert refused.status_code == 404
    assert len(factories.rows(company, direct_requests)) == 1

    # Another employer still sees the profile.
    factories.employer(company, email="other@example.com", name="他社株式会社")
    other = signed_in(company, OTHER_EMPLOYER)
    assert other.get(f"/employer/profiles/{taro}").status_code == 200

    blocks = seeker.get("/mypage/blocks")
    assert "株式会社となみ精工" in blocks.text
    unblocked = submit(seeker, "/mypage/blocks", {"employer_id": str(company.employer_id)})
    assert "ブロックを解除しました。" in unblocked.text
    assert company.get(f"/employer/profiles/{taro}").status_code == 200
    assert "経理事務員" in seeker.get("/mypage/requests").text


def test_declining_marks_the_request(company, taro):
    send(company, taro, company.posting["id"])
    seeker = seeker_browser(company)
    request_id = factories.rows(company, direct_requests)[0]["id"]
    response = submit(seeker, f"/mypage/requests/{request_id}/decline", page="/mypage/requests")
    assert "リクエストを辞退しました。" in response.text
    assert "辞退済み" in response.text
    assert f"/mypage/requests/{request_id}/decline" not in response.text
    row = factories.rows(company, direct_requests)[0]
    assert row["state"] == "declined"
    assert row["decided_at"] is not None


def test_a_job_seeker_who_became_inactive_reads_requests_without_apply(company, taro):
    send(company, taro, company.posting["id"])
    seeker = seeker_browser(company)
    sid = factories.seeker_id(company, email="taro@example.com")
    factories.update(company, job_seekers, job_seekers.c.id == sid, status="inactive")
    inbox = seeker.get("/mypage/requests").text
    assert MESSAGE in inbox
    assert f'href="/jobs/{company.posting["id"]}/apply"' not in inbox
    assert "求職登録が「無効」になっているため、応募できません。" in inbox
    assert '<a href="/mypage/status">求職登録の「有効／無効」を切り替える</a>' in inbox


def test_an_application_makes_the_request_applied(company, taro):
    send(company, taro, company.posting["id"])
    taro_applies(company)
    inbox = seeker_browser(company).get("/mypage/requests")
    assert "応募済み" in inbox.text
    assert f'href="/jobs/{company.posting["id"]}/apply"' not in inbox.text
    assert factories.rows(company, direct_requests)[0]["state"] == "applied"


def sent_list(client) -> str:
    response = client.get("/employer/requests")
    assert response.status_code == 200
    return response.text


def test_the_employer_sees_each_request_and_its_answer(company, taro):
    assert "まだリクエストを送信していません。" in sent_list(company)
    send(company, taro, company.posting["id"])
    hanako = published_seeker(company, "hanako@example.com", password=PASSWORD)
    send(company, hanako, company.posting["id"])
    page = sent_list(company)
    assert "<strong>2件</strong>のリクエスト" in page
    assert f'<a href="/employer/profiles/{taro}">公開番号 {taro}</a>' in page
    assert f'<a href="/employer/profiles/{hanako}">公開番号 {hanako}</a>' in page
    assert page.count("未回答") == 2
    assert "経理事務員" in page
    assert MESSAGE in page
    assert "taro@example.com" not in page

    seeker = seeker_browser(company)
    taro_request = factories.rows(
        company,
        direct_requests,
        direct_requests.c.seeker_id == factories.seeker_id(company, email="taro@example.com"),
    )[0]
    submit(seeker, f"/mypage/requests/{taro_request['id']}/decline", page="/mypage/requests")
    page = sent_list(company)
    assert page.count("辞退済み") == 1
    assert page.count("未回答") == 1
    assert "辞退日" in page


def test_the_sent_list_says_when_older_requests_are_not_shown(company, taro):
    send(company, taro, company.posting["id"])
    hanako = published_seeker(company, "hanako@example.com", password=PASSWORD)
    send(company, hanako, company.posting["id"])
    today = company.app.state.clock.now().date()

    def newest(limit):
        return factories.run(
            company,
            lambda conn: service.sent_by_employer(
                conn, company.employer_id, today=today, limit=limit
            ),
        )

    items, more = newest(1)
    assert [item["publish_number"] for item in items] == [hanako] and more
    items, more = newest(2)
    assert len(items) == 2 and not more
    assert "<strong>2件</strong>のリクエスト" in sent_list(company)


def test_an_application_shows_as_applied_before_the_inbox_is_opened(company, taro):
    send(company, taro, company.posting["id"])
    taro_applies(company)
    assert factories.rows(company, direct_requests)[0]["state"] == "sent"
    assert "応募済み" in sent_list(company)


@pytest.mark.parametrize("hide", ["unpublish", "inactive", "block"])
def test_a_hidden_profile_loses_its_number_on_the_sent_list_alike(company, taro, hide):
    send(company, taro, company.posting["id"])
    sid = factories.seeker_id(company, email="taro@example.com")

    async def work(conn):
        if hide == "unpublish":
            await conn.execute(
                seeker_profiles.update()
                .where(seeker_profiles.c.seeker_id == sid)
                .values(published=False)
            )
        elif hide == "inactive":
            await conn.execute(
                job_seekers.update().where(job_seekers.c.id == sid).values(status="inactive")
            )
        else:
            await conn.execute(
                employer_blocks.insert().values(
                    seeker_id=sid,
                    employer_id=company.employer_id,
                    created_at=company.app.state.clock.now(),
                )
            )

    factories.run(company, work)
    page = sent_list(company)
    assert taro not in page
    assert "現在は公開されていない求職者" in page
    assert "未回答" in page  # a block is not told


def test_another_employers_requests_are_not_listed(company, taro):
    send(company, taro, company.posting["id"])
    factories.employer(company, email="other@example.com", name="他社株式会社")
    other = signed_in(company, OTHER_EMPLOYER)
    page = sent_list(other)
    assert "まだリクエストを送信していません。" in page
    assert taro not in page
    assert MESSAGE not in page


def test_employer_search_filters(company):
    """職種 (any of the three), 都道府県 and 市区町村, 雇用形態 and 免許・資格 — and only on
    the parts a profile publishes."""
    a = published_seeker(company, "a@example.com", licenses="介護福祉士")
    b = published_seeker(company, "b@example.com", desired_occupation_2="E")
    hidden = published_seeker(company, "c@example.com", publish_parts="pr", licenses="介護福祉士")
    factories.run(
        company,
        lambda conn: conn.execute(
            job_seekers.update()
            .where(job_seekers.c.email == "a@example.com")
            .values(
                desired_prefecture="16",
                desired_municipality="砺波市",
                desired_employment_type="part",
            )
        ),
    )

    def found(query: str) -> set[str]:
        text = company.get(f"/employer/profiles?{query}").text
        return {n for n in (a, b, hidden) if n in text}

    assert found("") == {a, b, hidden}
    assert found("occ=C") == {a, b}
    assert found("occ=E") == {b}
    assert found("pref=16") == {a}
    assert found("pref=16&city=砺波") == {a}
    assert found("pref=16&city=高岡") == set()
    assert found("emp=part") == {a}
    assert found("license=介護") == {a}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("occ=Z", "occ", "職種を一覧から選んでください。"),
        ("pref=99", "pref", "都道府県を一覧から選んでください。"),
        ("city=砺波市", "city", "市区町村で絞り込むときは、都道府県も選んでください。"),
        ("emp=boss", "emp", "雇用形態を一覧から選んでください。"),
    ],
)
def test_employer_search_errors(company, query, field, message):
    response = company.get(f"/employer/profiles?{query}")
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert errors_of(response) == [f"<p>{message}</p>"]


def test_employer_search_is_paginated(company):
    numbers = [published_seeker(company, f"s{i}@example.com") for i in range(21)]
    first = company.get("/employer/profiles")
    assert "21</span>件の求職情報" in first.text
    assert "1 / 2ページ" in first.text
    assert sum(n in first.text for n in numbers) == 20
    second = company.get("/employer/profiles?page=2")
    assert sum(n in second.text for n in numbers) == 1


# ---------------------------------------------------------------------------------------
# Authorization


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/mypage/requests/{id}/decline"),
        ("get", "/mypage/requests/{id}/block"),
        ("post", "/mypage/requests/{id}/block"),
    ],
)
def test_another_seekers_request_is_not_found(company, taro, method, path):
    send(company, taro, company.posting["id"])
    request_id = factories.rows(company, direct_requests)[0]["id"]
    factories.seeker(company, email="jiro@example.com", name="山田次郎", password=PASSWORD)
    jiro = seeker_browser(company, "jiro@example.com")
    url = path.format(id=request_id)
    response = jiro.get(url) if method == "get" else submit(jiro, url, page="/mypage/requests")
    assert response.status_code == 404
    assert "株式会社となみ精工" not in response.text
    assert factories.rows(company, direct_requests)[0]["state"] == "sent"
    assert factories.rows(company, employer_blocks) == []


@pytest.mark.parametrize("url", ["/mypage/requests/99999999999/block", "/mypage/requests/0/block"])
def test_unknown_request_ids_are_not_found(company, taro, url):
    seeker = seeker_browser(company)
    assert seeker.get(url).status_code == 404


def test_unblocking_an_employer_never_blocked_is_not_found(company, taro):
    seeker = seeker_browser(company)
    for value in (str(company.employer_id), "abc", "99999999999"):
        response = submit(seeker, "/mypage/blocks", {"employer_id": value})
        assert response.status_code == 404


EMPLOYER_URLS = [
    ("get", "/employer/profiles"),
    ("get", "/employer/profiles/K00000001"),
    ("post", "/employer/profiles/K00000001/request"),
    ("get", "/employer/requests"),
]


@pytest.fixture(scope="module")
def not_employers(module_client):
    """Browsers signed in as a published job-seeker and as staff on the module's app,
    whose database the refusals below only read ("anonymous": nobody signed in)."""
    published_seeker(module_client, "taro@example.com", password=PASSWORD)
    factories.staff(module_client)
    browsers = browsers_for(module_client, {"anonymous": None, "seeker": SEEKER, "staff": STAFF})
    with factories.unchanged(module_client):
        yield browsers


@pytest.mark.parametrize(("method", "url"), EMPLOYER_URLS)
def test_employer_pages_send_anonymous_visitors_to_the_employer_door(not_employers, method, url):
    visitor = not_employers["anonymous"]
    if method == "get":
        response = visitor.get(url, follow_redirects=False)
    else:
        response = submit(
            visitor,
            url,
            {"posting_id": "1", "message": "x"},
            page="/employer/login",
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/employer/login")


@pytest.mark.parametrize("who", ["seeker", "staff"])
@pytest.mark.parametrize(("method", "url"), EMPLOYER_URLS)
def test_employer_pages_refuse_job_seekers_and_staff(not_employers, who, method, url):
    browser = not_employers[who]
    if method == "get":
        response = browser.get(url, follow_redirects=False)
    else:
        page = "/mypage" if who == "seeker" else "/staff"
        response = submit(browser, url, {"posting_id": "1", "message": "x"}, page=page)
    assert response.status_code == 403
    assert factories.rows(browser, direct_requests) == []


@pytest.mark.parametrize("url", ["/mypage/requests", "/mypage/blocks", "/mypage/requests/1/block"])
def test_seeker_pages_need_a_signed_in_job_seeker(not_employers, url):
    response = not_employers["anonymous"].get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_an_employer_is_not_a_job_seeker_on_the_inbox(company):
    assert company.get("/mypage/requests", follow_redirects=False).status_code == 303
