"""パスワード登録 wizard, step by step, as a phone's browser would drive it."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.helpers import KEY_IN_MAIL, another_browser, auth_key, csrf_token, login, submit
from webapp.schema import auth_keys as auth_keys_table
from webapp.schema import registration_wizards

EMAIL = "taro@example.com"
BIRTH = {"year": "1990", "month": "4", "day": "1"}
PASSWORD = "Kasumi#2719"


def start(client):
    """ステップ1 agreed: the browser now holds a wizard cookie."""
    response = submit(client, "/register", {"agree": "yes"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/register/email"
    return response


def request_key(client, email=EMAIL, **birth):
    return submit(client, "/register/email", {"email": email, **BIRTH, **birth})


def key_for(client, smtp, email=EMAIL, count=1) -> str:
    return auth_key(smtp.wait_for(email, count)[-1])


def set_password(client, key, password=PASSWORD, confirm=None):
    return submit(
        client,
        "/register/password",
        {"password": password, "password_confirm": confirm or password, "auth_key": key},
    )


def test_top_page_offers_the_wizard(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "求職者マイページ開設（パスワード登録）" in response.text
    assert 'href="/register"' in response.text


def test_step1_shows_both_documents_and_the_checkbox(client):
    response = client.get("/register")
    assert "求職者マイページ利用規約確認" in response.text
    assert "ステップ1／4" in response.text
    assert response.text.count('class="terms-box"') == 2
    assert "「プライバシーポリシー」「マイページ利用規約」に同意します。" in response.text
    assert "次へ進む" in response.text


def test_step1_requires_the_agreement(client):
    response = submit(client, "/register", {})
    assert response.status_code == 422
    assert "「同意します」にチェックを付けてください。" in response.text
    assert "wizard" not in response.cookies


def test_step2_is_not_reachable_before_step1(client):
    response = client.get("/register/email", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/register"


def test_step2_page(client):
    start(client)
    response = client.get("/register/email")
    assert "メールアドレスの入力（パスワード登録申込）" in response.text
    assert "ID（メールアドレス）" in response.text and "半角英数字100文字以内" in response.text
    assert "西暦で入力してください" in response.text
    assert "キャンセル" in response.text and "次へ進む" in response.text
    assert 'autocomplete="email"' in response.text and 'autocomplete="bday-year"' in response.text


@pytest.mark.parametrize(
    ("email", "birth", "message"),
    [
        ("", BIRTH, "ID（メールアドレス）を入力してください。"),
        ("taro", BIRTH, "ID（メールアドレス）の形式が正しくありません。"),
        ("taro@@example.com", BIRTH, "ID（メールアドレス）の形式が正しくありません。"),
        ("a" * 89 + "@example.com", BIRTH, "ID（メールアドレス）は100文字以内で入力してください。"),
        ("<script>@example.com", BIRTH, "ID（メールアドレス）の形式が正しくありません。"),
        (
            EMAIL,
            {"year": "", "month": "", "day": ""},
            "生年月日（年・月・日）をすべて入力してください。",
        ),
        (EMAIL, {"year": "90", "month": "4", "day": "1"}, "西暦4桁の半角数字"),
        (EMAIL, {"year": "1990", "month": "2", "day": "31"}, "存在しない日付"),
        (EMAIL, {"year": "2990", "month": "1", "day": "1"}, "未来の日付は入力できません。"),
        (EMAIL, {"year": "1990", "month": "四", "day": "1"}, "月・日は半角数字"),
    ],
)
def test_step2_rejects_bad_input_and_keeps_it(client, smtp, email, birth, message):
    start(client)
    response = request_key(client, email=email, **birth)
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert f'value="{birth["year"]}"' in response.text  # what was typed comes back
    assert smtp.messages == []


def test_matching_address_gets_the_key_mail(client, smtp):
    number = factories.seeker(client)
    start(client)
    response = request_key(client)
    assert response.url.path == "/register/password"
    assert "パスワード登録" in response.text and EMAIL in response.text
    (mail,) = smtp.wait_for(EMAIL)
    assert mail["Subject"] == "【ハローワーク】パスワード登録申込受付通知"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"\n認証キー:\n[A-Z0-9]{10}\n", body)  # the key alone on its line
    assert "50分" in body
    assert number.startswith("16040-")


def test_full_width_input_is_converted_not_rejected(client, smtp):
    factories.seeker(client)
    start(client)
    response = submit(
        client,
        "/register/email",
        {
            "email": "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "year": "１９９０",
            "month": "０４",
            "day": "１",
        },
    )
    assert response.url.path == "/register/password"
    assert smtp.wait_for(EMAIL)


def _page_shape(html: str) -> str:
    """The page with the parts that must differ (address, times, tokens) blanked out."""
    html = re.sub(r'value="[^"]*"', 'value=""', html)
    html = re.sub(r'"X-CSRF-Token": "[^"]*"', "", html)
    html = re.sub(r"[\w.+-]+@example\.com", "ADDRESS", html)
    return re.sub(r"\d{2}時\d{2}分|残り約<span[^>]*>\d+</span>分|[0-9T:.+-]{20,}", "T", html)


def test_unknown_address_sees_the_same_page_and_no_mail(client, smtp):
    factories.seeker(client)
    start(client)
    known = request_key(client).text
    other = another_browser(client)
    start(other)
    unknown = request_key(other, email="nobody@example.com").text
    wrong_birthdate = request_key(other, day="2").text
    assert _page_shape(known) == _page_shape(unknown) == _page_shape(wrong_birthdate)
    smtp.wait_for(EMAIL)
    assert smtp.to("nobody@example.com") == []


def test_the_whole_flow_ends_signed_in_on_my_page(client, smtp):
    number = factories.seeker(client)
    start(client)
    request_key(client)
    response = set_password(client, key_for(client, smtp))
    assert response.url.path == "/register/done"
    assert "パスワード登録完了" in response.text and "ログイン画面へ進む" in response.text
    assert "ステップ4／4" in response.text

    response = login(client, EMAIL, PASSWORD)
    assert response.url.path == "/mypage"
    assert "山田太郎" in response.text and number in response.text
    assert smtp.wait_for(EMAIL, 2)[1]["Subject"] == "【ハローワーク】パスワード登録完了のお知らせ"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "パスワードを入力してください。"),
        ("Ab1!", "8文字以上で入力してください（いま4文字）。"),
        ("Ab1!" * 9, "32文字以内で入力してください（いま36文字）。"),
        ("abcdefgh!", "半角数字（0〜9）を1文字以上含めてください。"),
        ("12345678!", "半角英字（a〜z、A〜Z）を1文字以上含めてください。"),
        ("abcd1234", "半角記号（@、#など）を1文字以上含めてください。"),
        ("ａｂｃ１２３４！", "半角の英字・数字・記号だけです"),
        ("abc 1234!", "半角の英字・数字・記号だけです"),
    ],
)
def test_password_rule_has_a_message_for_each_way_to_break_it(client, smtp, password, message):
    factories.seeker(client)
    start(client)
    request_key(client)
    response = set_password(client, "WHATEVER", password=password)
    assert response.status_code == 422
    assert message in response.text
    assert password not in re.findall(r'value="([^"]*)"', response.text)


def test_confirmation_must_match(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    response = set_password(client, key_for(client, smtp), confirm="Kasumi#2718")
    assert response.status_code == 422
    assert "一致しません" in response.text


def test_wrong_key_counts_down_then_voids_the_request(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    key = key_for(client, smtp)
    for remaining in (4, 3, 2, 1):
        response = set_password(client, "WRONGKEY99")
        assert response.status_code == 422
        assert f"あと{remaining}回間違えると" in response.text
        assert 'value="WRONGKEY99"' in response.text
    response = set_password(client, "WRONGKEY99")
    assert "5回間違えたため、このパスワード登録申込は無効になりました" in response.text
    assert "はじめからやり直す" in response.text
    # Even the right key is refused now.
    response = set_password(client, key)
    assert "無効になりました" in response.text
    assert client.get("/register/password").text.count("はじめからやり直す") >= 1


def test_key_works_for_50_minutes_only(client, smtp, clock):
    factories.seeker(client)
    start(client)
    request_key(client)
    key = key_for(client, smtp)
    assert "残り約<span data-countdown-minutes>50</span>分" in client.get("/register/password").text
    clock.advance(minutes=20)
    assert "残り約<span data-countdown-minutes>30</span>分" in client.get("/register/password").text
    clock.advance(minutes=30, seconds=1)
    response = set_password(client, key)
    assert "有効期限（メール配信から50分）が過ぎました" in response.text


def test_a_key_is_accepted_with_spaces_and_lower_case(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    key = key_for(client, smtp)
    response = set_password(client, f" {key[:5].lower()} {key[5:]} ")
    assert response.url.path == "/register/done"


def test_a_newer_request_makes_the_older_key_invalid(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    first_key = key_for(client, smtp)
    other = another_browser(client)
    start(other)
    request_key(other)
    second_key = key_for(other, smtp, count=2)
    response = set_password(client, first_key)
    assert "新しいパスワード登録申込があったため" in response.text
    assert set_password(other, second_key).url.path == "/register/done"


def test_completing_twice_is_harmless(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    key = key_for(client, smtp)
    token = csrf_token(client, "/register/password")
    data = {
        "csrf_token": token,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "auth_key": key,
    }
    first = client.post("/register/password", data=data)
    second = client.post("/register/password", data=data)
    assert first.url.path == second.url.path == "/register/done"


def test_pressing_next_twice_sends_one_key(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    request_key(client)
    key = key_for(client, smtp)
    assert len(smtp.to(EMAIL)) == 1
    assert set_password(client, key).url.path == "/register/done"


def test_coming_back_lands_on_step3_with_nothing_to_retype(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    for page in ("/", "/register"):
        response = client.get(page)
        assert response.url.path == "/register/password"
        assert EMAIL in response.text
    response = client.get("/register/email")  # Back to ステップ2: what was typed is there
    assert f'value="{EMAIL}"' in response.text and 'value="1990"' in response.text


def test_cancel_forgets_the_wizard(client, smtp):
    start(client)
    response = submit(client, "/register/cancel", page="/register/email")
    assert response.url.path == "/"
    assert client.get("/register/email", follow_redirects=False).status_code == 303


def test_restart_after_expiry_goes_back_to_step1(client, smtp, clock):
    factories.seeker(client)
    start(client)
    request_key(client)
    clock.advance(minutes=51)
    page = client.get("/register/password")
    assert "有効期限（メール配信から50分）が過ぎました" in page.text
    assert client.get("/").url.path == "/"  # an expired key no longer pulls the user back
    response = submit(client, "/register/restart", page="/register/password")
    assert response.url.path == "/register"


def test_htmx_gets_fragments_and_a_pushed_url(client, smtp):
    start(client)
    fragment = client.get("/register/email", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="wizard"')
    assert "<html" not in fragment.text and "<title>" in fragment.text
    assert fragment.headers["vary"] == "HX-Request"
    full = client.get("/register/email")
    assert full.text.startswith("<!doctype html>") and '<div id="wizard"' in full.text

    response = submit(client, "/register/email", {"email": EMAIL, **BIRTH}, htmx=True)
    assert response.status_code == 200
    assert '"path": "/register/password"' in response.headers["hx-location"]
    assert '"target": "#wizard"' in response.headers["hx-location"]


def test_htmx_validation_error_is_a_422_fragment(client):
    start(client)
    response = submit(client, "/register/email", {"email": "x", **BIRTH}, htmx=True)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="wizard"')
    assert 'role="alert"' in response.text


def test_history_restore_gets_the_full_page(client):
    start(client)
    response = client.get(
        "/register/email", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert response.text.startswith("<!doctype html>")


def test_wizard_cookie_is_httponly_and_lax(client):
    response = start(client)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("P@ssw0rd1", "よく使われているパスワード"),
        ("Qwerty123!", "よく使われているパスワード"),
        ("q1w2e3r4!", "よく使われているパスワード"),
        ("Hello-work9", "「ハローワーク」、メールアドレス、生年月日など"),
        ("h3llow0rk!7", "「ハローワーク」、メールアドレス、生年月日など"),
        ("Taro#2024x", "「ハローワーク」、メールアドレス、生年月日など"),
        ("Xy19900401!", "「ハローワーク」、メールアドレス、生年月日など"),
        ("Xy1990-04-01", "「ハローワーク」、メールアドレス、生年月日など"),
        ("Xy!900401z", "「ハローワーク」、メールアドレス、生年月日など"),
    ],
)
def test_guessable_passwords_are_refused_with_their_own_message(client, smtp, password, message):
    factories.seeker(client)
    start(client)
    request_key(client)
    response = set_password(client, key_for(client, smtp), password=password)
    assert response.status_code == 422
    assert message in response.text


# --- ステップ2 never leaves anyone waiting: the owner of an address that did not match is
# told by mail why no key came (the page stays the same for every address) ---------------


def body_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_an_open_my_page_is_told_by_mail_instead_of_a_key(client, smtp):
    factories.seeker(client, password=PASSWORD)
    start(client)
    response = request_key(client)
    assert response.url.path == "/register/password" and EMAIL in response.text
    (mail,) = smtp.wait_for(EMAIL)
    assert mail["Subject"] == "【ハローワーク】求職者マイページは開設済みです"
    body = body_of(mail)
    assert "既にマイページを開設済みです" in body
    assert "認証キーはお送りしていません" in body and not KEY_IN_MAIL.search(body)
    assert "■ ログインする\n" in body and "http://testserver/login\n" in body
    assert "■ パスワードを忘れた方\n" in body and "http://testserver/password/forgot\n" in body
    assert "ハローワーク砺波　TEL 0763-32-2914" in body


def test_a_wrong_birthdate_is_told_by_mail_with_what_to_check_and_whom_to_ask(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client, month="1", day="4")  # 1990-01-04: month and day swapped
    (mail,) = smtp.wait_for(EMAIL)
    assert mail["Subject"] == "【ハローワーク】パスワード登録の申込を受け付けられませんでした"
    body = body_of(mail)
    assert "生年月日が窓口で登録された内容と一致しませんでした" in body
    assert "入力された生年月日: 1990年1月4日" in body
    assert "西暦で入力しているか" in body and "年・月・日を入れ違えていないか" in body
    assert "ハローワーク砺波　TEL 0763-32-2914" in body
    assert "http://testserver/register/email\n" in body
    assert "1990年4月1日" not in body.split("例:")[0]  # the registered date is never told
    assert not KEY_IN_MAIL.search(body)
    # The way back: ステップ2 with what was typed, then the right birthdate gets the key.
    assert 'value="4"' in client.get("/register/email").text
    request_key(client)
    assert set_password(client, key_for(client, smtp, count=2)).url.path == "/register/done"


def test_the_office_named_is_the_job_seekers_own(client, smtp):
    factories.office(client)  # 13010 ハローワーク飯田橋, 03-…
    factories.seeker(client, office="13010")
    start(client)
    request_key(client, day="2")
    body = body_of(smtp.wait_for(EMAIL)[0])
    assert "ハローワーク飯田橋　TEL 03-3812-8609" in body and "ハローワーク砺波" not in body


def test_every_answer_to_step2_is_the_same_page(client, smtp):
    factories.seeker(client)
    factories.seeker(client, email="hanako@example.com", password=PASSWORD)
    pages = []
    for email, birth in (
        (EMAIL, {}),  # the key
        (EMAIL, {"day": "2"}),  # a wrong birthdate: told by mail
        ("hanako@example.com", {}),  # already open: told by mail
        ("nobody@example.com", {}),  # nobody's: nothing
    ):
        browser = another_browser(client)
        start(browser)
        response = request_key(browser, email=email, **birth)
        assert response.status_code == 200
        pages.append(_page_shape(response.text))
    assert pages[0] == pages[1] == pages[2] == pages[3]
    smtp.wait_for(EMAIL, 2)
    smtp.wait_for("hanako@example.com")
    assert smtp.to("nobody@example.com") == []


def test_notices_are_limited_like_key_mails(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)
    for _ in range(3):
        browser = another_browser(client)
        start(browser)
        assert request_key(browser).status_code == 200
    smtp.wait_for(EMAIL, 3)
    browser = another_browser(client)
    start(browser)
    refused = request_key(browser)
    assert refused.status_code == 429
    assert "短時間に何度も申し込まれたため" in refused.text
    clock.advance(minutes=15, seconds=1)
    assert request_key(browser).status_code == 200
    assert len(smtp.wait_for(EMAIL, 4)) == 4


def test_step3_lists_why_a_mail_may_not_come(client):
    start(client)
    page = request_key(client, email="nobody@example.com").text
    howto = page.split("メールが届かない場合", 1)[1].split("</details>", 1)[0]
    assert "メール受信制限の設定内容と入力したメールアドレスが正しいか" in howto
    assert "既にマイページを開設済みの場合" in howto
    assert 'href="/login"' in howto and 'href="/password/forgot"' in howto
    assert "生年月日が窓口で登録された内容と一致しなかった場合" in howto
    assert "窓口で登録したものと違うメールアドレスを入力した場合" in howto
    assert "求職申込みをしたハローワークにお問い合わせください" in howto


# --- the key mail's link continues in any browser (a mail app opens links in its own) ----


def link_in(mail) -> str:
    match = re.search(r"^(http://testserver/register/password\?resume=\S+)$", body_of(mail), re.M)
    assert match, "no continue link in the mail"
    return match.group(1)


def test_the_mail_link_continues_in_another_browser(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    (mail,) = smtp.wait_for(EMAIL)
    link, key = link_in(mail), auth_key(mail)
    assert key not in link

    mail_app = another_browser(client)  # no wizard cookie here
    opened = mail_app.get(link, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/register/password"
    page = mail_app.get("/register/password")
    assert "ステップ3／4" in page.text and EMAIL in page.text
    assert "残り約<span data-countdown-minutes>50</span>分" in page.text
    assert mail_app.get("/").url.path == "/register/password"  # the site now reopens there
    # The key is still needed, and a wrong one counts against the same five tries.
    assert "あと4回間違えると" in set_password(mail_app, "WRONGKEY99").text
    assert "あと3回間違えると" in set_password(client, "WRONGKEY99").text
    assert set_password(mail_app, key).url.path == "/register/done"
    # Used once: the first browser is told so, and the link leads nowhere now.
    assert "既に使用されています" in set_password(client, key).text
    again = another_browser(client).get(link)
    assert "既に使用されています" in again.text and "はじめからやり直す" in again.text


def test_opening_the_link_in_the_same_browser_changes_nothing(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    link = link_in(smtp.wait_for(EMAIL)[0])
    wizards = factories.count(client, registration_wizards)
    response = client.get(link)
    assert response.url.path == "/register/password" and EMAIL in response.text
    assert factories.count(client, registration_wizards) == wizards


def test_the_link_is_as_good_as_its_key_and_no_longer(client, smtp, clock):
    factories.seeker(client)
    start(client)
    request_key(client)
    first = link_in(smtp.wait_for(EMAIL)[0])
    other = another_browser(client)
    start(other)
    request_key(other)
    second = link_in(smtp.wait_for(EMAIL, 2)[1])
    # A newer request voids the older key, and its link with it.
    stale = another_browser(client).get(first, follow_redirects=False)
    assert stale.status_code == 200 and "新しいパスワード登録申込があったため" in stale.text
    assert "wizard" not in stale.cookies
    clock.advance(minutes=50, seconds=1)
    late = another_browser(client).get(second, follow_redirects=False)
    assert "有効期限（メール配信から50分）が過ぎました" in late.text
    assert "wizard" not in late.cookies
    # Made up or mangled: the same answer as an expired one.
    for token in ("x", second.rsplit("=", 1)[1][:-1] + "A", "", "a" * 500):
        page = another_browser(client).get(f"/register/password?resume={token}")
        assert page.status_code == 200 and "有効期限" in page.text


def test_the_link_carries_no_key_and_is_stored_only_as_a_hash(client, smtp):
    factories.seeker(client)
    start(client)
    request_key(client)
    (mail,) = smtp.wait_for(EMAIL)
    token = link_in(mail).rsplit("=", 1)[1]
    (row,) = factories.rows(client, auth_keys_table)
    assert len(token) >= 40 and token not in str(row.values())
    assert row["resume_hash"] and row["resume_hash"] != row["key_hash"]
    # The key itself is no link, and the link is no key.
    key = auth_key(mail)
    assert "有効期限" in another_browser(client).get(f"/register/password?resume={key}").text
    assert "認証キーが正しくありません" in set_password(client, token).text


def test_a_reset_link_does_not_open_the_registration(client, smtp):
    factories.seeker(client, password=PASSWORD)
    submit(client, "/password/forgot", {"email": EMAIL, **BIRTH})
    body = body_of(smtp.wait_for(EMAIL)[0])
    token = re.search(r"/password/reset\?resume=(\S+)", body).group(1)
    page = another_browser(client).get(f"/register/password?resume={token}")
    assert "有効期限" in page.text and EMAIL not in page.text
