"""設定変更: 求職情報の変更 with its history, and 有効／無効."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import factories
from tests.helpers import OTHER_SEEKER, STAFF, errors_of, login, signed_in, submit
from webapp.schema import job_seekers, profile_changes, work_history

PASSWORD = factories.SEEKER_PASSWORD
VALID = {
    "desired_occupation": "C",
    "desired_occupation_2": "H",
    "desired_occupation_3": "",
    "desired_prefecture": "16",
    "desired_municipality": "砺波市",
    "desired_employment_type": "regular",
    "desired_wage_type": "monthly",
    "desired_wage_min": "２２０，０００",
    "desired_hours": "9時〜17時",
    "desired_holidays": "土日祝休み",
    "licenses": "普通自動車第一種運転免許\n日商簿記2級",
    "education": "砺波高等学校 卒業",
    "self_pr": "経理事務を10年続けてきました。",
    "phone": "０７６３－３２－２９１４",
    "address": "富山県砺波市表町1-1",
}


@pytest.fixture
def seeker(seeker_client):
    return seeker_client


def _changes(client):
    return factories.run(
        client,
        lambda conn: conn.fetch_all(sa.select(profile_changes).order_by(profile_changes.c.id)),
    )


def test_a_change_is_saved_shown_and_recorded(seeker):
    response = submit(seeker, "/mypage/profile/edit", VALID)
    assert response.url.path == "/mypage/profile"
    assert "求職情報を変更しました。" in response.text
    for shown in ("事務的職業", "220,000円以上", "0763-32-2914", "日商簿記2級", "砺波市"):
        assert shown in response.text
    fields = {row["field"] for row in _changes(seeker)}
    assert {"desired_occupation_2", "desired_wage_min", "phone", "licenses"} <= fields


def test_sending_the_same_form_twice_changes_nothing_the_second_time(seeker):
    submit(seeker, "/mypage/profile/edit", VALID)
    count = len(_changes(seeker))
    response = submit(seeker, "/mypage/profile/edit", VALID)
    assert "変更された項目はありませんでした。" in response.text
    assert len(_changes(seeker)) == count


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_occupation", "", "希望職種を1つ以上選んでください。"),
        ("desired_occupation", "Z", "希望職種を一覧から選んでください。"),
        ("desired_occupation_2", "C", "同じ職種を2回以上選ばないでください。"),
        ("desired_prefecture", "99", "希望勤務地の都道府県を一覧から選んでください。"),
        ("desired_employment_type", "boss", "希望雇用形態を一覧から選んでください。"),
        (
            "desired_wage_min",
            "10",
            "希望賃金（月給）は50,000円から2,000,000円までの半角数字で入力してください。",
        ),
        ("self_pr", "あ" * 2001, "自己PRは2000文字以内で入力してください（いま2001文字）。"),
        (
            "phone",
            "12345",
            "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 0763-32-2914）。",
        ),
        ("address", "", "住所を入力してください。"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(seeker, field, value, message):
    response = submit(seeker, "/mypage/profile/edit", {**VALID, field: value})
    assert response.status_code == 422
    assert any(message in errors for errors in errors_of(response))
    assert 'aria-invalid="true"' in response.text
    assert "日商簿記2級" in response.text  # what was typed stays
    assert not _changes(seeker)


def test_a_wage_without_its_kind_is_refused(seeker):
    response = submit(seeker, "/mypage/profile/edit", {**VALID, "desired_wage_type": ""})
    assert "希望賃金を入力したときは、月給か時給を選んでください。" in response.text


def test_a_municipality_without_its_prefecture_is_refused_as_at_the_counter(seeker):
    data = {**VALID, "desired_prefecture": "", "desired_municipality": "砺波市"}
    response = submit(seeker, "/mypage/profile/edit", data)
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>希望勤務地の市区町村を入力するときは、都道府県も選んでください。</p>"
    ]
    assert 'id="desired_municipality-error"' in response.text  # next to the field


def test_name_and_birthdate_are_shown_but_not_editable(seeker):
    page = seeker.get("/mypage/profile/edit").text
    assert 'name="name"' not in page and 'name="birth' not in page
    assert "氏名と生年月日の変更は、ハローワークの窓口でお手続きください。" in page
    submit(seeker, "/mypage/profile/edit", {**VALID, "name": "別人", "birthdate": "2000-01-01"})
    row = factories.run(seeker, lambda conn: conn.fetch_one(sa.select(job_seekers)))
    assert row["name"] == "山田太郎"


def test_work_history_entries_are_added_and_removed(seeker):
    entry = {"started": "2015-04", "ended": "2024-03", "company": "株式会社砺波", "job": "経理"}
    response = submit(seeker, "/mypage/profile/history", entry, page="/mypage/profile")
    assert "2015-04〜2024-03　株式会社砺波（経理）" in response.text
    submit(seeker, "/mypage/profile/history", entry, page="/mypage/profile")
    assert response.text.count("株式会社砺波（経理）") == 1
    entry_id = factories.run(seeker, lambda conn: conn.fetch_val(sa.select(work_history.c.id)))
    response = submit(seeker, f"/mypage/profile/history/{entry_id}/delete", page="/mypage/profile")
    assert "株式会社砺波（経理）" not in response.text
    assert [c["field"] for c in _changes(seeker)] == ["work_history", "work_history"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"started": "2015/4", "ended": "", "company": "A社"}, None),
        (
            {"started": "2099-01", "ended": "", "company": "A社"},
            "入社年月に未来の年月は入力できません。",
        ),
        (
            {"started": "15-4", "ended": "", "company": "A社"},
            "入社年月は「2020-04」の形で入力してください。",
        ),
        (
            {"started": "2020-04", "ended": "2019-01", "company": "A社"},
            "退職年月は入社年月より後にしてください。",
        ),
        ({"started": "2020-04", "ended": "", "company": ""}, "会社名を入力してください。"),
    ],
)
def test_work_history_is_checked(seeker, entry, message):
    response = submit(seeker, "/mypage/profile/history", entry, page="/mypage/profile")
    if message is None:
        assert "2015-04〜現在　A社" in response.text
    else:
        assert response.status_code == 422
        assert message in response.text


def test_another_job_seekers_history_entry_cannot_be_removed(seeker):
    submit(seeker, "/mypage/profile/history", {"started": "2015-04", "company": "A社"},
           page="/mypage/profile")  # fmt: skip
    entry_id = factories.run(seeker, lambda conn: conn.fetch_val(sa.select(work_history.c.id)))
    submit(seeker, "/logout", page="/mypage")
    factories.seeker(seeker, password=PASSWORD, email="hanako@example.com", name="鈴木花子")
    signed_in(seeker, OTHER_SEEKER, first=True)
    response = submit(seeker, f"/mypage/profile/history/{entry_id}/delete", page="/mypage/profile")
    assert response.status_code == 404


def test_staff_of_the_office_read_the_history_and_no_one_else(seeker):
    submit(seeker, "/mypage/profile/edit", VALID)
    seeker_id = factories.run(seeker, lambda conn: conn.fetch_val(sa.select(job_seekers.c.id)))
    submit(seeker, "/logout", page="/mypage")
    factories.staff(seeker)
    factories.office(seeker, "13010")
    factories.staff(seeker, email="other@example.com", office="13010")
    login(seeker, "other@example.com", factories.MEMBER_PASSWORD, door="/staff/login")
    assert seeker.get(f"/staff/seekers/{seeker_id}/changes").status_code == 404
    submit(seeker, "/logout", page="/staff")
    signed_in(seeker, STAFF, first=True)
    page = seeker.get(f"/staff/seekers/{seeker_id}/changes")
    assert page.status_code == 200
    assert "希望職種2" in page.text and "220,000円以上" in page.text and "本人" in page.text


def test_switching_to_inactive_says_what_it_means_and_back_is_one_step(seeker):
    page = seeker.get("/mypage/status").text
    for line in (
        "ハローワークからの職業紹介を受けられなくなります。",
        "公開している求職情報は求人者から見えなくなり",
        "データはそのまま残ります。",
    ):
        assert line in page
    response = submit(seeker, "/mypage/status", {"status": "inactive"})
    assert response.url.path == "/mypage"
    assert "求職登録を「無効」にしました。" in response.text
    assert "無効（" in response.text
    response = submit(seeker, "/mypage/status", {"status": "active"})
    assert "求職登録を「有効」に戻しました。" in response.text
    assert [c["field"] for c in _changes(seeker)] == ["status", "status"]


def test_a_lapsed_registration_cannot_be_switched_back_online(seeker, clock):
    submit(seeker, "/mypage/status", {"status": "inactive"})
    lapsed = job_seekers.update().values(valid_until=dt.date(2020, 1, 31))
    factories.run(seeker, lambda conn: conn.execute(lapsed))
    response = submit(seeker, "/mypage/status", {"status": "active"}, page="/mypage/status")
    assert response.status_code == 409
    assert "有効期限が過ぎているため、マイページからは「有効」に戻せません。" in response.text
