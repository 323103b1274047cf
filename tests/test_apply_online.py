"""求職申込み online: opening an account without a counter visit, the 求職申込書 in steps
(saved as sent, resumed on another device), no enumeration, and the 求職番号 at the end."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.helpers import another_browser, auth_key, submit
from tests.online_forms import (
    BASIC,
    BIRTH,
    EMAIL,
    PASSWORD,
    WISH,
    fill,
    fill_all,
    open_account,
)
from webapp.schema import job_seekers, online_applications, seeker_profiles, work_history
from webapp.security import capabilities


def seeker_row(client, email=EMAIL):
    (row,) = factories.rows(client, job_seekers, job_seekers.c.email == email)
    return row


def test_the_top_page_has_both_doors_each_saying_whom_it_is_for(client):
    page = client.get("/").text
    assert 'href="/register">求職者マイページ開設（パスワード登録）</a>' in page
    assert 'href="/apply">ハローワークを初めて利用する方（求職申込み）</a>' in page
    assert "ハローワークをご利用中の方のマイページ開設です。" in page
    assert "ハローワークで求職申込みをしたことがない方は" in page


def test_the_terms_must_be_agreed(client):
    response = submit(client, "/apply", {})
    assert response.status_code == 422
    assert "「同意します」にチェックを付けてください。" in response.text


def test_the_address_step_is_not_reachable_before_the_terms(client):
    response = client.get("/apply/email", follow_redirects=False)
    assert response.headers["location"] == "/apply"


def test_opening_an_account_signs_in_on_the_first_step(client, smtp):
    response = open_account(client, smtp)
    assert response.status_code == 303
    assert response.headers["location"] == "/apply/form/basic"
    row = seeker_row(client)
    assert row["status"] == capabilities.APPLYING
    assert row["registration_kind"] == capabilities.ONLINE
    assert row["password_hash"]
    page = client.get("/apply/form/basic")
    assert "求職申込書（基本情報）" in page.text
    assert 'value="1995"' in page.text  # the birthdate typed at the address step


def test_an_address_with_an_account_is_mailed_so_and_the_screen_reads_the_same(client, smtp):
    factories.seeker(client, email="taro@example.com", password="Kasumi#2719")
    other = another_browser(client)
    pages = []
    for browser, email in ((client, "taro@example.com"), (other, "new@example.com")):
        submit(browser, "/apply", {"agree": "yes"})
        response = submit(browser, "/apply/email", {"email": email, **BIRTH})
        pages.append(re.sub(r"[\w.]+@example\.com|\d+時\d+分|残り約\d+", "", response.text))
        pages[-1] = re.sub(r'value="[^"]*"|Token": "\w+"', "", pages[-1])
    assert pages[0] == pages[1]
    (told,) = smtp.wait_for("taro@example.com")
    assert told["Subject"] == "【ハローワーク】求職者マイページは開設済みです"
    assert "認証キー:" not in told.get_body().get_content()
    (key_mail,) = smtp.wait_for("new@example.com")
    assert key_mail["Subject"] == "【ハローワーク】求職申込み受付通知"


def test_no_key_opens_an_account_for_an_address_that_has_one(client, smtp):
    factories.seeker(client, email="taro@example.com")
    submit(client, "/apply", {"agree": "yes"})
    submit(client, "/apply/email", {"email": "taro@example.com", **BIRTH})
    smtp.wait_for("taro@example.com")
    response = submit(
        client,
        "/apply/password",
        {"password": PASSWORD, "password_confirm": PASSWORD, "auth_key": "ABCDE12345"},
    )
    assert response.status_code == 422
    assert factories.count(client, job_seekers, job_seekers.c.email == "taro@example.com") == 1


def test_a_wrong_key_is_refused_and_opens_nothing(client, smtp):
    submit(client, "/apply", {"agree": "yes"})
    submit(client, "/apply/email", {"email": EMAIL, **BIRTH})
    smtp.wait_for(EMAIL)
    response = submit(
        client,
        "/apply/password",
        {"password": PASSWORD, "password_confirm": PASSWORD, "auth_key": "ZZZZZ99999"},
    )
    assert response.status_code == 422
    assert "認証キーが正しくありません" in response.text
    assert factories.count(client, job_seekers, job_seekers.c.email == EMAIL) == 0


def test_the_password_rule_is_the_registration_wizards(client, smtp):
    submit(client, "/apply", {"agree": "yes"})
    submit(client, "/apply/email", {"email": EMAIL, **BIRTH})
    key = auth_key(smtp.wait_for(EMAIL)[-1])
    response = submit(
        client,
        "/apply/password",
        {"password": "password", "password_confirm": "password", "auth_key": key},
    )
    assert response.status_code == 422
    assert factories.count(client, job_seekers, job_seekers.c.email == EMAIL) == 0


def test_the_key_lasts_50_minutes(client, smtp, clock):
    submit(client, "/apply", {"agree": "yes"})
    submit(client, "/apply/email", {"email": EMAIL, **BIRTH})
    key = auth_key(smtp.wait_for(EMAIL)[-1])
    clock.advance(minutes=51)
    response = submit(
        client,
        "/apply/password",
        {"password": PASSWORD, "password_confirm": PASSWORD, "auth_key": key},
    )
    assert response.status_code in (303, 422)
    assert factories.count(client, job_seekers, job_seekers.c.email == EMAIL) == 0


def test_the_key_mails_link_continues_in_another_browser(client, smtp):
    submit(client, "/apply", {"agree": "yes"})
    submit(client, "/apply/email", {"email": EMAIL, **BIRTH})
    mail = smtp.wait_for(EMAIL)[-1]
    body = mail.get_body().get_content()
    link = re.search(r"http\S+/apply/password\?resume=\S+", body).group(0)
    phone = another_browser(client)
    response = phone.get(link[link.index("/apply") :], follow_redirects=False)
    assert response.headers["location"] == "/apply/password"
    response = submit(
        phone,
        "/apply/password",
        {"password": PASSWORD, "password_confirm": PASSWORD, "auth_key": auth_key(mail)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/apply/form/basic"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "氏名を入力してください。"),
        ("kana", "Hanako", "フリガナは全角カタカナ50文字以内で入力してください。"),
        ("postcode", "12345", "郵便番号は7桁の数字で入力してください（例: 939-1363）。"),
        ("postcode", "000-0000", "この郵便番号は見つかりません。数字を確かめてください。"),
        (
            "phone",
            "12345",
            "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 0763-32-2914）。",
        ),
        ("gender", "x", "性別は一覧から選んでください。"),
    ],
)
def test_basic_information_refuses_with_a_message_beside_the_field(
    client, smtp, field, value, message
):
    open_account(client, smtp)
    sent = fill(client, "basic", {**BASIC, field: value})
    # Without JavaScript: to the step's own address (no POST page in the history)...
    assert sent.status_code == 303 and sent.headers["location"] == "/apply/form/basic"
    response = client.get(sent.headers["location"])
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    # what was typed stays
    kept = BASIC["address"]
    assert kept in response.text


def test_a_refused_step_shows_its_mistakes_once_then_what_was_saved(client, smtp):
    """Back after a refused step and a sent one reloads the step: what was saved, not the
    mistakes (the browser's history holds no POST page to resubmit)."""
    open_account(client, smtp)
    assert fill(client, "basic", BASIC).status_code == 303
    sent = fill(client, "basic", {**BASIC, "phone": "12345"})
    refused = client.get(sent.headers["location"])
    assert refused.status_code == 422 and 'value="12345"' in refused.text
    again = client.get("/apply/form/basic")
    assert again.status_code == 200 and 'value="090-1234-5678"' in again.text
    assert "電話番号は0から始まる" not in again.text
    # With htmx the form swaps in place: the refusal is the answer itself.
    swapped = submit(client, "/apply/form/basic", {**BASIC, "phone": "12345"}, htmx=True)
    assert swapped.status_code == 422 and 'id="phone-error"' in swapped.text


def test_the_postcode_fills_the_address_from_the_bundled_table(client, smtp):
    open_account(client, smtp)
    response = submit(
        client, "/apply/form/basic/postcode", {**BASIC, "postcode": "9391363", "address": ""}
    )
    assert response.status_code == 200
    assert 'value="富山県砺波市太郎丸"' in response.text
    assert 'value="939-1363"' in response.text
    assert 'value="砺波 花子"' in response.text  # the rest stays


def test_a_later_step_cannot_be_opened_before_the_earlier_ones(client, smtp):
    open_account(client, smtp)
    response = client.get("/apply/form/licenses", follow_redirects=False)
    assert response.headers["location"] == "/apply/form"
    assert client.get("/apply/form", follow_redirects=False).headers["location"] == (
        "/apply/form/basic"
    )


def test_each_step_is_saved_as_sent_and_another_device_resumes_there(client, smtp):
    open_account(client, smtp)
    assert fill(client, "basic", BASIC).headers["location"] == "/apply/form/wish"
    assert fill(client, "wish", WISH).headers["location"] == "/apply/form/history"
    row = seeker_row(client)
    assert (row["name"], row["kana"], row["address"]) == (
        "砺波 花子",
        "トナミ ハナコ",
        "富山県砺波市太郎丸1-2-3",
    )
    (profile,) = factories.rows(client, seeker_profiles)
    assert profile["desired_wage_min"] == 200000
    # the second sitting, on another device: sign in, and the 申込書 opens where it stopped
    phone = another_browser(client)
    from tests.helpers import login

    login(phone, EMAIL, PASSWORD)
    response = phone.get("/mypage", follow_redirects=False)
    assert response.headers["location"] == "/apply/form"
    response = phone.get("/apply/form", follow_redirects=False)
    assert response.headers["location"] == "/apply/form/history"
    page = phone.get("/apply/form/wish").text
    assert 'value="9時〜17時"' in page  # what was sent in the first sitting


def test_every_my_page_page_sends_an_applying_person_back(client, smtp):
    open_account(client, smtp)
    for path in ("/mypage", "/mypage/profile", "/mypage/applications", "/mypage/referrals"):
        response = client.get(path, follow_redirects=False)
        assert response.headers["location"] == "/apply/form", path


def test_the_whole_form_gives_a_number_a_mail_and_the_office_of_the_address(client, smtp):
    open_account(client, smtp)
    response = fill_all(client)
    assert response.headers["location"] == "/apply/done"
    row = seeker_row(client)
    assert row["status"] == "active"
    assert row["registration_kind"] == capabilities.ONLINE
    assert re.fullmatch(r"16040-\d{8}", row["seeker_number"])  # 富山 → ハローワーク砺波
    assert row["office_id"] == factories.office_id(client, "16040")
    assert row["valid_until"] is not None
    (entry,) = factories.rows(client, work_history)
    assert entry["company"] == "株式会社となみ"
    (application,) = factories.rows(client, online_applications)
    assert (application["postcode"], application["gender"], application["disability"]) == (
        "9391363",
        "female",
        "no",
    )
    mails = smtp.wait_for(EMAIL, 2)
    assert mails[-1]["Subject"] == "【ハローワーク】求職申込み完了のお知らせ（求職番号）"
    body = mails[-1].get_body().get_content()
    assert row["seeker_number"] in body and "本人確認書類" in body
    page = client.get("/apply/done").text
    assert row["seeker_number"] in page and "ハローワーク砺波" in page
    assert "本人確認書類" in page and "平日 8時30分" in page
    assert client.get("/mypage").status_code == 200


def test_sending_the_form_twice_changes_nothing(client, smtp):
    open_account(client, smtp)
    fill_all(client)
    number = seeker_row(client)["seeker_number"]
    response = submit(client, "/apply/form/confirm", {}, page="/apply/done", follow_redirects=False)
    assert response.headers["location"] == "/apply/done"
    assert client.get("/apply/form/basic", follow_redirects=False).headers["location"] == (
        "/apply/done"
    )
    assert seeker_row(client)["seeker_number"] == number
    assert len(smtp.wait_for(EMAIL, 2)) == 2


def test_a_prefecture_with_an_office_goes_to_it(client, smtp):
    factories.office(client, code="13010", name="ハローワーク飯田橋")
    open_account(client, smtp)
    fill(client, "basic", {**BASIC, "postcode": "112-0004", "address": "東京都文京区後楽1-9-20"})
    for step, data in (
        ("wish", WISH),
        ("history", {}),
        ("licenses", {}),
        ("disability", {}),
    ):
        assert fill(client, step, data).status_code == 303
    assert "ハローワーク飯田橋" in client.get("/apply/form/confirm").text
    submit(client, "/apply/form/confirm", {})
    assert seeker_row(client)["seeker_number"].startswith("13010-")


def test_htmx_steps_get_fragments_and_refusals_are_422_fragments(client, smtp):
    open_account(client, smtp)
    response = submit(client, "/apply/form/basic", {**BASIC, "name": ""}, htmx=True)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="application-sheet"')
    response = submit(client, "/apply/form/basic", BASIC, htmx=True)
    assert "/apply/form/wish" in response.headers["HX-Location"]


def test_nothing_typed_is_lost_to_a_session_timeout(client, smtp, clock):
    from tests.helpers import csrf_token, login

    open_account(client, smtp)
    page = "/apply/form/basic"
    token = csrf_token(client, page)
    clock.advance(minutes=31)  # typing slowly on a phone
    response = client.post(
        page,
        data={"csrf_token": token, **BASIC},
        headers={"Referer": f"http://testserver{page}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    back = login(client, EMAIL, PASSWORD, next=page)
    assert back.url.path == page
    assert 'value="砺波 花子"' in back.text and 'value="090-1234-5678"' in back.text
    assert 'value="939-1363"' in back.text  # a 郵便番号 is no secret code
