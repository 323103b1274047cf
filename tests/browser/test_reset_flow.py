"""パスワードを忘れた方, walked on a phone with JavaScript on and off: the key is read from
the mail app (/mailbox in a new tab), the new password works, and after logout Back shows
nothing personal. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import (
    give_password,
    heading,
    log_in,
    prepare,
    send_address_and_birthdate,
    wait_for_mail,
)
from tests.helpers import KEY_IN_MAIL

pytestmark = pytest.mark.browser

OLD = "Kasumi#2719"
NEW = "Tsubame$4821"


@pytest.fixture
def signed_up(live_app, database_url):
    """The counter-registered job-seeker has opened My Page with the password `OLD`."""
    prepare(database_url, lambda conn, now: give_password(conn, OLD, now))
    return live_app


def test_forgotten_password_is_reset_from_the_phone(signed_up, phone, axe, javascript):
    email = signed_up.seeker["email"]
    page = phone.new_tab()
    axe.watch(page)

    page.goto("/login")
    axe(page)
    page.get_by_role("link", name="パスワードを忘れた方").click()
    expect(heading(page, "パスワードを忘れた方")).to_be_visible()
    axe(page)

    # A wrong birthdate gets its message next to the field; what was typed stays.
    send_address_and_birthdate(page, email, "1990", "2", "31")
    expect(page.locator("#birthdate-error")).to_contain_text("存在しない日付")
    expect(page.locator("#email")).to_have_value(email)
    axe(page)
    page.locator("#month").fill("4")
    page.locator("#day").fill("1")
    page.get_by_role("button", name="次へ進む").click()

    expect(page).to_have_url(re.compile(r"/password/reset$"))
    expect(heading(page, "パスワードの再設定")).to_be_visible()
    expect(page.locator(".summary-box")).to_contain_text(email)
    axe(page)

    mail_app = phone.new_tab()
    axe.watch(mail_app)
    body = wait_for_mail(mail_app, email, "パスワード再設定申込受付通知", axe)
    mail_app.close()
    key = KEY_IN_MAIL.search(body).group(1)

    page.reload()  # coming back to the tab: nothing was lost
    expect(page.locator(".summary-box")).to_contain_text(email)
    page.get_by_label("登録するパスワード", exact=True).fill(NEW)
    page.get_by_label("登録するパスワード（確認用）").fill(NEW)
    page.get_by_label("認証キー").fill(key)
    page.get_by_role("button", name="完了").click()

    expect(page).to_have_url(re.compile(r"/password/reset/done$"))
    expect(heading(page, "パスワードの再設定完了")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="ログイン画面へ進む").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    log_in(page, email, NEW, axe)
    expect(page.get_by_text(f"{signed_up.seeker['name']} さん")).to_be_visible()
    axe(page)

    # ログアウト, then Back: nothing personal comes back from the browser's memory.
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login\?logged_out=1$"))
    axe(page)
    page.go_back()
    page.wait_for_load_state()
    expect(page.get_by_text(signed_up.seeker_number)).to_have_count(0)
    expect(page.get_by_text(f"{signed_up.seeker['name']} さん")).to_have_count(0)
    axe(page)

    axe.assert_every_page_audited()
    assert not phone.page_errors, f"uncaught errors in the page: {phone.page_errors}"
    assert not phone.console_errors, f"console errors: {phone.console_errors}"


def test_the_reset_mail_link_finishes_in_another_browser(
    signed_up, phone, mail_app_browser, axe, javascript
):
    """The mail app opens the key mail's link in a browser of its own, with no cookie of
    the one the reset began in: it opens the new-password page there, not the start."""
    email = signed_up.seeker["email"]
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/password/forgot")
    axe(page)
    send_address_and_birthdate(page, email, "1990", "4", "1")
    expect(heading(page, "パスワードの再設定")).to_be_visible()
    page.get_by_text("メールが届かない場合", exact=True).click()
    expect(page.get_by_text("まだマイページを開設していない場合")).to_be_visible()
    axe(page)

    other = mail_app_browser.new_tab()
    axe.watch(other)
    body = wait_for_mail(other, email, "パスワード再設定申込受付通知", axe)
    key = KEY_IN_MAIL.search(body).group(1)
    other.locator(".mail-body a").filter(has_text="/password/reset?resume=").click()
    expect(other).to_have_url(re.compile(r"/password/reset$"))
    expect(heading(other, "パスワードの再設定")).to_be_visible()
    expect(other.locator(".summary-box")).to_contain_text(email)
    if javascript:
        expect(other.locator('button[aria-controls="password"]')).to_have_text("表示")
    else:
        expect(other.locator(".password-reveal__button")).to_have_count(0)
    axe(other)
    other.get_by_label("登録するパスワード", exact=True).fill(NEW)
    other.get_by_label("登録するパスワード（確認用）").fill(NEW)
    other.get_by_label("認証キー").fill(key)
    other.get_by_role("button", name="完了").click()
    expect(heading(other, "パスワードの再設定完了")).to_be_visible()
    axe(other)
    other.get_by_role("link", name="ログイン画面へ進む").click()
    axe(other)
    log_in(other, email, NEW, axe)
    axe(other)

    axe.assert_every_page_audited()
    for browser in (phone, mail_app_browser):
        assert not browser.page_errors, f"uncaught errors in the page: {browser.page_errors}"
        assert not browser.console_errors, f"console errors: {browser.console_errors}"
