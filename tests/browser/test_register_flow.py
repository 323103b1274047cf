"""パスワード登録, walked on a phone from the top page to My Page home, with JavaScript
on and off: the 認証キー is read from the caught mail (/mailbox, the stand-in for the mail
app) after leaving the site in the same tab and in a new tab, and axe-core checks every
page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    KEY_SUBJECT,
    agree_to_terms,
    expect_same_document,
    heading,
    log_in,
    mark_document,
    read_key,
    scroll_to_end,
    send_address_and_birthdate,
    wait_for_mail,
)
from tests.helpers import KEY_IN_MAIL

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
    # The year full-width, as a phone keyboard may type it.
    send_address_and_birthdate(page, email, "１９９０", "2", "30")

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


# --- the key mail's link, opened where a mail app opens it: another browser ---------------


def to_step3(page: Page, email: str, javascript: bool, axe) -> None:
    """ステップ1 and 2 done in this browser: the key is on its way."""
    page.goto("/register")
    expect_steps(page, current=1)
    axe(page)
    agree_to_terms(page, javascript)
    expect(heading(page, "メールアドレスの入力（パスワード登録申込）")).to_be_visible()
    expect_steps(page, current=2)
    axe(page)
    send_address_and_birthdate(page, email, "1990", "4", "1")
    expect_step3(page, email)


def expect_steps(page: Page, current: int) -> None:
    """Done steps carry a check mark and 「完了」, the current one is marked as such, the
    ones to come a number in a dashed ring: told apart without colour."""
    items = page.locator(".steps__item")
    expect(items).to_have_count(4)
    for number in range(1, 5):
        item = items.nth(number - 1)
        mark = item.locator(".steps__number")
        style = mark.evaluate("e => getComputedStyle(e).borderTopStyle")
        if number < current:
            expect(mark).to_have_text("✓")
            expect(item.locator(".steps__done")).to_have_text("完了")
            expect(item.locator(".steps__done")).to_be_visible()
            expect(item).to_contain_text("（完了）")  # what a screen reader reads
            assert style == "solid"
        elif number == current:
            expect(item).to_have_attribute("aria-current", "step")
            expect(mark).to_have_text(str(number))
            assert style == "solid"
        else:
            expect(mark).to_have_text(str(number))
            expect(item.locator(".steps__done")).to_have_count(0)
            assert style == "dashed"


def expect_reveal(page: Page, field_id: str, name: str, javascript: bool) -> None:
    """A 表示／非表示 button beside the password field: a real button of 44×44 px or more,
    described by the field's label and controlling it; without JavaScript, none at all."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("type", "password")
    toggle = page.locator(f'button[aria-controls="{field_id}"]')
    if not javascript:
        expect(page.locator(".password-reveal__button")).to_have_count(0)
        expect(toggle).to_have_count(0)
        return
    expect(toggle).to_have_accessible_name("表示")
    expect(toggle).to_have_accessible_description(re.compile(f"^{re.escape(name)}"))
    expect(toggle).to_have_attribute("type", "button")
    box = toggle.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, box
    field.fill("Visible#42")
    toggle.click()
    expect(field).to_have_attribute("type", "text")
    expect(toggle).to_have_accessible_name("非表示")
    expect(toggle).to_be_focused()
    expect(
        page.locator("[aria-live=polite]").filter(has_text=f"{name}を表示しています。")
    ).to_have_count(1)
    toggle.click()
    expect(field).to_have_attribute("type", "password")
    expect(toggle).to_have_accessible_name("表示")
    field.fill("")


def test_the_mail_link_finishes_in_another_browser(
    phone, mail_app_browser, axe, live_app, javascript
):
    email = live_app.seeker["email"]
    page = phone.new_tab()
    axe.watch(page)
    to_step3(page, email, javascript, axe)
    expect_steps(page, current=3)
    # Why a mail may not come, the page's own list.
    page.get_by_text("メールが届かない場合", exact=True).click()
    expect(page.get_by_text("既にマイページを開設済みの場合")).to_be_visible()
    expect(page.get_by_text("生年月日が窓口で登録された内容と一致しなかった場合")).to_be_visible()
    axe(page)

    # The mail app opens the mail's link in a browser of its own: no wizard cookie there.
    other = mail_app_browser.new_tab()
    axe.watch(other)
    body = wait_for_mail(other, email, KEY_SUBJECT, axe)
    key = KEY_IN_MAIL.search(body).group(1)
    link = other.locator(".mail-body a").filter(has_text="/register/password?resume=")
    expect(link).to_have_count(1)
    link.click()
    expect_step3(other, email)  # and the token is off the address bar
    expect_steps(other, current=3)
    axe(other)

    # The key is still typed there; the password fields can be shown.
    expect_reveal(other, "password", "登録するパスワード", javascript)
    expect_reveal(other, "password_confirm", "登録するパスワード（確認用）", javascript)
    if javascript:
        other.locator('button[aria-controls="password"]').click()
        mark_document(other)
    other.get_by_label("登録するパスワード", exact=True).fill(PASSWORD)
    other.get_by_label("登録するパスワード（確認用）").fill("Kasumi#2718")
    other.get_by_label("認証キー").fill(key)
    other.get_by_role("button", name="完了").click()
    expect(other.locator("#password_confirm-error")).to_contain_text("一致しません")
    if javascript:
        expect_same_document(other)  # swapped in by htmx, toggles and all, shown no more
    expect_reveal(other, "password", "登録するパスワード", javascript)
    axe(other)
    other.get_by_label("登録するパスワード", exact=True).fill(PASSWORD)
    other.get_by_label("登録するパスワード（確認用）").fill(PASSWORD)
    other.get_by_role("button", name="完了").click()
    expect(heading(other, "パスワード登録完了")).to_be_visible()
    expect_steps(other, current=4)
    axe(other)

    # Back in the first browser, the key is used up: it says so, and where to go.
    page.reload()
    expect(page.get_by_text("この認証キーは既に使用されています。")).to_be_visible()
    axe(page)

    # Signed in from the second browser: the device list names it as this device.
    other.get_by_role("link", name="ログイン画面へ進む").click()
    expect_reveal(other, "password", "パスワード", javascript)
    axe(other)
    log_in(other, email, PASSWORD, axe)
    axe(other)
    other.goto("/mypage/account")
    this_device = other.locator(".device-list__item").first
    expect(this_device.locator(".device-list__this")).to_have_text("この端末（いま使っている端末）")
    expect(this_device).to_contain_text("場所（IPアドレス）: 127.0.0.1")
    axe(other)
    other.goto("/mypage/account/password")
    for field_id, name in (
        ("current_password", "現在のパスワード"),
        ("password", "新しいパスワード"),
        ("password_confirm", "新しいパスワード（確認用）"),
    ):
        expect_reveal(other, field_id, name, javascript)
    axe(other)

    axe.assert_every_page_audited()
    for browser in (phone, mail_app_browser):
        assert not browser.page_errors, f"uncaught errors in the page: {browser.page_errors}"
        assert not browser.console_errors, f"console errors: {browser.console_errors}"
