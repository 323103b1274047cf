"""Issue 12, the chrome of the three doors, looked at in a browser:

- the job-seeker's header at 390 and 320 px, signed in: no word of the menu broken inside,
  no sideways scroll, the unread count in the header's メニュー, which opens without
  JavaScript; 44 px targets (切り替え, back links, the header's own);
- each door in its own viewport (staff tablet 1024×1366 and 1366×1024, employer desk
  1280×800): its own name and menu, from the login page on; a footer with help and
  contact and without the job-seeker's 求職者マイページ開設;
- 200% zoom and keyboard alone: the wizard, sign-in, search and the online application
  form walked with Tab, Space, End and Enter only, at 1280×800 zoomed to 200%, every stop
  visibly focused, in view and not covered, and no page scrolling sideways.

Why 1280×800 at 200% for the zoom walk: browser zoom (WCAG 1.4.4 Resize text) is what a
desk user does; Chromium's 200% lays the page out in 640×400 CSS px drawn with 2 device
pixels each, which `viewport` 640×400 with `device_scale_factor` 2 reproduces exactly. A
phone is not zoomed that way (pinch-zoom does not reflow), and its narrowest layout, 320 px
(WCAG 1.4.10 Reflow), is checked by the first walk.

Screenshots of each page go to $SCREENSHOTS when it is set, for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests import factories
from tests.browser.conftest import (
    DESK,
    PHONE,
    STAFF_TABLET_LANDSCAPE,
    STAFF_TABLET_PORTRAIT,
    sized_device,
)
from tests.browser.steps import (
    give_password,
    heading,
    log_in,
    member_log_in,
    prepare,
    read_key,
    shoot,
    wait_for_mail,
)
from webapp.schema import notice_recipients, notices, offices

pytestmark = pytest.mark.browser

SEEKER_PASSWORD = "Kasumi#2719"
MEMBER_PASSWORD = factories.MEMBER_PASSWORD
STAFF = {"name": "砺波一郎", "email": "staff@example.com"}
EMPLOYER = {"name": "採用花子", "email": "hr@example.com"}
COMPANY = "株式会社となみ精工"
TITLE = "金型メンテナンス（砺波工場）"
OPEN_ACCOUNT = "求職者マイページ開設（パスワード登録）"
ZOOM_200 = {**DESK, "viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
NARROW_PHONE = {"width": 320, "height": 568}

# Texts that take more than one line: a word of the header broken inside (「マイペ／ージ」).
BROKEN = """els => els.filter(e => e.getClientRects().length).map(e => {
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  const tops = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest(".visually-hidden")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 1) tops.push(r.top);
  }
  tops.sort((a, b) => a - b);
  let lines = 0, last = -1e9;
  for (const top of tops) { if (top - last > 10) { lines += 1; last = top; } }
  return [e.textContent.trim(), lines];
}).filter(([text, lines]) => lines > 1).map(([text]) => text)"""
HEADER_WORDS = (
    ".site-nav__list a, .site-account a, .site-header button, .site-header summary, "
    ".site-name__main, .site-name__small"
)
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The element that has focus: what it is, whether its focus shows, and whether it is in
# view and not covered by anything else (a sticky bar, say).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height, 40) / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const label = hit && hit.closest("label");
  return {
    what: `${e.tagName}#${e.id} ${(e.textContent || e.value || "").trim().slice(0, 30)}`,
    shown: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none",
    inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    covered: !(hit && (hit === e || e.contains(hit) || hit.contains(e)
      || (label && label.control === e))),
  };
}"""


def expect_header_whole(page: Page) -> None:
    """No word of the header broken inside, and the page not wider than the screen."""
    assert page.locator(HEADER_WORDS).evaluate_all(BROKEN) == [], "a header word is broken"
    assert page.evaluate(SIDEWAYS) <= 0, f"{page.url} scrolls sideways"


def expect_target_size(locator: Locator) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, (locator, box)


def tab_to(page: Page, target: Locator, limit: int = 80) -> list[str]:
    """Press Tab until `target` has focus; every stop on the way must show its focus, be
    in view and not be covered. Returns the stops, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        assert focus, f"Tab left the page after {stops}"
        assert focus["shown"], f"no visible focus on {focus['what']} ({page.url})"
        assert focus["inView"], f"{focus['what']} has focus out of view ({page.url})"
        assert not focus["covered"], f"{focus['what']} has focus under something ({page.url})"
        stops.append(focus["what"])
        if target.evaluate("e => e === document.activeElement"):
            return stops
    raise AssertionError(f"{target} not reached by Tab; stops: {stops}")


def _finish(device, axe) -> None:
    axe.assert_every_page_audited()
    assert device.page_errors == [], f"uncaught errors in the page: {device.page_errors}"
    assert device.console_errors == [], f"console errors: {device.console_errors}"


# --- the job-seeker's header at phone widths ------------------------------------------------


async def _seeker_with_a_notice(conn, now) -> None:
    await give_password(conn, SEEKER_PASSWORD, now)
    office = await conn.fetch_val(offices.select().with_only_columns(offices.c.id).limit(1))
    notice = await conn.fetch_val(
        notices.insert()
        .values(
            office_id=office,
            kind="notice",
            title="就職面接会のお知らせ",
            body="12月20日に就職面接会を開きます。",
            audience="chosen",
            created_at=now,
        )
        .returning(notices.c.id)
    )
    await conn.execute(notice_recipients.insert().values(notice_id=notice, seeker_id=1))


def test_the_job_seekers_header_at_390_and_320_px(phone, axe, live_app, database_url, javascript):
    prepare(database_url, _seeker_with_a_notice)
    page = phone.new_tab()
    axe.watch(page)
    name = f"{'js' if javascript else 'nojs'}"
    page.goto("/")
    expect_header_whole(page)
    axe(page)
    expect(page.locator(".site-footer").get_by_role("link", name=OPEN_ACCOUNT)).to_be_visible()
    page.locator(".site-header").get_by_role("link", name="ログイン").click()
    axe(page)
    log_in(page, live_app.seeker["email"], SEEKER_PASSWORD, axe)
    axe(page)

    for size in (PHONE["viewport"], NARROW_PHONE):
        page.set_viewport_size(size)
        page.goto("/mypage")
        header = page.locator(".site-header")
        for word in ("求人検索", "マイページ"):
            expect(header.get_by_role("link", name=word, exact=True)).to_be_visible()
        expect(header.get_by_role("button", name="ログアウト")).to_be_visible()
        menu = header.locator("summary")
        expect(menu).to_have_text(re.compile(r"^メニュー\s*（未読1件）$"))
        expect_header_whole(page)
        for target in (
            *header.get_by_role("link").all(),
            header.get_by_role("button", name="ログアウト"),
            menu,
            page.get_by_role("link", name="切り替え", exact=True),
        ):
            if target.is_visible():
                expect_target_size(target)
        # Not on My Page home alone: the footer has help, not a registration for an owner.
        footer = page.locator(".site-footer")
        expect(footer.get_by_role("link", name="よくあるご質問")).to_be_visible()
        expect(footer.get_by_role("link", name=OPEN_ACCOUNT)).to_have_count(0)
        shoot(page, f"seeker-header-{size['width']}-{name}")

    # The メニュー opens with a tap (a <details>: no JavaScript needed) and leads to the news.
    page.set_viewport_size(PHONE["viewport"])
    page.goto("/jobs/search")
    axe(page)
    header = page.locator(".site-header")
    menu = header.locator("details")
    # By keyboard: Tab to メニュー, Enter opens it; Escape (with JavaScript) or Enter
    # again closes it, focus staying on メニュー. Then by a tap.
    toggle = header.locator("summary")
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape" if javascript else "Enter")
    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()
    header.locator("summary").click()
    notices_link = header.get_by_role("link", name=re.compile("ハローワークからのお知らせ"))
    expect(notices_link).to_have_text(re.compile(r"未読 1件"))
    expect_target_size(notices_link)
    shoot(page, f"seeker-menu-open-{name}")
    axe(page)
    notices_link.click()
    expect(page).to_have_url(re.compile(r"/mypage/notices$"))
    axe(page)
    back = page.locator(".back-link a").first
    expect_target_size(back)

    # Help, from the footer: the FAQ and the offices' phone numbers.
    page.locator(".site-footer").get_by_role("link", name="よくあるご質問").click()
    expect(heading(page, "よくあるご質問")).to_be_visible()
    expect_header_whole(page)
    axe(page)
    shoot(page, f"faq-{name}")
    page.locator(".site-footer").get_by_role("link", name="お問い合わせ").click()
    expect(heading(page, "お問い合わせ")).to_be_visible()
    expect(page.get_by_text("あなたが求職申込みをしたハローワーク")).to_be_visible()
    axe(page)
    shoot(page, f"contact-{name}")

    # The mailbox (the demo's mail app) shows the sender's name whole, on one line.
    wait_for_mail(page, live_app.seeker["email"], "ログイン確認コード", axe)
    sender = page.locator(".sender__name")
    expect(sender).to_have_text("ハローワークインターネットサービス")
    assert sender.evaluate_all(BROKEN) == [], "the sender's name is broken across lines"
    shoot(page, f"mailbox-sender-{name}")
    _finish(phone, axe)


# --- each door in its own viewport ------------------------------------------------------------


async def _members(conn, now) -> None:
    await factories.add_staff(conn, now=now, **STAFF)
    await factories.add_employer(
        conn,
        now=now,
        name=COMPANY,
        address="富山県砺波市表町1-1",
        user=EMPLOYER["name"],
        email=EMPLOYER["email"],
    )


DOORS = [
    (
        "staff",
        STAFF_TABLET_PORTRAIT,
        "/staff/login",
        STAFF["email"],
        "ハローワーク 職員用",
        ["職員メニュー", "求職申込み", "求職者の検索", "紹介の希望", "求人票の審査", "情報提供"],
        "/staff/seekers",
    ),
    (
        "employer",
        DESK,
        "/employer/login",
        EMPLOYER["email"],
        "求人者マイページ",
        ["求人者メニュー", "求人票", "求職者を探す", "リクエスト", "応募者"],
        "/employer/postings",
    ),
]


@pytest.mark.parametrize(
    ("door", "size", "login", "email", "name", "menu", "inner"), DOORS, ids=["staff", "employer"]
)
def test_each_door_wears_its_own_name_and_menu(
    browser, twins, live_app, database_url, javascript, door, size, login, email, name, menu, inner
):
    prepare(database_url, _members)
    axe = twins.axe(size)
    with sized_device(browser, live_app.url, javascript, size) as device:
        page = device.new_tab()
        axe.watch(page)
        tag = f"{door}-{'js' if javascript else 'nojs'}"
        page.goto(login)
        header, footer = page.locator(".site-header"), page.locator(".site-footer")
        # The login page: the door's own name; not the job-seeker's nav or registration.
        expect(header.locator(".site-name__main")).to_have_text(name)
        expect(header.get_by_role("link", name="求人検索")).to_have_count(0)
        expect(header.get_by_role("link", name="ログイン")).to_have_count(0)
        expect(footer.get_by_role("link", name=OPEN_ACCOUNT)).to_have_count(0)
        expect(footer.get_by_role("link", name="よくあるご質問")).to_be_visible()
        expect(page).to_have_title(re.compile(f"{name}$"))
        axe(page)
        shoot(page, f"{tag}-login")
        member_log_in(page, login, email, MEMBER_PASSWORD, axe)
        axe(page)
        page.goto(inner)
        for word in menu:
            expect(header.get_by_role("link", name=word, exact=True)).to_be_visible()
        expect(header.get_by_role("link", name="マイページ", exact=True)).to_have_count(0)
        expect(footer.get_by_role("link", name=OPEN_ACCOUNT)).to_have_count(0)
        expect(footer.get_by_role("link", name="お問い合わせ")).to_be_visible()
        expect_header_whole(page)
        for link in header.get_by_role("link").all():
            expect_target_size(link)
        axe(page)
        shoot(page, f"{tag}-{size['viewport']['width']}")
        if door == "staff":  # the tablet on its side
            page.set_viewport_size(STAFF_TABLET_LANDSCAPE["viewport"])
            expect_header_whole(page)
            shoot(page, f"{tag}-{STAFF_TABLET_LANDSCAPE['viewport']['width']}")
        # Down to a phone, the menu wraps between its words, never inside one.
        page.set_viewport_size(NARROW_PHONE)
        expect_header_whole(page)
        shoot(page, f"{tag}-320")
        _finish(device, axe)


# --- 200% zoom and keyboard alone ------------------------------------------------------------


async def _posting_taking_online_applications(conn, now) -> None:
    await _members(conn, now)
    employer_id = await conn.fetch_val("SELECT id FROM employers LIMIT 1")
    await factories.add_posting(
        conn,
        now=now,
        job_title=TITLE,
        company_name=COMPANY,
        online_application=True,
        employer_id=employer_id,
    )


def test_wizard_sign_in_search_and_application_at_200_percent_by_keyboard(
    browser, twins, live_app, database_url, javascript
):
    prepare(database_url, _posting_taking_online_applications)
    axe = twins.axe(ZOOM_200)
    with sized_device(browser, live_app.url, javascript, ZOOM_200) as device:
        page = device.new_tab()
        axe.watch(page)
        tag = f"zoom200-{'js' if javascript else 'nojs'}"
        email = live_app.seeker["email"]
        keys = page.keyboard

        # トップ: the skip link comes first, and leads past the header.
        page.goto("/")
        keys.press("Tab")
        expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
        expect_header_whole(page)
        axe(page)
        tab_to(page, page.locator(".site-footer").get_by_role("link", name=OPEN_ACCOUNT))
        keys.press("Enter")

        # ステップ1: each document scrolled with End from the keyboard, 同意します by Space.
        expect(page).to_have_url(re.compile(r"/register$"))
        expect(page.get_by_text("ステップ1／4")).to_be_visible()
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        shoot(page, f"{tag}-step1")
        for box in page.locator(".terms-box").all():
            tab_to(page, box)
            keys.press("End")
        agree = page.get_by_label("「プライバシーポリシー」「マイページ利用規約」に同意します。")
        expect(agree).to_be_enabled()
        tab_to(page, agree)
        keys.press("Space")
        expect(agree).to_be_checked()
        tab_to(page, page.get_by_role("button", name="次へ進む"))
        keys.press("Enter")

        # ステップ2: typed field by field.
        expect(heading(page, "メールアドレスの入力（パスワード登録申込）")).to_be_visible()
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        for field, text in (("#email", email), ("#year", "1990"), ("#month", "4"), ("#day", "1")):
            tab_to(page, page.locator(field))
            keys.type(text)
        tab_to(page, page.get_by_role("button", name="次へ進む"))
        keys.press("Enter")

        # ステップ3: the key from the mail app (another tab), then typed.
        expect(heading(page, "パスワード登録")).to_be_visible()
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        shoot(page, f"{tag}-step3")
        mail_app = device.new_tab()
        axe.watch(mail_app)
        key = read_key(mail_app, email, axe)
        mail_app.close()
        page.bring_to_front()
        for field, text in (
            ("#password", SEEKER_PASSWORD),
            ("#password_confirm", SEEKER_PASSWORD),
            ("#auth_key", key),
        ):
            tab_to(page, page.locator(field))
            keys.type(text)
        tab_to(page, page.get_by_role("button", name="完了"))
        keys.press("Enter")
        expect(heading(page, "パスワード登録完了")).to_be_visible()
        axe(page)
        tab_to(page, page.get_by_role("link", name="ログイン画面へ進む"))
        keys.press("Enter")

        # ログイン by keyboard; the code from the mail app, typed.
        expect(page).to_have_url(re.compile(r"/login$"))
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        shoot(page, f"{tag}-login")
        tab_to(page, page.locator("#email"))
        keys.type(email)
        tab_to(page, page.locator("#password"))
        keys.type(SEEKER_PASSWORD)
        keys.press("Enter")
        page.wait_for_url(re.compile(r"/(mypage|login/code)(\?.*)?$"))
        if "/login/code" in page.url:
            axe(page)
            mail_app = device.new_tab()
            axe.watch(mail_app)
            body = wait_for_mail(mail_app, email, "ログイン確認コード", axe)
            mail_app.close()
            page.bring_to_front()
            tab_to(page, page.locator("#code"))
            keys.type(re.search(r"確認コード:\s*(\d{6})", body).group(1))
            keys.press("Enter")
        expect(page).to_have_url(re.compile(r"/mypage$"))
        expect_header_whole(page)
        axe(page)
        shoot(page, f"{tag}-mypage")

        # 求人検索 from the header, a keyword, Enter; the first result, Enter.
        tab_to(page, page.locator(".site-header").get_by_role("link", name="求人検索"))
        keys.press("Enter")
        expect(page).to_have_url(re.compile(r"/jobs/search"))
        axe(page)
        tab_to(page, page.locator("#q"))
        keys.type("金型")
        keys.press("Enter")
        # The page before the search lists new postings too: wait for the searched URL,
        # or the next step may run while the page navigates.
        expect(page).to_have_url(re.compile(r"[?&]q="))
        result = page.get_by_role("link", name=re.compile(TITLE)).first
        expect(result).to_be_visible()
        # Enter searched: it did not press 「中分類を選ぶ」, which stands earlier in the form.
        assert "pick=" not in page.url
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        shoot(page, f"{tag}-results")
        tab_to(page, result, limit=120)
        keys.press("Enter")
        expect(heading(page, re.compile(TITLE))).to_be_visible()
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)

        # オンライン自主応募: the form reached and filled by keyboard (what comes after the
        # form is another walk's: test_application_flow).
        tab_to(page, page.get_by_role("link", name=re.compile("オンラインで応募する")).first, 150)
        keys.press("Enter")
        expect(page).to_have_url(re.compile(r"/apply$"))
        assert page.evaluate(SIDEWAYS) <= 0
        axe(page)
        shoot(page, f"{tag}-apply")
        acknowledged = page.locator("#apply-form input[type=checkbox]").first
        tab_to(page, acknowledged, limit=150)
        keys.press("Space")
        expect(acknowledged).to_be_checked()
        tab_to(page, page.locator("#apply-form textarea").first)
        keys.type("金型の保守を5年担当しました。")
        for picker in page.locator("#apply-form input[type=file]").all():
            tab_to(page, picker)
            expect_target_size(picker)  # the native picker's button, styled (defect 10)
        tab_to(page, page.locator("#apply-form button[type=submit]").first)
        _finish(device, axe)
