"""オンライン自主応募 walked by three people at once, JavaScript on and off: an employer
(tablet) drafts a posting that accepts direct applications and submits it, Hello Work
staff (tablet) approve it, a job-seeker (phone) finds it, reads the three notes and
applies with a PDF; they exchange messages, the employer moves the application to
面接調整中 and the job-seeker sees it. axe-core checks every page each of them sees;
screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.steps import (
    fill_whole_posting,
    give_password,
    heading,
    log_in,
    mark_document,
    member_log_in,
    prepare,
    same_document,
    shoot,
)

pytestmark = pytest.mark.browser


SEEKER_PASSWORD = "Kasumi#2719"
MEMBER_PASSWORD = factories.MEMBER_PASSWORD
STAFF = {"name": "砺波一郎", "email": "staff@example.com"}
EMPLOYER = {"name": "採用花子", "email": "hr@example.com"}
COMPANY = "株式会社となみ精工"
TITLE = "金型メンテナンス（砺波工場）"
KEYWORD = "金型"
MOTIVATION = "前職で5年間、プレス金型の保守を担当してきました。経験を活かしたいと考え応募します。"
SEEKER_MESSAGE = "応募いたしました山田です。面接の日程はいつ頃になりますでしょうか。"
EMPLOYER_REPLY = (
    "ご応募ありがとうございます。書類を拝見しました。面接の日程をご相談させてください。"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOTES = (
    "オンライン自主応募は、ハローワークによる職業紹介に該当しないため、"
    "ハローワークの職業紹介を要件とする雇用保険の再就職手当等の対象外です。",
    "事業主に支給される助成金のうち、ハローワークの職業紹介を要件とする助成金は支給されません。",
    "オンライン自主応募に伴って生じるトラブル等は当事者同士で対応することが基本です。",
)


async def _people(conn, now) -> None:
    """A password for the counter-registered seeker; a staff member and an employer (with
    its first user) at ハローワーク砺波, where the seeker registered too."""
    await give_password(conn, SEEKER_PASSWORD, now)
    await factories.add_staff(conn, now=now, **STAFF)
    await factories.add_employer(
        conn,
        now=now,
        name=COMPANY,
        kana="カブシキガイシャトナミセイコウ",
        address="富山県砺波市表町1-1",
        phone="0763-32-2914",
        business="精密金型の設計・製造",
        user=EMPLOYER["name"],
        email=EMPLOYER["email"],
    )


@pytest.fixture
def people(live_app, database_url):
    prepare(database_url, _people)
    return live_app


def set_hidden(page: Page, hidden: bool) -> None:
    """Make the page report itself hidden (a tab in the background) or shown."""
    page.evaluate(
        "(hidden) => Object.defineProperty(document, 'hidden', "
        "{configurable: true, get: () => hidden})",
        hidden,
    )


def state_of(page: Page):
    """いまの状況 on an application's page (the job-seeker's and the employer's)."""
    return page.locator(".profile__list dt", has_text="いまの状況").locator("+ dd")


def test_direct_application_from_posting_to_interview(
    people, tablet, staff_tablet, phone, axe, tablet_axe, live_app, javascript
):
    devices = (tablet, staff_tablet, phone)
    employer = tablet.new_tab()
    staff = staff_tablet.new_tab()
    seeker = phone.new_tab()
    for page in (employer, staff):
        tablet_axe.watch(page)
    axe.watch(seeker)

    # --- The employer drafts a posting that accepts オンライン自主応募 -----------------
    employer.goto("/employer/login")
    tablet_axe(employer)
    member_log_in(employer, "/employer/login", EMPLOYER["email"], MEMBER_PASSWORD, tablet_axe)
    expect(heading(employer, "求人者マイページ")).to_be_visible()
    expect(employer.get_by_text(COMPANY)).to_be_visible()
    tablet_axe(employer)
    employer.get_by_role("link", name="求人票の作成・一覧").click()
    expect(heading(employer, "求人票の作成・一覧")).to_be_visible()
    expect(employer.get_by_text("まだ求人票はありません。")).to_be_visible()
    tablet_axe(employer)
    employer.get_by_role("link", name="新しい求人票を作成する").click()
    expect(employer).to_have_url(re.compile(r"/employer/postings/new$"))
    expect(heading(employer, "求人票の作成（下書き）")).to_be_visible()
    tablet_axe(employer)

    employer.get_by_label("職種", exact=True).fill(TITLE)
    employer.get_by_label("職業分類（大分類）").select_option(label="生産工程の職業")
    employer.get_by_label("仕事内容", exact=True).fill(
        "プレス金型の点検・修理と、部品交換の記録をお願いします。"
    )
    employer.get_by_label("就業場所の都道府県").select_option(label="富山県")
    employer.get_by_label("就業場所の市区町村").fill("砺波市")
    employer.get_by_label("賃金（a + b + c）の下限額（円）").fill(
        "21000"
    )  # a dropped digit of 210000
    employer.get_by_label("就業時間").fill("(1) 08:00〜17:00")
    employer.get_by_label("休日等").fill("土 日 祝日、年末年始")
    employer.get_by_label("土日祝日は休み（求人検索の「土日祝休み」で見つかります）").check()
    employer.get_by_label("選考方法").fill("書類選考、面接（予定1回）")
    employer.get_by_label("オンライン自主応募を受け付ける").check()
    employer.get_by_role("button", name="下書きを保存する").click()

    # The wage is refused next to its field, everything typed is kept.
    wage_error = "月給の下限額は100,000円以上2,000,000円以下で入力してください。"
    wage_field = employer.locator(".field").filter(has=employer.locator("#wage_min"))
    expect(wage_field.locator("#wage_min-error")).to_have_text(wage_error)
    expect(employer.locator("#wage_min")).to_have_attribute("aria-invalid", "true")
    expect(employer.locator("#wage_min")).to_have_attribute(
        "aria-describedby", re.compile(r"\bwage_min-error\b")
    )
    expect(employer.locator(".error-summary")).to_contain_text(wage_error)
    expect(employer.get_by_label("職種", exact=True)).to_have_value(TITLE)
    expect(employer.get_by_label("オンライン自主応募を受け付ける")).to_be_checked()
    expect(employer).to_have_url(re.compile(r"/employer/postings/new$"))
    tablet_axe(employer)
    employer.get_by_label("賃金（a + b + c）の下限額（円）").fill("210000")
    employer.get_by_label("賃金（a + b + c）の上限額（円）").fill("260000")
    fill_whole_posting(employer, base="210000")
    employer.get_by_role("button", name="下書きを保存する").click()

    expect(employer).to_have_url(re.compile(r"/employer/postings/\d+\?done=created$"))
    posting_url = employer.url.split("?")[0]
    expect(heading(employer, "求人票の確認")).to_be_visible()
    expect(employer.get_by_role("status")).to_contain_text("下書きを保存しました。")
    expect(employer.get_by_role("heading", name="この求人票の状態: 下書き")).to_be_visible()
    tablet_axe(employer)
    employer.get_by_role("link", name="審査に提出する").click()
    expect(heading(employer, "審査に提出する内容の確認")).to_be_visible()
    expect(employer.locator("#check-wage_min")).to_contain_text("210,000円")
    tablet_axe(employer)
    employer.get_by_role("button", name="この内容で審査に提出する").click()
    expect(employer).to_have_url(re.compile(r"\?done=submitted$"))
    expect(employer.get_by_role("status")).to_contain_text("審査に提出しました。")
    expect(employer.get_by_role("heading", name="この求人票の状態: 審査待ち")).to_be_visible()
    tablet_axe(employer)

    # --- Staff approve it -------------------------------------------------------------
    staff.goto("/staff/login")
    tablet_axe(staff)
    member_log_in(staff, "/staff/login", STAFF["email"], MEMBER_PASSWORD, tablet_axe)
    expect(heading(staff, "ハローワーク職員用ページ")).to_be_visible()
    # The menu on the page (the header has its own 求人票の審査, without the count).
    review_link = staff.locator("main").get_by_role("link", name=re.compile("求人票の審査"))
    expect(review_link).to_contain_text("審査待ち 1件")
    tablet_axe(staff)
    review_link.click()
    expect(heading(staff, "求人票の審査")).to_be_visible()
    tablet_axe(staff)
    staff.get_by_role("link", name=TITLE).click()
    expect(staff).to_have_url(re.compile(r"/staff/postings/review/\d+$"))
    expect(staff.get_by_text(COMPANY).first).to_be_visible()
    tablet_axe(staff)
    staff.get_by_role("button", name="承認して公開する").click()
    expect(staff).to_have_url(re.compile(r"/staff/postings/review\?done=approved$"))
    expect(staff.get_by_role("status")).to_have_text("承認しました。求人検索に公開されました。")
    expect(staff.get_by_text("審査待ちの求人票はありません。")).to_be_visible()
    tablet_axe(staff)

    # --- The employer sees 募集中 --------------------------------------------------------
    employer.goto("/employer/postings")
    listed = employer.locator(".result-card").filter(has_text=TITLE)
    expect(listed.locator(".posting__state")).to_have_text("募集中")
    tablet_axe(employer)
    listed.get_by_role("link", name=TITLE).click()
    expect(employer).to_have_url(posting_url)
    expect(employer.get_by_role("heading", name="この求人票の状態: 募集中")).to_be_visible()
    tablet_axe(employer)

    # --- The job-seeker finds the posting and applies ----------------------------------
    seeker.goto("/login")
    axe(seeker)
    log_in(seeker, live_app.seeker["email"], SEEKER_PASSWORD, axe)
    axe(seeker)
    seeker.goto("/jobs/search")
    axe(seeker)
    seeker.get_by_label("キーワード").fill(KEYWORD)
    seeker.get_by_role("button", name="この条件で検索する").click()
    expect(seeker).to_have_url(re.compile(r"/jobs/search\?q="))
    expect(seeker.locator(".results__count")).to_have_text("1件")
    axe(seeker)
    seeker.locator("li.result-card h3 a").filter(has_text=TITLE).click()
    expect(seeker.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(seeker.locator(".tag--online")).to_have_text("オンライン自主応募可")
    axe(seeker)
    seeker.get_by_role("link", name="この求人にオンラインで応募する").click()
    expect(seeker).to_have_url(re.compile(r"/jobs/\d+/apply$"))
    apply_url = seeker.url
    expect(heading(seeker, "オンラインで応募する（自主応募）")).to_be_visible()
    notes = seeker.get_by_role("region", name="オンライン自主応募に関する注意点")
    expect(notes.get_by_role("listitem")).to_have_text(list(NOTES))
    axe(seeker)

    # Without the acknowledgement: refused, next to the checkbox; the text is kept, and
    # the 履歴書 chosen stays chosen (kept on the server with the draft; issue 12).
    seeker.get_by_label("志望動機（必須）").fill(MOTIVATION)
    seeker.get_by_label("履歴書").set_input_files(
        files=[{"name": "履歴書_山田太郎.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    mark_document(seeker)
    seeker.get_by_role("button", name="確認する").click()
    acknowledged = seeker.locator(".field").filter(has=seeker.locator("#acknowledged"))
    not_acknowledged = (
        "オンライン自主応募に関する注意点を確認し、"
        "「上記の注意事項を確認しました」にチェックを付けてください。"
    )
    expect(acknowledged.locator("#acknowledged-error")).to_have_text(not_acknowledged)
    expect(seeker.locator("#acknowledged")).to_have_attribute("aria-invalid", "true")
    expect(seeker.locator(".error-summary")).to_contain_text(not_acknowledged)
    expect(seeker.get_by_label("志望動機（必須）")).to_have_value(MOTIVATION)
    expect(seeker.locator("#kept-resume")).to_contain_text("選択済み: 履歴書_山田太郎.pdf")
    expect(seeker.get_by_text("ファイルを選んでいた場合")).to_have_count(0)
    expect(seeker).to_have_url(apply_url)
    assert same_document(seeker) is javascript  # htmx swapped the form in place
    axe(seeker)
    shoot(seeker, f"apply-error-js{int(javascript)}")

    # 外す: the kept file goes (what was typed stays); one chosen again is kept instead.
    seeker.locator("#kept-resume").get_by_role("button", name=re.compile("外す")).click()
    expect(seeker.get_by_role("status")).to_contain_text("履歴書を外しました。")
    expect(seeker.locator("#kept-resume")).to_have_count(0)
    expect(seeker.get_by_label("志望動機（必須）")).to_have_value(MOTIVATION)
    assert same_document(seeker) is javascript
    axe(seeker)
    seeker.get_by_label("履歴書").set_input_files(
        files=[{"name": "履歴書_山田太郎.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )

    # 確認する: the check page says what will be sent; nothing is sent yet.
    seeker.get_by_label("上記の注意事項を確認しました").check()
    seeker.get_by_role("button", name="確認する").click()
    expect(seeker).to_have_url(apply_url + "/check")
    expect(heading(seeker, "応募内容の確認")).to_be_visible()
    answers = seeker.locator(".check-answers")
    expect(answers).to_contain_text(MOTIVATION)
    expect(answers).to_contain_text("履歴書: 履歴書_山田太郎.pdf")
    expect(answers).to_contain_text("職務経歴書: 添付なし")
    assert same_document(seeker) is javascript
    axe(seeker)
    shoot(seeker, f"apply-check-js{int(javascript)}")
    # 修正する (志望動機): the form with everything kept, then back to the check page.
    seeker.locator("#check-motivation").get_by_role("link", name=re.compile("修正する")).click()
    expect(seeker).to_have_url(re.compile(re.escape(apply_url) + r"(#motivation)?$"))
    expect(seeker.get_by_label("志望動機（必須）")).to_have_value(MOTIVATION)
    expect(seeker.get_by_label("上記の注意事項を確認しました")).to_be_checked()
    expect(seeker.locator("#kept-resume")).to_contain_text("履歴書_山田太郎.pdf")
    axe(seeker)
    seeker.get_by_role("button", name="確認する").click()
    expect(heading(seeker, "応募内容の確認")).to_be_visible()
    seeker.get_by_role("button", name="応募する", exact=True).click()
    expect(seeker).to_have_url(re.compile(r"/mypage/applications/\d+\?done=sent$"))
    seeker_application = seeker.url.split("?")[0]
    expect(heading(seeker, "応募の状況")).to_be_visible()
    expect(seeker.get_by_role("status")).to_contain_text("応募しました。")
    expect(state_of(seeker)).to_have_text("応募済み")
    expect(seeker.get_by_text(MOTIVATION)).to_be_visible()
    expect(seeker.get_by_role("link", name="履歴書_山田太郎.pdf")).to_be_visible()
    axe(seeker)

    # A message to the employer, from the application's thread. The page's clock is
    # Playwright's from here, so the test can move it to the next poll instead of
    # waiting up to 10 s for it (it runs as usual otherwise).
    if javascript:
        seeker.clock.install()
    seeker.get_by_role("link", name="事業所とのメッセージ").click()
    expect(heading(seeker, "事業所とのメッセージ")).to_be_visible()
    expect(seeker.get_by_text("まだメッセージはありません。")).to_be_visible()
    axe(seeker)
    seeker.get_by_label("メッセージ", exact=True).fill(SEEKER_MESSAGE)
    mark_document(seeker)
    seeker.get_by_role("button", name="送信する").click()
    expect(seeker.get_by_text("メッセージを送信しました。")).to_be_visible()
    expect(seeker.locator("#message-list .message--mine")).to_contain_text(SEEKER_MESSAGE)
    expect(seeker.get_by_label("メッセージ", exact=True)).to_have_value("")
    assert same_document(seeker) is javascript
    # The poll that brings the employer's answer to this open page (every 10 s with
    # JavaScript; a link that reloads the page without).
    poll = seeker.locator("#message-poll")
    expect(poll).to_have_attribute("hx-trigger", "every 10s, visibilitychange from:document")
    expect(poll.get_by_role("link", name="新しいメッセージを確認")).to_be_visible()
    axe(seeker)

    # --- The employer reads it and replies ---------------------------------------------
    employer.goto("/employer")
    applicants_link = employer.get_by_role("link", name=re.compile("応募者の一覧と連絡"))
    expect(applicants_link).to_contain_text("未読メッセージ 1件")
    tablet_axe(employer)
    applicants_link.click()
    expect(heading(employer, "応募者一覧")).to_be_visible()
    card = employer.locator(".application-card").filter(has_text="山田太郎 さん")
    expect(card.locator(".state")).to_have_text("応募済み")
    expect(card).to_contain_text("オンライン自主応募")
    expect(card).to_contain_text("未読メッセージ 1件")
    tablet_axe(employer)
    card.get_by_role("link", name="山田太郎 さん").click()
    expect(employer).to_have_url(re.compile(r"/employer/applicants/\d+$"))
    applicant_url = employer.url
    expect(heading(employer, re.compile("山田太郎 さん"))).to_be_visible()
    expect(state_of(employer)).to_have_text("応募済み")
    expect(employer.get_by_text(MOTIVATION)).to_be_visible()
    expect(employer.get_by_role("link", name="履歴書_山田太郎.pdf")).to_be_visible()
    tablet_axe(employer)
    employer.get_by_role("link", name="応募者とのメッセージ").click()
    expect(heading(employer, "応募者とのメッセージ")).to_be_visible()
    expect(employer.locator("#message-list")).to_contain_text(SEEKER_MESSAGE)
    tablet_axe(employer)
    employer.get_by_label("メッセージ", exact=True).fill(EMPLOYER_REPLY)
    employer.get_by_role("button", name="送信する").click()
    expect(employer.get_by_text("メッセージを送信しました。")).to_be_visible()
    expect(employer.locator("#message-list .message--mine")).to_contain_text(EMPLOYER_REPLY)
    tablet_axe(employer)

    # --- 書類選考中, then 面接調整中 -------------------------------------------------------
    employer.get_by_role("link", name="応募者の詳細へ戻る").click()
    expect(employer).to_have_url(applicant_url)
    tablet_axe(employer)
    employer.get_by_role("button", name="書類選考中にする").click()
    expect(employer.get_by_role("status")).to_have_text(
        "応募の状況を変更しました。応募者にお知らせしました。"
    )
    expect(state_of(employer)).to_have_text("書類選考中")
    tablet_axe(employer)
    employer.get_by_role("button", name="面接調整中にする").click()
    expect(state_of(employer)).to_have_text("面接調整中")
    expect(employer.get_by_role("heading", name="面接日時を設定する")).to_be_visible()
    expect(employer.locator(".timeline")).to_contain_text("状況が「面接調整中」になりました")
    tablet_axe(employer)

    # --- The job-seeker sees the reply and the state -------------------------------------
    reply = seeker.locator("#message-list .message--employer").filter(has_text=EMPLOYER_REPLY)
    if javascript:
        # Still on the open thread: the poll brings the reply without a reload, at most
        # 10 s after the last one.
        # (Under load the real 10 s may pass first; either way the poll brings it.)
        seeker.clock.fast_forward(10_000)
        expect(reply).to_be_visible()
        assert same_document(seeker)
        # In a hidden tab the thread does not poll; shown again, it checks at once.
        set_hidden(seeker, True)
        polls = []
        seeker.on("request", lambda r: polls.append(r.url) if "/since/" in r.url else None)
        seeker.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        seeker.wait_for_timeout(500)
        assert polls == []
        with seeker.expect_request(re.compile(r"/since/\d+$")):
            set_hidden(seeker, False)
            seeker.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    else:
        poll.get_by_role("link", name="新しいメッセージを確認").click()
        expect(reply).to_be_visible()
    axe(seeker)

    seeker.goto("/mypage")
    axe(seeker)
    seeker.get_by_role("link", name="応募履歴", exact=True).click()
    expect(heading(seeker, "応募履歴")).to_be_visible()
    row = seeker.locator(".application-card").filter(has_text=TITLE)
    expect(row.locator(".state")).to_have_text("面接調整中")
    axe(seeker)
    row.get_by_role("link", name=TITLE).click()
    expect(seeker).to_have_url(seeker_application)
    expect(state_of(seeker)).to_have_text("面接調整中")
    timeline = seeker.locator(".timeline")
    expect(timeline.locator(".timeline__item--state")).to_have_text(
        [re.compile("「書類選考中」になりました"), re.compile("「面接調整中」になりました")]
    )
    expect(timeline.locator(".timeline__item--message")).to_contain_text(
        ["あなたのメッセージ", "事業所からのメッセージ"]
    )
    axe(seeker)

    axe.assert_every_page_audited()
    tablet_axe.assert_every_page_audited()
    for device in devices:
        assert device.page_errors == [], f"uncaught errors in the page: {device.page_errors}"
        assert device.console_errors == [], f"console errors: {device.console_errors}"
