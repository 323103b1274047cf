"""Steps that the browser walks share: headings, the mail app (/mailbox), signing in at
each door, telling an htmx swap from a page load, the rows a walk starts from, and
screenshots for a person to look at (to $SCREENSHOTS, only when it is set)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.helpers import CODE_IN_MAIL, KEY_IN_MAIL, run_db
from webapp.clock import Clock
from webapp.schema import job_seekers
from webapp.security.passwords import hash_password

KEY_SUBJECT = "パスワード登録申込受付通知"
SCROLL_TO_END = """e => new Promise((scrolled) => {
  e.addEventListener("scroll", () => setTimeout(scrolled), {once: true});
  e.scrollTop = e.scrollHeight;
})"""


def shoot(target: Page | Locator, name: str, *, whole: bool = True) -> None:
    """A screenshot of a page (the whole page unless `whole` is false: then the screen) or
    of one element, to $SCREENSHOTS/<name>.png when $SCREENSHOTS is set; never compared
    (a test must not hang on pixels). caret="initial": hiding the caret leaves style="" on
    every field, which htmx's settle then copies onto the swapped-in fields, against the
    CSP."""
    directory = os.environ.get("SCREENSHOTS")
    if not directory:
        return
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(target, Page):
        target.screenshot(path=path, full_page=whole, caret="initial")
    else:
        target.screenshot(path=path, caret="initial")


def heading(page: Page, name: str | re.Pattern):
    return page.get_by_role("heading", level=1, name=name, exact=isinstance(name, str))


def scroll_to_end(box) -> None:
    """Scroll a .terms-box to its end and let the page's scroll handler run."""
    assert box.evaluate("e => e.scrollHeight > e.clientHeight"), "the box does not scroll"
    box.evaluate(SCROLL_TO_END)


AGREE = "「プライバシーポリシー」「マイページ利用規約」に同意します。"


def agree_to_terms(page: Page, javascript: bool) -> None:
    """利用規約の確認, as a reader does it: with JavaScript 同意します opens only once each
    document is scrolled to its end; ticked, then 次へ進む."""
    agree = page.get_by_label(AGREE)
    if javascript:
        for box in page.locator(".terms-box").all():
            scroll_to_end(box)
        expect(agree).to_be_enabled()
    agree.check()
    page.get_by_role("button", name="次へ進む").click()


def send_address_and_birthdate(page: Page, email: str, year: str, month: str, day: str) -> None:
    """The address and birthdate step (templates/includes/_email_birthdate.html: パスワード
    登録, 求職申込み and パスワードを忘れた方 share it), then 次へ進む."""
    page.get_by_label("ID（メールアドレス）").fill(email)
    page.locator("#year").fill(year)
    page.locator("#month").fill(month)
    page.locator("#day").fill(day)
    page.get_by_role("button", name="次へ進む").click()


def mark_document(page: Page) -> None:
    """A variable that lives only as long as this document: a full page load loses it."""
    page.evaluate("() => { window.__sameDocument = true; }")


def same_document(page: Page) -> bool:
    """Whether the page is still the document `mark_document` marked (htmx swapped it)."""
    return page.evaluate("() => window.__sameDocument === true")


def expect_same_document(page: Page) -> None:
    assert same_document(page), "the step was loaded as a new page, not swapped in by htmx"


# --- the mail app ------------------------------------------------------------------------


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
    """The 認証キー of the newest パスワード登録 mail to `to`."""
    body = wait_for_mail(page, to, KEY_SUBJECT, axe)
    match = KEY_IN_MAIL.search(body)
    assert match, f"no 認証キー on a line of its own in:\n{body}"
    return match.group(1)


def _code_from_mail_app(page: Page, email: str, axe) -> str:
    """The ログイン確認コード, read in a new tab of the same browser (the mail app)."""
    mail_app = page.context.new_page()
    axe.watch(mail_app)
    body = wait_for_mail(mail_app, email, "ログイン確認コード", axe)
    mail_app.close()
    code = CODE_IN_MAIL.search(body)
    assert code, f"no 確認コード in:\n{body}"
    return code.group(1)


# --- signing in --------------------------------------------------------------------------


def log_in(page: Page, email: str, password: str, axe) -> None:
    """ログイン; when the app asks for a 確認コード on a new device, read it from the mail
    in a new tab (the mail app) and enter it."""
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/(mypage|login/code)"))
    if "/login/code" in page.url:
        axe(page)
        page.locator("#code").fill(_code_from_mail_app(page, email, axe))
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
    page.get_by_label("確認コード（6桁の数字）").fill(_code_from_mail_app(page, email, axe))
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(re.compile(door.removesuffix("/login") + "$"))


# --- the rows a walk starts from ---------------------------------------------------------


def prepare(database_url: str, work) -> None:
    """`await work(conn, now)` on the walk's database before the walk starts, `now` being
    the real clock's (the live app runs on it)."""
    now = Clock().now()
    run_db(database_url, lambda conn: work(conn, now))


async def give_password(conn, password: str, now, **values) -> None:
    """The counter-registered job-seeker opened My Page with `password` (パスワード登録
    done); `values`: more of their columns."""
    await conn.execute(
        job_seekers.update().values(
            password_hash=await hash_password(password), password_set_at=now, **values
        )
    )


def fill_whole_posting(page: Page, *, base: str) -> None:
    """The 求人票 form's fields that 審査に提出 requires beyond the long-standing ones
    (issue 15): 中分類, 受動喫煙対策, マイカー通勤, 転勤, the scopes of change, a 基本給 (`base`,
    equal to the 賃金 with no allowance or 固定残業代), pay days, 賞与, hours."""
    page.get_by_label("職業分類（中分類）").select_option(value="55")
    page.get_by_label("受動喫煙対策", exact=True).select_option(label="あり（屋内禁煙）")
    page.get_by_role("group", name="マイカー通勤").get_by_label("可", exact=True).check()
    page.get_by_role("group", name="転勤の可能性").get_by_label("なし", exact=True).check()
    page.get_by_label("業務の変更の範囲").fill("雇入れ直後: 金型の保守\n変更の範囲: 変更なし")
    page.get_by_label("就業場所の変更の範囲").fill("変更なし")
    page.get_by_label("a 基本給の下限額（円）").fill(base)
    page.get_by_label("通勤手当").fill("実費支給（上限あり） 月額20,000円まで")
    page.get_by_label("賃金締切日").fill("毎月20日")
    page.get_by_label("賃金支払日").fill("当月25日")
    page.get_by_role("group", name="賞与").get_by_label("あり", exact=True).check()
    page.get_by_label("時間外労働（月平均、時間）").fill("10")
    page.get_by_label("休憩時間（分）").fill("60")
