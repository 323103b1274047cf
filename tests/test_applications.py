"""オンライン自主応募: the three notes acknowledged on the server, 志望動機 and 応募書類
(type from the bytes, 5 MB each), one application per job-seeker and posting, and the
documents served to that job-seeker and that 事業所 only."""

from __future__ import annotations

import asyncio
import calendar
import datetime as dt
import json

import pytest

from tests import factories
from tests.factories import rows
from tests.helpers import (
    EMPLOYER,
    OTHER_EMPLOYER,
    OTHER_SEEKER,
    SEEKER,
    STAFF,
    apply_online,
    browsers_for,
    check_revision,
    errors_of,
    signed_in,
    submit,
)
from webapp import daily
from webapp.applications import documents, drafts, forms, service
from webapp.clock import to_jst
from webapp.schema import (
    application_documents,
    applications,
    apply_draft_files,
    apply_drafts,
    job_seekers,
)
from webapp.templating import templates

# The seed's オンライン自主応募に関する注意点, word for word.
NOTES = (
    "オンライン自主応募は、ハローワークによる職業紹介に該当しないため、"
    "ハローワークの職業紹介を要件とする雇用保険の再就職手当等の対象外です。",
    "事業主に支給される助成金のうち、ハローワークの職業紹介を要件とする助成金は支給されません。",
    "オンライン自主応募に伴って生じるトラブル等は当事者同士で対応することが基本です。",
)

PDF = factories.PDF
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
NO_FILE = ("", b"", "application/octet-stream")  # what a browser sends for an empty field
MOTIVATION = factories.MOTIVATION


# --- helpers ----------------------------------------------------------------------------


def send_application(browser, posting_id: int, *, acknowledged=True, files=None, **data):
    """The form's 「確認する」 and, when it leads to the check page, 「応募する」."""
    form = {"motivation": MOTIVATION, **data}
    if acknowledged:
        form["acknowledged"] = "yes"
    files = files if files is not None else {"resume": NO_FILE, "career": NO_FILE}
    url = f"/jobs/{posting_id}/apply"
    checked = submit(browser, url, form, files=files, follow_redirects=False)
    if checked.status_code != 303 or checked.headers["location"] != url + "/check":
        return checked
    revision = check_revision(browser.get(url + "/check"))
    return submit(
        browser, url + "/send", {"revision": revision}, follow_redirects=False, page=url + "/check"
    )


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(module_client):
    """For the refusals and downloads, which change nothing (factories.unchanged): the
    world in the module's one database, with Taro's application (and 履歴書) to its
    posting, a second posting nobody applied to (`untouched`), staff of 砺波, and a
    browser signed in as each person (None: nobody)."""
    world = factories.applications_world(module_client)
    factories.staff(module_client)
    people = (None, SEEKER, OTHER_SEEKER, EMPLOYER, OTHER_EMPLOYER, STAFF)
    world.browsers = browsers_for(module_client, {who: who for who in people})
    world.taro_browser = world.browsers[SEEKER]
    world.seeker_url, world.employer_url = _document_urls(world.taro_browser, world)
    world.documents = rows(module_client, application_documents)
    world.untouched = factories.posting(
        module_client, online_application=True, employer_id=world.company, job_title="検品"
    )
    world.applications_to_untouched = lambda: rows(
        module_client, applications, applications.c.posting_id == world.untouched["id"]
    )
    with factories.unchanged(module_client):
        yield world


@pytest.fixture
def world(client):
    return factories.applications_world(client)


@pytest.fixture
def taro(client, world):
    return signed_in(client, SEEKER, first=True)


# --- the apply page ---------------------------------------------------------------------


def test_the_apply_page_shows_the_three_notes_in_full(taro, world):
    response = taro.get(f"/jobs/{world.posting['id']}/apply")
    assert response.status_code == 200
    assert "オンライン自主応募に関する注意点" in response.text
    for note in NOTES:
        assert note in response.text
    assert "上記の注意事項を確認しました" in response.text
    assert "1つ5MBまで" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_signed_out_visitors_are_sent_to_sign_in_first(client, world):
    response = client.get(f"/jobs/{world.posting['id']}/apply", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fjobs%2F{world.posting['id']}%2Fapply"


def test_a_job_seeker_applies_with_motivation_and_documents(client, taro, world):
    files = {"resume": ("履歴書.pdf", PDF, "application/pdf"), "career": NO_FILE}
    response = send_application(taro, world.posting["id"], files=files)

    [application] = rows(client, applications)
    assert response.status_code == 303
    assert response.headers["location"] == f"/mypage/applications/{application['id']}?done=sent"
    assert application["kind"] == "direct"
    assert application["state"] == "applied"
    assert application["motivation"] == MOTIVATION
    assert application["acknowledged_at"] == client.app.state.clock.now()
    [document] = rows(client, application_documents)
    assert (document["kind"], document["filename"], document["content_type"]) == (
        "resume",
        "履歴書.pdf",
        "application/pdf",
    )
    assert document["size"] == len(PDF)

    page = taro.get(response.headers["location"])
    assert "応募しました。" in page.text
    assert '<h2 id="sent-title">送った内容</h2>' in page.text
    assert "貴社の精密部品づくりに関心があり" in page.text
    assert "履歴書.pdf" in page.text
    mail = client.smtp.wait_for("hr@example.com", 1)[-1]
    assert mail["Subject"] == "【ハローワーク】求人「精密部品の検査」に応募がありました"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"http://testserver/employer/applicants/{application['id']}" in body
    assert "山田太郎" not in body  # the applicant's name stays behind the employer's sign-in

    employer = signed_in(client, EMPLOYER)
    seen = employer.get(f"/employer/applicants/{application['id']}").text
    assert '<h2 id="sent-title">応募者から届いた内容</h2>' in seen
    assert "貴社の精密部品づくりに関心があり" in seen and "履歴書.pdf" in seen


def test_with_htmx_the_steps_swap_as_fragments_and_sending_answers_with_hx_redirect(
    client, taro, world
):
    url = f"/jobs/{world.posting['id']}/apply"
    checked = submit(
        taro,
        url,
        {"motivation": MOTIVATION, "acknowledged": "yes"},
        files={"resume": NO_FILE},
        htmx=True,
    )
    assert json.loads(checked.headers["HX-Location"]) == {
        "path": url + "/check",
        "target": "#apply-form",
        "swap": "outerHTML",
    }
    check = taro.get(url + "/check", headers={"HX-Request": "true"})
    assert check.text.lstrip().startswith('<div id="apply-form">') and "<html" not in check.text
    assert "応募内容の確認" in check.text and MOTIVATION.splitlines()[0] in check.text
    edit = taro.get(url, headers={"HX-Request": "true"})  # 「修正する」
    assert (
        edit.text.lstrip().startswith("{% from") is False and '<div id="apply-form">' in edit.text
    )
    assert MOTIVATION.splitlines()[0] in edit.text and "checked" in edit.text
    assert rows(client, applications) == []  # nothing is sent before 「応募する」

    response = submit(
        taro, url + "/send", {"revision": check_revision(check)}, page=url + "/check", htmx=True
    )
    [application] = rows(client, applications)
    assert response.headers["HX-Redirect"] == f"/mypage/applications/{application['id']}?done=sent"


def test_the_acknowledgement_is_enforced_on_the_server(shared):
    response = send_application(shared.taro_browser, shared.untouched["id"], acknowledged=False)

    assert response.status_code == 422
    assert errors_of(response) == [f"<p>{forms.NOT_ACKNOWLEDGED}</p>"]
    assert "検査の経験を生かしたいと考えました。" in response.text  # the typed text is kept
    # Issue 12: no file was chosen, so nothing asks to choose one again.
    assert "ファイルを選んでいた場合" not in response.text
    assert shared.applications_to_untouched() == []


@pytest.mark.parametrize(
    ("motivation", "message"),
    [
        ("", "志望動機を入力してください。"),
        ("   \n  ", "志望動機を入力してください。"),
        ("あ" * 2001, "志望動機は2000文字以内で入力してください（現在2001文字）。"),
    ],
)
def test_motivation_is_required_and_bounded(shared, motivation, message):
    response = send_application(shared.taro_browser, shared.untouched["id"], motivation=motivation)
    assert response.status_code == 422
    assert message in response.text
    assert shared.applications_to_untouched() == []


def test_2000_characters_of_motivation_are_accepted(client, taro, world):
    response = send_application(taro, world.posting["id"], motivation="あ" * 2000)
    assert response.status_code == 303
    assert len(rows(client, applications)[0]["motivation"]) == 2000


def test_the_htmx_form_swaps_in_with_the_error(taro, world):
    response = submit(
        taro,
        f"/jobs/{world.posting['id']}/apply",
        {"motivation": MOTIVATION},
        files={"resume": NO_FILE},
        htmx=True,
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith("{") is False
    assert '<div id="apply-form">' in response.text
    assert "<html" not in response.text


# --- postings that take no online application --------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"status": "filled"}, 409, "この求人は充足のため、応募できません。"),
        ({"days_old": 61, "open_days": 60}, 409, "この求人は紹介期限切れのため、応募できません。"),
        (
            {"online_application": False},
            403,
            "この求人はオンライン自主応募を受け付けていません。応募にはハローワークの紹介が必要です。",
        ),
        (
            {"employer": None},
            403,
            "この求人はオンライン自主応募を受け付けていません。応募にはハローワークの紹介が必要です。",
        ),
        ({"status": "draft"}, 404, "お探しのページが見つかりません。"),
        ({"status": "pending"}, 404, "お探しのページが見つかりません。"),
    ],
)
def test_a_closed_or_referral_only_posting_takes_no_application(
    client, taro, world, overrides, status, message
):
    overrides = dict(overrides)
    company = None if "employer" in overrides else world.company
    overrides.pop("employer", None)
    posting = factories.posting(
        client, **{"online_application": True, "employer_id": company, **overrides}
    )

    page = taro.get(f"/jobs/{posting['id']}/apply")
    sent = send_application(taro, posting["id"]) if status != 404 else None

    assert page.status_code == status
    assert message in page.text
    if sent is not None:
        assert sent.status_code == status
        assert message in sent.text
    assert rows(client, applications) == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"status": "inactive"}, service.SEEKER_INACTIVE),
        (
            {"valid_until": dt.date(2020, 1, 31)},
            "求職登録の有効期限（2020年1月31日）が過ぎているため、応募できません。",
        ),
    ],
)
def test_a_job_seeker_whose_registration_is_not_valid_cannot_apply(
    client, taro, world, values, message
):
    factories.update(client, job_seekers, job_seekers.c.id == world.taro, **values)
    detail = taro.get(f"/jobs/{world.posting['job_number']}")
    assert message in detail.text
    assert f'href="/jobs/{world.posting["id"]}/apply"' not in detail.text
    page = taro.get(f"/jobs/{world.posting['id']}/apply")
    sent = send_application(taro, world.posting["id"])
    for response in (page, sent):
        assert response.status_code == 403
        assert message in response.text
        # 無効 is undone on My Page; a lapsed registration only at the counter.
        assert ('href="/mypage/status"' in response.text) is ("status" in values)
    assert rows(client, applications) == []


def test_a_refused_htmx_application_sends_the_browser_to_the_refusal(client, taro, world):
    """htmx swaps no 403 into the form: the browser is sent to the apply page instead,
    which answers with the reason (a job-seeker who turned 無効 in another tab)."""
    factories.update(client, job_seekers, job_seekers.c.id == world.taro, status="inactive")
    sent = submit(
        taro,
        f"/jobs/{world.posting['id']}/apply",
        {"acknowledged": "yes", "motivation": MOTIVATION},
        page="/mypage",
        htmx=True,
    )
    assert sent.status_code == 200
    assert sent.headers["HX-Redirect"] == f"/jobs/{world.posting['id']}/apply"
    refused = taro.get(sent.headers["HX-Redirect"])
    assert refused.status_code == 403
    assert service.SEEKER_INACTIVE in refused.text
    assert rows(client, applications) == []


def test_a_posting_that_does_not_exist_is_404(taro):
    assert taro.get("/jobs/999999/apply").status_code == 404
    assert taro.get("/jobs/99999999999999999999/apply").status_code == 404


# --- one application per job-seeker and posting ------------------------------------------


def test_a_double_submit_makes_one_application(client, taro, world):
    first = send_application(taro, world.posting["id"])
    second = send_application(taro, world.posting["id"])

    [application] = rows(client, applications)
    assert first.headers["location"] == f"/mypage/applications/{application['id']}?done=sent"
    assert second.status_code == 303
    assert second.headers["location"] == f"/mypage/applications/{application['id']}"
    assert len(client.smtp.wait_for("hr@example.com", 1)) == 1


def test_the_check_pages_button_pressed_twice_sends_once(client, taro, world):
    """A double tap on 「応募する」, or the button pressed again after Back: one application,
    one mail; the second lands on it."""
    url = f"/jobs/{world.posting['id']}/apply"
    form = {"motivation": MOTIVATION, "acknowledged": "yes"}
    submit(taro, url, form, files={"resume": ("履歴書.pdf", PDF, "application/pdf")})
    revision = check_revision(taro.get(url + "/check"))
    token_page = url + "/check"
    first = submit(
        taro, url + "/send", {"revision": revision}, page=token_page, follow_redirects=False
    )
    second = submit(
        taro, url + "/send", {"revision": revision}, page="/mypage", follow_redirects=False
    )

    [application] = rows(client, applications)
    assert first.headers["location"] == f"/mypage/applications/{application['id']}?done=sent"
    assert second.headers["location"] == f"/mypage/applications/{application['id']}"
    assert [d["filename"] for d in rows(client, application_documents)] == ["履歴書.pdf"]
    assert rows(client, apply_drafts) == [] and rows(client, apply_draft_files) == []
    assert len(client.smtp.wait_for("hr@example.com", 1)) == 1


def test_the_check_page_sends_only_the_version_it_showed(client, taro, world):
    """Changed in another tab after the check page was drawn: nothing is sent, and the
    check page shows the newer text to check again."""
    url = f"/jobs/{world.posting['id']}/apply"
    submit(taro, url, {"motivation": "最初の志望動機", "acknowledged": "yes"})
    revision = check_revision(taro.get(url + "/check"))
    submit(taro, url, {"motivation": "書き直した志望動機", "acknowledged": "yes"})

    stale = submit(taro, url + "/send", {"revision": revision}, page=url + "/check")

    assert rows(client, applications) == []
    assert "別の画面で変更されていました" in stale.text and "書き直した志望動機" in stale.text
    sent = submit(taro, url + "/send", {"revision": check_revision(stale)}, page=url + "/check")
    assert rows(client, applications)[0]["motivation"] == "書き直した志望動機"
    assert sent.status_code == 200


def test_the_check_page_shows_what_will_be_sent_and_nothing_is_sent_yet(client, taro, world):
    url = f"/jobs/{world.posting['id']}/apply"
    files = {"resume": ("私の履歴書.pdf", PDF, "application/pdf"), "career": NO_FILE}
    checked = submit(taro, url, {"motivation": MOTIVATION, "acknowledged": "yes"}, files=files)

    assert checked.url.path == url + "/check"
    page = checked.text
    assert '<h1 class="page-title" tabindex="-1">応募内容の確認</h1>' in page
    assert world.posting["job_number"] in page and MOTIVATION.splitlines()[0] in page
    assert "履歴書: 私の履歴書.pdf（PDF、" in page and "職務経歴書: 添付なし" in page
    assert "氏名: 山田太郎" in page  # what the employer will see of the applicant
    assert page.count(f'href="{url}#') == 3  # 修正する: notes, 志望動機, 応募書類
    assert '<button type="submit" class="button button--primary">応募する</button>' in page
    assert rows(client, applications) == []
    # 「修正する」: the form as it was, the file kept.
    again = taro.get(url).text
    assert (
        MOTIVATION.splitlines()[0] in again and "選択済み: <strong>私の履歴書.pdf</strong>" in again
    )


def test_the_check_page_without_a_complete_draft_goes_back_to_the_form(taro, world):
    url = f"/jobs/{world.posting['id']}/apply"
    response = taro.get(url + "/check", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == url


def test_a_chosen_file_survives_a_validation_error_and_can_be_removed(client, taro, world):
    """Issue 12: chosen files were dropped by a validation error (and the form asked to
    choose them again even when none was chosen)."""
    url = f"/jobs/{world.posting['id']}/apply"
    files = {"resume": ("履歴書.pdf", PDF, "application/pdf"), "career": NO_FILE}
    refused = submit(taro, url, {"motivation": "", "acknowledged": "yes"}, files=files)

    assert refused.status_code == 422
    assert "選択済み: <strong>履歴書.pdf</strong>" in refused.text
    assert "ファイルを選んでいた場合" not in refused.text
    # Sent again without choosing it again: the kept file goes with the application.
    fixed = submit(
        taro, url, {"motivation": MOTIVATION, "acknowledged": "yes"}, files={"resume": NO_FILE}
    )
    assert "履歴書: 履歴書.pdf" in fixed.text
    # 「外す」 removes it, keeping the text typed meanwhile.
    removed = submit(
        taro, url, {"motivation": "途中の文", "acknowledged": "yes", "remove": "resume"}
    )
    assert removed.status_code == 200
    assert "履歴書を外しました。" in removed.text and "選択済み" not in removed.text
    assert "途中の文" in removed.text and 'class="error-summary"' not in removed.text
    assert rows(client, apply_draft_files) == []


def test_an_old_pages_direct_post_lands_on_the_check_page(client, taro, world):
    """The former form posted straight to /apply and applied: the same post now keeps
    the draft and shows the check page; nothing is sent without 「応募する」."""
    url = f"/jobs/{world.posting['id']}/apply"
    response = submit(
        taro, url, {"motivation": MOTIVATION, "acknowledged": "yes"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == url + "/check"
    assert rows(client, applications) == []


def test_two_submits_at_the_same_moment_make_one_application(client, world):
    """Two requests racing on two connections: the lock and the unique constraint let one
    through; the other lands on it."""
    now = client.app.state.clock.now()
    db = client.app.state.db

    async def race():
        async def one():
            async with db.connection() as conn:
                posting = await service.public_posting(conn, world.posting["id"])
                return await service.apply(
                    conn,
                    seeker_id=world.taro,
                    posting=posting,
                    motivation=MOTIVATION,
                    documents=[],
                    now=now,
                    base_url="http://testserver",
                )

        return await asyncio.gather(one(), one())

    results = client.portal.call(race)

    [application] = rows(client, applications)
    assert sorted(results, key=lambda r: not r[1]) == [
        (application["id"], True),
        (application["id"], False),
    ]


def test_the_apply_page_of_an_applied_posting_leads_to_the_application(client, taro, world):
    application_id = factories.application(client, world.taro, world.posting)
    response = taro.get(f"/jobs/{world.posting['id']}/apply", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/mypage/applications/{application_id}"


# --- 応募書類 ------------------------------------------------------------------------------


def test_the_type_comes_from_the_bytes_not_the_name(client, taro, world):
    files = {
        "resume": ("photo.pdf", PNG, "application/pdf"),
        "career": ("cv.png", JPEG, "image/png"),
    }
    response = send_application(taro, world.posting["id"], files=files)

    assert response.status_code == 303
    stored = {d["kind"]: d for d in rows(client, application_documents)}
    assert (stored["resume"]["content_type"], stored["resume"]["filename"]) == (
        "image/png",
        "photo.png",
    )
    assert (stored["career"]["content_type"], stored["career"]["filename"]) == (
        "image/jpeg",
        "cv.jpg",
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"resume": ("resume.pdf", EXE, "application/pdf")},
            "履歴書はPDF、JPEG、PNGのいずれかのファイルを選んでください。",
        ),
        (
            {"career": ("career.pdf", b"<html><script>alert(1)</script>", "application/pdf")},
            "職務経歴書はPDF、JPEG、PNGのいずれかのファイルを選んでください。",
        ),
        (
            {"resume": ("resume.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")},
            "履歴書のファイルが5MBを超えています。5MB以内のファイルを選んでください。",
        ),
        (
            {"resume": ("empty.pdf", b"", "application/pdf")},
            "履歴書のファイルが空です。ファイルを選び直してください。",
        ),
        (
            {"resume": [("a.pdf", PDF, "application/pdf"), ("b.pdf", PDF, "application/pdf")]},
            "履歴書は1つだけ選んでください。",
        ),
    ],
)
def test_bad_documents_are_refused_with_the_reason(shared, files, message):
    flat = [
        (kind, part)
        for kind, value in files.items()
        for part in (value if isinstance(value, list) else [value])
    ]
    response = send_application(shared.taro_browser, shared.untouched["id"], files=flat)

    assert response.status_code == 422
    assert message in response.text
    assert "もう一度選んでください" not in response.text  # no file is dropped: none to choose again
    assert "選択済み" not in response.text  # the refused file is not kept
    assert shared.applications_to_untouched() == []
    assert rows(shared.taro_browser, application_documents) == shared.documents


def test_exactly_5mb_is_accepted(client, taro, world):
    content = PDF + b"0" * (documents.MAX_BYTES - len(PDF))
    files = {"resume": ("big.pdf", content, "application/pdf")}
    assert send_application(taro, world.posting["id"], files=files).status_code == 303
    assert rows(client, application_documents)[0]["size"] == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content_type", "kept"),
    [
        ("履歴書.pdf", "application/pdf", "履歴書.pdf"),
        ("C:\\Users\\taro\\職務経歴書.PDF", "application/pdf", "職務経歴書.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ('a"b;c\r\nSet-Cookie: x.pdf', "application/pdf", "abcSet-Cookie x.pdf"),
        ("invoice\u202egnp.exe", "image/png", "invoicegnp.png"),
        ("...", "image/jpeg", "履歴書.jpg"),
        ("あ" * 300 + ".pdf", "application/pdf", "あ" * 96 + ".pdf"),
    ],
)
def test_filenames_are_sanitized(name, content_type, kept):
    assert documents.safe_filename(name, content_type, "resume") == kept


def _document_urls(client, world):
    files = [("resume", ("履歴書.pdf", PDF, "application/pdf"))]
    form = {"motivation": MOTIVATION, "acknowledged": "yes"}
    apply_online(client, world.posting["id"], form, files=files)
    [application] = rows(client, applications)
    [document] = rows(client, application_documents)
    return (
        f"/mypage/applications/{application['id']}/documents/{document['id']}",
        f"/employer/applicants/{application['id']}/documents/{document['id']}",
    )


def test_the_document_is_a_download_that_is_never_sniffed_or_kept(client, taro, world):
    mine, _ = _document_urls(taro, world)
    response = taro.get(mine)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"resume.pdf\"; filename*=UTF-8''%E5%B1%A5%E6%AD%B4%E6%9B%B8.pdf"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("who", "side", "status"),
    [
        (SEEKER, "seeker", 200),
        (EMPLOYER, "employer", 200),
        (OTHER_SEEKER, "seeker", 404),
        (OTHER_EMPLOYER, "employer", 404),
        (STAFF, "employer", 403),
        (SEEKER, "employer", 403),
        (EMPLOYER, "seeker", 303),  # not a job-seeker session: to the job-seekers' door
        (None, "seeker", 303),
        (None, "employer", 303),
    ],
)
def test_documents_are_served_only_to_that_seeker_and_that_employer(shared, who, side, status):
    url = shared.seeker_url if side == "seeker" else shared.employer_url
    response = shared.browsers[who].get(url, follow_redirects=False)

    assert response.status_code == status
    if status == 200:
        assert response.content == PDF
    else:
        assert response.content != PDF
    if status == 303:
        assert "login" in response.headers["location"]


def test_another_applications_document_id_is_404(client, taro, world):
    mine, _ = _document_urls(taro, world)
    other_posting = factories.posting(client, online_application=True, employer_id=world.company)
    own_other = factories.application(client, world.taro, other_posting)
    document_id = mine.rsplit("/", 1)[1]
    assert taro.get(f"/mypage/applications/{own_other}/documents/{document_id}").status_code == 404


# --- the 応募 button of the posting page -------------------------------------------------


def _button(**context) -> str:
    posting = {
        "id": 7,
        "status": "open",
        "online_application": True,
        "employer_id": 3,
        "accepts_online": True,  # the one rule's answer (webapp/postings/online.py)
        "job_number": "13010-00000007",
    }
    posting.update(context.pop("posting", {}))
    values = {"posting": posting, "user": None, "application": None, **context}
    return templates.env.get_template("applications/_apply_button.html").render(values)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, 'href="/login?next=/jobs/7/apply">ログインしてオンラインで応募する</a>'),
        ({"user": {"id": 1}}, 'href="/jobs/7/apply">この求人にオンラインで応募する</a>'),
        (
            {"user": {"id": 1}, "application": {"id": 5, "kind": "direct"}},
            'href="/mypage/applications/5">応募の状況を見る</a>',
        ),
        (
            {"user": {"id": 1}, "posting": {"online_application": False, "accepts_online": False}},
            "この求人は、ハローワークの紹介による応募のみ受け付けています。",
        ),
        # The flag alone is not enough: the button reads the rule's answer, nothing else.
        (
            {"posting": {"accepts_online": False}},
            "ハローワークの紹介による応募のみ受け付けています。",
        ),
        (
            {"user": {"id": 1}, "state": "expired"},
            "この求人は募集を終了しているため、オンラインで応募することはできません。",
        ),
        (
            {"user": {"id": 1}, "posting": {"status": "filled"}},
            "募集を終了しているため",
        ),
    ],
)
def test_the_apply_button_says_what_the_job_seeker_can_do(context, expected):
    assert expected in _button(**context)


def test_for_seeker_posting_finds_the_job_seekers_application(client, world):
    application_id = factories.application(client, world.taro, world.posting)

    async def work(conn):
        return (
            await service.for_seeker_posting(conn, world.taro, world.posting["id"]),
            await service.for_seeker_posting(conn, world.hanako, world.posting["id"]),
            await service.for_seeker_posting(conn, None, world.posting["id"]),
        )

    mine, hers, nobody = factories.run(client, work)
    assert mine["id"] == application_id
    assert hers is None and nobody is None


def test_an_application_in_the_last_month_extends_the_registration(client, world):
    today = to_jst(client.app.state.clock.now()).date()
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])

    async def last_month(conn):
        await conn.execute(
            job_seekers.update().where(job_seekers.c.id == world.taro).values(valid_until=month_end)
        )

    factories.run(client, last_month)

    factories.application(client, world.taro, world.posting)

    [seeker] = rows(client, job_seekers, job_seekers.c.id == world.taro)
    next_month = month_end + dt.timedelta(days=1)
    days = calendar.monthrange(next_month.year, next_month.month)[1]
    assert seeker["valid_until"] == next_month.replace(day=days)


def test_the_daily_round_drops_drafts_given_up_for_30_days(client, world):
    """A draft (and its 応募書類) nobody came back to is not kept for ever; one touched
    within the 30 days stays."""
    old = factories.posting(client, online_application=True, employer_id=world.company)
    clock = client.app.state.clock
    resume = documents.Document("resume", "履歴書.pdf", "application/pdf", PDF)

    def save(posting_id):
        return factories.run(
            client,
            lambda conn: drafts.save(
                conn,
                world.taro,
                posting_id,
                drafts.DIRECT,
                acknowledged=True,
                message="途中",
                chosen=[resume],
                now=clock.now(),
            ),
        )

    save(old["id"])
    clock.advance(days=29)
    kept = save(world.posting["id"])
    clock.advance(days=2)

    client.portal.call(daily.run_once, client.app.state.db, clock, "http://testserver")

    assert [d["id"] for d in rows(client, apply_drafts)] == [kept.id]
    assert [f["draft_id"] for f in rows(client, apply_draft_files)] == [kept.id]
