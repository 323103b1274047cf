"""パスワード登録 wizard, step by step, as a phone's browser would drive it."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.helpers import another_browser, auth_key, csrf_token, login, submit

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
