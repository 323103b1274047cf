"""Staff correcting an オンライン登録者's 求職申込書 from the queue's application page: every
step (住所 with 郵便番号, 電話, 希望する仕事, 学歴・職歴, 免許・資格, 障害の有無) by the
申込書's own fields and rules, with a reason kept in the change history and the person told
by mail; only the person's office's staff."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import IIDABASHI_STAFF, errors_beside, errors_of, signed_in, submit
from tests.online_forms import BASIC, EMAIL, HISTORY, WISH
from webapp.schema import job_seekers, outbox, profile_changes, seeker_profiles, work_history

REASON = "本人確認書類と住所の番地が違っていたため"
CORRECTED_MAIL = "【ハローワーク】登録内容の訂正のお知らせ"


def url(client, step: str) -> str:
    return f"/staff/online/{client.seeker_id}/correct/{step}"


def correct(client, step: str, data: dict, **kwargs):
    return submit(client.staff, url(client, step), data, **kwargs)


def changes(client) -> list[dict]:
    return factories.rows(
        client,
        profile_changes,
        profile_changes.c.seeker_id == client.seeker_id,
        profile_changes.c.actor == "staff",
    )


def mails(client) -> list[dict]:
    return factories.rows(
        client, outbox, outbox.c.to_addr == EMAIL, outbox.c.subject == CORRECTED_MAIL
    )


def test_the_application_page_offers_each_step_to_correct(online):
    page = online.staff.get(f"/staff/online/{online.seeker_id}").text
    for step, label in (
        ("basic", "基本情報"),
        ("wish", "希望する仕事"),
        ("history", "学歴・職歴"),
        ("licenses", "免許・資格"),
        ("disability", "障害の有無"),
    ):
        assert f'href="{url(online, step)}">{label}を訂正する</a>' in page


def test_the_step_shows_the_application_as_sent(online):
    page = online.staff.get(url(online, "basic")).text
    assert f'value="{BASIC["address"]}"' in page and 'value="090-1234-5678"' in page
    assert 'name="reason"' in page
    page = online.staff.get(url(online, "history")).text
    assert "株式会社となみ" in page and HISTORY["education"] in page


def test_correcting_the_address_keeps_a_reason_and_mails_the_person(online):
    response = correct(
        online,
        "basic",
        {
            **BASIC,
            "postcode": "9391363",
            "address": "富山県砺波市太郎丸9-9-9",
            "phone": "0763-33-1111",
            "reason": REASON + "\n（運転免許証で確認）",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, errors_of(response)
    assert response.headers["location"] == f"/staff/online/{online.seeker_id}?done=corrected"
    (row,) = factories.rows(online, job_seekers, job_seekers.c.id == online.seeker_id)
    assert (row["address"], row["phone"]) == ("富山県砺波市太郎丸9-9-9", "0763-33-1111")
    kept = {(c["field"], c["before"], c["after"], c["reason"]) for c in changes(online)}
    reason = REASON + "\n（運転免許証で確認）"
    assert kept == {
        ("address", BASIC["address"], "富山県砺波市太郎丸9-9-9", reason),
        ("phone", "090-1234-5678", "0763-33-1111", reason),
    }
    assert all(c["member_id"] for c in changes(online))
    (mail,) = mails(online)
    assert "訂正した項目: 住所、電話番号" in mail["body"]
    page = online.staff.get(response.headers["location"]).text
    assert "求職申込書を訂正しました" in page and "富山県砺波市太郎丸9-9-9" in page
    # The change history staff read names the fields, and why.
    history = online.staff.get(f"/staff/seekers/{online.seeker_id}/changes").text
    assert "住所" in history and "電話番号" in history and REASON in history


def test_sending_the_same_correction_twice_changes_it_once(online):
    data = {**BASIC, "phone": "0763-33-1111", "reason": REASON}
    assert correct(online, "basic", data, follow_redirects=False).status_code == 303
    again = correct(online, "basic", data, follow_redirects=False)
    assert again.headers["location"].endswith("?done=unchanged")
    assert len(changes(online)) == 1 and len(mails(online)) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ({"reason": ""}, "reason", "訂正の理由を入力してください"),
        ({"postcode": "000-0000"}, "postcode", "この郵便番号は見つかりません"),
        ({"phone": "abc"}, "phone", "電話番号"),
        ({"kana": "yamada"}, "kana", "カタカナ"),
    ],
)
def test_a_wrong_correction_is_explained_beside_its_field_and_changes_nothing(
    online, data, name, message
):
    before = factories.snapshot(online)
    sent = {**BASIC, "reason": REASON, **data}
    response = correct(online, "basic", sent)
    assert response.status_code == 422
    assert any(message in error for error in errors_beside(response.text, name)), errors_of(
        response
    )
    assert 'class="error-summary"' in response.text
    # what was typed stays
    if data.get("phone"):
        assert f'value="{data["phone"]}"' in response.text
    assert factories.snapshot(online) == before


def test_each_other_step_is_corrected_by_its_own_rules(online):
    wish = {**WISH, "desired_occupation": "E", "desired_wage_min": "220000", "reason": REASON}
    assert correct(online, "wish", wish, follow_redirects=False).status_code == 303
    history = {**HISTORY, "company_0": "株式会社砺波", "reason": REASON}
    assert correct(online, "history", history, follow_redirects=False).status_code == 303
    licenses = {"licenses": "普通自動車第一種運転免許\n介護職員初任者研修", "reason": REASON}
    assert correct(online, "licenses", licenses, follow_redirects=False).status_code == 303
    disability = {"disability": "yes", "disability_note": "右耳が聞こえにくい", "reason": REASON}
    assert correct(online, "disability", disability, follow_redirects=False).status_code == 303
    (profile,) = factories.rows(
        online, seeker_profiles, seeker_profiles.c.seeker_id == online.seeker_id
    )
    assert profile["desired_wage_min"] == 220000
    assert profile["licenses"].endswith("介護職員初任者研修")
    (entry,) = factories.rows(online, work_history, work_history.c.seeker_id == online.seeker_id)
    assert entry["company"] == "株式会社砺波"
    fields = {c["field"]: c for c in changes(online)}
    assert set(fields) == {
        "desired_occupation",
        "desired_wage_min",
        "work_history",
        "licenses",
        "disability",
        "disability_note",
    }
    assert fields["disability"]["before"] == "なし" and fields["disability"]["after"] == "あり"
    assert "株式会社砺波" in fields["work_history"]["after"]
    assert len(mails(online)) == 4
    # A step's rule, not one of staff's own: 市区町村 without 都道府県 is refused.
    response = correct(online, "wish", {**WISH, "desired_prefecture": "", "reason": REASON})
    assert response.status_code == 422
    assert errors_beside(response.text, "desired_municipality")


def test_the_postcode_lookup_fills_the_address_and_keeps_the_reason(online):
    response = submit(
        online.staff,
        f"/staff/online/{online.seeker_id}/correct/basic/postcode",
        {**BASIC, "postcode": "9391363", "address": "", "reason": REASON},
        page=url(online, "basic"),
    )
    assert response.status_code == 200
    assert "郵便番号から住所を入れました" in response.text
    assert 'value="富山県砺波市太郎丸' in response.text and REASON in response.text


def test_only_staff_of_the_persons_office_may_correct(online):
    factories.office(online)
    factories.staff(online, email="iidabashi@example.com", office="13010")
    other = signed_in(online, IIDABASHI_STAFF)
    assert other.get(url(online, "basic")).status_code == 404
    sent = {**BASIC, "phone": "0763-33-1111", "reason": REASON}
    response = submit(other, url(online, "basic"), sent, page="/staff/online")
    assert response.status_code == 404
    # The job-seeker (and anyone not staff) is refused.
    assert online.get(url(online, "basic"), follow_redirects=False).status_code == 403
    response = submit(online, url(online, "basic"), sent, page="/mypage")
    assert response.status_code == 403
    assert changes(online) == [] and mails(online) == []
    assert online.staff.get(f"/staff/online/{online.seeker_id}/correct/confirm").status_code == 404


def test_every_correction_form_needs_its_csrf_token(online):
    response = online.staff.post(url(online, "basic"), data={**BASIC, "reason": REASON})
    assert response.status_code == 403
    assert changes(online) == []
