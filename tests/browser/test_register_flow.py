"""パスワード登録, walked on a phone from the top page to My Page home, with JavaScript
on and off: the 認証キー is read from the caught mail (/mailbox, the stand-in for the mail
app) after leaving the site in the same tab and in a new tab, and axe-core checks every
page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    expect_same_document,
    heading,
    log_in,
    mark_document,
    read_key,
    scroll_to_end,
)

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"


def expect_step3(page: Page, email: str) -> None:
    """ステップ3 with the address shown and nothing to retype."""
    expect(page).to_have_url(re.compile(r"/register/password$"))
    expect(heading(page, "パスワード登録")).to_be_visible()
    expect(page.get_by_text("ステップ3／4")).to_be_visible()
    expect(page.locator(".summary-box")).to_contain_text(email)


def test_register_from_top_page_to_my_page(phone, axe, live_app, javascript):
    email = live_app.seeker["email"]
    page = phone.new_tab()
    axe.watch(page)

    # トップ
    page.goto("/")
    expect(heading(page, "ハローワーク求職者マイページ")).to_be_visible()
    axe(page)
    if javascript:
        # The CDN was refused, so htmx came from the vendored fallback.
        assert phone.cdn_requests, "the page did not ask the CDN for htmx"
        assert page.evaluate("() => typeof htmx === 'object' && htmx.version.startsWith('2.0')")
        assert page.locator('script[src^="/static/js/htmx.min."]').count() == 1
    page.get_by_role("link", name="求職者マイページ開設（パスワード登録）").first.click()

    # ステップ1 利用規約確認: both documents read to the end, then 同意します
    expect(page).to_have_url(re.compile(r"/register$"))
    expect(heading(page, "求職者マイページ利用規約確認")).to_be_visible()
    expect(page.get_by_text("ステップ1／4")).to_be_visible()
    agree = page.get_by_label("「プライバシーポリシー」「マイページ利用規約」に同意します。")
    boxes = page.locator(".terms-box")
    expect(boxes).to_have_count(2)
    if javascript:
        expect(agree).to_be_disabled()
        axe(page)
        scroll_to_end(boxes.nth(0))
        expect(agree).to_be_disabled()  # one of the two read is not enough
        scroll_to_end(boxes.nth(1))
        expect(agree).to_be_enabled()
        mark_document(page)
    else:
        expect(agree).to_be_enabled()  # without JavaScript, only the server insists
        axe(page)
    agree.check()
    axe(page)
    page.get_by_role("button", name="次へ進む").click()

    # ステップ2 メールアドレスの入力: a bad birthdate first
    expect(page).to_have_url(re.compile(r"/register/email$"))
    expect(heading(page, "メールアドレスの入力（パスワード登録申込）")).to_be_visible()
    expect(page.get_by_text("ステップ2／4")).to_be_visible()
    if javascript:
        expect_same_document(page)
    axe(page)
    page.get_by_label("ID（メールアドレス）").fill(email)
    page.locator("#year").fill("１９９０")  # full-width, as a phone keyboard may type it
    page.locator("#month").fill("2")
    page.locator("#day").fill("30")
    page.get_by_role("button", name="次へ進む").click()

    birthdate = page.locator("fieldset").filter(has=page.locator("legend", has_text="生年月日"))
    expect(birthdate.locator("#birthdate-error")).to_have_text(
        "生年月日に存在しない日付が入力されています。"
    )
    expect(birthdate).to_have_attribute("aria-describedby", re.compile(r"\bbirthdate-error\b"))
    expect(page.locator(".error-summary")).to_contain_text("生年月日に存在しない日付")
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#year")).to_have_value("1990")  # kept, and made half-width
    expect(page.locator("#month")).to_have_value("2")
    expect(page.locator("#day")).to_have_value("30")
    if javascript:
        expect_same_document(page)
    axe(page)
    page.locator("#month").fill("4")
    page.locator("#day").fill("1")
    page.get_by_role("button", name="次へ進む").click()

    # ステップ3 パスワード登録: the key is on its way
    expect_step3(page, email)
    if javascript:
        expect_same_document(page)
        # Back shows ステップ2 again (htmx pushed each step's URL), with the address kept.
        page.go_back()
        expect(page).to_have_url(re.compile(r"/register/email$"))
        expect(heading(page, "メールアドレスの入力（パスワード登録申込）")).to_be_visible()
        expect(page.locator("#email")).to_have_value(email)
        axe(page)
        page.go_forward()
        expect_step3(page, email)
    axe(page)

    # Leave the site in the same tab for the mail app, copy the key, come back to the site.
    key = read_key(page, email, axe)
    page.goto("/")
    expect_step3(page, email)
    axe(page)

    # A password that breaks the rule: its own message, next to the field.
    page.get_by_label("登録するパスワード", exact=True).fill("kasumi2719")
    page.get_by_label("登録するパスワード（確認用）").fill("kasumi2719")
    page.get_by_label("認証キー").fill(key)
    page.get_by_role("button", name="完了").click()
    password_field = page.locator(".field").filter(has=page.locator("#password"))
    expect(password_field.locator("#password-error")).to_have_text(
        "パスワードには半角記号（@、#など）を1文字以上含めてください。"
    )
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password")).to_have_value("")  # a password is never sent back
    expect(page.locator("#auth_key")).to_have_value(key)
    expect(page).to_have_url(re.compile(r"/register/password$"))
    axe(page)

    # Leave again, this time for a new tab (the same browser), then open the site again.
    mail_app = phone.new_tab()
    axe.watch(mail_app)
    assert read_key(mail_app, email, axe) == key
    mail_app.close()
    page.goto("/")
    expect_step3(page, email)
    axe(page)

    page.get_by_label("登録するパスワード", exact=True).fill(PASSWORD)
    page.get_by_label("登録するパスワード（確認用）").fill(PASSWORD)
    page.get_by_label("認証キー").fill(key)
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="完了").click()

    # ステップ4 パスワード登録完了
    expect(page).to_have_url(re.compile(r"/register/done$"))
    expect(heading(page, "パスワード登録完了")).to_be_visible()
    expect(page.get_by_text("ステップ4／4")).to_be_visible()
    if javascript:
        expect_same_document(page)
    axe(page)
    page.get_by_role("link", name="ログイン画面へ進む").click()

    # ログイン, then My Page home
    expect(page).to_have_url(re.compile(r"/login$"))
    axe(page)
    log_in(page, email, PASSWORD, axe)
    expect(page.get_by_text(f"{live_app.seeker['name']} さん")).to_be_visible()
    expect(page.locator(".profile")).to_contain_text(live_app.seeker_number)
    axe(page)

    axe.assert_every_page_audited()
    assert not phone.page_errors, f"uncaught errors in the page: {phone.page_errors}"
    assert not phone.console_errors, f"console errors: {phone.console_errors}"
