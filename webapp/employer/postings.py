"""求人票の作成・一覧: an employer's postings, from 下書き to 充足 (see webapp/postings)."""

from __future__ import annotations

import contextlib
import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import member_required
from webapp.auth.roles import EMPLOYER
from webapp.db import current
from webapp.employer.access import posting_for_employer
from webapp.forms import Form
from webapp.postings import catalog, forms
from webapp.postings import service as postings
from webapp.templating import render

# After an action the page says what happened; the URL carries a code, never the text.
DONE_MESSAGES = {
    "created": (
        "success",
        "下書きを保存しました。内容を確かめて「審査に提出する」を押してください。",
    ),
    "saved": ("success", "下書きを保存しました。"),
    "submitted": (
        "success",
        "審査に提出しました。ハローワークが内容を確認し、承認されると求人検索に公開されます。",
    ),
    "incomplete": (
        "success",
        "下書きを保存しました。まだ入力されていない項目があります。"
        "すべて入力してから審査に提出してください。",
    ),
    "closed": ("success", "充足にしました。この求人は求人検索に表示されなくなりました。"),
    "extended": ("success", "紹介期限日を延長しました。"),
    "already_submitted": ("info", "この求人票は既に審査に提出されています。"),
    "not_editable": ("info", "審査待ちまたは公開後の求人票は変更できません。"),
    "already_closed": ("info", "この求人票は既に募集を終了しています。"),
    "not_open": ("info", "募集中の求人票だけが延長できます。"),
    "already_extended": (
        "info",
        "紹介期限日は既に変更されています。新しい紹介期限日を確かめてください。",
    ),
    "at_limit": (
        "info",
        f"紹介期限日は、今日から{postings.EXTEND_LIMIT_MONTHS}か月後の月末より先には"
        "延長できません。",
    ),
}


# Suggestions for 市区町村, in the order of 都道府県: the names the search form offers.
MUNICIPALITY_OPTIONS = list(dict.fromkeys(m for ms in catalog.MUNICIPALITIES.values() for m in ms))


# 職業分類の中分類, each with its 大分類 so the choice reads on its own.
MINOR_OPTIONS = [
    (code, f"{code} {name}（{catalog.OCCUPATIONS[major]}）")
    for major, minors in catalog.OCCUPATION_MINORS.items()
    for code, name in minors.items()
]


def _member(request: Request):
    return request.state.member


def _done(request: Request) -> tuple[str, str] | None:
    return DONE_MESSAGES.get(request.query_params.get("done", ""))


async def _own(request: Request):
    """The posting in the URL if it is this 事業所's; 404 otherwise."""
    return await posting_for_employer(
        current(request.app), _member(request), request.path_params["posting_id"]
    )


def _back_to(request: Request, posting_id: int, done: str) -> Response:
    return htmx.redirect(request, f"/employer/postings/{posting_id}?done={done}")


@member_required(EMPLOYER)
async def index(request: Request) -> Response:
    """The 事業所's postings with their state, 紹介期限日 and number of applicants."""
    rows = await postings.list_postings(current(request.app), _member(request)["employer_id"])
    today = requests.today(request)
    items = [
        {
            "row": row,
            "state": postings.state(row, today),
            "label": postings.status_label(row, today),
            "incomplete": row["status"] == postings.DRAFT and not forms.missing(row).valid,
        }
        for row in rows
    ]
    return render(request, "employer/postings.html", {"items": items})


async def _form_page(
    request: Request, form: Form, *, posting=None, status_code: int = 200
) -> Response:
    profile = await postings.employer_profile(current(request.app), _member(request)["employer_id"])
    action = f"/employer/postings/{posting['id']}/edit" if posting else "/employer/postings/new"
    return render(
        request,
        "employer/posting_form.html",
        {
            "form": form,
            "posting": posting,
            "profile": profile,
            "action": action,
            "insurances": forms.INSURANCES,
            "anchors": forms.ANCHORS,
            "limits": {name: spec[1] for name, spec in forms.TEXT_FIELDS.items()},
            "wage_floors": forms.WAGE_FLOORS,
            "municipalities": MUNICIPALITY_OPTIONS,
            "minor_options": MINOR_OPTIONS,
            "allowance_rows": forms.ALLOWANCE_ROWS,
            "allowance_errors": any(name.startswith("allowance_") for name in form.errors),
        },
        fragment="employer/_posting_form.html",
        status_code=status_code,
    )


@member_required(EMPLOYER)
async def new_form(request: Request) -> Response:
    return await _form_page(request, forms.new_form())


def _saved(request: Request, posting_id: int, data, done: str) -> Response:
    """After a save: the check page if 「保存して、提出する内容を確認する」 was pressed; else
    the posting's page, saying whether the draft is ready to be submitted."""
    if data.get("then") == "check":
        return htmx.redirect(request, f"/employer/postings/{posting_id}/submit")
    complete = forms.parse_posting(data, complete=True)[1] is not None
    return _back_to(request, posting_id, done if complete else "incomplete")


@member_required(EMPLOYER)
async def create(request: Request) -> Response:
    """Save a new 下書き, as much of it as is typed (nothing is public until staff approve
    it)."""
    data = await request.form()
    form, values = forms.parse_posting(data)
    if values is None:
        return await _form_page(request, form, status_code=422)
    posting_id = await postings.create_draft(
        current(request.app), _member(request)["employer_id"], values, now=requests.now(request)
    )
    return _saved(request, posting_id, data, "created")


@member_required(EMPLOYER)
async def show(request: Request) -> Response:
    """The posting as a job-seeker will see it, with what may be done with it now; a draft
    not yet complete shows what it holds and what it lacks instead."""
    posting = await _own(request)
    today = requests.today(request)
    state = postings.state(posting, today)
    extend_to = None
    if posting["status"] == catalog.STATUS_OPEN:
        with contextlib.suppress(postings.CannotExtend):  # at the limit: no button
            extend_to = postings.extended_deadline(posting["referral_deadline"], today)
    lacking = forms.missing(posting) if posting["status"] == postings.DRAFT else Form()
    return render(
        request,
        "employer/posting.html",
        {
            "posting": posting,
            "state": state,
            "label": postings.status_label(posting, today),
            "done": _done(request),
            "extend_to": extend_to,
            "extend_limit": postings.extension_limit(today),
            "lacking": lacking,
            # A draft not yet complete: what it holds, "未入力" where nothing is yet (its
            # errors wait for 審査に提出する, which the employer has not asked for).
            "sections": forms.summary(posting, Form()) if lacking.errors else None,
        },
    )


@member_required(EMPLOYER)
async def edit_form(request: Request) -> Response:
    posting = await _own(request)
    if posting["status"] != postings.DRAFT:
        return _back_to(request, posting["id"], "not_editable")
    return await _form_page(request, forms.form_from_posting(posting), posting=posting)


@member_required(EMPLOYER)
async def update(request: Request) -> Response:
    """Save the draft; once submitted it can no longer change (the WHERE says draft)."""
    posting = await _own(request)
    if posting["status"] != postings.DRAFT:
        return _back_to(request, posting["id"], "not_editable")
    data = await request.form()
    form, values = forms.parse_posting(data)
    if values is None:
        return await _form_page(request, form, posting=posting, status_code=422)
    saved = await postings.update_draft(
        current(request.app),
        posting["id"],
        posting["employer_id"],
        values,
        now=requests.now(request),
    )
    if not saved:
        return _back_to(request, posting["id"], "not_editable")
    return _saved(request, posting["id"], data, "saved")


def _check_page(
    request: Request, posting, *, changed: bool = False, status_code: int = 200
) -> Response:
    """審査に提出する内容の確認: the draft as stored, field by field, each with 「変更する」;
    what it still lacks, each next to its field; the final button only when complete."""
    lacking = forms.missing(posting)
    lacking.summary = "審査に提出する前に、次の項目を入力してください"
    return render(
        request,
        "employer/posting_check.html",
        {
            "posting": posting,
            "form": lacking,
            "sections": forms.summary(posting, lacking),
            "anchors": forms.check_anchors(),
            "changed": changed,
            # What the final button carries: the version checked here (see submit).
            "seen": posting["updated_at"].isoformat(),
        },
        fragment="employer/_posting_check.html",
        status_code=status_code if lacking.valid else 422,
    )


@member_required(EMPLOYER)
async def submit_check(request: Request) -> Response:
    """The check page before 審査に提出 (a draft only)."""
    posting = await _own(request)
    if posting["status"] != postings.DRAFT:
        return _back_to(request, posting["id"], "already_submitted")
    return _check_page(request, posting)


def _seen(data) -> dt.datetime | None:
    try:
        seen = dt.datetime.fromisoformat(str(data.get("seen", "")))
    except ValueError:
        return None
    return seen if seen.tzinfo is not None else None


@member_required(EMPLOYER)
async def submit(request: Request) -> Response:
    """下書き → 審査待ち, from the check page's button: only the version the employer
    checked, and only complete. A post without it (an old page's button) gets the check
    page; a second submit says it is already done."""
    posting = await _own(request)
    if posting["status"] != postings.DRAFT:
        return _back_to(request, posting["id"], "already_submitted")
    seen = _seen(await request.form())
    if seen is None:
        return _check_page(request, posting)
    if seen != posting["updated_at"]:  # saved again since (another tab, another user)
        return _check_page(request, posting, changed=True)
    if not forms.missing(posting).valid:
        return _check_page(request, posting)
    done = await postings.submit(
        current(request.app),
        posting["id"],
        posting["employer_id"],
        seen=seen,
        now=requests.now(request),
    )
    if not done:  # between the read and the write: which of the two happened?
        posting = await _own(request)
        if posting["status"] == postings.DRAFT:
            return _check_page(request, posting, changed=True)
    return _back_to(request, posting["id"], "submitted" if done else "already_submitted")


def _close_page(request: Request, posting) -> Response:
    if posting["status"] != catalog.STATUS_OPEN:
        return _back_to(request, posting["id"], "already_closed")
    return render(request, "employer/posting_close.html", {"posting": posting})


@member_required(EMPLOYER)
async def close_confirm(request: Request) -> Response:
    """充足にする: the confirmation page (a plain form, no script needed)."""
    return _close_page(request, await _own(request))


@member_required(EMPLOYER)
async def close(request: Request) -> Response:
    """募集中 → 充足, once confirmed; without the confirmation, the confirmation page."""
    posting = await _own(request)
    data = await request.form()
    if data.get("confirm") != "yes":
        return _close_page(request, posting)
    done = await postings.close(
        current(request.app), posting["id"], posting["employer_id"], now=requests.now(request)
    )
    return _back_to(request, posting["id"], "closed" if done else "already_closed")


@member_required(EMPLOYER)
async def extend(request: Request) -> Response:
    """紹介期限日 one month later, from the date on the page the employer sent."""
    posting = await _own(request)
    if posting["status"] != catalog.STATUS_OPEN:
        return _back_to(request, posting["id"], "not_open")
    try:
        seen = dt.date.fromisoformat(str((await request.form()).get("deadline", "")))
    except ValueError:
        seen = None
    if seen != posting["referral_deadline"]:
        return _back_to(request, posting["id"], "already_extended")
    try:
        new = await postings.extend(
            current(request.app),
            posting["id"],
            posting["employer_id"],
            seen=seen,
            now=requests.now(request),
        )
    except postings.CannotExtend:
        return _back_to(request, posting["id"], "at_limit")
    return _back_to(request, posting["id"], "extended" if new else "already_extended")


routes = [
    Route("/employer/postings", index, methods=["GET"]),
    Route("/employer/postings/new", new_form, methods=["GET"]),
    Route("/employer/postings/new", create, methods=["POST"]),
    Route("/employer/postings/{posting_id:id}", show, methods=["GET"]),
    Route("/employer/postings/{posting_id:id}/edit", edit_form, methods=["GET"]),
    Route("/employer/postings/{posting_id:id}/edit", update, methods=["POST"]),
    Route("/employer/postings/{posting_id:id}/submit", submit_check, methods=["GET"]),
    Route("/employer/postings/{posting_id:id}/submit", submit, methods=["POST"]),
    Route("/employer/postings/{posting_id:id}/close", close_confirm, methods=["GET"]),
    Route("/employer/postings/{posting_id:id}/close", close, methods=["POST"]),
    Route("/employer/postings/{posting_id:id}/extend", extend, methods=["POST"]),
]
