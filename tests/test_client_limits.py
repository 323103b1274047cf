"""Limits sized for how people really connect (issue 13).

Many honest people share one address: a Hello Work office's Wi-Fi on a counter morning,
a school, a mobile carrier's CGNAT. A crowd behind one address is never stopped; password
spraying from one address is slowed, never answered by locking out everyone behind it;
the client address is the real one behind a trusted proxy, and nobody else can choose it
with X-Forwarded-For.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import queue
import subprocess
import sys
import threading

import httpx2 as httpx
import pytest
import sqlalchemy as sa
import uvicorn

from tests import factories, helpers
from tests.conftest import CHEAP_ARGON2_ENV, TEST_SECRET, free_port
from tests.helpers import another_browser, auth_key, run_db, submit
from webapp import daily
from webapp.__main__ import uvicorn_options
from webapp.clock import to_jst
from webapp.config import Settings
from webapp.schema import rate_limit_hits, security_events
from webapp.security import rate_limit, throttle
from webapp.security.rate_limit import (
    KEY_REQUESTS_PER_CLIENT,
    SIGN_INS_PER_CLIENT,
    SPRAYING,
    RateLimit,
)

OFFICE_WIFI = "203.0.113.10"  # the office's Wi-Fi, shared by a room of job-seekers
ELSEWHERE = "198.51.100.20"
PASSWORD = "Kasumi#2719"
BIRTH = {"year": "1990", "month": "4", "day": "1"}
SLOWED = "から、多くのIDでログインの失敗が続いたため、ログインの受付を一時的に遅らせています。"
CROWD = "この接続元（Wi-Fiや携帯電話の回線など）"


def job_seekers(client, count: int, *, password: str | None = None, prefix: str = "seeker"):
    """`count` job-seekers registered at the counter (with a password when given)."""
    emails = [f"{prefix}{number:03d}@example.com" for number in range(count)]
    for email in emails:
        factories.seeker(client, email=email, password=password)
    return emails


def register(client, email: str, address: str = OFFICE_WIFI):
    """パスワード登録 on one's own phone: the key request, the key from the mail, the
    password. Returns the phone (a browser from `address`)."""
    phone = another_browser(client, address)
    submit(phone, "/register", {"agree": "yes"})
    response = submit(phone, "/register/email", {"email": email, **BIRTH})
    assert response.status_code == 200, response.text
    assert response.url.path == "/register/password"
    key = auth_key(client.smtp.wait_for(email)[-1])
    response = submit(
        phone,
        "/register/password",
        {"auth_key": key, "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.url.path == "/register/done", response.text
    return phone


def sign_in(browser, email: str, password: str = PASSWORD, **kwargs):
    return helpers.login(browser, email, password, **kwargs)


def spray(browser, accounts: int, *, first: int = 0, **kwargs) -> None:
    """One common password tried against `accounts` addresses, as a sprayer does."""
    for number in range(first, first + accounts):
        response = sign_in(browser, f"guess{number}@example.com", "Spring#2026", **kwargs)
        assert response.status_code == 422, (number, response.status_code)


def round_minute(clock, second: int = 20) -> dt.datetime:
    """Move the clock to `second` seconds past a whole minute; returns the new now."""
    now = clock.now()
    target = now.replace(second=second, microsecond=0) + dt.timedelta(minutes=1)
    clock.advance(seconds=(target - now).total_seconds())
    return target


def shown(moment: dt.datetime) -> str:
    """A moment as the pages print it: JST, to the minute."""
    return to_jst(moment).strftime("%H時%M分")


def ip_addresses(client) -> set[str]:
    return {row["ip_address"] for row in factories.rows(client, security_events)}


# --- an honest crowd behind one address --------------------------------------------------


def test_forty_job_seekers_open_my_page_from_one_address_within_an_hour(client, smtp, clock):
    """The issue's morning: 40 counter-registered job-seekers on the office's Wi-Fi each
    register a password (key request, key, password) and sign in (password, mailed code)."""
    emails = job_seekers(client, 40)
    for email in emails:
        phone = register(client, email)
        response = sign_in(phone, email)
        assert response.url.path == "/mypage", (email, response.status_code)
        clock.advance(seconds=80)  # 40 people within 53 minutes
    assert ip_addresses(client) == {OFFICE_WIFI}
    assert factories.count(client, security_events, security_events.c.outcome == "success") == 40


def test_two_hundred_key_requests_and_sign_ins_an_hour_pass_from_one_address(client, smtp, clock):
    """At least 200 key requests and 200 sign-ins an hour from one address, each person
    within their own limits: here a password reset key each, and a sign-in with the code
    (straight posts, as the pages' forms send them)."""
    assert SIGN_INS_PER_CLIENT.limit >= 200 and KEY_REQUESTS_PER_CLIENT.limit >= 200
    emails = job_seekers(client, 200, password=PASSWORD)
    for email in emails:
        phone = another_browser(client, OFFICE_WIFI)
        token = {"csrf_token": helpers.csrf_token(phone, "/login")}
        post = functools.partial(phone.post, follow_redirects=False)
        response = post("/password/forgot", data={**token, "email": email, **BIRTH})
        assert response.headers.get("location") == "/password/reset", email
        response = post("/login", data={**token, "email": email, "password": PASSWORD})
        assert response.headers.get("location", "").startswith("/login/code"), email
        code = helpers.login_code(phone, email, 1)
        response = post("/login/code", data={**token, "code": code})
        assert response.headers.get("location") == "/mypage", email
        clock.advance(seconds=15)  # 200 people within 50 minutes
    assert ip_addresses(client) == {OFFICE_WIFI}
    signed_in = security_events.c.outcome == "success"
    assert factories.count(client, security_events, signed_in) == 200


def test_over_a_ceiling_the_page_says_until_when(client, smtp, clock, monkeypatch):
    """The ceilings (sized far above any crowd: shrunk here) answer 429, Retry-After and
    the time to come back; htmx swaps the message in; another address is not affected."""
    hour = dt.timedelta(hours=1)
    monkeypatch.setattr(throttle, "SIGN_INS_PER_CLIENT", RateLimit("sign-in-client", 3, hour))
    monkeypatch.setattr(
        throttle, "KEY_REQUESTS_PER_CLIENT", RateLimit("key-request-client", 3, hour)
    )
    now = round_minute(clock)
    back_at = shown(now + hour + dt.timedelta(minutes=1))  # 20 s past: the next minute
    emails = job_seekers(client, 4, password=PASSWORD)
    for email in emails[:3]:
        assert sign_in(another_browser(client, OFFICE_WIFI), email).url.path == "/mypage"
    refused = sign_in(another_browser(client, OFFICE_WIFI), emails[3], htmx=True)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3600"
    assert refused.text.lstrip().startswith('<div id="login"')  # swapped in by htmx
    assert (
        f"{CROWD}からのログインが多いため、受付を一時的に止めています。"
        f"{back_at}以降に、もう一度お試しください。"
    ) in refused.text
    assert sign_in(another_browser(client, ELSEWHERE), emails[3]).url.path == "/mypage"
    mails = len(smtp.to(emails[3]))

    for email in emails[:3]:
        phone = another_browser(client, OFFICE_WIFI)
        response = submit(phone, "/password/forgot", {"email": email, **BIRTH})
        assert response.url.path == "/password/reset"
    phone = another_browser(client, OFFICE_WIFI)
    submit(phone, "/register", {"agree": "yes"})
    refused = submit(
        phone, "/register/email", {"email": emails[3], **BIRTH}, page="/register/email", htmx=True
    )
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert refused.text.lstrip().startswith('<div id="wizard"')
    assert (
        f"{CROWD}からの申込が多いため、受付を一時的に止めています。{back_at}以降に、"
        "もう一度お試しください。届いているメールの認証キーは、有効期限内であれば使えます。"
    ) in refused.text
    assert len(smtp.to(emails[3])) == mails  # no key mail


# --- spraying from one address -----------------------------------------------------------


def test_spraying_slows_that_address_with_a_growing_wait(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)
    sprayer = another_browser(client, OFFICE_WIFI)
    spray(sprayer, SPRAYING.threshold)  # each answered as any wrong password is
    waits = []
    for number in range(6):
        now = clock.now()
        refused = sign_in(sprayer, f"more{number}@example.com", "Spring#2026")
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        waits.append(wait)
        assert SLOWED in refused.text
        # The wait's end rounded up to the minute (throttle.until): a minute less a
        # microsecond later, floored. (+59 s missed when the end fell at :00.5.)
        back = now + dt.timedelta(seconds=wait + 60, microseconds=-1)
        assert f"{shown(back)}以降に" in refused.text
        clock.advance(seconds=wait - 1)
        assert sign_in(sprayer, f"more{number}@example.com", "x").status_code == 429
        clock.advance(seconds=1)
        assert sign_in(sprayer, f"more{number}@example.com", "Spring#2026").status_code == 422
    # 30 s, doubling with each further account, never more than 5 minutes.
    assert waits == [30, 60, 120, 240, 300, 300]

    # Someone honest behind the same address waits too (the answer cannot depend on the
    # password), and only minutes: then they are in.
    refused = sign_in(another_browser(client, OFFICE_WIFI), "taro@example.com")
    assert refused.status_code == 429 and SLOWED in refused.text
    clock.advance(seconds=int(refused.headers["retry-after"]))
    assert sign_in(another_browser(client, OFFICE_WIFI), "taro@example.com").url.path == "/mypage"
    events = factories.rows(client, security_events, security_events.c.outcome == "spraying")
    assert events and {event["ip_address"] for event in events} == {OFFICE_WIFI}


def test_spraying_leaves_other_addresses_and_the_honest_flows_alone(client, smtp, clock):
    factories.seeker(client, password=PASSWORD)  # Taro, with My Page open
    factories.seeker(client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ")
    sprayer = another_browser(client, OFFICE_WIFI)
    spray(sprayer, SPRAYING.threshold)
    assert sign_in(sprayer, "guess99@example.com", "Spring#2026").status_code == 429

    assert sign_in(another_browser(client, ELSEWHERE), "taro@example.com").url.path == "/mypage"
    # At the sprayed address, opening My Page (key request, key, password) still works.
    register(client, "hanako@example.com", OFFICE_WIFI)
    assert sign_in(another_browser(client, ELSEWHERE), "hanako@example.com").url.path == "/mypage"


def test_a_crowd_with_typos_is_not_spraying(client, smtp):
    """A wrong password followed by the account's right one, from the same address, was a
    typo: 30 people who each mistype once are never slowed."""
    for email in job_seekers(client, 3 * SPRAYING.threshold, password=PASSWORD):
        phone = another_browser(client, OFFICE_WIFI)
        assert sign_in(phone, email, "Kasumi#2718").status_code == 422
        assert sign_in(phone, email).url.path == "/mypage", email


def test_the_per_account_lockout_holds_at_every_address(client, smtp):
    factories.seeker(client, password=PASSWORD)
    factories.seeker(
        client, email="hanako@example.com", name="鈴木花子", kana="スズキハナコ", password=PASSWORD
    )
    guesser = another_browser(client, ELSEWHERE)
    for _ in range(4):
        assert sign_in(guesser, "taro@example.com", "Wrong#pass1").status_code == 422
    locked = sign_in(guesser, "taro@example.com", "Wrong#pass1")
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1800"
    refused = sign_in(another_browser(client, OFFICE_WIFI), "taro@example.com")
    assert refused.status_code == 429 and "までログインできません" in refused.text
    # One account guessed at is not spraying: the guesser's address is not slowed.
    assert sign_in(guesser, "hanako@example.com").url.path == "/mypage"


# --- which address is the client's -------------------------------------------------------


def test_a_direct_client_cannot_choose_its_address_with_x_forwarded_for(client, smtp):
    sprayer = another_browser(client, ELSEWHERE)
    for number in range(SPRAYING.threshold):
        forged = {"X-Forwarded-For": f"192.0.2.{number + 1}"}
        spray(sprayer, 1, first=number, headers=forged)
    refused = sign_in(
        sprayer, "guess99@example.com", "Spring#2026", headers={"X-Forwarded-For": "192.0.2.99"}
    )
    assert refused.status_code == 429 and SLOWED in refused.text
    assert ip_addresses(client) == {ELSEWHERE}


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, smtp, settings):
    """The app as `python -m webapp serve` hands it to uvicorn with FORWARDED_ALLOW_IPS set
    (uvicorn's ProxyHeadersMiddleware around it)."""
    factories.seeker(client, password=PASSWORD)
    behind_proxy = dataclasses.replace(settings, forwarded_allow_ips="10.0.0.0/8")
    config = uvicorn.Config(client.app, log_config=None, **uvicorn_options(behind_proxy))
    config.load()

    def via_proxy(address: str):
        browser = another_browser(client, "10.1.2.3", app=config.loaded_app)
        browser.headers["X-Forwarded-For"] = address
        return browser

    sprayer = via_proxy("203.0.113.7")
    spray(sprayer, SPRAYING.threshold)
    assert sign_in(sprayer, "guess99@example.com", "Spring#2026").status_code == 429
    # Another person behind the same proxy is another client.
    assert sign_in(via_proxy("203.0.113.8"), "taro@example.com").url.path == "/mypage"
    # A client that is not the proxy is counted by its own address, whatever it sends.
    direct = another_browser(client, "198.51.100.9", app=config.loaded_app)
    response = sign_in(
        direct, "guess0@example.com", "Spring#2026", headers={"X-Forwarded-For": "203.0.113.8"}
    )
    assert response.status_code == 422
    assert ip_addresses(client) == {"203.0.113.7", "203.0.113.8", "198.51.100.9"}


def _started(process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until uvicorn says it is listening (its log, read in a thread of its own)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        line = lines.get(timeout=timeout)
        seen.append(line)
        if not line:
            raise AssertionError("the server stopped: " + "".join(seen))
        if "Uvicorn running on" in line:
            return


@pytest.mark.parametrize(
    ("trusted", "recorded"),
    [(None, "127.0.0.1"), ("127.0.0.1", "203.0.113.7"), ("10.0.0.1", "127.0.0.1")],
    ids=["no-proxy", "trusted-proxy", "another-proxy"],
)
def test_serve_hands_forwarded_allow_ips_to_uvicorn(database_url, trusted, recorded):
    """The real server: X-Forwarded-For counts only from a proxy FORWARDED_ALLOW_IPS names."""
    port = free_port()
    env = {
        **os.environ,
        **CHEAP_ARGON2_ENV,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MIGRATE_ON_START": "false",
    }
    env.pop("FORWARDED_ALLOW_IPS", None)
    if trusted:
        env["FORWARDED_ALLOW_IPS"] = trusted
    command = [sys.executable, "-m", "webapp", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        _started(process)
        # A worker may still be starting when the parent already listens (a loaded machine).
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as web:
            token = helpers.CSRF.search(web.get("/login").text).group(1)
            data = {"csrf_token": token, "email": "nobody@example.com", "password": "Wrong#pass1"}
            response = web.post("/login", data=data, headers={"X-Forwarded-For": "203.0.113.7"})
            assert response.status_code == 422
    finally:
        process.terminate()
        process.wait(timeout=30)

    async def recorded_addresses(conn):
        return await conn.fetch_all(sa.select(security_events.c.ip_address))

    assert [row["ip_address"] for row in run_db(database_url, recorded_addresses)] == [recorded]


def test_forwarded_allow_ips_is_checked_at_start():
    def read(value: str) -> Settings:
        return Settings.from_env({"SECRET_KEY": TEST_SECRET, "FORWARDED_ALLOW_IPS": value})

    assert read("").forwarded_allow_ips == ""
    assert uvicorn_options(read("")) == {"proxy_headers": False}
    tidy = read(" 10.0.0.5, 172.16.0.0/12 ,, 2001:db8::1 ")
    assert tidy.forwarded_allow_ips == "10.0.0.5,172.16.0.0/12,2001:db8::1"
    assert uvicorn_options(tidy) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.5,172.16.0.0/12,2001:db8::1",
    }
    for wrong in ("proxy.internal", "10.0.0.5/8", "10.0.0.256"):
        with pytest.raises(ValueError, match="FORWARDED_ALLOW_IPS"):
            read(wrong)


def test_an_ipv6_client_is_counted_by_its_64_network(client, smtp):
    """One phone or household holds a whole /64: hopping within it is one client."""
    for number in range(SPRAYING.threshold):
        hopping = another_browser(client, f"2001:db8:1:2::{number + 1:x}")
        spray(hopping, 1, first=number)
    refused = sign_in(another_browser(client, "2001:db8:1:2:ffff::1"), "x@example.com", "y")
    assert refused.status_code == 429
    neighbour = another_browser(client, "2001:db8:1:3::1")
    assert sign_in(neighbour, "x@example.com", "Spring#2026").status_code == 422
    assert rate_limit.client_key("::ffff:203.0.113.5") == "203.0.113.5"
    assert rate_limit.client_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"


# --- the other key mails -----------------------------------------------------------------


def test_code_resends_are_limited_per_account_and_say_until_when(client, smtp, clock):
    now = round_minute(clock)
    factories.seeker(client, password=PASSWORD)
    submit(client, "/login", {"email": "taro@example.com", "password": PASSWORD})
    for _ in range(3):
        response = submit(client, "/login/code/resend", page="/login/code")
        assert "新しい確認コードを送りました" in response.text
    refused = submit(client, "/login/code/resend", page="/login/code", htmx=True)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "900"
    back_at = shown(now + dt.timedelta(minutes=16))
    assert (
        f"確認コードの送信を短時間に何度も申し込まれたため、受付を一時的に止めています。"
        f"{back_at}以降に、もう一度お試しください。"
        "届いているメールの確認コードは、有効期限内であれば使えます。"
    ) in refused.text


def test_the_daily_round_sweeps_rows_no_limit_counts(client, smtp, clock):
    spray(another_browser(client, OFFICE_WIFI), 3)
    old = factories.count(client, rate_limit_hits)
    assert old == 3 * 3  # per client, spraying, per account
    # Past the longest window any limit counts over (a day: my data's 3 a day), and no more.
    clock.advance(seconds=rate_limit.LONGEST_WINDOW.total_seconds() + 1)
    spray(another_browser(client, OFFICE_WIFI), 1, first=10)
    state = client.app.state
    client.portal.call(daily.run_once, state.db, state.clock, "http://testserver")
    kept = factories.rows(client, rate_limit_hits)
    assert len(kept) == 3 and {row["created_at"] for row in kept} == {clock.now()}
