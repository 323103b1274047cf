"""Handlers of オンライン自主応募, 応募履歴 and the employer's 応募者 pages."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.applications import documents, drafts, forms, service, states
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import EMPLOYER
from webapp.db import current
from webapp.employer.access import application_for_employer
from webapp.forms import Form
from webapp.templating import render

DONE_MESSAGES = {
    "sent": "応募しました。事業所からの連絡は、この画面とメールでお知らせします。",
    "withdrawn": "この応募を辞退しました。",
    "state": "応募の状況を変更しました。応募者にお知らせしました。",
    "rejected": "不採用にしました。応募者にお知らせしました。",
    "interview": "面接日時を設定しました。応募者にお知らせしました。",
}


def _common() -> dict:
    return {
        "states": states,
        "kind_labels": service.KIND_LABELS,
        "size_text": documents.size_text,
        "type_labels": documents.TYPE_LABELS,
        "kind_names": documents.KINDS,
    }


# --- Job-seeker: applying ---------------------------------------------------------------


async def _posting_to_apply(request: Request):
    """(the posting, the response to send instead of the form or None)."""
    conn = current(request.app)
    posting = await service.public_posting(conn, request.path_params["posting_id"])
    if posting is None:
        raise HTTPException(404)
    existing = await service.for_seeker_posting(conn, request.state.user["id"], posting["id"])
    if existing is not None:  # already applied (or referred): the application is the answer
        return posting, htmx.redirect(request, f"/mypage/applications/{existing['id']}")
    refusal = service.apply_refusal(posting, requests.today(request), request.state.user)
    if refusal is not None:
        if htmx.is_htmx(request):
            # htmx swaps no 403/409 into the form (the tap would seem to do nothing): the
            # browser loads the apply page, which now answers with the refusal.
            return posting, htmx.redirect(request, f"/jobs/{posting['id']}/apply")
        page = render(
            request,
            "applications/refused.html",
            {"posting": posting, "refusal": refusal},
            status_code=refusal.status,
        )
        return posting, page
    return posting, None


def _apply_page(
    request: Request, posting, form: Form, draft, *, status_code: int = 200, notice: str = ""
) -> Response:
    return render(
        request,
        "applications/apply.html",
        {
            "posting": posting,
            "form": form,
            "kept": draft.files if draft is not None else {},
            "notice": notice,
            "max_mb": documents.MAX_MB,
            "motivation_max": forms.MOTIVATION_MAX,
            **_common(),
        },
        fragment="applications/_apply_form.html",
        status_code=status_code,
    )


def _apply_url(posting) -> str:
    return f"/jobs/{posting['id']}/apply"


async def _draft(request: Request, posting):
    return await drafts.load(
        current(request.app), request.state.user["id"], posting["id"], drafts.DIRECT
    )


@login_required
async def apply_form(request: Request) -> Response:
    """オンライン自主応募: the three notes, 志望動機 and 応募書類, as the draft keeps them
    (what was typed before 「確認する」, after 「修正する」, Back or a lost signal)."""
    posting, instead = await _posting_to_apply(request)
    if instead is not None:
        return instead
    draft = await _draft(request, posting)
    form = forms.from_draft(draft, checked=False) if draft is not None else Form()
    return _apply_page(request, posting, form, draft)


@login_required
async def apply(request: Request) -> Response:
    """確認する: keep what was typed and the files chosen in the draft, then the check page
    (nothing is sent yet). An old page's 「この内容で応募する」 lands on the check page too.
    「外す」 (a kept file's button) removes that file and shows the form again."""
    data = await request.form()
    try:
        posting, instead = await _posting_to_apply(request)
        if instead is not None:
            return instead
        form, chosen = await forms.application(data)
        removing = forms.removal(data)
    finally:
        await data.close()
    conn = current(request.app)
    draft = await _draft(request, posting)
    # Text alone is kept by the form shown again; a draft is made once there is a file to
    # keep or the form is complete, and kept up to date from then on.
    # A refused character is fixed first; nothing of such a post is kept.
    if not form.refused and (draft is not None or chosen or removing or form.valid):
        draft = await drafts.save(
            conn,
            request.state.user["id"],
            posting["id"],
            drafts.DIRECT,
            acknowledged=form.values["acknowledged"],
            message=form.values["motivation"],
            chosen=chosen,
            remove=(removing,) if removing else (),
            now=requests.now(request),
        )
    if removing:
        notice = f"{documents.KINDS[removing]}を外しました。"
        return _apply_page(request, posting, Form(values=form.values), draft, notice=notice)
    if not form.valid:
        return _apply_page(request, posting, form, draft, status_code=422)
    return htmx.redirect(request, _apply_url(posting) + "/check", target="#apply-form")


async def _check_page(request: Request, posting, draft, *, changed: bool = False) -> Response:
    conn = current(request.app)
    return render(
        request,
        "applications/apply_check.html",
        {
            "posting": posting,
            "draft": draft,
            "changed": changed,
            "applicant": await service.applicant_for_employer(
                conn, request.state.user["id"], requests.today(request)
            ),
            **_common(),
        },
        fragment="applications/_apply_check.html",
    )


@login_required
async def apply_check(request: Request) -> Response:
    """応募内容の確認: what will be sent, each part with 「修正する」, and 「応募する」. Without
    a complete draft there is nothing to check: back to the form."""
    posting, instead = await _posting_to_apply(request)
    if instead is not None:
        return instead
    draft = await _draft(request, posting)
    if draft is None or not forms.from_draft(draft, checked=True).valid:
        return RedirectResponse(_apply_url(posting), 303)
    return await _check_page(request, posting, draft)


@login_required
async def apply_send(request: Request) -> Response:
    """応募する: send the draft the check page showed (its revision), once. A second tap,
    or the button pressed again after Back, finds the application and lands on it."""
    data = await request.form()
    posting, instead = await _posting_to_apply(request)
    if instead is not None:
        return instead
    conn = current(request.app)
    draft = await _draft(request, posting)
    if draft is None or not forms.from_draft(draft, checked=True).valid:
        return htmx.redirect(request, _apply_url(posting), target="#apply-form")
    if str(data.get("revision", "")) != str(draft.revision):
        # Changed in another tab since this page was drawn: check the newer one.
        return await _check_page(request, posting, draft, changed=True)
    application_id, created = await service.apply(
        conn,
        seeker_id=request.state.user["id"],
        posting=posting,
        motivation=draft.message,
        documents=await drafts.documents(conn, draft.id),
        now=requests.now(request),
        base_url=requests.base_url(request),
    )
    suffix = "?done=sent" if created else ""
    return htmx.redirect(request, f"/mypage/applications/{application_id}{suffix}")


# --- Job-seeker: 応募履歴 and one application --------------------------------------------


@login_required
async def my_applications(request: Request) -> Response:
    """応募履歴: every application and referral, with its state and unread messages."""
    rows = await service.seeker_applications(current(request.app), request.state.user["id"])
    return render(request, "applications/list.html", {"applications": rows, **_common()})


async def _own_application(request: Request):
    row = await service.application_for_seeker(
        current(request.app), request.state.user["id"], request.path_params["application_id"]
    )
    if row is None:
        raise HTTPException(404)
    return row


async def _seeker_page(
    request: Request,
    application,
    *,
    form: Form | None = None,
    error: str = "",
    status_code: int = 200,
    headers: dict | None = None,
) -> Response:
    conn = current(request.app)
    entries = await service.timeline(conn, application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "documents": await service.documents_of(conn, application["id"]),
            "entries": entries,
            "interview": service.latest_interview(entries)
            if application["state"] == states.INTERVIEW
            else None,
            "can_withdraw": states.may(states.SEEKER, application["state"], states.WITHDRAWN),
            "form": form or Form(),
            "error": error,
            "done": DONE_MESSAGES.get(request.query_params.get("done", ""))
            if status_code == 200 and not error
            else None,
            "side": states.SEEKER,
            "base": f"/mypage/applications/{application['id']}",
            **_common(),
        },
        status_code=status_code,
    )


@login_required
async def my_application(request: Request) -> Response:
    """One application: its posting, documents, and the one timeline."""
    return await _seeker_page(request, await _own_application(request))


def _expected(data, application) -> str:
    """The state the person saw when they sent the form (the page's hidden field)."""
    expected = str(data.get("expected", ""))
    return expected if expected in states.STATES else application["state"]


@login_required
async def withdraw(request: Request) -> Response:
    """辞退: after the job-seeker ticked the confirmation."""
    application = await _own_application(request)
    data = await request.form()
    form = forms.withdrawal(data)
    if not form.valid:
        return await _seeker_page(request, application, form=form, status_code=422)
    try:
        await service.change_state(
            current(request.app),
            application["id"],
            actor=service.Actor(states.SEEKER),
            expected=_expected(data, application),
            target=states.WITHDRAWN,
            now=requests.now(request),
            base_url=requests.base_url(request),
        )
    except service.Refused as refused:
        fresh = await _own_application(request)
        return await _seeker_page(request, fresh, error=refused.message, status_code=refused.status)
    return RedirectResponse(f"/mypage/applications/{application['id']}?done=withdrawn", 303)


@login_required
async def my_document(request: Request) -> Response:
    """A document of the job-seeker's own application, as a download."""
    application = await _own_application(request)
    row = await service.document(
        current(request.app), application["id"], request.path_params["document_id"]
    )
    if row is None:
        raise HTTPException(404)
    return documents.download(row)


# --- Employer: 応募者 ------------------------------------------------------------------


def _filters(request: Request) -> tuple[int | None, str | None]:
    """The list's filters from the query; anything unknown means 「すべて」."""
    posting = request.query_params.get("posting", "")
    state = request.query_params.get("state", "")
    return (
        int(posting) if posting.isascii() and posting.isdigit() and len(posting) < 10 else None,
        state if state in states.STATES else None,
    )


@member_required(EMPLOYER)
async def applicants(request: Request) -> Response:
    """応募者一覧: applications to this 事業所's postings, filtered by posting and state."""
    conn = current(request.app)
    employer_id = request.state.member["employer_id"]
    posting_id, state = _filters(request)
    rows, total = await service.employer_applicants(
        conn, employer_id, posting_id=posting_id, state=state
    )
    return render(
        request,
        "employer/applicants.html",
        {
            "applications": rows,
            "total": total,
            "limit": service.LIST_LIMIT,
            "postings": await service.employer_postings(conn, employer_id),
            "filter_posting": posting_id,
            "filter_state": state,
            **_common(),
        },
        fragment="employer/_applicant_list.html",
    )


async def _employer_application(request: Request):
    """The application if it was made to this 事業所's posting (404 otherwise), with its
    posting's columns."""
    conn = current(request.app)
    row = await application_for_employer(
        conn, request.state.member, request.path_params["application_id"]
    )
    return await service.with_posting(conn, row["id"])


async def _employer_page(
    request: Request,
    application,
    *,
    interview_form: Form | None = None,
    error: str = "",
    status_code: int = 200,
    headers: dict | None = None,
) -> Response:
    conn = current(request.app)
    entries = await service.timeline(conn, application)
    today = requests.today(request)
    return render(
        request,
        "employer/applicant.html",
        {
            "application": application,
            "applicant": await service.applicant_for_employer(
                conn, application["seeker_id"], today
            ),
            "documents": await service.documents_of(conn, application["id"]),
            "entries": entries,
            "interview": service.latest_interview(entries)
            if application["state"] == states.INTERVIEW
            else None,
            "actions": states.allowed(states.EMPLOYER, application["state"]),
            "may_set_interview": states.may_set_interview(states.EMPLOYER, application["state"]),
            "interview_form": interview_form or Form(),
            "error": error,
            "done": DONE_MESSAGES.get(request.query_params.get("done", ""))
            if status_code == 200 and not error
            else None,
            "side": states.EMPLOYER,
            "base": f"/employer/applicants/{application['id']}",
            **_common(),
        },
        status_code=status_code,
        headers=headers,
    )


@member_required(EMPLOYER)
async def applicant(request: Request) -> Response:
    """One applicant: who, the documents, the state with its buttons, the timeline."""
    return await _employer_page(request, await _employer_application(request))


@member_required(EMPLOYER)
async def applicant_state(request: Request) -> Response:
    """Move the application on; only the changes states.TRANSITIONS allows the employer.
    不採用 cannot be taken back and tells the applicant: it has its own steps (reject)."""
    application = await _employer_application(request)
    data = await request.form()
    target = str(data.get("state", ""))
    if target not in states.STATES:
        raise HTTPException(400)
    if target == states.REJECTED:  # an old page's button: the check step, nothing changed
        return await _reject_page(
            request, application, Form(), _expected(data, application), "check"
        )
    try:
        await service.change_state(
            current(request.app),
            application["id"],
            actor=service.Actor(states.EMPLOYER, request.state.member["id"]),
            expected=_expected(data, application),
            target=target,
            now=requests.now(request),
            base_url=requests.base_url(request),
        )
    except service.Refused as refused:
        fresh = await _employer_application(request)
        return await _employer_page(
            request, fresh, error=refused.message, status_code=refused.status
        )
    return RedirectResponse(f"/employer/applicants/{application['id']}?done=state", 303)


async def _reject_page(
    request: Request, application, form: Form, expected: str, step: str, status_code: int = 200
) -> Response:
    """不採用にする: the message to the applicant (step "form"), then what will be sent
    (step "check", with 「変更する」 back to the form and the final button)."""
    return render(
        request,
        "employer/applicant_reject.html",
        {
            "application": application,
            "applicant": await service.applicant_for_employer(
                current(request.app), application["seeker_id"], requests.today(request)
            ),
            "form": form,
            "expected": expected,
            "step": step,
            "note_max": forms.REJECTION_NOTE_MAX,
            "base": f"/employer/applicants/{application['id']}",
            "states": states,
        },
        fragment="employer/_applicant_reject.html",
        status_code=status_code,
    )


@member_required(EMPLOYER)
async def reject_form(request: Request) -> Response:
    """不採用にする, first step; an application the employer may no longer turn down goes
    back to its page, which shows its state."""
    application = await _employer_application(request)
    if not states.may(states.EMPLOYER, application["state"], states.REJECTED):
        return RedirectResponse(f"/employer/applicants/{application['id']}", 303)
    return await _reject_page(request, application, Form(), application["state"], "form")


@member_required(EMPLOYER)
async def reject(request: Request) -> Response:
    """The steps of 不採用: "check" shows what will be sent, "edit" goes back to the form
    with what was typed, "confirm" (the check page's button) makes the change, once."""
    application = await _employer_application(request)
    data = await request.form()
    form = forms.rejection(data)
    expected = _expected(data, application)
    step = str(data.get("step", ""))
    if not form.valid:
        return await _reject_page(request, application, form, expected, "form", 422)
    if step != "confirm":
        return await _reject_page(
            request, application, form, expected, "check" if step == "check" else "form"
        )
    try:
        await service.change_state(
            current(request.app),
            application["id"],
            actor=service.Actor(states.EMPLOYER, request.state.member["id"]),
            expected=expected,
            target=states.REJECTED,
            note=form.values["note"],
            now=requests.now(request),
            base_url=requests.base_url(request),
        )
    except service.Refused as refused:  # changed meanwhile: the applicant's page says how
        fresh = await _employer_application(request)
        if not htmx.wants_fragment(request):
            return await _employer_page(
                request, fresh, error=refused.message, status_code=refused.status
            )
        # htmx swaps no 409: the page comes as a 200 in place of <main>, at its own URL.
        url = f"/employer/applicants/{application['id']}"
        return await _employer_page(
            request,
            fresh,
            error=refused.message,
            headers={**htmx.swap_main(request), "HX-Push-Url": url},
        )
    return htmx.redirect(request, f"/employer/applicants/{application['id']}?done=rejected")


@member_required(EMPLOYER)
async def applicant_interview(request: Request) -> Response:
    """面接日時 (JST, in the future), while the application is 面接調整中."""
    application = await _employer_application(request)
    form, interview_at = forms.interview(await request.form(), now=requests.now(request))
    if interview_at is None:
        return await _employer_page(request, application, interview_form=form, status_code=422)
    try:
        await service.set_interview(
            current(request.app),
            application["id"],
            member_id=request.state.member["id"],
            interview_at=interview_at,
            note=form.values["note"],
            now=requests.now(request),
            base_url=requests.base_url(request),
        )
    except service.Refused as refused:
        fresh = await _employer_application(request)
        return await _employer_page(
            request, fresh, error=refused.message, status_code=refused.status
        )
    return RedirectResponse(f"/employer/applicants/{application['id']}?done=interview", 303)


@member_required(EMPLOYER)
async def applicant_document(request: Request) -> Response:
    """A document of an application to this 事業所's posting, as a download."""
    application = await _employer_application(request)
    row = await service.document(
        current(request.app), application["id"], request.path_params["document_id"]
    )
    if row is None:
        raise HTTPException(404)
    return documents.download(row)


@member_required(EMPLOYER)
async def applicant_letter(request: Request) -> Response:
    """紹介状 of a referral application, printable (a direct application has none: 404)."""
    application = await _employer_application(request)
    letter = await service.referral_letter(current(request.app), application)
    if letter is None:
        raise HTTPException(404)
    return render(
        request, "employer/applicant_letter.html", {"application": application, "letter": letter}
    )


APPLICATION = "/mypage/applications/{application_id:id}"
APPLICANT = "/employer/applicants/{application_id:id}"

routes = [
    Route("/jobs/{posting_id:id}/apply", apply_form, methods=["GET"]),
    Route("/jobs/{posting_id:id}/apply", apply, methods=["POST"]),
    Route("/jobs/{posting_id:id}/apply/check", apply_check, methods=["GET"]),
    Route("/jobs/{posting_id:id}/apply/send", apply_send, methods=["POST"]),
    Route("/mypage/applications", my_applications, methods=["GET"]),
    Route(APPLICATION, my_application, methods=["GET"]),
    Route(APPLICATION + "/withdraw", withdraw, methods=["POST"]),
    Route(APPLICATION + "/documents/{document_id:id}", my_document, methods=["GET"]),
    Route("/employer/applicants", applicants, methods=["GET"]),
    Route(APPLICANT, applicant, methods=["GET"]),
    Route(APPLICANT + "/state", applicant_state, methods=["POST"]),
    Route(APPLICANT + "/interview", applicant_interview, methods=["POST"]),
    Route(APPLICANT + "/reject", reject_form, methods=["GET"]),
    Route(APPLICANT + "/reject", reject, methods=["POST"]),
    Route(APPLICANT + "/documents/{document_id:id}", applicant_document, methods=["GET"]),
    Route(APPLICANT + "/letter", applicant_letter, methods=["GET"]),
]
