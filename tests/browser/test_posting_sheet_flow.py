"""Issue 15 in a browser, axe-core on every page:
- a job-seeker reads a whole 求人票 on a phone (390×844, JavaScript on and off): every
  section in Hello Work's order, 「記載なし」 where nothing was written, a term's plain
  explanation opened with a tap (<details>, no script), and the printable 求人票;
- an employer at the desk (1280×800) writes a fixed-term 求人票 with allowances and a
  固定残業代: the check names the 更新上限 and the 固定残業代's hours it lacks, and once
  they are written it goes to 審査.
Screenshots go to $SCREENSHOTS when it is set, for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.steps import fill_whole_posting, heading, member_log_in, prepare, shoot
from webapp.demo.employer_postings import DEMO_POSTINGS

pytestmark = pytest.mark.browser

FULL_NUMBER = "16040-00000777"
OLD_NUMBER = "16040-00000778"
EMPLOYER = {"name": "採用花子", "email": "hr@example.com"}


async def _postings(conn, now) -> None:
    """A whole 求人票 (the demo employer's first) and one loaded as the old release wrote it."""
    full = {key: value for key, value in DEMO_POSTINGS[0].items()}
    await factories.add_posting(conn, now=now, job_number=FULL_NUMBER, office_code="16040", **full)
    await factories.add_posting(conn, now=now, job_number=OLD_NUMBER, job_title="検品スタッフ")


def test_a_job_seeker_reads_the_whole_hojinhyo_on_a_phone(
    phone, axe, live_app, database_url, javascript
):
    prepare(database_url, _postings)
    page = phone.new_tab()
    axe.watch(page)
    mode = "js" if javascript else "nojs"

    page.goto(f"/jobs/{FULL_NUMBER}")
    expect(heading(page, "NC旋盤オペレーター")).to_be_visible()
    titles = page.locator("main section > h2").all_inner_texts()
    assert titles[:10] == [
        "求人事業所",
        "仕事内容",
        "賃金・手当",
        "労働時間",
        "その他の労働条件等",
        "会社の情報",
        "選考等",
        "特記事項",
        "障害者に対する配慮に関する状況",
        "求人番号・期限",
    ]
    expect(page.get_by_text("記載なし", exact=True)).to_have_count(0)
    axe(page)
    shoot(page, f"phone-{mode}-01-posting")

    # 固定残業代: what it means, one tap away, with no script needed.
    explain = page.locator("details.explain").filter(has_text="「固定残業代」とは")
    meaning = explain.get_by_text("あらかじめ毎月の賃金に含めて支払う仕組みです", exact=False)
    expect(meaning).to_be_hidden()
    summary = explain.locator("summary")
    box = summary.bounding_box()
    assert box is not None and box["height"] >= 44
    summary.click()
    expect(meaning).to_be_visible()
    axe(page)
    shoot(page, f"phone-{mode}-02-explained")
    page.locator("#sec-wage").scroll_into_view_if_needed()
    shoot(page, f"phone-{mode}-02b-wage-screen", whole=False)
    page.locator("#sec-work").scroll_into_view_if_needed()
    shoot(page, f"phone-{mode}-02c-work-screen", whole=False)

    page.get_by_role("link", name="印刷用の求人票（A4）").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{FULL_NUMBER}/print$"))
    expect(heading(page, re.compile("求人票"))).to_be_visible()
    expect(page.locator("table.hw-sheet__section caption")).to_have_count(9)
    axe(page)
    shoot(page, f"phone-{mode}-03-print")
    shoot(page, f"phone-{mode}-03b-print-screen", whole=False)
    page.emulate_media(media="print")
    shoot(page, f"phone-{mode}-04-print-media")
    page.emulate_media(media="screen")

    # A posting from before the whole form: the law's fields read 「記載なし」, never a gap.
    page.goto(f"/jobs/{OLD_NUMBER}")
    row = page.locator("dt", has_text="業務の変更の範囲").locator("xpath=following-sibling::dd[1]")
    expect(row).to_contain_text("記載なし")
    axe(page)
    shoot(page, f"phone-{mode}-05-old-posting")

    axe.assert_every_page_audited()
    assert phone.page_errors == [], phone.page_errors
    assert phone.console_errors == [], phone.console_errors


async def _employer(conn, now) -> None:
    await factories.add_employer(
        conn,
        now=now,
        name="株式会社となみ精工",
        address="富山県砺波市表町1-1",
        business="精密金型の設計・製造",
        user=EMPLOYER["name"],
        email=EMPLOYER["email"],
    )


def test_an_employer_writes_a_fixed_term_hojinhyo_with_allowances_and_fixed_overtime(
    desk, live_app, database_url, javascript
):
    device, axe = desk
    prepare(database_url, _employer)
    page = device.new_tab()
    axe.watch(page)
    mode = "js" if javascript else "nojs"
    page.goto("/employer/login")
    axe(page)
    member_log_in(page, "/employer/login", EMPLOYER["email"], factories.MEMBER_PASSWORD, axe)
    expect(heading(page, "求人者マイページ")).to_be_visible()
    axe(page)
    page.goto("/employer/postings/new")
    expect(heading(page, "求人票の作成（下書き）")).to_be_visible()
    legends = page.locator("legend.form-section__title").all_inner_texts()
    assert legends == [
        "求人事業所",
        "仕事内容",
        "賃金・手当",
        "労働時間",
        "その他の労働条件等",
        "会社の情報",
        "選考等",
        "特記事項・障害者に対する配慮",
    ]
    axe(page)

    page.get_by_label("職種", exact=True).fill("金型メンテナンス（契約社員）")
    page.get_by_label("職業分類（大分類）").select_option(label="生産工程の職業")
    page.get_by_label("仕事内容", exact=True).fill("プレス金型の点検・修理をお願いします。")
    page.get_by_label("雇用形態").select_option(label="正社員以外")
    page.get_by_label("雇用期間の定めあり").check()
    page.get_by_label("契約期間").fill("1年")
    page.get_by_label("契約更新の可能性").select_option(label="あり（条件付きで更新あり）")
    page.get_by_label("就業場所の都道府県").select_option(label="富山県")
    page.get_by_label("就業場所の市区町村").fill("砺波市")
    page.get_by_label("賃金（a + b + c）の下限額（円）").fill("240000")
    page.get_by_label("手当1の名称").fill("職務手当")
    page.get_by_label("手当1の月額（円）").fill("10000")
    page.get_by_label("c 固定残業代の額（円）").fill("30000")
    page.get_by_label("就業時間").fill("(1) 08:00〜17:00")
    page.get_by_label("休日等").fill("土 日 祝日")
    page.get_by_label("選考方法").fill("面接（予定1回）")
    fill_whole_posting(page, base="200000")
    page.get_by_role("button", name="保存して、審査に提出する内容を確認する").click()

    # The check names what the law requires and the draft lacks, each beside its field.
    expect(heading(page, "審査に提出する内容の確認")).to_be_visible()
    missing = page.get_by_role("alert").filter(has_text="審査に提出する前に")
    for message in (
        "雇用期間の定めがある場合は、契約更新の上限（あり・なし）を選んでください。",
        "c 固定残業代がある場合は、それが何時間分の残業代かを入力してください。",
    ):
        expect(missing.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_role("button", name="この内容で審査に提出する")).to_have_count(0)
    axe(page)
    shoot(page, f"desk-{mode}-01-check-missing")

    page.locator("#check-renewal_limit").get_by_role("link", name=re.compile("入力する")).click()
    expect(page).to_have_url(re.compile(r"/edit#renewal_limit$"))
    page.locator("#renewal_limit").select_option(label="あり")
    page.get_by_label("更新上限の内容（上限ありのとき）").fill("通算契約期間の上限 5年")
    page.get_by_label("c 固定残業代の時間数（時間分）").fill("20")
    axe(page)
    shoot(page, f"desk-{mode}-02-form")
    page.locator("#allowances").scroll_into_view_if_needed()
    shoot(page, f"desk-{mode}-02b-wage-screen", whole=False)
    page.get_by_role("button", name="保存して、審査に提出する内容を確認する").click()

    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#check-allowances")).to_contain_text("職務手当 10,000円")
    axe(page)
    page.get_by_role("button", name="この内容で審査に提出する").click()
    expect(page.get_by_role("status")).to_contain_text("審査に提出しました。")
    axe(page)
    shoot(page, f"desk-{mode}-03-submitted")

    axe.assert_every_page_audited()
    assert device.page_errors == [], device.page_errors
    assert device.console_errors == [], device.console_errors
