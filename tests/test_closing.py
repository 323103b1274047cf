"""The end of an account: 退会 on My Page, staff ending a registration (就職, 取消), and
`python -m webapp purge` past the retention periods; what is held about a person is read
off the metadata (seekers/owned.py), checked here against it."""

from __future__ import annotations

import datetime as dt
import glob

import pytest

from tests import factories
from tests.closing_world import (
    MARKER,
    NEW_EMAIL,
    change_address,
    mail_to_the_next_holder,
    seeker_row,
    taro_applied,
    with_every_kind_of_row,
)
from tests.conftest import PG_URL
from tests.helpers import (
    EMPLOYER,
    IIDABASHI_STAFF,
    OTHER_SEEKER,
    SEEKER,
    STAFF,
    another_browser,
    browsers_for,
    errors_beside,
    login,
    run_cli,
    signed_in,
    submit,
)
from webapp.auth import service as auth_service
from webapp.auth.roles import SEEKER as SEEKER_ROLE
from webapp.auth.roles import Account
from webapp.closing import service as closing
from webapp.schema import (
    application_documents,
    applications,
    job_seekers,
    messages,
    metadata,
    outbox,
    profile_changes,
    sessions,
)
from webapp.seekers.owned import MAIL_TABLES, clauses, owned_tables

CLOSE = "/mypage/account/close"


@pytest.fixture
def world(client):
    return taro_applied(client)


def close(browser, password=SEEKER.password, **kwargs):
    return submit(browser, CLOSE, {"current_password": password}, **kwargs)


# --- 退会 ---------------------------------------------------------------------------------


def test_the_close_page_says_first_what_happens_to_applications_and_messages(world):
    page = world.seeker.get(CLOSE)
    assert page.status_code == 200
    assert "選考中の応募 1 件は「辞退」となり、求人者にメールでお知らせします。" in page.text
    assert "株式会社テスト商事　精密部品の検査" in page.text
    assert "事業所とのメッセージ（1 件）" in page.text
    assert "「退会済みの求職者」と表示されます" in page.text
    assert 'autocomplete="current-password"' in page.text


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "パスワードを入力してください。"), ("Wrong#12345", "パスワードが正しくありません。")],
)
def test_a_wrong_or_missing_password_closes_nothing(world, password, message):
    response = close(world.seeker, password)
    assert response.status_code == 422
    assert errors_beside(response.text, "current_password") == [message]
    assert seeker_row(world.seeker, world.taro)["closed_at"] is None
    assert world.seeker.get("/mypage").url.path == "/mypage"


def test_the_htmx_form_answers_a_wrong_password_with_its_fragment(world):
    response = close(world.seeker, "Wrong#12345", htmx=True)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="close-form"')


def test_closing_withdraws_applications_tells_employers_and_ends_every_session(world, smtp):
    phone = signed_in(world.seeker, SEEKER)  # a second device
    response = close(world.seeker)
    assert response.url.path == "/account-closed"
    assert "退会手続きが完了しました" in response.text
    row = seeker_row(world.seeker, world.taro)
    assert row["closed_reason"] == "withdrawn" and row["closed_at"] is not None
    assert row["closed_email"] == SEEKER.email and row["email"].endswith("@closed.invalid")
    assert row["password_hash"] is None and row["status"] == "closed"
    assert factories.rows(world.seeker, applications)[0]["state"] == "withdrawn"
    assert factories.count(world.seeker, sessions, sessions.c.seeker_id == world.taro) == 0
    assert world.seeker.get("/mypage").url.path == "/login"
    assert phone.get("/mypage").url.path == "/login"
    told = smtp.wait_for(EMPLOYER.email, 2)  # the application's notice, then this
    assert told[-1]["Subject"].startswith("【ハローワーク】応募者が退会したため")
    assert (
        smtp.wait_for(SEEKER.email)[-1]["Subject"]
        == "【ハローワーク】求職者マイページを退会しました"
    )


def test_closing_twice_changes_and_tells_once(world, smtp):
    token_page = world.seeker.get(CLOSE).text
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    first = world.seeker.post(
        CLOSE, data={"csrf_token": token, "current_password": SEEKER.password}
    )
    again = world.seeker.post(
        CLOSE,
        data={"csrf_token": token, "current_password": SEEKER.password},
        follow_redirects=False,
    )
    assert first.url.path == "/account-closed"
    assert again.status_code == 303 and again.headers["location"].startswith("/login")
    # And the service itself, asked again (staff at the same moment, say): nothing more.
    now = world.seeker.app.state.clock.now()
    assert not factories.run(
        world.seeker,
        lambda conn: closing.close(
            conn, world.taro, reason="employed", now=now, base_url="http://testserver"
        ),
    )
    factories.outbox_sent(world.seeker)
    closed_mails = [m for m in smtp.to(SEEKER.email) if "退会" in m["Subject"]]
    assert len(closed_mails) == 1
    status_changes = factories.rows(
        world.seeker, profile_changes, profile_changes.c.field == "status"
    )
    assert [c["after"] for c in status_changes] == ["退会"]


def test_employers_see_the_closed_job_seeker_without_a_name(world):
    close(world.seeker)
    employer = signed_in(world.seeker, EMPLOYER)
    for path in (
        "/employer/applicants",
        f"/employer/applicants/{world.application}",
        f"/employer/applicants/{world.application}/messages",
    ):
        page = employer.get(path)
        assert page.status_code == 200, path
        assert "退会済みの求職者" in page.text, path
        assert "山田" not in page.text and "ヤマダ" not in page.text, path
        assert "退会済みの求職者 さん" not in page.text, path


def test_a_closed_account_cannot_sign_in_and_reads_like_an_unknown_address(world):
    close(world.seeker)
    closed = login(another_browser(world.seeker), SEEKER.email, SEEKER.password)
    unknown = login(another_browser(world.seeker), "nobody@example.com", SEEKER.password)
    assert closed.status_code == unknown.status_code == 422
    assert errors_beside(closed.text, "email") == errors_beside(unknown.text, "email")
    assert closed.text.replace(SEEKER.email, "X") == unknown.text.replace(
        "nobody@example.com", "X"
    ).replace(*_csrf_pair(unknown.text, closed.text))
    # Nor with the placeholder the address made way for.
    placeholder = closing.placeholder_email(world.taro)
    assert login(another_browser(world.seeker), placeholder, SEEKER.password).status_code == 422


def _csrf_pair(a: str, b: str) -> tuple[str, str]:
    """The two pages' CSRF tokens (each browser has its own), to compare the rest."""
    token = lambda text: text.split('name="csrf_token" value="')[1].split('"')[0]  # noqa: E731
    return token(a), token(b)


def test_the_address_may_open_a_new_registration_afterwards(world):
    close(world.seeker)
    number = factories.seeker(world.seeker, email=SEEKER.email, password=SEEKER.password)
    assert number
    assert login(another_browser(world.seeker), SEEKER.email, SEEKER.password).url.path == "/mypage"


# --- staff end a registration ---------------------------------------------------------------


def end(browser, seeker_id, **data):
    url = f"/staff/seekers/{seeker_id}/end"
    return submit(browser, url, data, follow_redirects=False)


def test_staff_end_a_registration_with_a_reason(world, smtp):
    factories.staff(world.seeker)
    staff = signed_in(world.seeker, STAFF)
    refused = end(staff, world.taro, reason="", note="")
    assert refused.status_code == 422
    assert errors_beside(refused.text, "note") == ["終了の理由の詳細を入力してください。"]
    assert "終了の理由（就職・取消）を選んでください。" in refused.text
    done = end(staff, world.taro, reason="employed", note="株式会社となみ精工に就職")
    assert done.status_code == 303
    page = staff.get(done.headers["location"])
    assert "求職登録を終了しました" in page.text and "終了（就職）" in page.text
    row = seeker_row(world.seeker, world.taro)
    assert (row["closed_reason"], row["closed_note"]) == ("employed", "株式会社となみ精工に就職")
    assert row["closed_by"] is not None
    assert world.seeker.get("/mypage").url.path == "/login"
    mail = smtp.wait_for(SEEKER.email)[-1]
    assert mail["Subject"] == "【ハローワーク】求職登録を終了しました（就職）"
    assert "株式会社となみ精工に就職" in mail.get_body(("plain",)).get_content()
    # Sent again (a second tap): the same page, nothing more.
    assert end(staff, world.taro, reason="cancelled", note="再送").status_code == 303
    assert seeker_row(world.seeker, world.taro)["closed_reason"] == "employed"


@pytest.mark.parametrize("who", ["other-office staff", "seeker", "employer", "anonymous"])
def test_only_staff_of_the_seekers_office_may_end_it(client, who):
    factories.office(client, "13010")
    factories.seeker(client, password=SEEKER.password)
    factories.staff(client, email="iidabashi@example.com", office="13010", name="飯田一郎")
    factories.employer(client)
    accounts = {
        "other-office staff": IIDABASHI_STAFF,
        "seeker": SEEKER,
        "employer": EMPLOYER,
        "anonymous": None,
    }
    browser = browsers_for(client, {who: accounts[who]})[who]
    seeker_id = factories.seeker_id(client, email=SEEKER.email)
    url = f"/staff/seekers/{seeker_id}/end"
    home = {"other-office staff": "/staff", "seeker": "/mypage", "employer": "/employer"}
    page = browser.get(url, follow_redirects=False)
    sent = submit(
        browser,
        url,
        {"reason": "cancelled", "note": "取消"},
        page=home.get(who, "/login"),
        follow_redirects=False,
    )
    expected = {"other-office staff": 404, "anonymous": 303}.get(who, 403)
    assert page.status_code == sent.status_code == expected
    assert seeker_row(client, seeker_id)["closed_at"] is None


# --- what is held about a person: read off the metadata ---------------------------------


def _tables_leading_to_job_seekers() -> set[str]:
    """Worked out here on its own: a table whose foreign key reaches job_seekers."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for table in metadata.sorted_tables:
            if table.name in found or table.name == "job_seekers":
                continue
            targets = {key.column.table.name for key in table.foreign_keys}
            if "job_seekers" in targets or targets & found:
                found.add(table.name)
                changed = True
    return found


def test_every_table_with_the_persons_rows_is_owned():
    assert {owned.table.name for owned in owned_tables()} == _tables_leading_to_job_seekers()
    assert {table.name for table in MAIL_TABLES} == {"outbox", "caught_mail"}


@pytest.fixture
def full(world):
    return with_every_kind_of_row(world)


def owned_counts(client, seeker_id: int) -> dict[str, int]:
    return {
        table.name: factories.count(client, table, where) for table, where in clauses(seeker_id)
    }


def test_the_world_has_a_row_in_every_owned_table(full):
    counts = owned_counts(full.seeker, full.taro)
    assert [name for name, n in counts.items() if n == 0] == []


# --- purge --------------------------------------------------------------------------------

DAY = dt.timedelta(days=1)
RETENTION = closing.Retention(closed_accounts=365 * DAY, documents=180 * DAY, messages=365 * DAY)


def purge(client, retention=RETENTION):
    now = client.app.state.clock.now()
    return factories.run(client, lambda conn: closing.purge(conn, now, retention))


def database_files_hold(client, needle: bytes) -> bool:
    """Whether the SQLite database's files (the file and its log) hold these bytes."""
    path = client.app.state.settings.database_url.removeprefix("sqlite:///")
    return any(needle in open(name, "rb").read() for name in glob.glob(path + "*"))


def test_purge_keeps_a_closed_account_until_its_period_has_passed(full):
    close(full.seeker)
    full.seeker.app.state.clock.advance(days=364)
    report = purge(full.seeker)
    assert report.accounts == 0
    assert factories.count(full.seeker, job_seekers, job_seekers.c.id == full.taro) == 1
    # Its withdrawn application's 履歴書 has a shorter period (180 days) and went already;
    # its messages (365 days) are still there.
    assert report.documents == 1
    assert factories.count(full.seeker, application_documents) == 0
    assert factories.count(full.seeker, messages) == 1


def test_purge_deletes_everything_of_a_closed_account_after_its_period(full):
    close(full.seeker)
    factories.outbox_sent(full.seeker)
    assert factories.count(full.seeker, outbox, outbox.c.to_addr == SEEKER.email) > 0
    if not PG_URL:
        assert database_files_hold(full.seeker, MARKER)
    full.seeker.app.state.clock.advance(days=366)
    # Hanako, still here, keeps everything.
    hanako_before = owned_counts(full.seeker, full.hanako)
    report = purge(full.seeker)
    assert (report.accounts, report.failed) == (1, [])
    assert owned_counts(full.seeker, full.taro) == dict.fromkeys(
        owned_counts(full.seeker, full.taro), 0
    )
    assert factories.count(full.seeker, job_seekers, job_seekers.c.id == full.taro) == 0
    for table in MAIL_TABLES:
        assert factories.count(full.seeker, table, table.c.to_addr == SEEKER.email) == 0
    assert factories.count(full.seeker, application_documents) == 0
    if not PG_URL:  # the document's bytes are gone from the file, not just unlinked
        assert not database_files_hold(full.seeker, MARKER)
    assert owned_counts(full.seeker, full.hanako) == hanako_before
    assert purge(full.seeker).accounts == 0  # nothing left to do


def test_purge_deletes_the_mail_to_every_address_the_person_had(full, smtp):
    change_address(full, smtp)
    mail_to_the_next_holder(full)
    close(full.seeker)
    factories.outbox_sent(full.seeker)
    old = outbox.c.to_addr == SEEKER.email
    assert factories.count(full.seeker, outbox, old) >= 3  # お知らせ, the change's notice, next
    full.seeker.app.state.clock.advance(days=366)
    assert purge(full.seeker).accounts == 1
    # What went to the old address while it was Taro's is gone with the account; the
    # next holder's mail stays, as does nothing else of Taro's.
    (kept,) = factories.rows(full.seeker, outbox, old)
    assert "次の人" in kept["body"]
    assert factories.count(full.seeker, outbox, outbox.c.to_addr == NEW_EMAIL) == 0


def test_purge_drops_old_documents_and_messages_of_ended_applications(world):
    factories.run(
        world.seeker,
        lambda conn: conn.execute(
            applications.update().values(
                state="rejected", updated_at=world.seeker.app.state.clock.now()
            )
        ),
    )
    world.seeker.app.state.clock.advance(days=181)
    report = purge(world.seeker)
    assert (report.documents, report.messages) == (1, 0)
    assert factories.count(world.seeker, messages) == 1
    world.seeker.app.state.clock.advance(days=185)
    assert purge(world.seeker).messages == 1
    # The account itself is open: it stays, and so does the application.
    assert factories.count(world.seeker, applications) == 1


def _refuse_deleting(client, seeker_id: int, on: bool) -> None:
    """A database trigger that refuses to delete this job-seeker (a real failure midway)."""
    if PG_URL:
        statements = (
            [
                "CREATE FUNCTION refuse_purge() RETURNS trigger AS $$ BEGIN IF OLD.id = "
                f"{seeker_id} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN OLD; END"
                " $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_purge BEFORE DELETE ON job_seekers FOR EACH ROW"
                " EXECUTE FUNCTION refuse_purge()",
            ]
            if on
            else ["DROP TRIGGER refuse_purge ON job_seekers", "DROP FUNCTION refuse_purge()"]
        )
    else:
        statements = (
            [
                "CREATE TRIGGER refuse_purge BEFORE DELETE ON job_seekers"
                f" WHEN OLD.id = {seeker_id} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            ]
            if on
            else ["DROP TRIGGER refuse_purge"]
        )

    async def work(conn):
        for statement in statements:
            await conn.execute(statement)

    factories.run(client, work)


def test_one_persons_failure_leaves_them_untouched_and_the_others_purged(full):
    hanako = signed_in(full.seeker, OTHER_SEEKER)
    close(hanako)
    close(full.seeker)
    full.seeker.app.state.clock.advance(days=366)
    taro_before = owned_counts(full.seeker, full.taro)
    _refuse_deleting(full.seeker, full.taro, on=True)
    try:
        report = purge(full.seeker)
    finally:
        _refuse_deleting(full.seeker, full.taro, on=False)
    assert report.accounts == 1
    assert [seeker_id for seeker_id, _ in report.failed] == [full.taro]
    assert "refused by the test" in report.failed[0][1]
    assert owned_counts(full.seeker, full.taro) == taro_before
    assert factories.count(full.seeker, job_seekers, job_seekers.c.id == full.hanako) == 0
    assert purge(full.seeker).accounts == 1  # the next run finishes the job


def test_the_purge_command_reads_the_retention_settings(world):
    close(world.seeker)
    url = world.seeker.app.state.settings.database_url
    kept = run_cli(url, "purge")
    assert kept.returncode == 0, kept.stderr
    assert "closed accounts deleted: 0" in kept.stdout
    gone = run_cli(url, "purge", env={"RETAIN_CLOSED_ACCOUNT_DAYS": "0"})
    assert gone.returncode == 0, gone.stderr
    assert "closed accounts deleted: 1" in gone.stdout
    assert factories.count(world.seeker, job_seekers, job_seekers.c.id == world.taro) == 0


def test_readme_lists_the_command_and_the_settings():
    with open("README.md", encoding="utf-8") as file:
        readme = file.read()
    for name in ("python -m webapp purge", "RETAIN_CLOSED_ACCOUNT_DAYS", "RETAIN_DOCUMENT_DAYS",
                 "RETAIN_MESSAGE_DAYS"):  # fmt: skip
        assert name in readme, name


def test_an_ended_registration_is_shown_to_staff_and_not_corrected(world):
    factories.staff(world.seeker)
    staff = signed_in(world.seeker, STAFF)
    end(staff, world.taro, reason="cancelled", note="本人の申し出により取消")
    page = staff.get(f"/staff/seekers/{world.taro}")
    assert "終了（取消）" in page.text and "本人の申し出により取消" in page.text
    assert f"/staff/seekers/{world.taro}/refer" not in page.text
    assert f"/staff/seekers/{world.taro}/end" not in page.text
    listed = staff.get("/staff/seekers", params={"q": "山田"})
    assert '<span class="state state--inactive">終了</span>' in listed.text
    url = f"/staff/seekers/{world.taro}/correct"
    assert staff.get(url, follow_redirects=False).status_code == 303
    sent = submit(
        staff, url, {"name": "別人", "reason": "x"}, page="/staff", follow_redirects=False
    )
    assert sent.status_code == 303
    assert seeker_row(world.seeker, world.taro)["name"] == "山田太郎"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "employed", "note": ""}, "note", "終了の理由の詳細を入力してください。"),
        (
            {"reason": "employed", "note": "あ" * 201},
            "note",
            "終了の理由の詳細は200文字以内で入力してください。",
        ),
        (
            {"reason": "withdrawn", "note": "x"},
            "reason",
            "終了の理由（就職・取消）を選んでください。",
        ),
    ],
)
def test_staff_end_form_refuses_bad_input_and_keeps_what_was_typed(world, data, field, message):
    factories.staff(world.seeker)
    staff = signed_in(world.seeker, STAFF)
    refused = end(staff, world.taro, **data)
    assert refused.status_code == 422
    assert message in refused.text
    if field == "note":
        assert errors_beside(refused.text, "note") == [message]
    assert data["note"][:50] in refused.text
    assert seeker_row(world.seeker, world.taro)["closed_at"] is None


def test_a_session_left_behind_opens_nothing_once_closed(world):
    """Closing deletes the sessions; one written afterwards (a race, a restored backup)
    still opens no My Page: the session's look-up asks for an open account."""
    close(world.seeker)
    now = world.seeker.app.state.clock.now()
    token = factories.run(
        world.seeker,
        lambda conn: auth_service.start_session(
            conn,
            world.seeker.app.state.settings.secret_key,
            account=Account(SEEKER_ROLE, world.taro),
            previous_token=None,
            user_agent="testclient",
            ip_address="testclient",
            now=now,
        ),
    )
    browser = another_browser(world.seeker)
    browser.cookies.set("session", token)
    assert browser.get("/mypage").url.path == "/login"
