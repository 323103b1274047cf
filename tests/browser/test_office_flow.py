"""Issue 12, the employer's desk (1280×800) and the staff's tablet (1024×1366 upright,
1366×1024 on its side), JavaScript on and off, axe-core on every page:

- the employer saves a half-done 求人票 (only its 職種 is needed), the error summary reading
  in the form's order; 審査に提出する opens a check of every field, names each missing one
  next to it, and submits only once it is complete;
- the employer turns an applicant down through 不採用にする's check of what will be sent,
  changing the message on the way;
- staff correct a counter registration's mistyped address (with a reason), see the
  job-seeker's waiting 紹介の希望 on their page, and the job-seeker's new address gets the
  notice.

Screenshots of each page go to $SCREENSHOTS when it is set, for a person to look at."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import (
    STAFF_TABLET_LANDSCAPE,
    STAFF_TABLET_PORTRAIT,
    sized_device,
)
from tests.browser.steps import (
    expect_same_document,
    fill_whole_posting,
    heading,
    mark_document,
    member_log_in,
    prepare,
    shoot,
    wait_for_mail,
)
from webapp.applications import service as applications_service
from webapp.schema import members, referral_requests
from webapp.seekers import service as seekers

pytestmark = pytest.mark.browser

MEMBER_PASSWORD = factories.MEMBER_PASSWORD
STAFF = {"name": "砺波一郎", "email": "staff@example.com"}
EMPLOYER = {"name": "採用花子", "email": "hr@example.com"}
COMPANY = "株式会社となみ精工"
TITLE = "金型メンテナンス（砺波工場）"


def _finish(device, axe) -> None:
    axe.assert_every_page_audited()
    assert device.page_errors == [], f"uncaught errors in the page: {device.page_errors}"
    assert device.console_errors == [], f"console errors: {device.console_errors}"


# --- the employer --------------------------------------------------------------------------


async def _employer(conn, now) -> None:
    await factories.add_employer(
        conn,
        now=now,
        name=COMPANY,
        address="富山県砺波市表町1-1",
        business="精密金型の設計・製造",
        user=EMPLOYER["name"],
        email=EMPLOYER["email"],
    )


def employer_signs_in(page: Page, axe) -> None:
    page.goto("/employer/login")
    axe(page)
    member_log_in(page, "/employer/login", EMPLOYER["email"], MEMBER_PASSWORD, axe)
    expect(heading(page, "求人者マイページ")).to_be_visible()
    axe(page)


def summary_targets(page: Page) -> list[str]:
    links = page.locator(".error-summary a")
    return [
        href.removeprefix("#")
        for href in links.evaluate_all("a => a.map(e => e.getAttribute('href'))")
    ]


def test_a_half_done_posting_is_saved_then_checked_and_submitted(
    desk, live_app, database_url, javascript
):
    device, axe = desk
    prepare(database_url, _employer)
    page = device.new_tab()
    axe.watch(page)
    size = f"desk-{'js' if javascript else 'nojs'}"
    employer_signs_in(page, axe)
    page.get_by_role("link", name="求人票の作成・一覧").click()
    expect(heading(page, "求人票の作成・一覧")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="新しい求人票を作成する").click()
    expect(heading(page, "求人票の作成（下書き）")).to_be_visible()
    expect(page.get_by_text("下書きは職種だけ入力すれば保存でき")).to_be_visible()
    axe(page)

    # Two mistakes, the lower one on the form checked first: the summary reads top down.
    page.get_by_label("職種", exact=True).fill(TITLE)
    page.get_by_label("賃金（a + b + c）の下限額（円）").fill("二十一万")
    page.get_by_label("就業時間").fill("(1) 08:00〜17:00 " * 20)
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="下書きを保存する").click()
    summary = page.get_by_role("alert").filter(has_text="入力内容を確認してください")
    expect(summary).to_be_visible()
    if javascript:
        expect_same_document(page)
    assert summary_targets(page) == ["wage_min", "working_hours"]
    expect(page.locator("#wage_min-error")).to_have_text(
        "賃金の下限額は半角数字で入力してください（例: 月給なら200000）。"
    )
    expect(page.get_by_label("職種", exact=True)).to_have_value(TITLE)
    axe(page)
    shoot(page, f"{size}-01-form-errors")

    # Half done: the 職種 and the hours only.
    page.get_by_label("賃金（a + b + c）の下限額（円）").fill("")
    page.get_by_label("就業時間").fill("(1) 08:00〜17:00（休憩60分）")
    page.get_by_role("button", name="下書きを保存する").click()
    expect(page).to_have_url(re.compile(r"/employer/postings/\d+\?done=incomplete$"))
    posting_url = page.url.split("?")[0]
    expect(page.get_by_role("status")).to_contain_text(
        "下書きを保存しました。まだ入力されていない項目があります。"
    )
    expect(
        page.get_by_text(re.compile(r"まだ入力されていない項目があります（\d+項目）"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="入力した内容")).to_be_visible()
    axe(page)
    shoot(page, f"{size}-02-draft-incomplete")

    # 審査に提出する: the check names what is missing, each beside its field.
    page.get_by_role("link", name="審査に提出する（足りない項目の確認）").click()
    expect(heading(page, "審査に提出する内容の確認")).to_be_visible()
    missing = page.get_by_role("alert").filter(
        has_text="審査に提出する前に、次の項目を入力してください"
    )
    expect(missing.get_by_role("link", name="職業分類を一覧から選んでください。")).to_be_visible()
    expect(page.locator("#check-occupation-error")).to_have_text(
        "職業分類を一覧から選んでください。"
    )
    expect(page.get_by_role("button", name="この内容で審査に提出する")).to_have_count(0)
    axe(page)
    shoot(page, f"{size}-03-check-missing")
    page.locator("#check-occupation").get_by_role("link", name=re.compile("入力する")).click()
    expect(page).to_have_url(re.compile(r"/edit#occupation$"))
    expect(page.get_by_label("職種", exact=True)).to_have_value(TITLE)
    axe(page)

    page.get_by_label("職業分類（大分類）").select_option(label="生産工程の職業")
    page.get_by_label("仕事内容", exact=True).fill("プレス金型の点検・修理をお願いします。")
    page.get_by_label("就業場所の都道府県").select_option(label="富山県")
    page.get_by_label("就業場所の市区町村").fill("砺波市")
    page.get_by_label("賃金（a + b + c）の下限額（円）").fill("210000")
    page.get_by_label("休日等").fill("土 日 祝日")
    page.get_by_label("選考方法").fill("書類選考、面接（予定1回）")
    fill_whole_posting(page, base="210000")
    page.get_by_role("button", name="保存して、審査に提出する内容を確認する").click()

    expect(page).to_have_url(re.compile(r"/employer/postings/\d+/submit$"))
    expect(heading(page, "審査に提出する内容の確認")).to_be_visible()
    expect(page.locator(".error-summary")).to_have_count(0)
    wage_row = page.locator("#check-wage_min")
    expect(wage_row).to_contain_text("210,000円")
    axe(page)
    shoot(page, f"{size}-04-check-complete")

    # 変更する goes to the field; saved, the check shows the change.
    wage_row.get_by_role("link", name=re.compile("変更する")).click()
    expect(page).to_have_url(re.compile(r"/edit#wage_min$"))
    axe(page)
    page.get_by_label("賃金（a + b + c）の下限額（円）").fill("220000")
    page.get_by_label("a 基本給の下限額（円）").fill("220000")
    page.get_by_role("button", name="保存して、審査に提出する内容を確認する").click()
    expect(page.locator("#check-wage_min")).to_contain_text("220,000円")
    axe(page)
    page.get_by_role("button", name="この内容で審査に提出する").click()
    expect(page).to_have_url(f"{posting_url}?done=submitted")
    expect(page.get_by_role("status")).to_contain_text("審査に提出しました。")
    expect(page.get_by_role("heading", name="この求人票の状態: 審査待ち")).to_be_visible()
    axe(page)
    shoot(page, f"{size}-05-submitted")
    _finish(device, axe)


async def _applicant(conn, now) -> None:
    """The employer, its open posting that takes オンライン自主応募, and Taro's application."""
    await _employer(conn, now)
    employer_id = await conn.fetch_val(
        sa.select(members.c.employer_id).where(members.c.email == EMPLOYER["email"])
    )
    posting = await factories.add_posting(
        conn,
        now=now,
        office_code="16040",
        employer_id=employer_id,
        company_name=COMPANY,
        job_title=TITLE,
        online_application=True,
    )
    seeker = await seekers.by_email(conn, "taro@example.com")
    row = await applications_service.public_posting(conn, posting["id"])
    await applications_service.apply(
        conn,
        seeker_id=seeker["id"],
        posting=row,
        motivation="金型の保守を5年担当してきました。",
        documents=[],
        now=now,
        base_url="http://127.0.0.1",
    )


FIRST_NOTE = "ご応募ありがとうございました。"
NOTE = "このたびはご応募いただき、ありがとうございました。今回はご期待に添えない結果となりました。"


def test_an_applicant_is_turned_down_after_a_check_of_what_is_sent(
    desk, live_app, database_url, javascript
):
    device, axe = desk
    prepare(database_url, _applicant)
    page = device.new_tab()
    axe.watch(page)
    size = f"desk-{'js' if javascript else 'nojs'}"
    employer_signs_in(page, axe)
    page.get_by_role("link", name=re.compile("応募者の一覧と連絡")).click()
    axe(page)
    page.get_by_role("link", name="山田太郎 さん").click()
    applicant_url = page.url
    axe(page)

    page.get_by_role("link", name="不採用にする").click()
    expect(heading(page, "不採用にする")).to_be_visible()
    axe(page)
    shoot(page, f"{size}-10-reject-form")
    page.get_by_label("応募者へのメッセージ").fill(FIRST_NOTE)
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="確認へ進む").click()
    expect(heading(page, "不採用の連絡の確認")).to_be_visible()
    if javascript:
        expect_same_document(page)
    expect(page.locator("#check-note")).to_contain_text(FIRST_NOTE)
    expect(page.get_by_text("不採用にすると、元に戻せません。")).to_be_visible()
    axe(page)
    shoot(page, f"{size}-11-reject-check")

    # 変更する: back to the message as typed.
    page.locator("#check-note").get_by_role("button", name=re.compile("変更する")).click()
    expect(heading(page, "不採用にする")).to_be_visible()
    message = page.get_by_label("応募者へのメッセージ")
    expect(message).to_have_value(FIRST_NOTE)
    axe(page)
    message.fill(NOTE)
    page.get_by_role("button", name="確認へ進む").click()
    expect(page.locator("#check-note")).to_contain_text(NOTE)
    axe(page)
    page.get_by_role("button", name="不採用にして応募者に知らせる").click()

    expect(page).to_have_url(f"{applicant_url}?done=rejected")
    expect(page.get_by_role("status")).to_have_text("不採用にしました。応募者にお知らせしました。")
    expect(page.locator(".timeline")).to_contain_text(f"応募者へのメッセージ: {NOTE}")
    expect(page.get_by_role("link", name="不採用にする")).to_have_count(0)
    axe(page)
    shoot(page, f"{size}-12-rejected")

    body = wait_for_mail(page, "taro@example.com", "「不採用」になりました", axe)
    assert f"事業所からのメッセージ:\n{NOTE}" in body
    _finish(device, axe)


# --- staff ---------------------------------------------------------------------------------

MISTYPED = "hanako@exmaple.com"
RIGHT = "hanako@example.com"
REASON = "窓口でメールアドレスを聞き誤ったため"


async def _counter(conn, now) -> None:
    """Staff of ハローワーク砺波; Hanako registered with a mistyped address, waiting for a
    referral to a posting she asked for online."""
    await factories.add_staff(conn, now=now, **STAFF)
    new = seekers.validate_new_seeker(
        name="砺波 花子",
        kana="トナミ ハナコ",
        birthdate="1988-06-15",
        email=MISTYPED,
        today=now.date(),
    )
    number = await seekers.register(conn, new, office_code="16040", now=now)
    seeker = await seekers.by_number(conn, number)
    posting = await factories.add_posting(conn, now=now, job_title="倉庫内作業")
    await conn.execute(
        referral_requests.insert().values(
            seeker_id=seeker["id"],
            posting_id=posting["id"],
            state="pending",
            message="",
            created_at=now,
        )
    )


@pytest.mark.parametrize("size", ["portrait", "landscape"])
def test_staff_correct_a_mistyped_address_and_see_a_waiting_request(
    browser, twins, live_app, database_url, javascript, size
):
    options = STAFF_TABLET_PORTRAIT if size == "portrait" else STAFF_TABLET_LANDSCAPE
    with sized_device(browser, live_app.url, javascript, options) as device:
        _walk_the_correction(device, twins.axe(options), database_url, javascript, size)


def _walk_the_correction(device, axe, database_url: str, javascript: bool, size: str) -> None:
    prepare(database_url, _counter)
    page = device.new_tab()
    axe.watch(page)
    name = f"tablet-{size}-{'js' if javascript else 'nojs'}"
    page.goto("/staff/login")
    axe(page)
    member_log_in(page, "/staff/login", STAFF["email"], MEMBER_PASSWORD, axe)
    axe(page)
    page.goto("/staff/seekers")
    axe(page)
    page.get_by_label("求職番号・氏名・フリガナ").fill("トナミ")
    page.get_by_role("button", name="検索", exact=True).click()
    found = page.get_by_role("link", name=re.compile("砺波 花子"))
    expect(found).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q="))
    axe(page)
    found.click()
    expect(heading(page, "求職者の情報")).to_be_visible()

    # The waiting 紹介の希望, with the way to answer it.
    waiting = page.get_by_role("region", name=re.compile("紹介の希望（受付待ち 1件）"))
    expect(waiting).to_contain_text("倉庫内作業")
    expect(waiting.get_by_role("link", name=re.compile("紹介する・見送る"))).to_be_visible()
    axe(page)
    shoot(page, f"{name}-20-profile-waiting")

    page.get_by_role(
        "link", name=re.compile("登録内容（氏名・フリガナ・生年月日・メールアドレス）を訂正する")
    ).click()
    expect(heading(page, "登録内容の訂正")).to_be_visible()
    email = page.get_by_label("メールアドレス（マイページのID）")
    expect(email).to_have_value(MISTYPED)
    axe(page)
    email.fill(RIGHT)
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="訂正する").click()
    reason_error = "訂正の理由を入力してください（例: 窓口でメールアドレスを聞き誤ったため）。"
    expect(page.locator("#reason-error")).to_have_text(reason_error)
    expect(page.get_by_role("alert").get_by_role("link", name=reason_error)).to_be_visible()
    if javascript:
        expect_same_document(page)
    expect(page.get_by_label("メールアドレス（マイページのID）")).to_have_value(RIGHT)
    axe(page)
    shoot(page, f"{name}-21-correct-error")
    page.get_by_label("訂正の理由").fill(REASON)
    page.get_by_role("button", name="訂正する").click()

    expect(heading(page, "求職者の情報")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("登録内容を訂正しました。")
    expect(page.locator("dl.record")).to_contain_text(RIGHT)
    axe(page)
    shoot(page, f"{name}-22-corrected")
    page.get_by_role("link", name="求職情報の変更履歴").click()
    row = page.get_by_role("row").filter(has_text=REASON)
    expect(row).to_contain_text(MISTYPED)
    expect(row).to_contain_text(RIGHT)
    expect(row).to_contain_text("職員（砺波一郎）")
    axe(page)
    shoot(page, f"{name}-23-history")
    page.get_by_role("link", name=re.compile("さんの情報へ戻る")).click()
    page.get_by_role("link", name=re.compile("紹介する・見送る")).click()
    expect(page).to_have_url(re.compile(r"/staff/referral-requests#request-\d+$"))
    expect(heading(page, "オンラインでの紹介の希望")).to_be_visible()
    axe(page)

    mail = device.new_tab()
    axe.watch(mail)
    body = wait_for_mail(mail, RIGHT, "登録内容の訂正のお知らせ", axe)
    assert "訂正した項目: メールアドレス" in body
    shoot(mail, f"{name}-24-mail")
    mail.close()
    _finish(device, axe)
