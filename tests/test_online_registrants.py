"""オンライン登録者: one capabilities rule on every page that offers referrals, 紹介を希望 or
Hello Work's recommendations; the staff queue per office, confirmation at the counter
(→ 利用登録者, time and staff member kept) and the merge of a flagged duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import factories, helpers
from tests.helpers import IIDABASHI_STAFF, STAFF, signed_in, submit
from tests.online_forms import BASIC, EMAIL, open_account
from webapp.referrals.service import SEEKER_ONLINE, STAFF_SEEKER_ONLINE
from webapp.schema import (
    favourites,
    job_seekers,
    notice_recipients,
    online_applications,
    profile_changes,
    referral_requests,
    referrals,
)
from webapp.security import capabilities

VISIT = "ハローワークの窓口に来所すると利用できること"


def kind_of(client, seeker_id):
    (row,) = factories.rows(client, job_seekers, job_seekers.c.id == seeker_id)
    return row["registration_kind"]


def ask_referral(client, posting):
    """紹介を希望 through the box's 「確認する」 and the check page (tests.helpers)."""
    return helpers.ask_referral(client, posting["id"])


def test_the_rule_itself():
    assert capabilities.of_kind(capabilities.COUNTER).referrals
    assert capabilities.of_kind(capabilities.COUNTER).recommendations
    online = capabilities.of_kind(capabilities.ONLINE)
    assert not online.referrals and not online.recommendations
    assert online.search and online.save and online.apply_online
    assert online.publish and online.direct_requests
    assert capabilities.RECOMMENDED_KINDS == (capabilities.COUNTER,)


def test_the_posting_page_offers_no_referral_but_what_a_visit_adds(online):
    page = online.get(f"/jobs/{online.posting['job_number']}").text
    assert VISIT in page
    assert 'action="/jobs/' + str(online.posting["id"]) + '/referral-request"' not in page
    assert "ハローワーク砺波" in page and "本人確認書類" in page and "平日 8時30分" in page


def test_asking_for_a_referral_is_refused(online):
    response = ask_referral(online, online.posting)
    assert response.status_code == 422
    assert SEEKER_ONLINE in response.text
    assert factories.count(online, referral_requests) == 0


@pytest.mark.parametrize("path", ["/mypage", "/mypage/referral-requests", "/mypage/referrals"])
def test_my_page_shows_what_a_visit_adds_instead_of_referrals(online, path):
    page = online.get(path).text
    assert VISIT in page
    assert 'href="/mypage/referral-requests"' not in page or path != "/mypage"


def test_staff_cannot_refer_an_online_registrant(online):
    page = online.staff.get(f"/staff/seekers/{online.seeker_id}").text
    assert "本人確認をする（オンライン登録者）" in page and "職業紹介をする" not in page
    response = submit(
        online.staff,
        f"/staff/seekers/{online.seeker_id}/refer",
        {"posting_id": str(online.posting["id"]), "note": ""},
        page=f"/staff/seekers/{online.seeker_id}/refer?posting={online.posting['id']}",
    )
    assert response.status_code == 422
    assert STAFF_SEEKER_ONLINE in response.text
    assert factories.count(online, referrals) == 0


def test_hello_works_recommendations_refuse_online_registrants(online):
    taro = factories.seeker(online, email="taro@example.com")
    (row,) = factories.rows(online, job_seekers, job_seekers.c.id == online.seeker_id)
    form = {
        "kind": "job",
        "body": "ご検討ください。",
        "job_number": online.posting["job_number"],
        "seeker_numbers": f"{row['seeker_number']}\n{taro}",
    }
    response = submit(online.staff, "/staff/notices/new", form)
    assert response.status_code == 422
    assert "オンライン登録者のため" in response.text and row["seeker_number"] in response.text
    assert factories.count(online, notice_recipients) == 0
    response = submit(online.staff, "/staff/notices/new", {**form, "seeker_numbers": taro})
    assert response.status_code == 200
    assert factories.count(online, notice_recipients) == 1


def test_the_queue_lists_the_offices_online_registrants_with_their_application(online):
    page = online.staff.get("/staff/online").text
    assert "砺波 花子" in page
    page = online.staff.get(f"/staff/online/{online.seeker_id}").text
    assert "トナミ ハナコ" in page and BASIC["address"] in page
    assert "株式会社となみ" in page  # 職歴
    assert "本人確認をして、利用登録者にする" in page
    assert "オンライン登録者（本人確認待ち）" in online.staff.get("/staff").text


def test_another_offices_staff_are_refused(online):
    factories.office(online)
    factories.staff(online, email="iidabashi@example.com", office="13010")
    other = signed_in(online, IIDABASHI_STAFF)
    assert "砺波 花子" not in other.get("/staff/online").text
    assert other.get(f"/staff/online/{online.seeker_id}").status_code == 404
    response = submit(other, f"/staff/online/{online.seeker_id}/confirm", {}, page="/staff/online")
    assert response.status_code == 404
    assert kind_of(online, online.seeker_id) == capabilities.ONLINE


def test_a_job_seeker_cannot_open_the_staff_queue(online):
    assert online.get("/staff/online", follow_redirects=False).status_code == 403


def test_confirming_makes_a_counter_user_with_time_and_staff_kept_then_referral_works(online):
    response = submit(
        online.staff,
        f"/staff/online/{online.seeker_id}/confirm",
        {},
        page=f"/staff/online/{online.seeker_id}",
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/staff/seekers/{online.seeker_id}?done=confirmed"
    assert kind_of(online, online.seeker_id) == capabilities.COUNTER
    (application,) = factories.rows(online, online_applications)
    assert application["confirmed_at"] == online.app.state.clock.now()
    assert application["confirmed_by"] is not None
    (change,) = factories.rows(
        online, profile_changes, profile_changes.c.field == "registration_kind"
    )
    assert (change["before"], change["after"]) == ("オンライン登録者", "利用登録者")
    assert "砺波 花子" not in online.staff.get("/staff/online").text
    # now 紹介を希望 is offered and works
    page = online.get(f"/jobs/{online.posting['job_number']}").text
    assert VISIT not in page
    assert 'action="/jobs/' + str(online.posting["id"]) + '/referral-request"' in page
    assert ask_referral(online, online.posting).status_code == 200
    assert factories.count(online, referral_requests) == 1


def test_confirming_twice_is_harmless(online):
    for _ in range(2):
        submit(
            online.staff,
            f"/staff/online/{online.seeker_id}/confirm",
            {},
            page=f"/staff/seekers/{online.seeker_id}",
        )
    assert (
        len(factories.rows(online, profile_changes, profile_changes.c.field == "registration_kind"))
        == 1
    )


@pytest.fixture
def duplicate(online):
    """A counter registration of the same person (same 氏名, フリガナ, 生年月日) at 砺波."""
    number = factories.seeker(
        online,
        name="砺波 花子",
        kana="トナミ ハナコ",
        birthdate="1995-06-15",
        email="hanako.old@example.com",
    )
    online.counter_id = factories.seeker_id(online, number=number)
    online.counter_number = number
    return online


def test_a_possible_duplicate_is_flagged_and_never_confirmed_silently(duplicate):
    assert "窓口で登録済みの可能性あり" in duplicate.staff.get("/staff/online").text
    page = duplicate.staff.get(f"/staff/online/{duplicate.seeker_id}").text
    assert duplicate.counter_number in page and "この登録に統合する" in page
    response = submit(
        duplicate.staff,
        f"/staff/online/{duplicate.seeker_id}/confirm",
        {},
        page=f"/staff/online/{duplicate.seeker_id}",
    )
    assert response.status_code == 422
    assert kind_of(duplicate, duplicate.seeker_id) == capabilities.ONLINE
    assert factories.count(duplicate, job_seekers) == 2
    response = submit(
        duplicate.staff,
        f"/staff/online/{duplicate.seeker_id}/confirm",
        {"not_duplicate": "yes"},
        page=f"/staff/online/{duplicate.seeker_id}",
    )
    assert response.status_code == 200
    assert kind_of(duplicate, duplicate.seeker_id) == capabilities.COUNTER
    assert factories.count(duplicate, job_seekers) == 2


def test_the_queue_says_which_registration_it_matches(duplicate):
    queue = duplicate.staff.get("/staff/online").text
    number = f'<span class="nowrap">{duplicate.counter_number}</span>'
    assert f"窓口で登録済みの可能性あり（求職番号 {number}）" in queue


def close_counter(client) -> None:
    factories.update(
        client,
        job_seekers,
        job_seekers.c.id == client.counter_id,
        status="closed",
        closed_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        email=f"closed-{client.counter_id}@closed.invalid",
    )


def test_a_closed_account_is_not_a_possible_duplicate(duplicate):
    close_counter(duplicate)
    assert "窓口で登録済みの可能性あり" not in duplicate.staff.get("/staff/online").text
    page = duplicate.staff.get(f"/staff/online/{duplicate.seeker_id}").text
    assert duplicate.counter_number not in page and "この登録に統合する" not in page
    response = submit(
        duplicate.staff,
        f"/staff/online/{duplicate.seeker_id}/confirm",
        {},
        page=f"/staff/online/{duplicate.seeker_id}",
    )
    assert response.status_code == 200
    assert kind_of(duplicate, duplicate.seeker_id) == capabilities.COUNTER


def test_merging_into_a_closed_registration_is_refused(duplicate):
    page = f"/staff/online/{duplicate.seeker_id}"
    token = helpers.csrf_token(duplicate.staff, page)  # the form was shown before the close
    close_counter(duplicate)
    response = duplicate.staff.post(
        f"/staff/online/{duplicate.seeker_id}/merge",
        data={"csrf_token": token, "counter_id": str(duplicate.counter_id)},
    )
    assert response.status_code == 422
    assert "終了した登録には統合できません" in response.text
    assert factories.count(duplicate, job_seekers, job_seekers.c.id == duplicate.seeker_id) == 1
    (counter,) = factories.rows(duplicate, job_seekers, job_seekers.c.id == duplicate.counter_id)
    assert counter["email"] != EMAIL


def test_merging_keeps_one_number_and_moves_the_online_accounts_data(duplicate):
    job = duplicate.posting["job_number"]
    submit(duplicate, f"/jobs/{job}/favourite", {"on": "1"}, page=f"/jobs/{job}")
    assert factories.count(duplicate, favourites) == 1
    response = submit(
        duplicate.staff,
        f"/staff/online/{duplicate.seeker_id}/merge",
        {"counter_id": str(duplicate.counter_id)},
        page=f"/staff/online/{duplicate.seeker_id}",
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/staff/seekers/{duplicate.counter_id}?done=merged"
    (kept,) = factories.rows(duplicate, job_seekers, job_seekers.c.name == "砺波 花子")
    assert kept["id"] == duplicate.counter_id
    assert kept["seeker_number"] == duplicate.counter_number
    assert kept["email"] == EMAIL and kept["password_hash"]
    assert kept["registration_kind"] == capabilities.COUNTER
    (favourite,) = factories.rows(duplicate, favourites)
    assert favourite["seeker_id"] == duplicate.counter_id
    merged = factories.rows(duplicate, profile_changes, profile_changes.c.field == "merged")
    assert merged and merged[0]["seeker_id"] == duplicate.counter_id
    # the person's own browser is still signed in, now as the counter registration
    page = duplicate.get("/mypage").text
    assert duplicate.counter_number in page


def test_merge_only_with_a_flagged_registration_of_the_same_office(duplicate):
    stranger = factories.seeker_id(
        duplicate, number=factories.seeker(duplicate, email="jiro@example.com", name="砺波 次郎")
    )
    response = submit(
        duplicate.staff,
        f"/staff/online/{duplicate.seeker_id}/merge",
        {"counter_id": str(stranger)},
        page=f"/staff/online/{duplicate.seeker_id}",
    )
    assert response.status_code == 404
    factories.office(duplicate)
    factories.staff(duplicate, email="iidabashi@example.com", office="13010")
    other = signed_in(duplicate, IIDABASHI_STAFF)
    response = submit(
        other,
        f"/staff/online/{duplicate.seeker_id}/merge",
        {"counter_id": str(duplicate.counter_id)},
        page="/staff/online",
    )
    assert response.status_code == 404
    assert factories.count(duplicate, job_seekers, job_seekers.c.id == duplicate.seeker_id) == 1


def test_the_staff_search_and_pages_do_not_show_someone_still_applying(client, smtp):
    open_account(client, smtp, email="halfway@example.com")
    seeker_id = factories.seeker_id(client, email="halfway@example.com")
    factories.staff(client)
    staff = signed_in(client, STAFF)
    assert staff.get(f"/staff/seekers/{seeker_id}").status_code == 404
    count = factories.run(
        client,
        lambda conn: conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(job_seekers)
            .where(job_seekers.c.status == capabilities.APPLYING)
        ),
    )
    assert count == 1


def test_every_new_form_needs_its_csrf_token(online):
    for browser, url in (
        (online, "/apply/form/basic"),
        (online, "/apply/form/basic/postcode"),
        (online.staff, f"/staff/online/{online.seeker_id}/confirm"),
        (online.staff, f"/staff/online/{online.seeker_id}/merge"),
    ):
        response = browser.post(url, data={"counter_id": "1"}, follow_redirects=False)
        assert response.status_code == 403, url
    assert kind_of(online, online.seeker_id) == capabilities.ONLINE
