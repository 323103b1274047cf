"""登録情報のダウンロード (個人情報の開示): one ZIP of everything held about the job-seeker."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests import factories
from tests.closing_world import (
    NEW_EMAIL,
    RESUME,
    change_address,
    mail_to_the_next_holder,
    taro_applied,
    with_every_kind_of_row,
)
from tests.helpers import OTHER_SEEKER, SEEKER, signed_in, submit
from webapp.seekers.owned import MAIL_TABLES, SECRET_COLUMNS, owned_tables

PAGE = "/mypage/data"


@pytest.fixture
def full(client):
    return with_every_kind_of_row(taro_applied(client))


def download(browser, **kwargs):
    return submit(browser, PAGE, **kwargs)


def unzip(response) -> tuple[dict, str, zipfile.ZipFile]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="hellowork-mydata-'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    return data, archive.read("index.html").decode(), archive


def test_the_page_and_the_download_need_a_login(client):
    assert client.get(PAGE, follow_redirects=False).status_code == 303


def test_the_page_says_what_is_in_it_and_offers_a_plain_form(full):
    page = full.seeker.get(PAGE)
    assert page.status_code == 200
    assert "登録情報のダウンロード（個人情報の開示）" in page.text
    assert 'method="post" action="/mypage/data"' in page.text
    assert "hx-post" not in page.text  # a file download: the browser's own POST


def test_the_zip_holds_every_kind_of_data(full, smtp):
    data, html, archive = unzip(download(full.seeker))
    tables = data["tables"]
    # Every table that holds the person's rows is there, none of them empty (the world
    # has a row in each), and the mail sent to their address.
    assert set(tables) == {o.table.name for o in owned_tables()} | {t.name for t in MAIL_TABLES}
    assert [name for name, rows in tables.items() if not rows] == []
    assert data["job_seeker"]["name"] == "山田太郎"
    assert data["job_seeker"]["email"] == SEEKER.email
    assert [m["subject"] for m in tables["outbox"]] == ["【ハローワーク】お知らせ"]
    assert {row["state"] for row in tables["applications"]} == {"applied"}
    assert tables["messages"][0]["body"] == "よろしく"
    assert tables["saved_searches"][0]["name"] == "<b>事務</b>"
    assert tables["work_history"][0]["company"] == "砺波製作所"
    assert [kind["kind"] for kind in data["activity_record"]].count("職業相談") == 1
    # The document, as a file, byte for byte; linked from the readable page.
    document = tables["application_documents"][0]
    assert "content" not in document
    assert archive.read(document["file"]) == RESUME.content
    assert f'href="{document["file"]}"' in html
    # No hash of a secret, anywhere.
    for rows in tables.values():
        for row in rows:
            assert not set(row) & SECRET_COLUMNS
    assert "password_hash" not in data["job_seeker"]
    # Only this person's: Hanako is nowhere.
    assert "砺波花子" not in json.dumps(data, ensure_ascii=False)
    assert "hanako@example.com" not in json.dumps(data, ensure_ascii=False)


def test_the_zip_holds_the_mail_to_every_address_the_person_had(full, smtp):
    change_address(full, smtp)
    mail_to_the_next_holder(full)
    data, _, _ = unzip(download(full.seeker))
    mails = [(m["to_addr"], m["subject"]) for m in data["tables"]["outbox"]]
    assert mails == [
        (SEEKER.email, "【ハローワーク】お知らせ"),
        (NEW_EMAIL, "【ハローワーク】メールアドレス変更の認証キー"),
        (SEEKER.email, "【ハローワーク】メールアドレス変更のお知らせ"),
    ]  # not the next holder's mail to the old address
    history = [(c["field"], c["before"], c["after"]) for c in data["tables"]["profile_changes"]]
    assert ("email", SEEKER.email, NEW_EMAIL) in history


def test_the_readable_page_escapes_what_was_typed(full):
    _, html, _ = unzip(download(full.seeker))
    assert "<script>x</script>" not in html and "<b>事務</b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;事務&lt;/b&gt;" in html
    assert "山田太郎" in html and "求職活動実績" in html


def test_three_downloads_a_day_each_mailed_then_a_wait(full, smtp):
    factories.outbox_sent(full.seeker)
    before = len(smtp.to(SEEKER.email))
    for _ in range(3):
        assert download(full.seeker).status_code == 200
    refused = download(full.seeker)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 23 * 3600
    assert "登録情報のダウンロードは1日3回までです。" in refused.text
    mails = smtp.wait_for(SEEKER.email, before + 3)[before:]
    assert [m["Subject"] for m in mails] == [
        "【ハローワーク】登録情報（個人情報）のダウンロードがありました"
    ] * 3
    full.seeker.app.state.clock.advance(days=1, seconds=1)
    assert download(full.seeker).status_code == 200


def test_another_job_seekers_limit_is_their_own(full):
    for _ in range(3):
        download(full.seeker)
    hanako = signed_in(full.seeker, OTHER_SEEKER)
    data, _, _ = unzip(download(hanako))
    assert data["job_seeker"]["name"] == "砺波花子"
