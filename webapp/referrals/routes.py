"""Handlers of 職業紹介: staff refer and answer online requests; job-seekers ask for a
referral, follow their requests and read their 紹介状."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.applications import drafts
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.postings import service as postings
from webapp.referrals import forms, service
from webapp.seekers import online as seekers_online
from webapp.seekers import validity
from webapp.staff.access import seeker_for_staff
from webapp.templating import render

QUEUE_TARGET = "#referral-queue"
REQUESTS_TARGET = "#referral-requests"
QUERY_MAX = 200

LETTER_NOTICES = {
    "created": "紹介状を発行しました。印刷して求職者にお渡しください。",
    "already": "この求職者には、この求人を既に紹介しています。発行済みの紹介状を表示しています。",
}
REQUEST_NOTICES = {
    "requested": "紹介の希望を受け付けました。ハローワークからの連絡をお待ちください。",
    "withdrawn": "紹介の希望を取り下げました。",
}


# ---------------------------------------------------------------------------------------
# Staff: refer a job-seeker of their office to a posting


async def _refer_page(
    request: Request,
    seeker,
    *,
    form: Form,
    query: str,
    chosen,
    blocked: bool,
    already=None,
    search_form: Form | None = None,
    status_code: int = 200,
) -> Response:
    conn = current(request.app)
    results = []
    if query and search_form is None and not htmx.wants_fragment(request):
        search_form, rows = await service.find_postings(conn, query, now=requests.now(request))
        today = requests.today(request)
        results = [{**row, "state": postings.state(row, today)} for row in rows]
    today = requests.today(request)
    return render(
        request,
        "referrals/refer.html",
        {
            "seeker": seeker,
            "seeker_problem": service.staff_seeker_problem(seeker, today),
            "query": query,
            "search_form": search_form,
            "results": results,
            "today": today,
            "form": form,
            "chosen": chosen,
            "chosen_state": postings.state(chosen, today) if chosen else None,
            "blocked": blocked,
            "already": already,
        },
        fragment="referrals/_refer_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def refer_page(request: Request) -> Response:
    """職業紹介: find a posting by 求人番号 or keyword, choose it, see if it can be referred."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    search_form = Form()
    params = search_form.read(request.query_params)
    query = str(params.get("q", ""))[:QUERY_MAX].strip()
    search_form.values["q"] = query
    form, chosen, blocked, already = Form(), None, False, None
    posting_id = forms.posting_id(params.get("posting"))
    if posting_id is not None:
        chosen = await service.published_posting(conn, posting_id)
        if chosen is None:
            form.add("posting", "この求人は見つかりません。求人番号を確かめてください。")
        else:
            try:
                await service.check_referral(conn, seeker, chosen, requests.today(request))
            except service.AlreadyReferred as refused:
                already = refused
                blocked = True
            except service.ReferralRefused as refused:
                form.add(refused.field, refused.message)
                blocked = True
    return await _refer_page(
        request,
        seeker,
        form=form,
        query=query,
        chosen=chosen,
        blocked=blocked,
        already=already,
        search_form=None if search_form.valid else search_form,
        status_code=200 if search_form.valid else 422,
    )


@member_required(STAFF)
async def refer(request: Request) -> Response:
    """紹介する: create the referral (and its application); on to the 紹介状."""
    conn = current(request.app)
    member = request.state.member
    seeker = await seeker_for_staff(conn, member, request.path_params["seeker_id"])
    form = Form()
    data = form.read(await request.form(), multiline=("note",))
    query = str(data.get("q", ""))[:QUERY_MAX].strip()
    note = forms.text_field(form, data, "note")
    posting_id = forms.posting_id(data.get("posting_id"))
    chosen = await service.published_posting(conn, posting_id) if posting_id else None
    if chosen is None:
        form.add("posting", "紹介する求人を選んでください。")
    if chosen is None or not form.valid:
        return await _refer_page(
            request, seeker, form=form, query=query, chosen=chosen, blocked=False, status_code=422
        )
    try:
        referral_id = await service.refer(
            conn,
            seeker_id=seeker["id"],
            posting_id=chosen["id"],
            staff=member,
            note=note,
            now=requests.now(request),
            base_url=requests.base_url(request),
        )
    except service.AlreadyReferred as refused:
        # Also the second of a double submission: it lands on the referral the first made.
        return htmx.redirect(request, f"/staff/referrals/{refused.referral_id}/letter?done=already")
    except service.ReferralRefused as refused:
        form.add(refused.field, refused.message)
        return await _refer_page(
            request, seeker, form=form, query=query, chosen=chosen, blocked=True, status_code=422
        )
    return htmx.redirect(request, f"/staff/referrals/{referral_id}/letter?done=created")


def _letter_page(request: Request, letter, *, back_url: str, back_label: str) -> Response:
    return render(
        request,
        "referrals/letter.html",
        {
            "letter": letter,
            "back_url": back_url,
            "back_label": back_label,
            "done": LETTER_NOTICES.get(request.query_params.get("done", "")),
        },
    )


@member_required(STAFF)
async def staff_letter(request: Request) -> Response:
    """紹介状 as the issuing office prints it."""
    letter = await service.letter_for_staff(
        current(request.app), request.state.member, request.path_params["referral_id"]
    )
    if letter is None:
        raise HTTPException(404)
    return _letter_page(
        request,
        letter,
        back_url=f"/staff/seekers/{letter['seeker_id']}",
        back_label="求職者の情報へ戻る",
    )


# ---------------------------------------------------------------------------------------
# Staff: the queue of online requests


async def _queue_page(
    request: Request, *, failed: dict[int, Form] | None = None, status_code: int = 200
) -> Response:
    conn = current(request.app)
    member = request.state.member
    today = requests.today(request)
    items = [
        {
            **row._mapping,
            "closed": service.closed_label(row, today),
            "seeker_active": validity.is_active(
                {"status": row["seeker_status"], "valid_until": row["valid_until"]}, today
            ),
        }
        for row in await service.office_queue(conn, member["office_id"])
    ]
    # A request no longer waiting (withdrawn, answered by someone else) is not in the list:
    # its error goes to the top of the queue instead.
    shown = {item["id"] for item in items}
    other_errors = [
        message
        for request_id, form in (failed or {}).items()
        if request_id not in shown
        for messages in form.errors.values()
        for message in messages
    ]
    done, approved = request.query_params.get("done", ""), None
    if done == "approved":
        referral_id = forms.posting_id(request.query_params.get("referral"))
        if referral_id is not None:
            approved = await service.letter_for_staff(conn, member, referral_id)
    return render(
        request,
        "referrals/queue.html",
        {
            "items": items,
            "failed": failed or {},
            "other_errors": other_errors,
            "empty_form": Form(),
            "done": done,
            "approved": approved,
        },
        fragment="referrals/_queue.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def queue(request: Request) -> Response:
    """オンラインでの紹介の希望: waiting requests from this office's job-seekers, oldest first."""
    return await _queue_page(request)


async def _request_or_404(request: Request):
    row = await service.request_for_staff(
        current(request.app), request.state.member, request.path_params["request_id"]
    )
    if row is None:
        raise HTTPException(404)
    return row


@member_required(STAFF)
async def approve(request: Request) -> Response:
    """紹介する: approve the request, which makes the referral and tells the job-seeker."""
    row = await _request_or_404(request)
    form = Form()
    key = f"note-{row['id']}"
    data = form.read(await request.form(), multiline=("note",), errors_at={"note": key})
    forms.text_field(form, data, "note", key=key)
    if form.valid:
        try:
            referral_id = await service.approve_request(
                current(request.app),
                row["id"],
                staff=request.state.member,
                note=form.values[f"note-{row['id']}"],
                now=requests.now(request),
                base_url=requests.base_url(request),
            )
        except service.ReferralRefused as refused:
            form.add(f"request-{row['id']}", refused.message)
    if not form.valid:
        return await _queue_page(request, failed={row["id"]: form}, status_code=422)
    return htmx.redirect(
        request,
        f"/staff/referral-requests?done=approved&referral={referral_id}",
        target=QUEUE_TARGET,
    )


@member_required(STAFF)
async def decline(request: Request) -> Response:
    """見送り: decline with a reason the job-seeker reads on My Page and in the mail."""
    row = await _request_or_404(request)
    form = Form()
    key = f"reason-{row['id']}"
    data = form.read(await request.form(), multiline=("reason",), errors_at={"reason": key})
    reason = forms.text_field(form, data, "reason", required=True, key=key)
    if form.valid:
        try:
            await service.decline_request(
                current(request.app),
                row["id"],
                staff=request.state.member,
                reason=reason,
                now=requests.now(request),
                base_url=requests.base_url(request),
            )
        except service.ReferralRefused as refused:
            form.add(f"request-{row['id']}", refused.message)
    if not form.valid:
        return await _queue_page(request, failed={row["id"]: form}, status_code=422)
    return htmx.redirect(request, "/staff/referral-requests?done=declined", target=QUEUE_TARGET)


# ---------------------------------------------------------------------------------------
# Job-seeker: 紹介を希望 from a posting's page


async def _posting_to_ask(request: Request):
    posting = await service.published_posting(
        current(request.app), request.path_params["posting_id"]
    )
    if posting is None:
        raise HTTPException(404)
    return posting


def _ask_url(posting) -> str:
    return f"/jobs/{posting['id']}/referral-request"


async def _draft(request: Request, posting):
    return await drafts.load(
        current(request.app), request.state.user["id"], posting["id"], drafts.REFERRAL
    )


async def _ask_page(
    request: Request, posting, form: Form, *, done: bool = False, status_code: int = 200
) -> Response:
    """The 紹介を希望 box (on the posting's page), alone on a page of its own."""
    conn = current(request.app)
    today = requests.today(request)
    return render(
        request,
        "referrals/request.html",
        {
            "posting": posting,
            "state": postings.state(posting, today),
            "referral_state": await service.request_state(
                conn, request.state.user["id"], posting["id"]
            ),
            "referral_form": form,
            "referral_done": done,
            "visit": await seekers_online.counter_visit(conn, request.state.user),
        },
        fragment="referrals/_request_button.html",
        status_code=status_code,
    )


@login_required
async def ask_form(request: Request) -> Response:
    """紹介を希望する, the form: ハローワークへの連絡事項 as the draft keeps it (「修正する」)."""
    posting = await _posting_to_ask(request)
    draft = await _draft(request, posting)
    return await _ask_page(
        request, posting, Form(values={"message": draft.message if draft else ""})
    )


@login_required
async def ask(request: Request) -> Response:
    """確認する: keep the message in the draft, then the check page (nothing is sent yet).
    An old page's 「紹介を希望する」 lands on the check page too."""
    conn = current(request.app)
    user = request.state.user
    posting = await _posting_to_ask(request)
    form = Form()
    data = form.read(await request.form(), multiline=("message",))
    message = forms.text_field(form, data, "message")
    if form.valid:
        refusal = await service.request_refusal(conn, user["id"], posting, requests.today(request))
        if refusal is not None:
            form.add("form", refusal)
    if not form.valid:
        return await _ask_page(request, posting, form, status_code=422)
    await drafts.save(
        conn,
        user["id"],
        posting["id"],
        drafts.REFERRAL,
        acknowledged=True,
        message=message,
        now=requests.now(request),
    )
    return htmx.redirect(request, _ask_url(posting) + "/check", target="#referral-request")


async def _ask_check_page(request: Request, posting, draft, *, changed: bool = False):
    conn = current(request.app)
    return render(
        request,
        "referrals/request_check.html",
        {
            "posting": posting,
            "draft": draft,
            "changed": changed,
            "seeker": await service.seeker_shared(conn, request.state.user["id"]),
        },
        fragment="referrals/_request_check.html",
    )


@login_required
async def ask_check(request: Request) -> Response:
    """紹介の希望の確認: the posting, the message (「修正する」) and what Hello Work sees;
    「紹介を希望する」 sends. Without a draft (already sent, or never typed): the form."""
    posting = await _posting_to_ask(request)
    draft = await _draft(request, posting)
    if draft is None:
        return RedirectResponse(_ask_url(posting), 303)
    return await _ask_check_page(request, posting, draft)


@login_required
async def ask_send(request: Request) -> Response:
    """紹介を希望する: send the draft the check page showed (its revision), once. A second
    tap finds no draft and the request already waiting: it lands on 申込み状況."""
    conn = current(request.app)
    user = request.state.user
    posting = await _posting_to_ask(request)
    data = await request.form()
    draft = await _draft(request, posting)
    if draft is None:
        state = await service.request_state(conn, user["id"], posting["id"])
        if state.status == service.PENDING:  # sent already (a double tap, Back and again)
            return htmx.redirect(request, "/mypage/referral-requests")
        return htmx.redirect(request, _ask_url(posting), target="#referral-request")
    if str(data.get("revision", "")) != str(draft.revision):
        return await _ask_check_page(request, posting, draft, changed=True)
    form = Form(values={"message": draft.message})
    try:
        await service.request_referral(
            conn, user["id"], posting, message=draft.message, now=requests.now(request)
        )
    except service.ReferralRefused as refused:
        form.add("form", refused.message)
        if htmx.wants_fragment(request):  # htmx swaps no 422: the box says why, as a 200
            return await _ask_page(request, posting, form)
        return await _ask_page(request, posting, form, status_code=422)
    if not htmx.wants_fragment(request):
        return htmx.redirect(request, "/mypage/referral-requests?done=requested")
    return await _ask_page(request, posting, Form(), done=True)


# ---------------------------------------------------------------------------------------
# Job-seeker: My Page


async def _requests_page(request: Request, *, error: str = "", status_code: int = 200):
    rows = await service.seeker_requests(current(request.app), request.state.user["id"])
    return render(
        request,
        "referrals/requests.html",
        {
            "requests": rows,
            "labels": service.REQUEST_LABELS,
            "done": REQUEST_NOTICES.get(request.query_params.get("done", "")),
            "error": error,
            "visit": await seekers_online.counter_visit(current(request.app), request.state.user),
        },
        fragment="referrals/_requests.html",
        status_code=status_code,
    )


@login_required
async def my_requests(request: Request) -> Response:
    """職業紹介の希望（申込み状況）: each request's state, the reason of a 見送り."""
    return await _requests_page(request)


@login_required
async def withdraw(request: Request) -> Response:
    """取り下げ a request still waiting (the job-seeker's own only)."""
    try:
        found = await service.withdraw_request(
            current(request.app),
            request.state.user["id"],
            request.path_params["request_id"],
            now=requests.now(request),
        )
    except service.ReferralRefused as refused:
        return await _requests_page(request, error=refused.message, status_code=422)
    if not found:
        raise HTTPException(404)
    return htmx.redirect(
        request, "/mypage/referral-requests?done=withdrawn", target=REQUESTS_TARGET
    )


@login_required
async def my_referrals(request: Request) -> Response:
    """ハローワークで紹介した求人: each referral with its posting and 紹介状."""
    rows = await service.seeker_referrals(current(request.app), request.state.user["id"])
    today = requests.today(request)
    visit = await seekers_online.counter_visit(current(request.app), request.state.user)
    return render(
        request, "referrals/mine.html", {"referrals": rows, "today": today, "visit": visit}
    )


@login_required
async def my_letter(request: Request) -> Response:
    """The job-seeker's own 紹介状, to print and take to the employer."""
    letter = await service.letter_for_seeker(
        current(request.app), request.state.user["id"], request.path_params["referral_id"]
    )
    if letter is None:
        raise HTTPException(404)
    return _letter_page(
        request, letter, back_url="/mypage/referrals", back_label="紹介した求人の一覧へ戻る"
    )


routes = [
    Route("/staff/seekers/{seeker_id:id}/refer", refer_page, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/refer", refer, methods=["POST"]),
    Route("/staff/referrals/{referral_id:id}/letter", staff_letter, methods=["GET"]),
    Route("/staff/referral-requests", queue, methods=["GET"]),
    Route("/staff/referral-requests/{request_id:id}/approve", approve, methods=["POST"]),
    Route("/staff/referral-requests/{request_id:id}/decline", decline, methods=["POST"]),
    Route("/jobs/{posting_id:id}/referral-request", ask_form, methods=["GET"]),
    Route("/jobs/{posting_id:id}/referral-request", ask, methods=["POST"]),
    Route("/jobs/{posting_id:id}/referral-request/check", ask_check, methods=["GET"]),
    Route("/jobs/{posting_id:id}/referral-request/send", ask_send, methods=["POST"]),
    Route("/mypage/referrals", my_referrals, methods=["GET"]),
    Route("/mypage/referrals/{referral_id:id}/letter", my_letter, methods=["GET"]),
    Route("/mypage/referral-requests", my_requests, methods=["GET"]),
    Route("/mypage/referral-requests/{request_id:id}/withdraw", withdraw, methods=["POST"]),
]
