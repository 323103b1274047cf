"""情報提供: staff send お知らせ and 求人情報の提供; job-seekers read them on My Page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.ids import parse_id
from webapp.notices import forms, service
from webapp.notices.service import CHOSEN, JOB, KIND_LABELS, NOTICE, OFFICE
from webapp.postings import catalog
from webapp.postings import service as postings
from webapp.staff.access import seeker_for_staff
from webapp.templating import render

# The order fields appear in on each kind's form: the error summary follows it.
FIELD_ORDER = {
    NOTICE: ("title", "body", "audience", "confirm_all", "seeker_numbers"),
    JOB: ("job_number", "seeker_numbers", "body"),
}
MAIL_SETTINGS_SAVED = "メールの設定を保存しました。"


def _page_number(request: Request) -> int:
    try:
        return min(max(int(request.query_params.get("page", "1")), 1), 100_000)
    except ValueError:
        return 1


def _pager(path: str, page: int, total: int, size: int) -> dict:
    """What the list's page links need; `page` past the end shows an empty page."""
    pages = max(1, -(-total // size))
    return {
        "page": page,
        "pages": pages,
        "total": total,
        "first": (page - 1) * size + 1,
        "last": min(page * size, total),
        "prev_url": f"{path}?page={page - 1}" if page > 1 else None,
        "next_url": f"{path}?page={page + 1}" if page < pages else None,
    }


# --- Staff --------------------------------------------------------------------------------


@member_required(STAFF)
async def sent_list(request: Request) -> Response:
    """What this office sent, newest first, with how many received and read each."""
    page = _page_number(request)
    rows, total = await service.sent_by_office(
        current(request.app), request.state.member["office_id"], page=page
    )
    return render(
        request,
        "notices/staff_list.html",
        {
            "rows": rows,
            "kinds": KIND_LABELS,
            "pager": _pager("/staff/notices", page, total, service.SENT_PAGE_SIZE),
        },
    )


async def _send_page(
    request: Request, form: Form, *, seeker=None, status_code: int = 200
) -> Response:
    kind = form.values["kind"]
    form.errors = {name: form.errors[name] for name in FIELD_ORDER[kind] if name in form.errors}
    member = request.state.member
    active = await service.active_count(
        current(request.app), member["office_id"], requests.today(request)
    )
    query = f"&seeker={seeker['id']}" if seeker else ""
    return render(
        request,
        "notices/staff_new.html",
        {
            "form": form,
            "kind": kind,
            "kinds": KIND_LABELS,
            "seeker": seeker,
            "active_count": active,
            "switch_urls": {k: f"/staff/notices/new?kind={k}{query}" for k in KIND_LABELS},
            "title_max": forms.TITLE_MAX,
            "body_max": forms.BODY_MAX,
        },
        fragment="notices/_staff_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def send_form(request: Request) -> Response:
    """The send form; ?kind=job offers a posting; ?seeker=<id> fills in that job-seeker
    (from the staff's view of a job-seeker: only their own office's, else 404)."""
    kind = JOB if request.query_params.get("kind") == JOB else NOTICE
    values = {"kind": kind, "audience": OFFICE if kind == NOTICE else CHOSEN}
    seeker = None
    seeker_id = request.query_params.get("seeker")
    if seeker_id is not None:
        number = parse_id(seeker_id)
        if number is None:
            raise HTTPException(404)
        seeker = await seeker_for_staff(current(request.app), request.state.member, number)
        values.update(audience=CHOSEN, seeker_numbers=seeker["seeker_number"])
    return await _send_page(request, Form(values=values), seeker=seeker)


@member_required(STAFF)
async def send(request: Request) -> Response:
    """Send: everything checked first, then one transaction (see service.send)."""
    member = request.state.member
    conn = current(request.app)
    now = requests.now(request)
    today = requests.today(request)
    form, numbers = forms.read_send_form(await request.form(), member["office_code"])
    kind = form.values["kind"]
    posting = None
    if kind == JOB and "job_number" not in form.errors:
        try:
            posting = await service.open_posting(conn, form.values["job_number"], today)
        except service.PostingProblem as problem:
            form.add("job_number", str(problem))
    chosen = None
    # Well-formed numbers are looked up even beside malformed ones: every problem at once.
    if numbers and len(numbers) <= forms.NUMBERS_MAX:
        chosen = await service.resolve_numbers(conn, member["office_id"], numbers, today)
        # Another office's job-seeker answers as nobody does (as in staff/access.py).
        if chosen.not_found:
            form.add(
                "seeker_numbers",
                f"次の求職番号は、{member['office_name']}の求職者に見つかりません:"
                f" {forms.listing(chosen.not_found)}",
            )
        if chosen.inactive:
            form.add(
                "seeker_numbers",
                "次の求職番号の求職者は、求職登録が有効ではないため送信できません:"
                f" {forms.listing(chosen.inactive)}",
            )
        if kind == JOB and chosen.online:
            form.add(
                "seeker_numbers",
                "次の求職番号の求職者はオンライン登録者のため、窓口で本人確認をするまで"
                f"求人情報を提供できません: {forms.listing(chosen.online)}",
            )
    if not form.valid:
        return await _send_page(request, form, status_code=422)
    title = form.values["title"]
    if posting is not None:
        title = f"求人情報のご案内：{posting['job_title']}"[: forms.TITLE_MAX]
    outgoing = service.Outgoing(
        kind=kind,
        title=title,
        body=form.values["body"],
        audience=form.values["audience"],
        seeker_ids=chosen.ids if chosen else (),
        posting_id=posting["id"] if posting else None,
    )
    try:
        sent = await service.send(
            conn,
            outgoing,
            office={"id": member["office_id"], "name": member["office_name"]},
            staff_id=member["id"],
            base_url=request.app.state.settings.base_url,
            now=now,
        )
    except service.NoRecipients:
        form.add("audience", "送信できる有効な求職者がいません。")
        return await _send_page(request, form, status_code=422)
    return htmx.redirect(request, f"/staff/notices/{sent.notice_id}?sent=1")


@member_required(STAFF)
async def sent_detail(request: Request) -> Response:
    """One notice this office sent: its text, and who has read it (chosen recipients)."""
    conn = current(request.app)
    notice = await service.sent_notice(
        conn, request.state.member["office_id"], request.path_params["notice_id"]
    )
    if notice is None:
        raise HTTPException(404)
    recipients = []
    if notice["audience"] == CHOSEN:
        recipients = await service.chosen_recipients(conn, notice["id"])
    return render(
        request,
        "notices/staff_detail.html",
        {
            "notice": notice,
            "kinds": KIND_LABELS,
            "recipients": recipients,
            "sent": request.query_params.get("sent") == "1",
        },
    )


# --- Job-seeker ---------------------------------------------------------------------------


@login_required
async def inbox(request: Request) -> Response:
    """ハローワークからのお知らせ・求人情報: newest first, 未読 marked."""
    page = _page_number(request)
    rows, total = await service.inbox(current(request.app), request.state.user["id"], page=page)
    done = "未読に戻しました。" if request.query_params.get("done") == "unread" else None
    return render(
        request,
        "notices/inbox.html",
        {
            "rows": rows,
            "kinds": KIND_LABELS,
            "done": done,
            "pager": _pager("/mypage/notices", page, total, service.INBOX_PAGE_SIZE),
        },
    )


@login_required
async def notice_detail(request: Request) -> Response:
    """One notice the job-seeker received (else 404); opening it marks it read."""
    conn = current(request.app)
    seeker_id = request.state.user["id"]
    now = requests.now(request)
    notice = await service.received(conn, seeker_id, request.path_params["notice_id"])
    if notice is None:
        raise HTTPException(404)
    if notice["read_at"] is None:
        await service.mark_read(conn, seeker_id, notice["id"], now)
        requests.seen(request, "notices")
    posting_state = None
    if notice["job_number"]:
        posting_state = postings.state(
            {"status": notice["posting_status"], "referral_deadline": notice["referral_deadline"]},
            requests.today(request),
        )
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "kinds": KIND_LABELS,
            "posting_state": posting_state,
            "posting_open": posting_state == catalog.STATUS_OPEN,
            "state_labels": catalog.STATUS_LABELS,
        },
    )


@login_required
async def mark_unread(request: Request) -> Response:
    """未読に戻す: the job-seeker's own notice only."""
    done = await service.mark_unread(
        current(request.app), request.state.user["id"], request.path_params["notice_id"]
    )
    if not done:
        raise HTTPException(404)
    return htmx.redirect(request, "/mypage/notices?done=unread")


def _mail_page(request: Request, switches, *, saved: bool = False) -> Response:
    return render(
        request,
        "notices/mail_settings.html",
        {"switches": switches, "saved": saved},
        fragment="notices/_mail_settings_form.html",
    )


@login_required
async def mail_settings(request: Request) -> Response:
    """メールでのお知らせの設定: the three switches."""
    switches = await service.mail_settings(current(request.app), request.state.user["id"])
    return _mail_page(request, switches, saved=request.query_params.get("saved") == "1")


@login_required
async def save_mail_settings(request: Request) -> Response:
    """Save the switches (an unticked box is absent from the form: off)."""
    data = await request.form()
    await service.save_mail_settings(
        current(request.app),
        request.state.user["id"],
        notices_by_mail=data.get("mail_notices") == "1",
        messages_by_mail=data.get("mail_messages") == "1",
        requests_by_mail=data.get("mail_requests") == "1",
    )
    return htmx.redirect(request, "/mypage/settings/mail?saved=1", target="#mail-settings")


routes = [
    Route("/staff/notices", sent_list, methods=["GET"]),
    Route("/staff/notices/new", send_form, methods=["GET"]),
    Route("/staff/notices/new", send, methods=["POST"]),
    Route("/staff/notices/{notice_id:id}", sent_detail, methods=["GET"]),
    Route("/mypage/notices", inbox, methods=["GET"]),
    Route("/mypage/notices/{notice_id:id}", notice_detail, methods=["GET"]),
    Route("/mypage/notices/{notice_id:id}/unread", mark_unread, methods=["POST"]),
    Route("/mypage/settings/mail", mail_settings, methods=["GET"]),
    Route("/mypage/settings/mail", save_mail_settings, methods=["POST"]),
]
