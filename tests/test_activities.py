"""求職活動実績: counselling recorded by staff, referrals and applications, by month;
printable and as CSV; each job-seeker sees only their own."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories
from tests.helpers import OTHER_SEEKER, SEEKER, STAFF, login, signed_in, submit
from webapp.clock import FrozenClock

PASSWORD = factories.SEEKER_PASSWORD


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC))


@pytest.fixture
def people(client):
    factories.seeker(client, password=PASSWORD)
    factories.seeker(client, password=PASSWORD, email="hanako@example.com", name="鈴木花子")
    factories.staff(client)
    return client


def _record(client, seeker_id, **data):
    form = {"kind": "counselling", "happened_on": "2026-11-19", "note": "面接の練習", **data}
    url = f"/staff/seekers/{seeker_id}/activities"
    return submit(client, url, form)


def test_counselling_recorded_by_staff_appears_by_month_and_in_the_csv(people):
    signed_in(people, STAFF, first=True)
    seeker_id = factories.seeker_id(people, email="taro@example.com")
    response = _record(people, seeker_id)
    assert "記録しました。" in response.text
    _record(people, seeker_id)  # sent twice: recorded once
    _record(people, seeker_id, happened_on="2026-10-05", kind="seminar", note="")
    submit(people, "/logout", page="/staff")
    signed_in(people, SEEKER, first=True)
    page = people.get("/mypage/activities").text
    assert page.index("2026年11月（1件）") < page.index("2026年10月（1件）")
    assert "職業相談" in page and "ハローワーク砺波　面接の練習" in page
    assert "セミナー・講習の受講" in page
    csv = people.get("/mypage/activities.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeff日付,活動の種類,事業所名・内容,求人番号"
    assert lines[1] == "2026-11-19,職業相談,ハローワーク砺波　面接の練習,"
    assert len(lines) == 3


def test_another_job_seeker_sees_none_of_it(people):
    signed_in(people, STAFF, first=True)
    _record(people, factories.seeker_id(people, email="taro@example.com"))
    submit(people, "/logout", page="/staff")
    signed_in(people, OTHER_SEEKER, first=True)
    assert "面接の練習" not in people.get("/mypage/activities").text
    assert "面接の練習" not in people.get("/mypage/activities.csv").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"happened_on": "2026-12-01"}, "未来の日付は記録できません。"),
        ({"happened_on": "昨日"}, "日付は「2026-11-23」の形で入力してください。"),
        ({"kind": "party"}, "活動の種類を選んでください。"),
        ({"note": "あ" * 501}, "内容は500文字以内で入力してください（いま501文字）。"),
    ],
)
def test_staff_input_is_checked(people, data, message):
    signed_in(people, STAFF, first=True)
    response = _record(people, factories.seeker_id(people, email="taro@example.com"), **data)
    assert response.status_code == 422
    assert message in response.text


def test_staff_of_another_office_and_job_seekers_cannot_record(people):
    taro = factories.seeker_id(people, email="taro@example.com")
    factories.office(people, "13010")
    factories.staff(people, email="other@example.com", office="13010")
    login(people, "other@example.com", factories.MEMBER_PASSWORD, door="/staff/login")
    assert people.get(f"/staff/seekers/{taro}/activities").status_code == 404
    submit(people, "/logout", page="/staff")
    signed_in(people, SEEKER, first=True)
    response = people.get(f"/staff/seekers/{taro}/activities")
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/mypage/activities", follow_redirects=False).status_code == 303
    assert client.get("/mypage/activities.csv", follow_redirects=False).status_code == 303


def test_each_activity_cell_says_what_it_is_for_the_phone_cards(people):
    """Issue 12: at 390 px the table squeezed each column to 2-4 characters. On a phone
    each row is a card (app.css .card-table), whose cells name themselves (data-label);
    the roles keep it a table for screen readers. tests/browser/test_activities_flow.py
    looks at it."""
    signed_in(people, STAFF, first=True)
    seeker_id = factories.seeker_id(people, email="taro@example.com")
    staff_page = _record(people, seeker_id).text
    submit(people, "/logout", page="/staff")
    signed_in(people, SEEKER, first=True)
    own_page = people.get("/mypage/activities").text
    for page, labels in (
        (own_page, ("日付", "活動の種類", "事業所名・内容", "求人番号")),
        (staff_page, ("日付", "活動の種類", "事業所名・内容")),
    ):
        assert '<table class="history card-table" role="table">' in page
        row = re.search(r'<tr role="row"><td.*?</tr>', page, re.S).group(0)
        assert re.findall(r'data-label="([^"]+)"', row) == list(labels)
