"""パスワード登録, walked on a phone from the top page to My Page home, with JavaScript
on and off: the 認証キー is read from the caught mail (/mailbox, the stand-in for the mail
app) after leaving the site in the same tab and in a new tab, and axe-core checks every
page on the way."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import KEY_IN_MAIL

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
KEY_SUBJECT = "パスワード登録申込受付通知"
CODE_IN_MAIL = re.compile(r"確認コード:\n(\d{6})\n")
SCROLL_TO_END = """e => new Promise((scrolled) => {
  e.addEventListener("scroll", () => setTimeout(scrolled), {once: true});
  e.scrollTop = e.scrollHeight;
})"""


def heading(page: Page, name: str | re.Pattern):
    return page.get_by_role("heading", level=1, name=name, exact=isinstance(name, str))


def scroll_to_end(box) -> None:
    """Scroll a .terms-box to its end and let the page's scroll handler run."""
    assert box.evaluate("e => e.scrollHeight > e.clientHeight"), "the box does not scroll"
    box.evaluate(SCROLL_TO_END)


def wait_for_mail(page: Page, to: str, subject: str, axe, timeout: float = 10.0) -> str:
    """Open the newest mail to `to` whose subject has `subject`, as a mail app would
    (the outbox delivers within a moment); return its body."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(f"/mailbox?to={to}")
        mail = page.get_by_role("link").filter(has_text=subject).first
        if mail.count():
            break
        assert time.monotonic() < deadline, f"no 「{subject}」 mail to {to} in /mailbox"
        page.wait_for_timeout(200)
    expect(heading(page, "メールボックス（デモ用）")).to_be_visible()
    axe(page)
    mail.click()
    expect(heading(page, re.compile(subject))).to_be_visible()
    axe(page)
    return page.locator(".mail-body").inner_text()


def read_key(page: Page, to: str, axe) -> str:
    body = wait_for_mail(page, to, KEY_SUBJECT, axe)
    match = KEY_IN_MAIL.search(body)
    assert match, f"no 認証キー on a line of its own in:\n{body}"
    return match.group(1)


def expect_step3(page: Page, email: str) -> None:
    """ステップ3 with the address shown and nothing to retype."""
    expect(page).to_have_url(re.compile(r"/register/password$"))
    expect(heading(page, "パスワード登録")).to_be_visible()
    expect(page.get_by_text("ステップ3／4")).to_be_visible()
    expect(page.locator(".summary-box")).to_contain_text(email)


def mark_document(page: Page) -> None:
    """A variable that lives only as long as this document: a full page load loses it."""
    page.evaluate("() => { window.__sameDocument = true; }")


def expect_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), (
        "the step was loaded as a new page, not swapped in by htmx"
    )


def log_in(page: Page, email: str, password: str, axe) -> None:
    """ログイン; when the app asks for a 確認コード on a new device, read it from the mail
    in a new tab (the mail app) and enter it."""
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/(mypage|login/code)"))
    if "/login/code" in page.url:
        axe(page)
        mail_app = page.context.new_page()
        axe.watch(mail_app)
        body = wait_for_mail(mail_app, email, "ログイン確認コード", axe)
        mail_app.close()
        code = CODE_IN_MAIL.search(body)
        assert code, f"no 確認コード in:\n{body}"
        page.locator("#code").fill(code.group(1))
        page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(re.compile(r"/mypage$"))


def member_log_in(page: Page, door: str, email: str, password: str, axe) -> None:
    """ログイン at a staff or employer door (`/staff/login`, `/employer/login`) on the page
    already open there: the password, then the 確認コード read from the mail in a new tab
    (the mail app). Members are asked for the code every time."""
    page.get_by_label("ID（メールアドレス）").fill(email)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(re.compile(f"{door}/code"))
    expect(heading(page, "ログイン確認コードの入力")).to_be_visible()
    axe(page)
    mail_app = page.context.new_page()
    axe.watch(mail_app)
    body = wait_for_mail(mail_app, email, "ログイン確認コード", axe)
    mail_app.close()
    code = CODE_IN_MAIL.search(body)
    assert code, f"no 確認コード in:\n{body}"
    page.get_by_label("確認コード（6桁の数字）").fill(code.group(1))
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(re.compile(door.removesuffix("/login") + "$"))


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
        assert page.locator('script[src="/static/js/htmx.min.js"]').count() == 1
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
