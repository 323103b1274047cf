"""求職公開 and 求人者からのリクエスト, walked by both people, JavaScript on and off: the
job-seeker (on a phone) changes their 求職情報 (an error next to the field first), adds
a 職歴, publishes some parts and previews them; the employer (on a tablet) finds the
profile by occupation and prefecture, sees no name nor birthdate, and sends a posting
with a message; the job-seeker sees the request counted on My Page, opens the posting,
applies online, and finds it in 応募履歴, on the request (応募済み) and in 求職活動実績.
axe-core checks every page either of them visits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.steps import (
    expect_same_document,
    give_password,
    heading,
    log_in,
    mark_document,
    member_log_in,
    prepare,
)
from webapp.clock import Clock
from webapp.publishing.service import age_band
from webapp.schema import employers

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
MEMBER_PASSWORD = factories.MEMBER_PASSWORD
EMPLOYER_EMAIL = "saiyo@example.com"
EMPLOYER_NAME = "株式会社となみ精工"
PHONE_NUMBER = "0763-33-1234"
ADDRESS = "富山県砺波市栄町7-3"
JOB_TITLE = "機械オペレーター（NC旋盤）"
JOB_NUMBER = "16040-00012345"
PAST_EMPLOYER = "となみ運輸株式会社"
MESSAGE = "旋盤の経験を活かせる求人です。ぜひ一度、見学にいらしてください。"
MOTIVATION = "前職の倉庫管理で機械に触れ、ものづくりの仕事に就きたいと考えました。"


async def _walk_data(conn, now) -> None:
    """What happened before the walk: the seeker's password and what the counter recorded
    (希望職種, 希望勤務地, 電話番号, 住所); an employer with one open posting that takes
    オンライン自主応募."""
    await give_password(
        conn,
        PASSWORD,
        now,
        desired_occupation="H",  # 生産工程の職業
        desired_prefecture="16",  # 富山県
        phone=PHONE_NUMBER,
        address=ADDRESS,
    )
    number = await factories.add_employer(
        conn,
        now=now,
        name=EMPLOYER_NAME,
        kana="カブシキガイシャトナミセイコウ",
        address="富山県砺波市中央町1-1",
        phone="0763-32-0000",
        business="精密部品の製造",
        email=EMPLOYER_EMAIL,
    )
    employer_id = await conn.fetch_val(
        sa.select(employers.c.id).where(employers.c.employer_number == number)
    )
    await factories.add_posting(
        conn,
        now=now,
        days_old=3,
        open_days=60,
        employer_id=employer_id,
        online_application=True,
        office_code="16040",
        job_number=JOB_NUMBER,
        company_name=EMPLOYER_NAME,
        company_address="富山県砺波市中央町1-1",
        company_business="精密部品の製造",
        occupation="H",
        job_title=JOB_TITLE,
        description="NC旋盤による自動車部品の加工と検査です。",
        prefecture_code="16",
        municipality="砺波市",
        wage_min=210_000,
        wage_max=260_000,
        working_hours="(1) 08:00〜17:00",
        weekends_off=True,
    )


@pytest.fixture
def walk_data(live_app, database_url):
    prepare(database_url, _walk_data)
    return live_app


def menu_link(page: Page, name: str | re.Pattern):
    return page.get_by_role("navigation", name="メニュー").get_by_role("link", name=name)


def field(page: Page, control_id: str):
    """The .field around a control: where its label, hint and error are."""
    return page.locator(".field").filter(has=page.locator(f"#{control_id}"))


def test_publish_receive_a_request_and_apply(walk_data, phone, tablet, axe, live_app, javascript):
    seeker = live_app.seeker
    page = phone.new_tab()
    axe.watch(page)

    # The job-seeker signs in on the phone.
    page.goto("/login")
    axe(page)
    log_in(page, seeker["email"], PASSWORD, axe)
    axe(page)

    # 求職情報の確認・変更: what the counter recorded.
    menu_link(page, "求職情報の確認・変更").click()
    expect(page).to_have_url(re.compile(r"/mypage/profile$"))
    expect(heading(page, "求職情報の確認・変更")).to_be_visible()
    recorded = page.locator(".profile__list").nth(1)
    expect(recorded).to_contain_text("生産工程の職業")
    expect(recorded).to_contain_text("富山県")
    expect(page.get_by_text("職歴は登録されていません。")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="求職情報を変更する").click()

    # 求職情報の変更: a wage below the floor first; the message sits next to the field.
    expect(page).to_have_url(re.compile(r"/mypage/profile/edit$"))
    expect(heading(page, "求職情報の変更")).to_be_visible()
    expect(page.get_by_label("希望職種1（必須）")).to_have_value("H")
    expect(page.get_by_label("電話番号")).to_have_value(PHONE_NUMBER)
    axe(page)
    page.get_by_label("希望職種2").select_option(label="運搬・清掃・包装等の職業")
    page.get_by_label("希望勤務地（市区町村）").fill("砺波市")
    page.get_by_label("希望雇用形態").select_option(label="正社員")
    page.get_by_label("希望賃金（月給・時給）").select_option(label="月給")
    page.get_by_label("希望賃金（下限、円）").fill("30000")
    page.get_by_label("免許・資格（1行に1つ）").fill(
        "普通自動車第一種運転免許\nフォークリフト運転技能講習修了"
    )
    if javascript:
        mark_document(page)
    page.get_by_role("button", name="変更を保存する").click()
    wage_error = "希望賃金（月給）は50,000円から2,000,000円までの半角数字で入力してください。"
    expect(field(page, "desired_wage_min").locator("#desired_wage_min-error")).to_have_text(
        wage_error
    )
    expect(page.locator("#desired_wage_min")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#desired_wage_min")).to_have_attribute(
        "aria-describedby", re.compile(r"\bdesired_wage_min-error\b")
    )
    expect(page.locator(".error-summary")).to_contain_text(wage_error)
    # What was typed is kept.
    expect(page.get_by_label("希望勤務地（市区町村）")).to_have_value("砺波市")
    expect(page.get_by_label("希望雇用形態")).to_have_value("regular")
    expect(page.get_by_label("希望賃金（下限、円）")).to_have_value("30000")
    expect(page).to_have_url(re.compile(r"/mypage/profile/edit$"))
    if javascript:
        expect_same_document(page)  # htmx swapped the form in place
    axe(page)
    page.get_by_label("希望賃金（下限、円）").fill("２２００００")  # a phone's full-width digits
    page.get_by_role("button", name="変更を保存する").click()

    expect(page).to_have_url(re.compile(r"/mypage/profile\?done=saved$"))
    expect(page.get_by_role("status")).to_contain_text("求職情報を変更しました。")
    recorded = page.locator(".profile__list").nth(1)
    expect(recorded).to_contain_text("運搬・清掃・包装等の職業")
    expect(recorded).to_contain_text("砺波市")
    expect(recorded).to_contain_text("正社員")
    expect(recorded).to_contain_text("220,000円以上")
    axe(page)

    # 職歴を追加する
    history = page.locator("#history")
    history.get_by_label("入社年月（例: 2020-04）").fill("2012-04")
    history.get_by_label("退職年月（在職中なら空欄）").fill("2023-03")
    history.get_by_label("会社名").fill(PAST_EMPLOYER)
    history.get_by_label("仕事の内容").fill("倉庫管理・フォークリフト作業")
    history.get_by_role("button", name="職歴を追加する").click()
    expect(page).to_have_url(re.compile(r"/mypage/profile\?done=history#history$"))
    expect(page.get_by_role("status")).to_contain_text("職歴を更新しました。")
    expect(page.locator("#history li")).to_have_text(
        re.compile(rf"2012-04〜2023-03\s*{PAST_EMPLOYER}（倉庫管理・フォークリフト作業）")
    )
    axe(page)

    # 求職情報の公開の設定: publish, with 職歴 added to the parts offered.
    page.goto("/mypage")
    axe(page)
    menu_link(page, "求職情報の公開の設定").click()
    expect(page).to_have_url(re.compile(r"/mypage/publishing$"))
    expect(heading(page, "求職公開の設定")).to_be_visible()
    expect(page.get_by_text("公開していません", exact=True)).to_be_visible()
    never = page.get_by_role("region", name="求人者に表示されない情報")
    expect(never.get_by_role("listitem").filter(has_text=re.compile("^生年月日$"))).to_be_visible()
    axe(page)
    page.get_by_label("公開する", exact=True).check()
    expect(page.get_by_label("希望賃金", exact=True)).to_be_checked()  # the defaults
    page.get_by_label("職歴（期間と職種のみ）").check()
    page.get_by_label("免許・資格", exact=True).uncheck()
    page.get_by_role("button", name="設定を保存する").click()
    expect(page).to_have_url(re.compile(r"/mypage/publishing\?done=published$"))
    expect(page.get_by_role("status")).to_contain_text("求職情報を公開しました。")
    state = page.locator(".lead")
    expect(state).to_have_text(re.compile(r"公開中（公開番号 K\d{8}）"))
    publish_number = re.search(r"K\d{8}", state.inner_text()).group(0)
    expect(page.get_by_label("職歴（期間と職種のみ）")).to_be_checked()
    expect(page.get_by_label("免許・資格", exact=True)).not_to_be_checked()
    axe(page)

    # プレビュー: what employers see.
    page.get_by_role("link", name="求人者に表示される内容を確認する（プレビュー）").click()
    expect(page).to_have_url(re.compile(r"/mypage/publishing/preview$"))
    expect(heading(page, "求人者に表示される内容（プレビュー）")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("公開中です。")
    view = page.locator("#profile-view")
    expect(view.get_by_role("heading", level=2)).to_have_text(f"公開番号 {publish_number}")
    today = Clock().today()
    band = age_band(dt.date.fromisoformat(seeker["birthdate"]), today)
    expect(view).to_contain_text(band)
    expect(view.get_by_role("heading", level=3)).to_have_text(
        ["希望する仕事", "希望賃金", "希望就業時間・休日", "職歴"]
    )
    expect(view).to_contain_text("生産工程の職業、運搬・清掃・包装等の職業")
    expect(view).to_contain_text("富山県 砺波市")
    expect(view).to_contain_text("月給 220,000円以上")
    expect(view).to_contain_text("2012年4月〜2023年3月")
    expect(view).to_contain_text("倉庫管理・フォークリフト作業")
    expect(view).not_to_contain_text(PAST_EMPLOYER)
    expect(view).not_to_contain_text("フォークリフト運転技能講習修了")  # 免許・資格 unchosen
    axe(page)

    # The employer signs in on a tablet.
    office = tablet.new_tab()
    axe.watch(office)
    office.goto("/employer/login")
    expect(heading(office, "求人者マイページ ログイン")).to_be_visible()
    axe(office)
    member_log_in(office, "/employer/login", EMPLOYER_EMAIL, MEMBER_PASSWORD, axe)
    expect(office).to_have_url(re.compile(r"/employer$"))
    expect(heading(office, "求人者マイページ")).to_be_visible()
    expect(office.locator(".profile__name")).to_have_text(EMPLOYER_NAME)
    axe(office)

    # 公開されている求職情報の検索: by occupation and prefecture.
    menu_link(office, "公開されている求職情報の検索（リクエストの送信）").click()
    expect(office).to_have_url(re.compile(r"/employer/profiles$"))
    expect(heading(office, "求職情報の検索")).to_be_visible()
    axe(office)
    office.get_by_label("職種").select_option(label="生産工程の職業")
    office.get_by_label("希望勤務地（都道府県）").select_option(label="富山県")
    office.get_by_role("button", name="検索する").click()
    expect(office).to_have_url(re.compile(r"/employer/profiles\?occ=H&.*pref=16"))
    expect(office.locator(".results__count")).to_have_text("1")
    card = office.locator("li.result-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(band)
    expect(card).to_contain_text("富山県 砺波市")
    axe(office)
    card.get_by_role("link", name=f"公開番号 {publish_number}").click()

    # The profile: what the preview showed, and nothing that names or reaches the person.
    expect(office).to_have_url(re.compile(rf"/employer/profiles/{publish_number}$"))
    expect(heading(office, f"求職情報（公開番号 {publish_number}）")).to_be_visible()
    shown = office.locator("#profile-view")
    expect(shown).to_contain_text(band)
    expect(shown).to_contain_text("月給 220,000円以上")
    expect(shown).to_contain_text("倉庫管理・フォークリフト作業")
    body = office.locator("body")
    birth = dt.date.fromisoformat(seeker["birthdate"])
    for secret in (
        seeker["name"],
        seeker["kana"],
        seeker["birthdate"],
        f"{birth.year}年{birth.month}月{birth.day}日",
        f"{birth:%Y/%m/%d}",
        seeker["email"],
        live_app.seeker_number,
        PHONE_NUMBER,
        ADDRESS,
        PAST_EMPLOYER,
    ):
        expect(body).not_to_contain_text(secret)
    axe(office)

    # Send the posting with a message.
    request_form = office.get_by_role("region", name="この求職者にリクエストを送る")
    request_form.get_by_label("送信する求人").select_option(
        label=f"{JOB_TITLE}（求人番号 {JOB_NUMBER}・送信 0/10人）"
    )
    request_form.get_by_label("メッセージ").fill(MESSAGE)
    request_form.get_by_role("button", name="リクエストを送信する").click()
    expect(office).to_have_url(re.compile(rf"/employer/profiles/{publish_number}\?sent=1$"))
    expect(office.get_by_role("status")).to_have_text(
        "リクエストを送信しました。求職者のマイページに届きます。"
        "回答は送信したリクエストで確かめられます。"
    )
    expect(office.get_by_role("option", name=re.compile("この求職者に送信済み"))).to_be_disabled()
    axe(office)

    # Back on the phone: My Page counts the request.
    page.goto("/mypage")
    requests_link = menu_link(page, re.compile("求人者からのリクエスト"))
    expect(requests_link).to_have_text("求人者からのリクエスト 未読 1件")
    axe(page)
    requests_link.click()
    expect(page).to_have_url(re.compile(r"/mypage/requests$"))
    expect(heading(page, "求人者からのリクエスト")).to_be_visible()
    request = page.locator("li.request")
    expect(request).to_have_count(1)
    expect(request.get_by_role("heading", level=2)).to_have_text(EMPLOYER_NAME)
    expect(request).to_contain_text(JOB_TITLE)
    expect(request.locator(".request__message")).to_have_text(MESSAGE)
    expect(request.locator(".badge")).to_have_text(["未読", "未回答"])
    axe(page)

    # The posting, then オンライン自主応募.
    request.get_by_role("link", name=re.compile("^求人票を見る")).click()
    expect(page).to_have_url(re.compile(rf"/jobs/{JOB_NUMBER}$"))
    expect(heading(page, JOB_TITLE)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="この求人にオンラインで応募する").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/apply$"))
    expect(heading(page, "オンラインで応募する（自主応募）")).to_be_visible()
    expect(page.get_by_role("heading", name="オンライン自主応募に関する注意点")).to_be_visible()
    axe(page)
    page.get_by_label("上記の注意事項を確認しました").check()
    page.get_by_label("志望動機（必須）").fill(MOTIVATION)
    page.get_by_role("button", name="確認する").click()
    expect(heading(page, "応募内容の確認")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="応募する", exact=True).click()

    expect(page).to_have_url(re.compile(r"/mypage/applications/\d+\?done=sent$"))
    expect(heading(page, "応募の状況")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("応募しました。")
    expect(page.locator(".posting__text")).to_have_text(MOTIVATION)
    expect(page.get_by_text("添付された応募書類はありません。")).to_be_visible()
    axe(page)

    # 応募履歴
    page.get_by_role("link", name="応募履歴へ戻る").click()
    expect(page).to_have_url(re.compile(r"/mypage/applications$"))
    expect(heading(page, "応募履歴")).to_be_visible()
    applied = page.locator("li.application-card")
    expect(applied).to_have_count(1)
    expect(applied.get_by_role("link", name=JOB_TITLE)).to_be_visible()
    expect(applied.locator(".state")).to_have_text("応募済み")
    expect(applied.locator(".tag")).to_have_text("オンライン自主応募")
    axe(page)

    # The request: 応募済み, read, with nothing left to answer.
    page.goto("/mypage")
    expect(menu_link(page, re.compile("求人者からのリクエスト"))).to_have_text(
        "求人者からのリクエスト"
    )
    axe(page)
    menu_link(page, re.compile("求人者からのリクエスト")).click()
    request = page.locator("li.request")
    expect(request.locator(".badge")).to_have_text(["応募済み"])
    expect(request.get_by_role("link", name=re.compile("この求人に応募する"))).to_have_count(0)
    expect(request.get_by_role("button", name=re.compile("辞退する"))).to_have_count(0)
    axe(page)

    # The employer's sent requests show the answer.
    office.goto("/employer")
    office.get_by_role("link", name="送信したリクエストと求職者の回答").click()
    expect(office).to_have_url(re.compile(r"/employer/requests$"))
    expect(heading(office, "送信したリクエスト")).to_be_visible()
    sent = office.locator("li.request")
    expect(sent).to_have_count(1)
    expect(sent.get_by_role("link", name=f"公開番号 {publish_number}")).to_be_visible()
    expect(sent.locator(".badge")).to_have_text("応募済み")
    axe(office)

    # 求職活動実績: the application counts (My Page as audited above).
    page.goto("/mypage")
    menu_link(page, "求職活動実績（失業認定申告書用）").click()
    expect(page).to_have_url(re.compile(r"/mypage/activities$"))
    expect(heading(page, "求職活動実績")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="応募（オンライン自主応募）")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{EMPLOYER_NAME}　{JOB_TITLE}")
    expect(row).to_contain_text(JOB_NUMBER)
    expect(row.get_by_role("cell").first).to_have_text(f"{today.month}月{today.day}日")
    axe(page)

    # 求職登録の「有効／無効」: just a look.
    page.goto("/mypage")
    menu_link(page, "求職登録の「有効／無効」の切り替え").click()
    expect(page).to_have_url(re.compile(r"/mypage/status$"))
    expect(heading(page, "求職登録の「有効／無効」")).to_be_visible()
    expect(page.get_by_text("現在の状態: 有効")).to_be_visible()
    expect(page.get_by_role("button", name="「無効」にする")).to_be_visible()
    axe(page)

    axe.assert_every_page_audited()
    for device in (phone, tablet):
        if javascript:
            assert device.cdn_requests, "the page did not ask the CDN for htmx"
        assert device.page_errors == [], f"uncaught errors in the page: {device.page_errors}"
        assert device.console_errors == [], f"console errors: {device.console_errors}"
