"""The life of an application: who may move it from which state to which (a table), one
change per double tap, interview dates, the one timeline, 応募履歴, the employer's list and
its filters, and nobody else's applications."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests import factories
from tests.factories import rows
from tests.helpers import (
    EMPLOYER,
    OTHER_EMPLOYER,
    OTHER_SEEKER,
    SEEKER,
    browsers_for,
    signed_in,
    submit,
)
from webapp.applications import service, states
from webapp.applications.documents import Document
from webapp.clock import to_jst
from webapp.schema import (
    application_documents,
    application_events,
    applications,
    job_seekers,
    messages,
    outbox,
)

STATES = ("applied", "screening", "interview", "offered", "rejected", "withdrawn")
LABELS = {
    "applied": "応募済み",
    "screening": "書類選考中",
    "interview": "面接調整中",
    "offered": "内定",
    "rejected": "不採用",
    "withdrawn": "辞退",
}
# The rule, written out here on its own so that a change to states.TRANSITIONS shows up.
ALLOWED = {
    ("seeker", "applied"): {"withdrawn"},
    ("seeker", "screening"): {"withdrawn"},
    ("seeker", "interview"): {"withdrawn"},
    ("seeker", "offered"): {"withdrawn"},
    ("employer", "applied"): {"screening", "rejected"},
    ("employer", "screening"): {"interview", "rejected"},
    ("employer", "interview"): {"offered", "rejected"},
}


@pytest.mark.parametrize("side", ["seeker", "employer"])
@pytest.mark.parametrize("current", STATES)
@pytest.mark.parametrize("target", STATES)
def test_the_transition_table(side, current, target):
    assert states.may(side, current, target) == (target in ALLOWED.get((side, current), set()))


def test_the_labels():
    assert states.LABELS == LABELS


# --- fixtures and helpers ---------------------------------------------------------------


def make_case(client) -> SimpleNamespace:
    """Taro's direct application (with a 履歴書) to 株式会社となみ精工's posting."""
    world = factories.applications_world(client)
    resume = Document("resume", "履歴書.pdf", "application/pdf", factories.PDF)
    world.application = factories.application(client, world.taro, world.posting, [resume])
    world.document = rows(client, application_documents)[0]["id"]
    world.seeker_url = f"/mypage/applications/{world.application}"
    world.employer_url = f"/employer/applicants/{world.application}"
    return world


def add_many(client, case) -> SimpleNamespace:
    """P1 (Taro: applied; Hanako: screening), P2 (Taro: applied); another 事業所's P3
    (Hanako: applied)."""
    p2 = factories.posting(
        client, online_application=True, employer_id=case.company, job_title="梱包スタッフ"
    )
    p3 = factories.posting(
        client, online_application=True, employer_id=case.other, job_title="よその求人"
    )
    hanako_p1 = factories.application(client, case.hanako, case.posting)
    change(client, hanako_p1, "employer", "applied", "screening")
    factories.application(client, case.taro, p2)
    factories.application(client, case.hanako, p3)
    case.p2, case.p3 = p2, p3
    return case


@pytest.fixture
def case(client):
    return make_case(client)


@pytest.fixture(scope="module")
def shared_many(module_client):
    """`many`'s applications in the module's one database, with a browser signed in as
    each person (None: nobody), for the tests that only look: each page they open and
    each refusal they get must leave every row as it was (factories.unchanged)."""
    case = add_many(module_client, make_case(module_client))
    case.browsers = browsers_for(
        module_client, {who: who for who in (None, SEEKER, OTHER_SEEKER, EMPLOYER)}
    )
    with factories.unchanged(module_client):
        yield case


def set_state(client, application_id: int, state: str) -> None:
    factories.update(client, applications, applications.c.id == application_id, state=state)


def state_of(client, application_id: int) -> str:
    return rows(client, applications, applications.c.id == application_id)[0]["state"]


def events_of(client, application_id: int) -> list[dict]:
    return rows(client, application_events, application_events.c.application_id == application_id)


def change(client, application_id: int, side: str, expected: str, target: str) -> bool:
    async def work(conn):
        return await service.change_state(
            conn,
            application_id,
            actor=service.Actor(side),
            expected=expected,
            target=target,
            now=client.app.state.clock.now(),
            base_url="http://testserver",
        )

    return factories.run(client, work)


def interview(client, application_id: int, at: dt.datetime, note: str = "") -> bool:
    async def work(conn):
        return await service.set_interview(
            conn,
            application_id,
            member_id=None,
            interview_at=at,
            note=note,
            now=client.app.state.clock.now(),
            base_url="http://testserver",
        )

    return factories.run(client, work)


def add_message(client, application_id: int, sender: str, body: str, at, read: bool = False):
    async def work(conn):
        return await conn.fetch_val(
            messages.insert()
            .values(
                application_id=application_id,
                sender=sender,
                body=body,
                created_at=at,
                read_at=at if read else None,
            )
            .returning(messages.c.id)
        )

    return factories.run(client, work)


def post_state(browser, case, expected: str, target: str):
    """The employer's change as its page makes it: a button, or for 不採用 the final
    button of its check page (post_reject)."""
    if target == "rejected":
        return post_reject(browser, case, expected, step="confirm")
    return submit(
        browser,
        f"{case.employer_url}/state",
        {"expected": expected, "state": target},
        page=case.employer_url,
        follow_redirects=False,
    )


def post_reject(browser, case, expected: str, *, step: str, note: str = "", **kwargs):
    """A step of 不採用にする: "check" (the form's 確認へ進む), "edit" (変更する), "confirm"."""
    return submit(
        browser,
        f"{case.employer_url}/reject",
        {"expected": expected, "step": step, "note": note},
        page=case.employer_url,
        follow_redirects=kwargs.pop("follow_redirects", False),
        **kwargs,
    )


def post_withdraw(browser, case, expected: str, confirm: bool = True):
    data = {"expected": expected, **({"confirm": "yes"} if confirm else {})}
    return submit(
        browser,
        f"{case.seeker_url}/withdraw",
        data,
        page="/mypage/applications",
        follow_redirects=False,
    )


def refusal(current: str, target: str) -> str:
    return f"「{LABELS[current]}」の応募を「{LABELS[target]}」にすることはできません。"


# --- each side, each state, over HTTP ---------------------------------------------------


@pytest.mark.parametrize("current", STATES)
def test_the_employer_moves_only_where_the_table_allows(client, case, current):
    employer = signed_in(client, EMPLOYER, first=True)
    for target in STATES:
        set_state(client, case.application, current)
        before = len(events_of(client, case.application))

        response = post_state(employer, case, current, target)

        if target in ALLOWED.get(("employer", current), set()):
            assert response.status_code == 303, (current, target)
            done = "rejected" if target == "rejected" else "state"
            assert response.headers["location"] == f"{case.employer_url}?done={done}"
            assert state_of(client, case.application) == target
            event = events_of(client, case.application)[-1]
            assert (event["actor"], event["kind"], event["state"]) == ("employer", "state", target)
            assert event["member_id"] is not None
            assert event["created_at"] == client.app.state.clock.now()
        else:
            assert response.status_code == 409, (current, target)
            assert refusal(current, target) in response.text
            assert state_of(client, case.application) == current
            assert len(events_of(client, case.application)) == before


@pytest.mark.parametrize("current", STATES)
def test_the_job_seeker_withdraws_only_where_the_table_allows(client, case, current):
    taro = signed_in(client, SEEKER, first=True)
    set_state(client, case.application, current)

    response = post_withdraw(taro, case, current)

    if "withdrawn" in ALLOWED.get(("seeker", current), set()):
        assert response.status_code == 303
        assert response.headers["location"] == f"{case.seeker_url}?done=withdrawn"
        assert state_of(client, case.application) == "withdrawn"
        [event] = events_of(client, case.application)
        assert (event["actor"], event["state"], event["member_id"]) == ("seeker", "withdrawn", None)
        assert "この応募を辞退しました。" in taro.get(response.headers["location"]).text
    else:
        assert response.status_code == 409
        assert refusal(current, "withdrawn") in response.text
        assert state_of(client, case.application) == current
        assert events_of(client, case.application) == []


@pytest.mark.parametrize("current", STATES)
def test_the_withdraw_form_is_offered_only_where_it_is_allowed(client, case, current):
    taro = signed_in(client, SEEKER, first=True)
    set_state(client, case.application, current)
    page = taro.get(case.seeker_url).text
    assert ("この応募を辞退する" in page) == (
        current in ("applied", "screening", "interview", "offered")
    )


@pytest.mark.parametrize("current", STATES)
def test_the_employer_sees_a_button_for_each_allowed_change_only(client, case, current):
    employer = signed_in(client, EMPLOYER, first=True)
    set_state(client, case.application, current)
    page = employer.get(case.employer_url).text
    offered = set(re.findall(r'name="state" value="(\w+)"', page))
    if f'href="{case.employer_url}/reject"' in page:  # 不採用: its own page
        offered.add("rejected")
    assert offered == ALLOWED.get(("employer", current), set())


def test_withdrawing_needs_the_confirmation_ticked(client, case):
    taro = signed_in(client, SEEKER, first=True)
    response = post_withdraw(taro, case, "applied", confirm=False)
    assert response.status_code == 422
    assert "辞退する場合は「この応募を辞退します」にチェックを付けてください。" in response.text
    assert state_of(client, case.application) == "applied"


def test_an_unknown_state_is_a_bad_request(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    assert post_state(employer, case, "applied", "hired").status_code == 400
    assert state_of(client, case.application) == "applied"


# --- double submission and races --------------------------------------------------------


def test_a_double_tap_changes_the_state_once(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    first = post_state(employer, case, "applied", "screening")
    second = post_state(employer, case, "applied", "screening")

    assert first.status_code == second.status_code == 303
    assert [e["state"] for e in events_of(client, case.application)] == ["screening"]
    assert len(rows(client, outbox, outbox.c.to_addr == "taro@example.com")) == 1


def test_a_page_that_is_out_of_date_gets_409(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    change(client, case.application, "employer", "applied", "screening")
    change(client, case.application, "employer", "screening", "interview")

    response = post_state(employer, case, "applied", "screening")

    assert response.status_code == 409
    assert (
        "この応募の状況は、すでに「面接調整中」に変わっています。"
        "画面を開き直して、いまの状況を確かめてください。"
    ) in response.text
    assert state_of(client, case.application) == "interview"


def test_a_withdrawal_racing_an_employer_change_loses_cleanly(client, case):
    taro = signed_in(client, SEEKER, first=True)
    change(client, case.application, "employer", "applied", "rejected")

    response = post_withdraw(taro, case, "applied")

    assert response.status_code == 409
    assert "すでに「不採用」に変わっています。" in response.text
    assert state_of(client, case.application) == "rejected"


def test_the_guard_holds_in_the_service(client, case):
    assert change(client, case.application, "employer", "applied", "screening") is True
    assert change(client, case.application, "employer", "applied", "screening") is False
    with pytest.raises(service.Refused) as refused:
        change(client, case.application, "employer", "applied", "rejected")
    assert refused.value.status == 409
    assert len(events_of(client, case.application)) == 1


def test_a_filled_posting_still_lets_both_sides_finish(client, case):
    async def fill(conn):
        await conn.execute(
            sa.text("UPDATE job_postings SET status = 'filled' WHERE id = :id").bindparams(
                id=case.posting["id"]
            )
        )

    factories.run(client, fill)
    employer = signed_in(client, EMPLOYER, first=True)
    assert post_state(employer, case, "applied", "screening").status_code == 303
    taro = signed_in(client, SEEKER)
    assert post_withdraw(taro, case, "screening").status_code == 303


# --- 不採用: a message, a check of what will be sent, then the change -----------------------

NOTE = (
    "このたびはご応募いただき、ありがとうございました。\n今回はご期待に添えない結果となりました。"
)


def test_rejecting_goes_through_a_check_of_what_will_be_sent(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    set_state(client, case.application, "screening")
    page = employer.get(case.employer_url)
    assert f'href="{case.employer_url}/reject">不採用にする</a>' in page.text

    form = employer.get(f"{case.employer_url}/reject")
    assert form.status_code == 200
    assert "応募者へのメッセージ" in form.text and "確認へ進む" in form.text
    assert 'name="expected" value="screening"' in form.text

    check = post_reject(employer, case, "screening", step="check", note=NOTE)
    assert check.status_code == 200
    assert "不採用の連絡の確認" in check.text
    assert "不採用にすると、元に戻せません。" in check.text
    assert "山田太郎 さん" in check.text
    assert "書類選考中 → <strong>不採用</strong>" in check.text
    assert "今回はご期待に添えない結果となりました。" in check.text
    assert "【ハローワーク】応募の状況が「不採用」になりました" in check.text
    assert state_of(client, case.application) == "screening"  # nothing yet

    # 変更する: back to the form with the message as typed.
    edit = post_reject(employer, case, "screening", step="edit", note=NOTE)
    assert "確認へ進む" in edit.text
    assert NOTE in edit.text  # in the textarea, line break and all
    assert state_of(client, case.application) == "screening"

    done = post_reject(employer, case, "screening", step="confirm", note=NOTE)
    assert done.status_code == 303
    assert done.headers["location"] == f"{case.employer_url}?done=rejected"
    assert (
        "不採用にしました。応募者にお知らせしました。"
        in employer.get(done.headers["location"]).text
    )
    assert state_of(client, case.application) == "rejected"
    (event,) = events_of(client, case.application)
    assert (event["state"], event["note"]) == ("rejected", NOTE)

    mail = client.smtp.wait_for("taro@example.com", 1)[-1]
    assert mail["Subject"] == "【ハローワーク】応募の状況が「不採用」になりました"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"事業所からのメッセージ:\n{NOTE}\n" in body
    taro = signed_in(client, SEEKER)
    assert "事業所からのメッセージ: このたびはご応募" in taro.get(case.seeker_url).text


def test_without_a_message_only_the_state_is_told(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    check = post_reject(employer, case, "applied", step="check")
    assert "なし（状況が変わったことだけをお知らせします）" in check.text
    post_reject(employer, case, "applied", step="confirm")
    body = client.smtp.wait_for("taro@example.com", 1)[-1].get_body(preferencelist=("plain",))
    assert "事業所からのメッセージ" not in body.get_content()


def test_an_old_pages_reject_button_shows_the_check_and_changes_nothing(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    response = submit(
        employer,
        f"{case.employer_url}/state",
        {"expected": "applied", "state": "rejected"},
        page=case.employer_url,
    )
    assert response.status_code == 200
    assert "不採用の連絡の確認" in response.text
    assert state_of(client, case.application) == "applied"
    assert events_of(client, case.application) == []


def test_a_message_too_long_is_shown_next_to_it(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    for step in ("check", "confirm"):
        response = post_reject(employer, case, "applied", step=step, note="あ" * 501)
        assert response.status_code == 422
        assert "応募者へのメッセージは500文字以内で入力してください（現在501文字）。" in (
            response.text
        )
        assert "確認へ進む" in response.text
    assert state_of(client, case.application) == "applied"


def test_confirming_twice_rejects_and_tells_once(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    first = post_reject(employer, case, "applied", step="confirm", note="見送ります。")
    second = post_reject(employer, case, "applied", step="confirm", note="見送ります。")
    assert first.status_code == second.status_code == 303
    assert len(events_of(client, case.application)) == 1
    assert len(rows(client, outbox, outbox.c.to_addr == "taro@example.com")) == 1


def test_htmx_swaps_each_step_and_is_sent_on_at_the_end(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    form = employer.get(f"{case.employer_url}/reject", headers={"HX-Request": "true"})
    assert form.text.startswith('<div id="applicant-reject">') and "<html" not in form.text
    check = post_reject(employer, case, "applied", step="check", note="x", htmx=True)
    assert check.text.startswith('<div id="applicant-reject">')
    assert "不採用の連絡の確認" in check.text
    done = post_reject(employer, case, "applied", step="confirm", note="x", htmx=True)
    assert done.headers["HX-Redirect"] == f"{case.employer_url}?done=rejected"


def test_a_check_overtaken_by_a_withdrawal_says_so(client, case):
    """The applicant withdrew while the employer read the check page."""
    employer = signed_in(client, EMPLOYER, first=True)
    change(client, case.application, "seeker", "applied", "withdrawn")
    plain = post_reject(employer, case, "applied", step="confirm")
    assert plain.status_code == 409
    assert "この応募の状況は、すでに「辞退」に変わっています。" in plain.text
    swapped = post_reject(employer, case, "applied", step="confirm", htmx=True)
    assert swapped.status_code == 200  # htmx swaps no 409: the page in place of <main>
    assert swapped.headers["HX-Retarget"] == "#main"
    assert swapped.headers["HX-Push-Url"] == case.employer_url
    assert "この応募の状況は、すでに「辞退」に変わっています。" in swapped.text
    assert state_of(client, case.application) == "withdrawn"


def test_the_reject_page_of_a_decided_application_leads_back_to_it(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    set_state(client, case.application, "offered")
    response = employer.get(f"{case.employer_url}/reject", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == case.employer_url


# --- mail to the job-seeker -------------------------------------------------------------


def test_the_job_seeker_is_mailed_on_an_employer_change(client, case):
    employer = signed_in(client, EMPLOYER, first=True)
    post_state(employer, case, "applied", "screening")

    mail = client.smtp.wait_for("taro@example.com", 1)[-1]
    assert mail["Subject"] == "【ハローワーク】応募の状況が「書類選考中」になりました"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "株式会社テスト商事" in body
    assert f"http://testserver{case.seeker_url}" in body


def test_no_mail_when_the_job_seeker_turned_message_mail_off(client, case):
    async def opt_out(conn):
        await conn.execute(
            job_seekers.update().where(job_seekers.c.id == case.taro).values(mail_messages=False)
        )

    factories.run(client, opt_out)
    change(client, case.application, "employer", "applied", "screening")
    assert rows(client, outbox, outbox.c.to_addr == "taro@example.com") == []
    assert state_of(client, case.application) == "screening"


def test_a_withdrawal_tells_the_employer_not_the_seeker_who_made_it(client, case):
    change(client, case.application, "seeker", "applied", "withdrawn")
    assert rows(client, outbox, outbox.c.to_addr == "taro@example.com") == []
    (mail,) = rows(client, outbox, outbox.c.subject.like("%応募が辞退されました%"))
    assert mail["to_addr"] == "hr@example.com"
    assert "山田太郎" not in mail["body"]  # the applicant stays behind the sign-in
    assert f"/employer/applicants/{case.application}" in mail["body"]
    assert rows(client, outbox, outbox.c.to_addr == "other@example.com") == []


# --- interview dates --------------------------------------------------------------------


def _jst_fields(moment: dt.datetime) -> dict:
    local = to_jst(moment)
    return {"interview_date": local.strftime("%Y-%m-%d"), "interview_time": local.strftime("%H:%M")}


def post_interview(browser, case, **data):
    return submit(
        browser,
        f"{case.employer_url}/interview",
        data,
        page=case.employer_url,
        follow_redirects=False,
    )


def test_the_employer_sets_an_interview_date_in_jst(client, case):
    set_state(client, case.application, "interview")
    employer = signed_in(client, EMPLOYER, first=True)
    at = (client.app.state.clock.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)

    response = post_interview(employer, case, note="本社2階の会議室へ", **_jst_fields(at))

    assert response.status_code == 303
    [event] = events_of(client, case.application)
    assert (event["kind"], event["interview_at"], event["note"]) == (
        "interview",
        at,
        "本社2階の会議室へ",
    )
    page = employer.get(case.employer_url).text
    assert to_jst(at).strftime("%Y年%m月%d日 %H:%M") in page
    mail = client.smtp.wait_for("taro@example.com", 1)[-1]
    assert mail["Subject"] == "【ハローワーク】面接日時のお知らせ（株式会社テスト商事）"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"面接日時: {to_jst(at).strftime('%Y年%m月%d日 %H時%M分')}" in body
    assert "本社2階の会議室へ" in body


def test_the_same_interview_date_twice_is_recorded_once(client, case):
    set_state(client, case.application, "interview")
    at = client.app.state.clock.now() + dt.timedelta(days=2)
    assert interview(client, case.application, at, "持ち物: 筆記用具") is True
    assert interview(client, case.application, at, "持ち物: 筆記用具") is False
    assert interview(client, case.application, at + dt.timedelta(hours=1)) is True
    assert len(events_of(client, case.application)) == 2


@pytest.mark.parametrize(
    ("change_fields", "message"),
    [
        ({"interview_date": ""}, "面接の日付を入力してください。"),
        (
            {"interview_date": "2025-13-40"},
            "面接の日付を正しく入力してください（例: 2025-04-01）。",
        ),
        ({"interview_date": "来週"}, "面接の日付を正しく入力してください（例: 2025-04-01）。"),
        ({"interview_time": ""}, "面接の時刻を入力してください。"),
        ({"interview_time": "25:00"}, "面接の時刻を正しく入力してください（例: 14:00）。"),
        ({"days": -1}, "面接の日時には、これから先の日時を入力してください。"),
        ({"days": 400}, "面接の日時は1年以内の日時を入力してください。"),
        ({"note": "あ" * 201}, "連絡事項は200文字以内で入力してください。"),
    ],
)
def test_a_bad_interview_date_is_refused(client, case, change_fields, message):
    set_state(client, case.application, "interview")
    employer = signed_in(client, EMPLOYER, first=True)
    change_fields = dict(change_fields)
    days = change_fields.pop("days", 3)
    fields = {
        **_jst_fields(client.app.state.clock.now() + dt.timedelta(days=days)),
        **change_fields,
    }

    response = post_interview(employer, case, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert events_of(client, case.application) == []


def test_full_width_digits_in_the_interview_date_are_accepted(client, case):
    set_state(client, case.application, "interview")
    employer = signed_in(client, EMPLOYER, first=True)
    fields = _jst_fields(client.app.state.clock.now() + dt.timedelta(days=3))
    wide = {
        k: v.translate(str.maketrans("0123456789:-", "０１２３４５６７８９：－"))
        for k, v in fields.items()
    }
    assert post_interview(employer, case, **wide).status_code == 303


@pytest.mark.parametrize("current", ["applied", "screening", "offered", "rejected", "withdrawn"])
def test_an_interview_date_only_while_interviews_are_arranged(client, case, current):
    set_state(client, case.application, current)
    employer = signed_in(client, EMPLOYER, first=True)
    fields = _jst_fields(client.app.state.clock.now() + dt.timedelta(days=3))

    response = post_interview(employer, case, **fields)

    assert response.status_code == 409
    assert (
        f"面接日時は「面接調整中」の応募にだけ設定できます（いまの状況: {LABELS[current]}）。"
        in response.text
    )
    assert events_of(client, case.application) == []


# --- the one timeline -------------------------------------------------------------------


def test_the_timeline_merges_letter_changes_interviews_and_messages_in_time_order(client, case):
    clock = client.app.state.clock
    start = clock.now()
    other = factories.posting(client, online_application=False, employer_id=case.company)
    referred = factories.referral(client, case.taro, other)
    clock.advance(hours=1)
    change(client, referred.application, "employer", "applied", "screening")
    clock.advance(hours=2)
    change(client, referred.application, "employer", "screening", "interview")
    clock.advance(minutes=5)
    interview_at = clock.now() + dt.timedelta(days=4)
    interview(client, referred.application, interview_at, "本社受付へお越しください")
    # Messages written last but dated in between: the order is by time, not by insert.
    asked = add_message(
        client,
        referred.application,
        "employer",
        "面接日程のご相談です。\n候補日をお送りします。",
        start + dt.timedelta(hours=2),
    )
    replied = add_message(
        client,
        referred.application,
        "seeker",
        "承知しました。",
        clock.now() + dt.timedelta(minutes=1),
    )
    clock.advance(minutes=10)

    taro = signed_in(client, SEEKER, first=True)
    seeker_page = taro.get(f"/mypage/applications/{referred.application}").text
    employer = signed_in(client, EMPLOYER)
    employer_page = employer.get(f"/employer/applicants/{referred.application}").text

    def order(page, *markers):
        positions = [page.index(marker) for marker in markers]
        assert positions == sorted(positions), markers

    order(
        seeker_page,
        "ハローワークから紹介されました（紹介番号",
        "状況が「書類選考中」になりました",
        "面接日程のご相談です。",
        "状況が「面接調整中」になりました",
        "面接日時が決まりました",
        "承知しました。",
    )
    assert f'href="/mypage/referrals/{referred.referral}/letter"' in seeker_page
    assert (
        f'href="/mypage/applications/{referred.application}/messages#message-{asked}"'
        in seeker_page
    )
    assert "候補日をお送りします。" not in seeker_page  # the first line only
    assert "あなたのメッセージ" in seeker_page
    assert "本社受付へお越しください" in seeker_page
    order(
        employer_page,
        "ハローワークから紹介がありました（紹介番号",
        "状況が「書類選考中」になりました",
        "面接日程のご相談です。",
        "面接日時が決まりました",
        "応募者からのメッセージ",
    )
    assert f'href="/employer/applicants/{referred.application}/letter"' in employer_page
    assert (
        f"/employer/applicants/{referred.application}/messages#message-{replied}" in employer_page
    )


def test_the_employer_reads_the_letter_of_a_referral(client, case):
    lathe = factories.posting(client, employer_id=case.company, job_title="旋盤オペレーター")
    referred = factories.referral(client, case.hanako, lathe)
    employer = signed_in(client, EMPLOYER, first=True)

    page = employer.get(f"/employer/applicants/{referred.application}/letter")

    assert page.status_code == 200
    for text in (
        "紹介状",
        "16040-0000123",
        "ハローワーク砺波",
        "0763-32-2914",
        "砺波花子",
        "旋盤オペレーター",
        "株式会社となみ精工 御中",
        "面接時に紹介状をお渡しください。",
        to_jst(client.app.state.clock.now()).strftime("%Y年%m月%d日"),
    ):
        assert text in page.text
    assert employer.get(f"{case.employer_url}/letter").status_code == 404  # direct: no letter


def test_the_employer_sees_name_and_age_but_no_contact_details(shared_many):
    case = shared_many
    page = case.browsers[EMPLOYER].get(case.employer_url).text
    assert "山田太郎 さん" in page
    today = to_jst(shared_many.browsers[None].app.state.clock.now()).date()
    age = today.year - 1990 - ((today.month, today.day) < (4, 1))
    assert f"{age}歳" in page
    assert "taro@example.com" not in page
    assert "履歴書.pdf" in page
    assert "検査の経験を生かしたいと考えました。" in page


# --- 応募履歴 ------------------------------------------------------------------------------


def test_the_history_lists_every_application_and_referral_with_state_and_unread(client, case):
    other = factories.posting(client, employer_id=case.company, job_title="旋盤オペレーター")
    referred = factories.referral(client, case.taro, other)
    change(client, case.application, "employer", "applied", "screening")
    now = client.app.state.clock.now()
    add_message(client, case.application, "employer", "書類を拝見しました。", now)
    add_message(client, case.application, "employer", "ご連絡です。", now)
    add_message(client, case.application, "employer", "既読のもの", now, read=True)
    add_message(client, case.application, "seeker", "自分の送信", now)
    hers = factories.posting(
        client, online_application=True, employer_id=case.company, job_title="受付事務"
    )
    factories.application(client, case.hanako, hers)

    taro = signed_in(client, SEEKER, first=True)
    page = taro.get("/mypage/applications").text

    assert "精密部品の検査" in page and "旋盤オペレーター" in page
    assert "受付事務" not in page  # Hanako's
    assert "オンライン自主応募" in page and "ハローワーク紹介" in page
    assert "書類選考中" in page and "応募済み" in page
    # Once in the list (the header's menu says it too, with its own link).
    listing = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert listing.count("未読メッセージ 2件") == 1
    assert f'href="/mypage/applications/{referred.application}"' in page


def test_an_empty_history_says_so(client, case):
    hanako = signed_in(client, OTHER_SEEKER, first=True)
    assert "応募した求人はまだありません。" in hanako.get("/mypage/applications").text


# --- the employer's list ----------------------------------------------------------------


def _listed(page: str) -> tuple[int, list[str]]:
    total = int(re.search(r"<strong>(\d+)件</strong>の応募", page).group(1))
    names = re.findall(r'<a href="/employer/applicants/\d+">(.+?) さん</a>', page)
    return total, names


@pytest.mark.parametrize(
    ("query", "total", "names"),
    [
        ("", 3, {"山田太郎", "砺波花子"}),
        ("?posting={p1}", 2, {"山田太郎", "砺波花子"}),
        ("?posting={p1}&state=screening", 1, {"砺波花子"}),
        ("?state=applied", 2, {"山田太郎"}),
        ("?posting={p2}&state=screening", 0, set()),
        ("?posting={p3}", 0, set()),  # another 事業所's posting: nothing of theirs shows
        ("?posting=abc&state=nonsense", 3, {"山田太郎", "砺波花子"}),
    ],
)
def test_the_employer_filters_applicants_by_posting_and_state(shared_many, query, total, names):
    many, employer = shared_many, shared_many.browsers[EMPLOYER]
    url = "/employer/applicants" + query.format(
        p1=many.posting["id"], p2=many.p2["id"], p3=many.p3["id"]
    )

    page = employer.get(url).text

    shown_total, shown = _listed(page)
    assert shown_total == total
    assert set(shown) == names
    assert len(shown) == total
    assert "よその求人" not in page
    if total == 0:
        assert "この条件に合う応募はありません。" in page


def test_the_filter_offers_only_the_employers_own_postings(shared_many):
    many = shared_many
    page = many.browsers[EMPLOYER].get("/employer/applicants").text
    options = re.findall(r'<option value="(\d+)"', page)
    assert set(options) == {str(many.posting["id"]), str(many.p2["id"])}


def test_htmx_gets_only_the_list(shared_many):
    many = shared_many
    response = many.browsers[EMPLOYER].get(
        f"/employer/applicants?posting={many.p2['id']}", headers={"HX-Request": "true"}
    )
    assert response.text.startswith('<div id="applicant-list"')
    assert "<html" not in response.text
    assert _listed(response.text) == (1, ["山田太郎"])
    assert response.headers["vary"] == "HX-Request"


def test_the_list_shows_unread_messages_from_applicants(client, case):
    add_message(
        client, case.application, "seeker", "よろしくお願いします。", client.app.state.clock.now()
    )
    employer = signed_in(client, EMPLOYER, first=True)
    assert "未読メッセージ 1件" in employer.get("/employer/applicants").text


# --- authorization ----------------------------------------------------------------------

EMPLOYER_URLS = [
    ("GET", ""),
    ("GET", "/documents/{document}"),
    ("GET", "/letter"),
    ("POST", "/state"),
    ("POST", "/interview"),
    ("GET", "/reject"),
    ("POST", "/reject"),
]


@pytest.mark.parametrize(("method", "suffix"), EMPLOYER_URLS)
def test_another_employers_applicant_is_404_on_every_employer_url(client, case, method, suffix):
    referred = factories.referral(client, case.hanako, case.posting)
    application = referred.application if suffix == "/letter" else case.application
    url = f"/employer/applicants/{application}" + suffix.format(document=case.document)
    set_state(client, case.application, "interview")
    intruder = signed_in(client, OTHER_EMPLOYER, first=True)
    data = {
        "expected": "interview",
        "state": "offered",
        "step": "confirm",  # 不採用's final button
        **_jst_fields(client.app.state.clock.now() + dt.timedelta(days=2)),
    }

    if method == "GET":
        response = intruder.get(url)
    else:
        response = submit(intruder, url, data, page="/employer/applicants", follow_redirects=False)

    assert response.status_code == 404
    assert "山田太郎" not in response.text and "砺波花子" not in response.text
    assert state_of(client, case.application) == "interview"
    assert events_of(client, case.application) == []
    # The same URL works for the 事業所 the application was made to.
    owner = signed_in(client, EMPLOYER)
    if method == "GET":
        assert owner.get(url).status_code == 200
    else:
        owner_response = submit(
            owner, url, data, page="/employer/applicants", follow_redirects=False
        )
        assert owner_response.status_code == 303


SEEKER_URLS = [
    ("GET", ""),
    ("POST", "/withdraw"),
    ("GET", "/documents/{document}"),
]


@pytest.mark.parametrize(("method", "suffix"), SEEKER_URLS)
def test_another_job_seekers_application_is_404(shared_many, method, suffix):
    case = shared_many
    url = case.seeker_url + suffix.format(document=case.document)
    hanako = case.browsers[OTHER_SEEKER]

    if method == "GET":
        response = hanako.get(url)
    else:
        response = submit(
            hanako,
            url,
            {"expected": "applied", "confirm": "yes"},
            page="/mypage/applications",
            follow_redirects=False,
        )

    assert response.status_code == 404
    assert "精密部品の検査" not in response.text
    assert state_of(hanako, case.application) == "applied"


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (None, "/mypage/applications", 303),
        (None, "/employer/applicants", 303),
        (SEEKER, "/employer/applicants", 403),
        (EMPLOYER, "/mypage/applications", 303),
        (None, "{seeker_url}", 303),
        (None, "{employer_url}", 303),
    ],
)
def test_each_area_lets_in_only_its_own_people(shared_many, who, url, status):
    case = shared_many
    response = case.browsers[who].get(
        url.format(seeker_url=case.seeker_url, employer_url=case.employer_url),
        follow_redirects=False,
    )
    assert response.status_code == status


def test_a_job_seeker_cannot_use_the_employers_state_url(client, case):
    taro = signed_in(client, SEEKER, first=True)
    response = submit(
        taro,
        f"{case.employer_url}/state",
        {"expected": "applied", "state": "offered"},
        page="/mypage/applications",
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert state_of(client, case.application) == "applied"
