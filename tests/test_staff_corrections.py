"""Staff correct a counter registration (issue 12, defect 8): 氏名, フリガナ, 生年月日 and
メールアドレス with a reason, kept in the change history; the job-seeker is told at the
address now registered, and a corrected address voids what went to the old one (the key
of a パスワード登録 under way, sessions) with a notice there that names nobody. And a
job-seeker's waiting 紹介の希望 shows on their page in the staff console."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.helpers import (
    EMPLOYER,
    IIDABASHI_STAFF,
    SEEKER,
    STAFF,
    another_browser,
    ask_referral,
    auth_key,
    browsers_for,
    errors_beside,
    errors_of,
    signed_in,
    submit,
)
from webapp.schema import (
    auth_keys,
    job_seekers,
    profile_changes,
    referral_requests,
    registration_wizards,
    remembered_devices,
    sessions,
)

MISTYPED = "taro@exmaple.com"  # what the counter typed
RIGHT = "taro@example.com"
BIRTH = {"year": "1990", "month": "4", "day": "1"}
REASON = "窓口でメールアドレスを聞き誤ったため"
CORRECTED_SUBJECT = "【ハローワーク】登録内容の訂正のお知らせ"
REMOVED_SUBJECT = "【ハローワーク】登録メールアドレス変更のお知らせ"


def body_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def the_seeker(client, number: str) -> dict:
    (row,) = factories.rows(client, job_seekers, job_seekers.c.seeker_number == number)
    return row


def correction(seeker: dict, **changes) -> dict:
    """The correction form as it opens (the registration as it stands), with `changes`."""
    birth = seeker["birthdate"]
    return {
        "name": seeker["name"],
        "kana": seeker["kana"],
        "year": str(birth.year),
        "month": str(birth.month),
        "day": str(birth.day),
        "email": seeker["email"],
        "reason": REASON,
        **changes,
    }


def correct(staff, seeker: dict, **kwargs):
    url = f"/staff/seekers/{seeker['id']}/correct"
    return submit(staff, url, correction(seeker, **kwargs.pop("changes", {})), **kwargs)


@pytest.fixture
def counter(client):
    """Taro registered at ハローワーク砺波 with a mistyped address; its staff signed in."""
    client.number = factories.seeker(client, email=MISTYPED)
    factories.staff(client)
    client.staff = signed_in(client, STAFF)
    return client


def test_the_correction_form_opens_with_the_registration_as_it_stands(counter):
    seeker = the_seeker(counter, counter.number)
    page = counter.staff.get(f"/staff/seekers/{seeker['id']}")
    assert f'href="/staff/seekers/{seeker["id"]}/correct"' in page.text
    form = counter.staff.get(f"/staff/seekers/{seeker['id']}/correct")
    assert form.status_code == 200
    assert "登録内容の訂正" in form.text
    assert f'value="{MISTYPED}"' in form.text
    assert 'value="山田太郎"' in form.text and 'value="1990"' in form.text
    fragment = counter.staff.get(
        f"/staff/seekers/{seeker['id']}/correct", headers={"HX-Request": "true"}
    )
    assert fragment.text.startswith('<div id="correct-form"')


def test_a_corrected_address_voids_the_key_sent_to_the_old_one(counter, smtp):
    """The counter mistyped the address; Taro asked for his key at the typed address
    (defect 2: it never reached him, and whoever reads that mailbox holds it). Corrected,
    that key and its wizard are void; the new address gets a notice and its own key."""
    seeker = the_seeker(counter, counter.number)
    stranger = another_browser(counter)
    submit(stranger, "/register", {"agree": "yes"})
    step3 = submit(stranger, "/register/email", {"email": MISTYPED, **BIRTH})
    assert step3.url.path == "/register/password"
    old_key = auth_key(smtp.wait_for(MISTYPED)[-1])

    done = correct(counter.staff, seeker, changes={"email": RIGHT})

    assert done.url.path == f"/staff/seekers/{seeker['id']}"
    assert "登録内容を訂正しました。本人にメールでお知らせしました。" in done.text
    assert the_seeker(counter, counter.number)["email"] == RIGHT
    (change,) = factories.rows(counter, profile_changes)
    assert (change["field"], change["before"], change["after"]) == ("email", MISTYPED, RIGHT)
    assert (change["actor"], change["reason"]) == ("staff", REASON)
    assert change["member_id"] is not None
    # Nothing sent to the old address can be used any more.
    assert all(k["superseded_at"] for k in factories.rows(counter, auth_keys))
    assert factories.rows(counter, registration_wizards) == []
    page = stranger.get("/register/password")
    assert page.url.path != "/register/password"
    refused = submit(
        stranger,
        "/register/password",
        {"password": "Kasumi#2719", "password_confirm": "Kasumi#2719", "auth_key": old_key},
        page="/register",
    )
    assert the_seeker(counter, counter.number)["password_hash"] is None
    assert refused.url.path != "/register/done"

    # Taro is told at the right address; the old one hears only that it was removed.
    (told,) = smtp.wait_for(RIGHT)
    assert told["Subject"] == CORRECTED_SUBJECT
    body = body_of(told)
    assert "山田太郎 様" in body
    assert "訂正した項目: メールアドレス" in body
    assert "このメールアドレスが、求職者マイページのID" in body
    assert "訂正の前のメールアドレスにお送りした認証キーは、使えなくなりました。" in body
    assert "http://testserver/register" in body
    assert "ハローワーク砺波" in body
    factories.outbox_sent(counter)  # the notice to the old address goes out after Taro's
    removed = [m for m in smtp.to(MISTYPED) if m["Subject"] == REMOVED_SUBJECT]
    assert len(removed) == 1
    notice = body_of(removed[0])
    assert "登録から外れました" in notice and "認証キーも、使えなくなりました" in notice
    assert "山田" not in notice and RIGHT not in notice and "太郎" not in notice

    # Opening My Page now works from the right address.
    browser = another_browser(counter)
    submit(browser, "/register", {"agree": "yes"})
    assert submit(browser, "/register/email", {"email": RIGHT, **BIRTH}).url.path == (
        "/register/password"
    )
    key = auth_key([m for m in smtp.wait_for(RIGHT, 2) if "パスワード登録" in m["Subject"]][-1])
    finished = submit(
        browser,
        "/register/password",
        {"password": "Kasumi#2719", "password_confirm": "Kasumi#2719", "auth_key": key},
    )
    assert "パスワード登録完了" in finished.text


def test_name_kana_and_birthdate_are_corrected_each_in_the_history(counter, smtp):
    seeker = the_seeker(counter, counter.number)
    done = correct(
        counter.staff,
        seeker,
        changes={"name": "山田　太朗", "kana": "やまだたろう", "year": "１９９１", "day": "2"},
    )
    assert "登録内容を訂正しました。" in done.text
    row = the_seeker(counter, counter.number)
    assert (row["name"], row["kana"], str(row["birthdate"])) == (
        "山田 太朗",
        "ヤマダタロウ",
        "1991-04-02",
    )
    changes = {
        c["field"]: (c["before"], c["after"]) for c in factories.rows(counter, profile_changes)
    }
    assert changes == {
        "name": ("山田太郎", "山田 太朗"),
        "birthdate": ("1990年04月01日", "1991年04月02日"),
    }  # the kana, typed in ひらがな, is what was registered
    (told,) = smtp.wait_for(MISTYPED)
    assert told["Subject"] == CORRECTED_SUBJECT
    assert "訂正した項目: 氏名、生年月日" in body_of(told)
    assert "山田 太朗 様" in body_of(told)
    assert REMOVED_SUBJECT not in [m["Subject"] for m in smtp.to(MISTYPED)]
    history = counter.staff.get(f"/staff/seekers/{seeker['id']}/changes")
    assert REASON in history.text
    assert '職員<span class="nowrap">（砺波一郎）</span>' in history.text
    assert "1991年04月02日" in history.text


def test_an_open_my_page_keeps_its_password_and_signs_in_at_the_new_address(client, smtp):
    number = factories.seeker(client, email=MISTYPED, password=SEEKER.password)
    factories.staff(client)
    staff = signed_in(client, STAFF)
    taro = signed_in(client, SEEKER._replace(email=MISTYPED))
    seeker = the_seeker(client, number)
    factories.run(
        client,
        lambda conn: conn.execute(
            remembered_devices.insert().values(
                seeker_id=seeker["id"],
                token_hash="x" * 64,
                created_at=client.app.state.clock.now(),
                expires_at=client.app.state.clock.now(),
            )
        ),
    )
    correct(staff, seeker, changes={"email": RIGHT})
    assert factories.rows(client, sessions, sessions.c.seeker_id == seeker["id"]) == []
    assert factories.rows(client, remembered_devices) == []
    assert taro.get("/mypage", follow_redirects=False).status_code == 303
    (told,) = smtp.wait_for(RIGHT)
    body = body_of(told)
    assert "ログインには、このメールアドレスとこれまでのパスワードをお使いください。" in body
    assert "ログインしていた端末はすべてログアウトしました。" in body
    assert "http://testserver/login" in body
    signed_in(client, SEEKER._replace(email=RIGHT))  # the same account, its new ID


def test_only_a_name_change_keeps_the_sessions(client, smtp):
    number = factories.seeker(client, password=SEEKER.password)
    factories.staff(client)
    staff = signed_in(client, STAFF)
    taro = signed_in(client, SEEKER)
    correct(staff, the_seeker(client, number), changes={"name": "山田 太朗"})
    assert taro.get("/mypage").status_code == 200
    assert "ログインしていた端末" not in body_of(smtp.wait_for(RIGHT)[0])


@pytest.mark.parametrize(
    ("changes", "name", "message"),
    [
        (
            {"reason": "  "},
            "reason",
            "訂正の理由を入力してください（例: 窓口でメールアドレスを聞き誤ったため）。",
        ),
        ({"reason": "あ" * 201}, "reason", "訂正の理由は200文字以内で入力してください。"),
        ({"name": ""}, "name", "氏名を入力してください。"),
        ({"kana": "Yamada"}, "kana", "フリガナは全角カタカナ50文字以内で入力してください。"),
        ({"month": "13"}, "year", "生年月日に存在しない日付が入力されています。"),
        (
            {"email": "taro@example"},
            "email",
            "ID（メールアドレス）の形式が正しくありません。例: taro@example.com",
        ),
    ],
)
def test_a_mistake_is_shown_next_to_its_field_and_nothing_changes(
    counter, smtp, changes, name, message
):
    seeker = the_seeker(counter, counter.number)
    response = correct(counter.staff, seeker, changes={"email": RIGHT, **changes})
    assert response.status_code == 422
    assert message in errors_beside(response.text, name)
    assert the_seeker(counter, counter.number)["email"] == MISTYPED
    assert factories.rows(counter, profile_changes) == []
    htmx = correct(counter.staff, seeker, changes={"email": RIGHT, **changes}, htmx=True)
    assert htmx.status_code == 422 and htmx.text.startswith('<div id="correct-form"')
    assert smtp.to(RIGHT) == [] and smtp.to(MISTYPED) == []


def test_an_address_another_job_seeker_has_is_refused(counter, smtp):
    factories.seeker(counter, email=RIGHT, name="山田 次郎", kana="ヤマダ ジロウ")
    seeker = the_seeker(counter, counter.number)
    response = correct(counter.staff, seeker, changes={"email": RIGHT})
    assert response.status_code == 422
    assert errors_of(response) == [
        "<p>このメールアドレスは既に別の求職者に登録されています。"
        "別のメールアドレスを入力してください。</p>"
    ]
    assert the_seeker(counter, counter.number)["email"] == MISTYPED
    assert smtp.to(RIGHT) == []


def test_the_same_correction_sent_twice_changes_and_tells_once(counter, smtp):
    seeker = the_seeker(counter, counter.number)
    first = correct(counter.staff, seeker, changes={"email": RIGHT})
    second = correct(counter.staff, seeker, changes={"email": RIGHT})
    assert "登録内容を訂正しました。" in first.text
    assert "訂正する項目はありませんでした（いまの登録内容と同じです）。" in second.text
    assert len(factories.rows(counter, profile_changes)) == 1
    factories.outbox_sent(counter)
    assert len(smtp.to(RIGHT)) == 1


@pytest.mark.parametrize("who", ["other-office staff", "seeker", "employer", "anonymous"])
def test_only_staff_of_the_job_seekers_own_office_may_correct(client, who):
    factories.office(client, "13010")
    number = factories.seeker(client, password=SEEKER.password)
    factories.staff(client, email="iidabashi@example.com", office="13010", name="飯田一郎")
    factories.employer(client)
    accounts = {
        "other-office staff": IIDABASHI_STAFF,
        "seeker": SEEKER,
        "employer": EMPLOYER,
        "anonymous": None,
    }
    browser = browsers_for(client, {who: accounts[who]})[who]
    seeker = the_seeker(client, number)
    url = f"/staff/seekers/{seeker['id']}/correct"
    page = browser.get(url, follow_redirects=False)
    sent = submit(
        browser,
        url,
        correction(seeker, email="taro.new@example.com"),
        page="/login" if who == "anonymous" else HOME_OF[who],
        follow_redirects=False,
    )
    expected = {"other-office staff": 404, "anonymous": 303}.get(who, 403)
    assert page.status_code == sent.status_code == expected
    assert "山田" not in page.text
    assert the_seeker(client, number)["email"] == RIGHT
    assert factories.rows(client, profile_changes) == []


HOME_OF = {"other-office staff": "/staff", "seeker": "/mypage", "employer": "/employer"}


# --- a waiting 紹介の希望 on the job-seeker's page -------------------------------------------


def test_a_waiting_referral_request_shows_on_the_profile_with_a_link_to_answer_it(client):
    number = factories.seeker(client, password=SEEKER.password)
    factories.staff(client)
    staff = signed_in(client, STAFF)
    taro = signed_in(client, SEEKER)
    posting = factories.posting(client, job_title="倉庫内作業", company_name="株式会社となみ物流")
    other = factories.posting(client, job_title="検品スタッフ")
    for wanted in (posting, other):
        ask_referral(taro, wanted["id"])
    seeker = the_seeker(client, number)
    first, second = factories.rows(client, referral_requests)

    page = staff.get(f"/staff/seekers/{seeker['id']}")
    assert "紹介の希望（受付待ち 2件）" in page.text
    assert "倉庫内作業" in page.text and "株式会社となみ物流" in page.text
    link = f'href="/staff/referral-requests#request-{first["id"]}"'
    assert link in page.text
    queue = staff.get("/staff/referral-requests")
    assert f'id="request-{first["id"]}"' in queue.text  # where the link lands

    submit(
        staff,
        f"/staff/referral-requests/{second['id']}/decline",
        {"reason": "募集が終わったため"},
        page="/staff/referral-requests",
    )
    page = staff.get(f"/staff/seekers/{seeker['id']}")
    assert "紹介の希望（受付待ち 1件）" in page.text
    assert "検品スタッフ" not in re.search(
        r'class="card waiting-requests".*?</section>', page.text, re.S
    ).group(0)


def test_no_waiting_request_no_section(client):
    number = factories.seeker(client)
    factories.staff(client)
    staff = signed_in(client, STAFF)
    page = staff.get(f"/staff/seekers/{the_seeker(client, number)['id']}")
    assert "紹介の希望（受付待ち" not in page.text
