"""At the counter, then at home (issue 5): on the office's tablet (820×1180) a staff member
signs in, registers a new job-seeker (求職申込み, an error shown next to its field first),
prints their sheet, refers them to an open posting (紹介状) and sends them an お知らせ,
then logs out; on the job-seeker's phone (390×844) the job-seeker opens My Page through
パスワード登録 and finds the referral with its 紹介状, the application in 応募履歴 and the
お知らせ with its 未読 count, which goes away once it is read. JavaScript on and off;
axe-core checks every page on both devices."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import Phone
from tests.browser.steps import (
    agree_to_terms,
    expect_same_document,
    heading,
    log_in,
    mark_document,
    member_log_in,
    prepare,
    read_key,
    send_address_and_birthdate,
)

pytestmark = pytest.mark.browser

STAFF = {"name": "窓口 一郎", "email": "madoguchi@example.com", "password": "Kh7#mqPw2x"}
OFFICE = "16040"  # ハローワーク砺波, in every fresh database
NEW_SEEKER = {
    "name": "砺波 花子",
    "kana": "トナミ ハナコ",
    "kana_typed": "となみ　はなこ",  # ひらがな and a full-width space: the form converts them
    "year": "1988",
    "month": "6",
    "day": "15",
    "email": "hanako.tonami@example.com",
    "phone": "0763-33-1234",
    "address": "富山県砺波市太郎丸1-2-4",
}
SEEKER_PASSWORD = "Hanako#4821"
JOB_NUMBER = "16040-00012345"
JOB_TITLE = "介護職員（特別養護老人ホーム）"
COMPANY = "社会福祉法人となみ福祉会"
NOTE = "面接の際は紹介状と履歴書をお持ちください。"
NOTICE_TITLE = "職業相談のご案内"
NOTICE_BODY = "紹介した求人の面接に向けて、応募書類の書き方の相談ができます。"


async def _counter_data(conn, now) -> None:
    """A staff member at ハローワーク砺波 and the open posting they will refer to."""
    await factories.add_staff(conn, now=now, office=OFFICE, **STAFF)
    await factories.add_posting(
        conn,
        now=now,
        job_number=JOB_NUMBER,
        office_code=OFFICE,
        company_name=COMPANY,
        company_address="富山県砺波市中央町1-1",
        company_business="特別養護老人ホームの運営",
        occupation="E",
        job_title=JOB_TITLE,
        description="入居者の食事、入浴、排せつの介助です。",
        prefecture_code="16",
        municipality="砺波市",
        wage_min=210_000,
        wage_max=250_000,
        working_hours="(1) 08:30〜17:30",
        holidays="シフト制",
    )


@pytest.fixture
def counter_data(live_app, database_url):
    prepare(database_url, _counter_data)
    return live_app


def fill_counter_form(page: Page, kana: str) -> None:
    s = NEW_SEEKER
    page.get_by_label("氏名").fill(s["name"])
    page.get_by_label("フリガナ").fill(kana)
    birthdate = page.get_by_role("group", name=re.compile("生年月日"))
    birthdate.get_by_label("年", exact=True).fill(s["year"])
    birthdate.get_by_label("月", exact=True).fill(s["month"])
    birthdate.get_by_label("日", exact=True).fill(s["day"])
    page.get_by_label("メールアドレス（マイページのID）").fill(s["email"])
    page.get_by_label("電話番号").fill(s["phone"])
    page.get_by_label("住所").fill(s["address"])
    page.get_by_label("希望職種").select_option(label="サービスの職業")
    page.get_by_label("希望勤務地（都道府県）").select_option(label="富山県")
    page.get_by_label("希望勤務地（市区町村）").fill("砺波市")
    page.get_by_label("希望雇用形態").select_option(label="正社員")


def staff_at_the_counter(tablet: Phone, axe, base_url: str, javascript: bool) -> str:
    """The tablet's part of the walk; returns the new 求職番号."""
    page = tablet.new_tab()
    axe.watch(page)

    # Sign in, then 職員メニュー.
    page.goto("/staff/login")
    expect(heading(page, re.compile(r"ログイン$"))).to_be_visible()
    axe(page)
    member_log_in(page, "/staff/login", STAFF["email"], STAFF["password"], axe)
    expect(page).to_have_url(re.compile(r"/staff$"))
    expect(heading(page, "ハローワーク職員用ページ")).to_be_visible()
    expect(page.get_by_text(f"{STAFF['name']} さん")).to_be_visible()
    axe(page)
    # 職員メニュー in the header leads back here from any staff page (nothing new to audit).
    page.get_by_role("link", name="職員メニュー").click()
    expect(heading(page, "ハローワーク職員用ページ")).to_be_visible()
    page.get_by_role("link", name="求職申込み（窓口での登録）").click()

    # 求職申込み: first with a フリガナ in romaji, which is refused next to the field.
    expect(page).to_have_url(re.compile(r"/staff/seekers/new$"))
    expect(heading(page, "求職申込み（窓口での登録）")).to_be_visible()
    expect(page.get_by_text("登録先: ハローワーク砺波（安定所番号 16040）")).to_be_visible()
    axe(page)
    fill_counter_form(page, "Tonami Hanako")
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="登録して求職番号を発行する").click()
    message = "フリガナは全角カタカナ50文字以内で入力してください。"
    summary = page.get_by_role("alert").filter(has_text="入力内容を確認してください")
    summary_link = summary.get_by_role("link", name=message)
    expect(summary_link).to_have_attribute("href", "#kana")
    if javascript:
        expect_same_document(page)  # htmx swapped the form in place
        expect(summary_link).to_be_focused()  # so a screen reader reads the error out
    kana = page.get_by_label("フリガナ")
    kana_field = page.locator(".field").filter(has=page.locator("#kana"))
    expect(kana_field.locator("#kana-error")).to_have_text(message)  # next to the field
    expect(kana).to_have_attribute("aria-invalid", "true")
    expect(kana).to_have_attribute("aria-describedby", re.compile(r"\bkana-error\b"))
    expect(kana).to_have_value("Tonami Hanako")  # what was typed stays, to be corrected
    expect(page.get_by_label("氏名")).to_have_value(NEW_SEEKER["name"])
    expect(page.get_by_label("希望職種")).to_have_value("E")
    expect(page).to_have_url(re.compile(r"/staff/seekers/new$"))
    axe(page)
    kana.fill(NEW_SEEKER["kana_typed"])
    page.get_by_role("button", name="登録して求職番号を発行する").click()

    # The printable sheet: 求職番号 and the QR code of パスワード登録.
    expect(page).to_have_url(re.compile(r"/staff/seekers/\d+/sheet\?registered=1$"))
    expect(heading(page, "求職者マイページのご案内")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("求職申込みを登録しました。")
    number = page.locator(".sheet__number").inner_text().strip()
    assert re.fullmatch(r"16040-\d{8}", number), number
    expect(status).to_contain_text(f"求職番号 {number} を発行しました。")
    expect(page.get_by_text(f"{NEW_SEEKER['name']} 様")).to_be_visible()
    expect(page.get_by_text(NEW_SEEKER["email"], exact=True)).to_be_visible()
    qr = page.get_by_role("img", name="求職者マイページ開設（パスワード登録）のQRコード")
    expect(qr).to_be_visible()
    expect(page.locator(".sheet__qr figcaption")).to_contain_text(f"{base_url}/register")
    print_button = page.get_by_role("button", name="印刷する")
    if javascript:
        expect(print_button).to_be_visible()
    else:
        expect(print_button).to_be_hidden()  # the browser's own 印刷 is the way without it
    axe(page)
    page.get_by_role("link", name="求職者の情報へ").click()

    # The job-seeker's profile, as registered.
    expect(page).to_have_url(re.compile(r"/staff/seekers/\d+$"))
    seeker_url = page.url
    expect(heading(page, "求職者の情報")).to_be_visible()
    record = page.locator("dl.record")
    expect(record).to_contain_text(number)
    expect(record).to_contain_text(NEW_SEEKER["kana"])
    expect(record).to_contain_text("1988年06月15日")
    expect(record).to_contain_text("富山県 砺波市")
    expect(record).to_contain_text("未開設")
    expect(page.get_by_role("heading", level=2, name="紹介した求人（0件）")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="職業紹介をする").click()

    # 職業紹介: find the posting by its 求人番号, choose it, refer.
    expect(page).to_have_url(re.compile(r"/staff/seekers/\d+/refer$"))
    expect(heading(page, "職業紹介（紹介状の発行）")).to_be_visible()
    axe(page)
    page.get_by_label("求人番号またはキーワード").fill(JOB_NUMBER)
    page.get_by_role("button", name="探す").click()
    result = page.locator("li.result-card").filter(has_text=JOB_NUMBER)
    expect(result.get_by_role("heading", level=3, name=JOB_TITLE)).to_be_visible()
    expect(result).to_contain_text("募集中")
    axe(page)
    result.get_by_role("link", name=re.compile("この求人を選ぶ")).click()
    expect(page).to_have_url(re.compile(r"posting=\d+#refer-form$"))
    chosen = page.locator("#refer-posting")
    expect(chosen).to_contain_text(JOB_NUMBER)
    expect(chosen).to_contain_text(COMPANY)
    axe(page)
    page.get_by_label("連絡事項").fill(NOTE)
    page.get_by_role("button", name="この求人に紹介して紹介状を発行する").click()

    # 紹介状
    expect(page).to_have_url(re.compile(r"/staff/referrals/\d+/letter\?done=created$"))
    expect(page.get_by_role("status")).to_have_text(
        "紹介状を発行しました。印刷して求職者にお渡しください。"
    )
    letter = page.get_by_role("article", name="紹介状")
    expect(heading(page, "紹介状")).to_be_visible()
    expect(letter).to_contain_text(f"{COMPANY} 御中")
    expect(letter).to_contain_text(NEW_SEEKER["name"])
    expect(letter).to_contain_text(number)
    expect(letter).to_contain_text(JOB_NUMBER)
    expect(letter).to_contain_text(NOTE)
    expect(letter).to_contain_text(f"紹介者 {STAFF['name']}")
    axe(page)
    page.get_by_role("link", name="求職者の情報へ戻る").click()

    # The profile lists the referral and its application.
    expect(page).to_have_url(seeker_url)
    expect(page.get_by_role("heading", level=2, name="紹介した求人（1件）")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="応募（1件）")).to_be_visible()
    expect(page.locator(".record-list").first).to_contain_text(JOB_TITLE)
    axe(page)
    page.get_by_role("link", name="情報提供（お知らせ・求人情報を送る）").click()

    # お知らせ to this job-seeker, who is filled in.
    expect(page).to_have_url(re.compile(r"/staff/notices/new\?seeker=\d+$"))
    expect(heading(page, "お知らせの送信")).to_be_visible()
    expect(
        page.get_by_text(f"送信先: {NEW_SEEKER['name']} さん（求職番号 {number}）")
    ).to_be_visible()
    expect(page.get_by_label("求職番号を指定する（下の欄に入力）")).to_be_checked()
    expect(
        page.get_by_label("送信先の求職番号（「求職番号を指定する」を選んだとき）")
    ).to_have_value(number)
    axe(page)
    page.get_by_label("件名").fill(NOTICE_TITLE)
    page.get_by_label("本文").fill(NOTICE_BODY)
    page.get_by_role("button", name="お知らせを送信する").click()
    expect(page).to_have_url(re.compile(r"/staff/notices/\d+\?sent=1$"))
    expect(page.get_by_role("status")).to_have_text("送信しました（送信先 1人）。")
    expect(heading(page, NOTICE_TITLE)).to_be_visible()
    recipient = page.get_by_role("row").filter(has_text=number)
    expect(recipient).to_contain_text(NEW_SEEKER["name"])
    expect(recipient).to_contain_text("未読")
    axe(page)

    # ログアウト: back at the staff door.
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/staff/login\?logged_out=1$"))
    expect(page.get_by_role("status")).to_have_text("ログアウトしました。")
    axe(page)
    page.close()
    return number


def seeker_at_home(phone: Phone, axe, number: str, javascript: bool) -> None:
    """The phone's part: パスワード登録 from the sheet's QR code, then My Page."""
    email = NEW_SEEKER["email"]
    page = phone.new_tab()
    axe.watch(page)

    # The QR code opens ステップ1.
    page.goto("/register")
    expect(heading(page, "求職者マイページ利用規約確認")).to_be_visible()
    axe(page)
    agree_to_terms(page, javascript)

    # ステップ2: the address and birthdate registered at the counter.
    expect(heading(page, "メールアドレスの入力（パスワード登録申込）")).to_be_visible()
    axe(page)
    send_address_and_birthdate(
        page, email, NEW_SEEKER["year"], NEW_SEEKER["month"], NEW_SEEKER["day"]
    )

    # ステップ3: the 認証キー from the mail app (a new tab), then the password.
    expect(page).to_have_url(re.compile(r"/register/password$"))
    expect(page.get_by_text("ステップ3／4")).to_be_visible()
    axe(page)
    mail_app = phone.new_tab()
    axe.watch(mail_app)
    key = read_key(mail_app, email, axe)
    mail_app.close()
    page.get_by_label("登録するパスワード", exact=True).fill(SEEKER_PASSWORD)
    page.get_by_label("登録するパスワード（確認用）").fill(SEEKER_PASSWORD)
    page.get_by_label("認証キー").fill(key)
    page.get_by_role("button", name="完了").click()
    expect(heading(page, "パスワード登録完了")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="ログイン画面へ進む").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    axe(page)
    log_in(page, email, SEEKER_PASSWORD, axe)

    # My Page: one unread お知らせ counted beside its menu item.
    expect(heading(page, "求職者マイページ")).to_be_visible()
    expect(page.get_by_text(f"{NEW_SEEKER['name']} さん")).to_be_visible()
    expect(page.locator(".profile")).to_contain_text(number)
    notices_link = page.get_by_role(
        "link", name=re.compile("^ハローワークからのお知らせ・求人情報")
    )
    expect(notices_link).to_have_text("ハローワークからのお知らせ・求人情報 未読 1件")
    axe(page)

    # ハローワークで紹介した求人, and its 紹介状.
    page.get_by_role("link", name="ハローワークで紹介した求人・紹介状").click()
    expect(heading(page, "ハローワークで紹介した求人")).to_be_visible()
    referral = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=2, name=JOB_TITLE)
    )
    expect(referral).to_contain_text(COMPANY)
    expect(referral).to_contain_text(JOB_NUMBER)
    expect(referral).to_contain_text("ハローワーク砺波")
    axe(page)
    referral.get_by_role("link", name=re.compile("紹介状を見る・印刷する")).click()
    expect(page).to_have_url(re.compile(r"/mypage/referrals/\d+/letter$"))
    letter = page.get_by_role("article", name="紹介状")
    expect(letter).to_contain_text(f"{COMPANY} 御中")
    expect(letter).to_contain_text(NEW_SEEKER["name"])
    expect(letter).to_contain_text(number)
    expect(letter).to_contain_text(NOTE)
    axe(page)
    page.get_by_role("link", name="紹介した求人の一覧へ戻る").click()
    expect(heading(page, "ハローワークで紹介した求人")).to_be_visible()
    page.get_by_role("link", name="マイページへ戻る").click()

    # 応募履歴: the referral is an application too.
    expect(heading(page, "求職者マイページ")).to_be_visible()
    page.get_by_role("link", name="応募履歴", exact=True).click()
    expect(heading(page, "応募履歴")).to_be_visible()
    application = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=2, name=JOB_TITLE)
    )
    expect(application).to_contain_text("ハローワーク紹介")
    expect(application).to_contain_text("応募済み")
    expect(application).to_contain_text(JOB_NUMBER)
    axe(page)
    page.get_by_role("link", name="マイページへ戻る").click()

    # お知らせ: 未読 in the list; opened, it is read and the count goes away.
    expect(heading(page, "求職者マイページ")).to_be_visible()
    expect(notices_link).to_contain_text("未読 1件")  # still: nothing read it yet
    notices_link.click()
    expect(heading(page, "ハローワークからのお知らせ・求人情報")).to_be_visible()
    item = page.get_by_role("link", name=re.compile(NOTICE_TITLE))
    expect(item).to_contain_text("未読")
    expect(item).to_contain_text("ハローワーク砺波")
    axe(page)
    item.click()
    expect(heading(page, NOTICE_TITLE)).to_be_visible()
    expect(page.get_by_text(NOTICE_BODY)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="お知らせ・求人情報の一覧へ戻る").click()
    expect(heading(page, "ハローワークからのお知らせ・求人情報")).to_be_visible()
    expect(item).not_to_contain_text("未読")
    expect(item).to_contain_text("既読")  # said to screen readers only
    axe(page)
    page.get_by_role("link", name="マイページへ戻る").click()
    expect(heading(page, "求職者マイページ")).to_be_visible()
    expect(notices_link).to_have_text("ハローワークからのお知らせ・求人情報")
    axe(page)


def test_staff_registers_refers_and_informs_then_seeker_sees_it_all(
    counter_data, tablet, phone, tablet_axe, axe, live_app, javascript
):
    number = staff_at_the_counter(tablet, tablet_axe, live_app.url, javascript)
    seeker_at_home(phone, axe, number, javascript)

    tablet_axe.assert_every_page_audited()
    axe.assert_every_page_audited()
    for device in (tablet, phone):
        assert not device.page_errors, f"uncaught errors in the page: {device.page_errors}"
        assert not device.console_errors, f"console errors: {device.console_errors}"
