"""Three doors: job-seekers, Hello Work staff and employers sign in apart, and each
member page refuses everyone else without saying what is behind it."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import EMPLOYER, SEEKER, STAFF, browsers_for, login, submit

SEEKER_PASSWORD = factories.SEEKER_PASSWORD


@pytest.fixture
def people(client):
    factories.seeker(client, password=SEEKER_PASSWORD)
    factories.staff(client)
    factories.employer(client)
    return client


def test_staff_sign_in_with_the_mailed_code_and_land_on_their_console(people):
    response = login(people, "staff@example.com", factories.MEMBER_PASSWORD, door="/staff/login")
    assert response.status_code == 200
    assert response.url.path == "/staff"
    assert "ハローワーク砺波" in response.text
    assert "この端末を記憶する" not in people.get("/staff/login/code").text


def test_employer_sign_in_lands_on_the_employer_home(people):
    response = login(people, "hr@example.com", factories.MEMBER_PASSWORD, door="/employer/login")
    assert response.url.path == "/employer"
    assert "株式会社となみ精工" in response.text


@pytest.mark.parametrize(
    ("door", "email", "password"),
    [
        ("/login", "staff@example.com", factories.MEMBER_PASSWORD),
        ("/employer/login", "staff@example.com", factories.MEMBER_PASSWORD),
        ("/staff/login", "hr@example.com", factories.MEMBER_PASSWORD),
        ("/staff/login", "taro@example.com", SEEKER_PASSWORD),
        ("/employer/login", "taro@example.com", SEEKER_PASSWORD),
    ],
)
def test_an_account_opens_only_its_own_door(people, door, email, password):
    response = login(people, email, password, door=door)
    assert response.status_code == 422
    assert "ID（メールアドレス）またはパスワードが正しくありません。" in response.text


def test_a_staff_code_is_not_accepted_at_the_job_seekers_door(people):
    submit(
        people,
        "/staff/login",
        {"email": "staff@example.com", "password": factories.MEMBER_PASSWORD},
    )
    code_mail = people.smtp.wait_for("staff@example.com", 1)[-1]
    code = code_mail.get_body(preferencelist=("plain",)).get_content().split("確認コード:\n")[1][:6]
    response = submit(people, "/login/code", {"code": code}, page="/login")
    assert response.url.path == "/login"
    assert people.get("/staff").url.path == "/staff/login"


@pytest.fixture(scope="module")
def signed_in_apart(module_client):
    """Taro, 砺波's staff and となみ精工's user, each signed in in a browser of their own on
    the module's app, whose database the refusals below only read."""
    factories.seeker(module_client, password=SEEKER_PASSWORD)
    factories.staff(module_client)
    factories.employer(module_client)
    browsers = browsers_for(module_client, {"seeker": SEEKER, "staff": STAFF, "employer": EMPLOYER})
    with factories.unchanged(module_client):
        yield browsers


@pytest.mark.parametrize("page", ["/staff", "/employer"])
def test_anonymous_visitors_are_sent_to_that_door(shared_client, signed_in_apart, page):
    response = shared_client.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{page}/login?next=")


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("seeker", "/staff"),
        ("seeker", "/employer"),
        ("employer", "/staff"),
        ("staff", "/employer"),
    ],
)
def test_the_wrong_role_gets_a_plain_403(signed_in_apart, who, page):
    response = signed_in_apart[who].get(page, follow_redirects=False)
    assert response.status_code == 403
    assert "ハローワーク砺波" not in response.text
    assert "となみ精工" not in response.text or who == "employer"


def test_a_member_session_is_not_a_job_seeker_session(people):
    login(people, "staff@example.com", factories.MEMBER_PASSWORD, door="/staff/login")
    assert people.get("/mypage", follow_redirects=False).status_code == 303


def test_logout_returns_a_member_to_their_own_door(people):
    login(people, "hr@example.com", factories.MEMBER_PASSWORD, door="/employer/login")
    response = submit(people, "/logout", page="/employer")
    assert response.url.path == "/employer/login"
    assert "ログアウトしました。" in response.text
    assert people.get("/employer", follow_redirects=False).status_code == 303


def test_staff_sign_in_is_throttled_like_everyone_elses(people):
    for _ in range(5):
        login(people, "staff@example.com", "Wrong#pass1", door="/staff/login")
    response = login(people, "staff@example.com", factories.MEMBER_PASSWORD, door="/staff/login")
    assert response.status_code == 429
    assert "ログインできません" in response.text
