"""A job-seeker with an application under way downloads everything held about them (個人
情報の開示), then closes the account (退会): the page says what happens to the application
first, a wrong password is refused next to its field, the right one closes it, and My
Page is gone. On a phone, JavaScript on and off; axe-core checks every page; screenshots
go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import DESK, sized_device
from tests.browser.steps import give_password, heading, log_in, member_log_in, prepare, shoot
from webapp.applications import service as applications_service
from webapp.applications.documents import Document
from webapp.schema import employers, job_seekers

pytestmark = pytest.mark.browser

PASSWORD = "Kasumi#2719"
STAFF_EMAIL = "madoguchi@example.com"
EMPLOYER_EMAIL = "saiyo@example.com"


async def _walk_data(conn, now) -> None:
    """Taro has a password and applied online to となみ精工's posting with a 履歴書."""
    await give_password(conn, PASSWORD, now)
    number = await factories.add_employer(conn, now=now, email=EMPLOYER_EMAIL)
    await factories.add_staff(conn, now=now, email=STAFF_EMAIL)
    employer_id = await conn.fetch_val(
        sa.select(employers.c.id).where(employers.c.employer_number == number)
    )
    posting = await factories.add_posting(
        conn, now=now, employer_id=employer_id, online_application=True, job_title="検査スタッフ"
    )
    seeker_id = await conn.fetch_val(sa.select(job_seekers.c.id))
    await applications_service.apply(
        conn,
        seeker_id=seeker_id,
        posting=await applications_service.public_posting(conn, posting["id"]),
        motivation="検査の経験を生かしたいと考えました。",
        documents=[Document("resume", "履歴書.pdf", "application/pdf", factories.PDF)],
        now=now,
        base_url="http://127.0.0.1",
    )


@pytest.fixture
def walk_data(live_app, database_url):
    prepare(database_url, _walk_data)
    return live_app


def test_download_my_data_then_close_the_account(walk_data, phone, axe, live_app, javascript):
    mode = "js" if javascript else "nojs"
    seeker = live_app.seeker
    page = phone.new_tab()
    axe.watch(page)
    page.goto("/login")
    axe(page)
    log_in(page, seeker["email"], PASSWORD, axe)
    axe(page)

    # アカウント設定 → 登録情報のダウンロード
    page.get_by_role("link", name=re.compile("^アカウント設定")).click()
    expect(heading(page, "アカウント設定")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="登録情報のダウンロード（個人情報の開示）").click()
    expect(heading(page, "登録情報のダウンロード（個人情報の開示）")).to_be_visible()
    axe(page)
    shoot(page, f"closing-mydata-{mode}")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="ZIPファイルをダウンロードする").click()
    download = download_info.value
    assert re.fullmatch(r"hellowork-mydata-\d{8}\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["job_seeker"]["name"] == seeker["name"]
    assert data["tables"]["applications"][0]["state"] == "applied"
    assert archive.read(data["tables"]["application_documents"][0]["file"]) == factories.PDF
    assert "<h1>登録情報（個人情報の開示）</h1>" in archive.read("index.html").decode()
    expect(page).to_have_url(re.compile(r"/mypage/data$"))

    # 退会: first what happens, then the password again.
    page.get_by_role("link", name="アカウント設定へ戻る").click()
    page.get_by_role("link", name="退会（マイページの利用をやめる）").click()
    expect(heading(page, "退会（マイページの利用をやめる）")).to_be_visible()
    expect(page.get_by_text("選考中の応募 1 件は「辞退」となり")).to_be_visible()
    expect(page.get_by_text("株式会社テスト商事　検査スタッフ")).to_be_visible()
    axe(page)
    shoot(page, f"closing-close-{mode}")
    page.get_by_label("パスワード").fill("Wrong#12345")
    page.get_by_role("button", name="退会する").click()
    password_field = page.locator(".field").filter(has=page.locator("#current_password"))
    expect(password_field).to_contain_text("パスワードが正しくありません。")
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
    shoot(page, f"closing-close-wrong-{mode}")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="退会する").click()
    expect(page).to_have_url(re.compile(r"/account-closed$"))
    expect(heading(page, "退会しました")).to_be_visible()
    axe(page)
    shoot(page, f"closing-closed-{mode}")

    # My Page is gone, and the address opens it no more.
    page.goto("/mypage")
    expect(page).to_have_url(re.compile(r"/login"))
    axe(page)
    page.locator("#email").fill(seeker["email"])
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(
        page.get_by_text("ID（メールアドレス）またはパスワードが正しくありません。").first
    ).to_be_visible()
    axe(page)
    axe.assert_every_page_audited()
    assert phone.page_errors == [] and phone.console_errors == []


def test_staff_end_a_registration_and_the_employer_sees_no_name(
    walk_data, tablet, tablet_axe, browser, twins, live_app, javascript
):
    mode = "js" if javascript else "nojs"
    """At the counter's tablet (820×1180) staff end the registration (就職) with a reason,
    an error first; at the employer's desk the applicant is 「退会済みの求職者」."""
    page = tablet.new_tab()
    tablet_axe.watch(page)
    page.goto("/staff/login")
    tablet_axe(page)
    member_log_in(page, "/staff/login", STAFF_EMAIL, factories.MEMBER_PASSWORD, tablet_axe)
    tablet_axe(page)
    page.goto("/staff/seekers/1")
    expect(heading(page, "求職者の情報")).to_be_visible()
    tablet_axe(page)
    page.get_by_role("link", name="求職登録を終了する（就職・取消）").click()
    expect(heading(page, "求職登録の終了")).to_be_visible()
    tablet_axe(page)
    page.get_by_role("button", name="求職登録を終了する").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "終了の理由（就職・取消）を選んでください。"
    )
    tablet_axe(page)
    shoot(page, f"closing-staff-end-errors-{mode}")
    page.get_by_label("就職", exact=True).check()
    page.get_by_label("理由の詳細").fill("株式会社となみ精工に就職")
    page.get_by_role("button", name="求職登録を終了する").click()
    expect(
        page.get_by_text("求職登録を終了しました。本人にメールでお知らせしました。")
    ).to_be_visible()
    expect(page.get_by_text("終了（就職）", exact=False)).to_be_visible()
    tablet_axe(page)
    shoot(page, f"closing-staff-ended-{mode}")

    desk_axe = twins.axe(DESK)
    with sized_device(browser, live_app.url, javascript, DESK) as desk:
        employer = desk.new_tab()
        desk_axe.watch(employer)
        employer.goto("/employer/login")
        desk_axe(employer)
        member_log_in(
            employer, "/employer/login", EMPLOYER_EMAIL, factories.MEMBER_PASSWORD, desk_axe
        )
        desk_axe(employer)
        employer.goto("/employer/applicants")
        expect(employer.get_by_role("link", name="退会済みの求職者")).to_be_visible()
        desk_axe(employer)
        employer.get_by_role("link", name="退会済みの求職者").click()
        expect(heading(employer, "退会済みの求職者")).to_be_visible()
        expect(employer.get_by_text("山田")).to_have_count(0)
        desk_axe(employer)
        shoot(employer, f"closing-employer-closed-applicant-{mode}")
        assert desk.console_errors == []
        desk_axe.assert_every_page_audited()
    tablet_axe.assert_every_page_audited()
    assert tablet.page_errors == [] and tablet.console_errors == []
