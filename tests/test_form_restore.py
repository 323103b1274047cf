"""What was typed survives a session timeout, for its owner only (issue 3, point 5)."""

from __future__ import annotations

from tests import factories, helpers
from tests.helpers import csrf_token

EMAIL = "taro@example.com"
PASSWORD = "Kasumi#2719"
PAGE = "/mypage/account/email"


def timed_out_under_the_form(client, clock, **headers):
    """Signed in, open the form, type for 31 minutes, send: the session is gone by then."""
    factories.seeker(client, password=PASSWORD)
    helpers.login(client, EMAIL, PASSWORD)
    token = csrf_token(client, PAGE)
    clock.advance(minutes=31)
    return client.post(
        PAGE,
        data={"csrf_token": token, "email": "taro.new@example.com", "current_password": PASSWORD},
        headers={"Referer": f"http://testserver{PAGE}", **headers},
        follow_redirects=False,
    )


def test_typed_input_comes_back_after_signing_in_again(client, smtp, clock):
    response = timed_out_under_the_form(client, clock)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmypage%2Faccount%2Femail"
    page = helpers.login(client, EMAIL, PASSWORD, next=PAGE)
    assert page.url.path == PAGE
    assert 'value="taro.new@example.com"' in page.text
    assert "入力していた内容を復元しました" in page.text
    assert PASSWORD not in page.text  # passwords are never kept
    again = client.get(PAGE)  # restored once, then forgotten
    assert "taro.new@example.com" not in again.text


def test_htmx_gets_401_with_the_way_back_and_the_input_is_kept(client, smtp, clock):
    response = timed_out_under_the_form(client, clock, **{"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fmypage%2Faccount%2Femail"
    page = helpers.login(client, EMAIL, PASSWORD, next=PAGE)
    assert 'value="taro.new@example.com"' in page.text


def test_another_person_signing_in_on_the_same_browser_sees_nothing(client, smtp, clock):
    timed_out_under_the_form(client, clock)
    factories.seeker(
        client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ", password=PASSWORD
    )
    page = helpers.login(client, "hanako@example.com", PASSWORD, next=PAGE)
    assert page.url.path == PAGE
    assert "taro.new@example.com" not in page.text


def test_kept_input_lapses_after_an_hour(client, smtp, clock):
    timed_out_under_the_form(client, clock)
    clock.advance(minutes=61)
    page = helpers.login(client, EMAIL, PASSWORD, next=PAGE)
    assert "taro.new@example.com" not in page.text
