"""紹介を希望: a job-seeker asks online, the request waits in the office's queue, staff
approve (the referral and its application) or decline with a reason; the job-seeker
follows each state on My Page and by mail, and may withdraw while it waits."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests import factories
from tests.helpers import (
    EMPLOYER,
    IIDABASHI_STAFF,
    OTHER_SEEKER,
    SEEKER,
    STAFF,
    another_browser,
    ask_referral,
    check_revision,
    errors_of,
    signed_in,
    submit,
)
from webapp.referrals import service
from webapp.schema import (
    applications,
    apply_drafts,
    job_postings,
    job_seekers,
    outbox,
    referral_requests,
    referrals,
)

SEEKER_PASSWORD = factories.SEEKER_PASSWORD


def mails_to(client, address: str, subject_part: str) -> list:
    """Mails queued to `address` (the outbox is written in the change's own transaction)."""
    rows = factories.rows(client, outbox)
    return [r for r in rows if r["to_addr"] == address and subject_part in r["subject"]]


def wait_for_subject(client, address: str, subject_part: str):
    count = 1
    while True:
        mails = client.smtp.wait_for(address, count)
        for mail in mails:
            if subject_part in mail["Subject"]:
                return mail
        count = len(mails) + 1


def body_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def people(client):
    """Taro (a job-seeker of ハローワーク砺波) signed in on `client`;砺波's staff signed in
    on `client.staff`; a posting to ask for."""
    number = factories.seeker(client, password=SEEKER_PASSWORD)
    factories.staff(client)
    signed_in(client, SEEKER, first=True)
    client.staff = signed_in(client, STAFF)
    client.seeker_id = factories.run(
        client,
        lambda conn: conn.fetch_val(
            sa.select(job_seekers.c.id).where(job_seekers.c.seeker_number == number)
        ),
    )
    client.posting = factories.posting(
        client, job_title="倉庫内作業", company_name="株式会社となみ物流"
    )
    return client


def ask(client, posting: dict, message: str = "", **kwargs):
    return ask_referral(client, posting["id"], message, **kwargs)


def only_request(client):
    (row,) = factories.rows(client, referral_requests)
    return row


def approve(staff, request_id: int, note: str = "", **kwargs):
    return submit(
        staff,
        f"/staff/referral-requests/{request_id}/approve",
        {"note": note},
        page="/staff/referral-requests",
        **kwargs,
    )


def decline(staff, request_id: int, reason: str, **kwargs):
    return submit(
        staff,
        f"/staff/referral-requests/{request_id}/decline",
        {"reason": reason},
        page="/staff/referral-requests",
        **kwargs,
    )


def test_ask_then_staff_approve_makes_the_referral_its_application_and_a_mail(people):
    response = ask(people, people.posting, "平日の午前に連絡がつきます", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/mypage/referral-requests?done=requested"
    mine = people.get(response.headers["location"])
    assert "紹介の希望を受け付けました。ハローワークからの連絡をお待ちください。" in mine.text
    assert "受付待ち" in mine.text and "倉庫内作業" in mine.text

    queue = people.staff.get("/staff/referral-requests")
    assert "受付待ち（1件）" in queue.text
    assert "平日の午前に連絡がつきます" in queue.text and "山田太郎" in queue.text

    request = only_request(people)
    approved = approve(
        people.staff, request["id"], note="面接の日程は事業所から連絡", follow_redirects=False
    )
    assert approved.status_code == 303
    (referral,) = factories.rows(people, referrals)
    assert approved.headers["location"] == (
        f"/staff/referral-requests?done=approved&referral={referral['id']}"
    )
    after = people.staff.get(approved.headers["location"])
    assert (
        f'紹介しました。紹介番号 <span class="nowrap">{referral["referral_number"]}</span>'
        in after.text
    )
    assert "受付待ちの紹介の希望はありません。" in after.text

    request = only_request(people)
    assert (request["state"], request["referral_id"]) == ("approved", referral["id"])
    (application,) = factories.rows(people, applications)
    assert (application["kind"], application["referral_id"]) == ("referral", referral["id"])
    assert referral["note"] == "面接の日程は事業所から連絡"

    mail = wait_for_subject(people, "taro@example.com", "紹介状を発行しました")
    body = body_of(mail)
    assert referral["referral_number"] in body
    assert "「ハローワークで紹介した求人」" in body
    assert "http://testserver/mypage/referrals" in body

    states = people.get("/mypage/referral-requests")
    assert "紹介済み" in states.text
    assert f'href="/mypage/referrals/{referral["id"]}/letter"' in states.text
    assert referral["referral_number"] in people.get("/mypage/referrals").text


def test_decline_needs_a_reason_which_the_job_seeker_then_reads_with_a_mail(people):
    ask(people, people.posting)
    request = only_request(people)

    empty = decline(people.staff, request["id"], "  ")
    assert empty.status_code == 422
    assert errors_of(empty) == ["<p>見送りの理由を入力してください。</p>"]
    assert only_request(people)["state"] == "pending"

    reason = "年齢の条件（18歳以上）を満たしていないため"
    response = decline(people.staff, request["id"], reason, follow_redirects=False)
    assert response.status_code == 303
    done = people.staff.get(response.headers["location"])
    assert "見送りにしました。理由は求職者のマイページに表示されます。" in done.text

    row = only_request(people)
    assert (row["state"], row["decline_reason"]) == ("declined", reason)
    mine = people.get("/mypage/referral-requests")
    assert "見送り" in mine.text and f"見送りの理由: {reason}" in mine.text
    mail = wait_for_subject(people, "taro@example.com", "紹介の希望について")
    assert reason in body_of(mail)
    assert factories.rows(people, referrals) == []


def test_a_declined_posting_may_be_asked_for_again(people):
    ask(people, people.posting)
    decline(people.staff, only_request(people)["id"], "求人者の都合")
    assert ask(people, people.posting, follow_redirects=False).status_code == 303
    states = sorted(r["state"] for r in factories.rows(people, referral_requests))
    assert states == ["declined", "pending"]


@pytest.mark.parametrize("answer", ["approve", "decline"])
def test_no_mail_when_the_job_seeker_turned_notices_off(people, answer):
    factories.run(
        people,
        lambda conn: conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == people.seeker_id)
            .values(mail_notices=False)
        ),
    )
    ask(people, people.posting)
    request = only_request(people)
    if answer == "approve":
        approve(people.staff, request["id"])
        label = "紹介済み"
    else:
        decline(people.staff, request["id"], "求人者の都合")
        label = "見送り"
    assert mails_to(people, "taro@example.com", "紹介") == []
    assert label in people.get("/mypage/referral-requests").text


def test_the_job_seeker_may_withdraw_a_waiting_request(people):
    ask(people, people.posting)
    request = only_request(people)
    url = f"/mypage/referral-requests/{request['id']}/withdraw"
    response = submit(people, url, page="/mypage/referral-requests", follow_redirects=False)
    assert response.status_code == 303
    page = people.get(response.headers["location"])
    assert "紹介の希望を取り下げました。" in page.text and "取り下げ" in page.text
    assert only_request(people)["state"] == "withdrawn"
    assert "受付待ちの紹介の希望はありません。" in people.staff.get("/staff/referral-requests").text

    # Withdrawing twice changes nothing; staff approving it now are told why they cannot.
    again = submit(people, url, page="/mypage/referral-requests", follow_redirects=False)
    assert again.status_code == 303
    refused = approve(people.staff, request["id"])
    assert refused.status_code == 422
    assert "この紹介の希望は、求職者が取り下げました。" in refused.text
    assert factories.rows(people, referrals) == []


def test_an_answered_request_can_no_longer_be_withdrawn(people):
    ask(people, people.posting)
    request = only_request(people)
    approve(people.staff, request["id"])
    url = f"/mypage/referral-requests/{request['id']}/withdraw"
    response = submit(people, url, page="/mypage/referral-requests")
    assert response.status_code == 422
    assert "ハローワークが既に対応したため、この希望は取り下げられません。" in response.text
    assert only_request(people)["state"] == "approved"


def test_a_job_seeker_cannot_withdraw_someone_elses_request(people):
    ask(people, people.posting)
    request = only_request(people)
    factories.seeker(people, password=SEEKER_PASSWORD, email="hanako@example.com", name="砺波花子")
    other = signed_in(people, OTHER_SEEKER)
    url = f"/mypage/referral-requests/{request['id']}/withdraw"
    assert submit(other, url, page="/mypage").status_code == 404
    assert "倉庫内作業" not in other.get("/mypage/referral-requests").text
    assert only_request(people)["state"] == "pending"


def test_approving_twice_lands_on_the_same_referral(people):
    ask(people, people.posting)
    request = only_request(people)
    first = approve(people.staff, request["id"], follow_redirects=False)
    second = approve(people.staff, request["id"], follow_redirects=False)
    assert second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(factories.rows(people, referrals)) == 1
    assert len(factories.rows(people, applications)) == 1


def test_asking_twice_is_refused_while_the_first_waits(people):
    ask(people, people.posting)
    response = ask(people, people.posting)
    assert response.status_code == 422
    assert (
        "この求人には既に紹介を希望しています（受付待ち）。ハローワークからの連絡をお待ちください。"
        in response.text
    )
    assert len(factories.rows(people, referral_requests)) == 1


def _filled(client):
    return factories.posting(client, status="filled")


def _expired(client):
    return factories.posting(client, days_old=30, open_days=10)


@pytest.mark.parametrize(
    ("make_posting", "message"),
    [
        (_filled, "この求人は充足のため、紹介を希望できません。"),
        (_expired, "この求人は紹介期限切れのため、紹介を希望できません。"),
    ],
    ids=["filled", "expired"],
)
def test_a_closed_posting_cannot_be_asked_for(people, make_posting, message):
    response = ask(people, make_posting(people))
    assert response.status_code == 422
    assert message in response.text
    assert factories.rows(people, referral_requests) == []


def test_a_posting_already_referred_cannot_be_asked_for(people):
    staff_page = f"/staff/seekers/{people.seeker_id}/refer?posting={people.posting['id']}"
    submit(
        people.staff,
        f"/staff/seekers/{people.seeker_id}/refer",
        {"posting_id": str(people.posting["id"])},
        page=staff_page,
    )
    response = ask(people, people.posting)
    assert response.status_code == 422
    assert (
        "この求人はハローワークから既に紹介を受けています。紹介状はマイページで確認できます。"
        in response.text
    )


def test_an_inactive_job_seeker_cannot_ask(people):
    factories.run(
        people,
        lambda conn: conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == people.seeker_id)
            .values(status="inactive")
        ),
    )
    response = ask(people, people.posting)
    assert response.status_code == 422
    assert "求職登録が有効ではないため、紹介を希望できません。" in response.text


def test_the_message_is_limited_to_500_characters_and_kept(people):
    response = ask(people, people.posting, "い" * 501)
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>ハローワークへの連絡事項は500文字以内で入力してください"
        "（入力された文字数: 501文字）。</p>"
    ]
    assert "い" * 501 in response.text
    assert factories.rows(people, referral_requests) == []


def test_htmx_redraws_the_button_with_the_new_state(people):
    response = ask(people, people.posting, htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="referral-request"')
    assert "紹介の希望を受け付けました。" in response.text
    assert "受付待ち" in response.text
    assert "紹介を希望する</button>" not in response.text


def test_a_counter_referral_answers_a_waiting_request(people):
    ask(people, people.posting)
    submit(
        people.staff,
        f"/staff/seekers/{people.seeker_id}/refer",
        {"posting_id": str(people.posting["id"])},
        page=f"/staff/seekers/{people.seeker_id}/refer",
    )
    (referral,) = factories.rows(people, referrals)
    request = only_request(people)
    assert (request["state"], request["referral_id"]) == ("approved", referral["id"])
    assert len(mails_to(people, "taro@example.com", "紹介状を発行しました")) == 1


def test_signed_out_visitors_are_sent_to_log_in(client):
    posting = factories.posting(client)
    response = submit(
        client,
        f"/jobs/{posting['id']}/referral-request",
        {"message": ""},
        page="/login",
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert client.get("/mypage/referral-requests", follow_redirects=False).status_code == 303


def test_unpublished_postings_do_not_exist_here(people):
    draft = factories.posting(people, status="draft")
    assert ask(people, draft).status_code == 404


def test_request_state_for_the_posting_page(people):
    posting_id = people.posting["id"]

    def state():
        return factories.run(
            people, lambda conn: service.request_state(conn, people.seeker_id, posting_id)
        )

    assert factories.run(people, lambda conn: service.request_state(conn, None, posting_id)) is None
    assert (state().status, state().can_request) == ("none", True)
    ask(people, people.posting)
    assert (state().status, state().can_request) == ("pending", False)
    decline(people.staff, only_request(people)["id"], "求人者の都合")
    assert (state().status, state().can_request) == ("declined", True)
    assert state().request["decline_reason"] == "求人者の都合"
    ask(people, people.posting)
    approve(
        people.staff,
        [r for r in factories.rows(people, referral_requests) if r["state"] == "pending"][0]["id"],
    )
    assert (state().status, state().can_request) == ("referred", False)


# ---------------------------------------------------------------------------------------
# The queue: this office's requests only, oldest first; who may act on them


def test_the_queue_holds_this_offices_requests_oldest_first(people):
    second = factories.posting(people, job_title="配送助手")
    ask(people, people.posting)
    people.app.state.clock.advance(minutes=5)
    ask(people, second)
    queue = people.staff.get("/staff/referral-requests").text
    assert queue.index("倉庫内作業") < queue.index("配送助手")

    factories.office(people, code="13010")
    factories.staff(people, email="iidabashi@example.com", office="13010", name="飯田花子")
    other = signed_in(people, IIDABASHI_STAFF)
    assert "受付待ちの紹介の希望はありません。" in other.get("/staff/referral-requests").text
    request_id = factories.rows(people, referral_requests)[0]["id"]
    assert approve(other, request_id).status_code == 404
    assert decline(other, request_id, "理由").status_code == 404
    assert all(r["state"] == "pending" for r in factories.rows(people, referral_requests))


@pytest.mark.parametrize("action", ["approve", "decline"])
@pytest.mark.parametrize("who", ["anonymous", "seeker", "employer"])
def test_only_staff_may_answer_a_request(people, who, action):
    ask(people, people.posting)
    request = only_request(people)
    factories.employer(people)
    browser = people if who == "seeker" else another_browser(people)
    if who == "employer":
        signed_in(browser, EMPLOYER, first=True)
    response = submit(
        browser,
        f"/staff/referral-requests/{request['id']}/{action}",
        {"reason": "理由", "note": ""},
        page="/login" if who == "anonymous" else "/",
        follow_redirects=False,
    )
    assert response.status_code == (303 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response.headers["location"] == "/staff/login"
    assert only_request(people)["state"] == "pending"


def test_approving_a_request_for_a_posting_closed_since_is_refused_in_place(people):
    ask(people, people.posting)
    request = only_request(people)
    factories.run(
        people,
        lambda conn: conn.execute(
            job_postings.update()
            .where(job_postings.c.id == people.posting["id"])
            .values(status="filled")
        ),
    )
    queue = people.staff.get("/staff/referral-requests")
    assert '<span class="state state--inactive">充足</span>' in queue.text
    response = approve(people.staff, request["id"])
    assert response.status_code == 422
    assert errors_of(response) == ["<p>この求人は充足のため、紹介できません。</p>"]
    assert only_request(people)["state"] == "pending"
    assert factories.rows(people, referrals) == []


# --- the check page (issue 12) ------------------------------------------------------------


def test_the_check_page_shows_what_the_office_receives_and_nothing_is_sent_yet(people):
    url = f"/jobs/{people.posting['id']}/referral-request"
    checked = submit(people, url, {"message": "平日の午前は連絡がつきます"}, page="/mypage")

    assert checked.url.path == url + "/check"
    page = checked.text
    assert "紹介の希望の確認" in page and "倉庫内作業" in page
    assert "平日の午前は連絡がつきます" in page
    assert "求職番号: <span" in page and "山田太郎" in page
    assert f'href="{url}#message"' in page  # 修正する
    assert '<button type="submit" class="button button--primary">紹介を希望する</button>' in page
    assert factories.rows(people, referral_requests) == []
    # 「修正する」: the form with the message kept.
    assert "平日の午前は連絡がつきます</textarea>" in people.get(url).text


def test_the_check_pages_button_pressed_twice_asks_once(people):
    url = f"/jobs/{people.posting['id']}/referral-request"
    submit(people, url, {"message": "よろしくお願いします"}, page="/mypage")
    revision = check_revision(people.get(url + "/check"))
    first = submit(
        people, url + "/send", {"revision": revision}, page="/mypage", follow_redirects=False
    )
    second = submit(
        people, url + "/send", {"revision": revision}, page="/mypage", follow_redirects=False
    )

    assert only_request(people)["message"] == "よろしくお願いします"
    assert first.headers["location"] == "/mypage/referral-requests?done=requested"
    assert second.headers["location"] == "/mypage/referral-requests"
    assert factories.rows(people, apply_drafts) == []


def test_with_htmx_the_check_page_swaps_into_the_box(people):
    url = f"/jobs/{people.posting['id']}/referral-request"
    checked = submit(people, url, {"message": ""}, page="/mypage", htmx=True)
    assert json.loads(checked.headers["HX-Location"])["target"] == "#referral-request"
    check = people.get(url + "/check", headers={"HX-Request": "true"})
    assert check.text.lstrip().startswith('<div id="referral-request"')
    assert "<html" not in check.text and "紹介の希望の確認" in check.text


def test_an_old_pages_direct_post_lands_on_the_check_page(people):
    url = f"/jobs/{people.posting['id']}/referral-request"
    response = submit(people, url, {"message": ""}, page="/mypage", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == url + "/check"
    assert factories.rows(people, referral_requests) == []


def test_a_refusal_shows_on_the_form_before_the_check_page(people):
    ask(people, people.posting)
    url = f"/jobs/{people.posting['id']}/referral-request"
    again = submit(people, url, {"message": ""}, page="/mypage", follow_redirects=False)
    assert again.status_code == 422 and service.SEEKER_ALREADY_PENDING in again.text


def test_back_from_the_check_page_finds_the_message_on_the_posting_page(people):
    """Back from the check page reloads the posting (no history cache): its box shows the
    message as typed, so 「確認する」 again does not send an empty one."""
    url = f"/jobs/{people.posting['id']}/referral-request"
    submit(people, url, {"message": "午後は連絡がつきません"}, page="/mypage")
    page = people.get(f"/jobs/{people.posting['job_number']}").text
    assert "午後は連絡がつきません</textarea>" in page
