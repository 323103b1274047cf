"""退会 on My Page, and staff ending a registration (就職, 取消) at the counter."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import STAFF
from webapp.closing import forms, service
from webapp.db import current
from webapp.forms import Form
from webapp.security import audit, cookies
from webapp.staff.access import seeker_for_staff
from webapp.templating import render


def _close_page(request: Request, form: Form, consequences, status_code: int = 200) -> Response:
    return render(
        request,
        "closing/close.html",
        {"form": form, "consequences": consequences},
        fragment="closing/_close_form.html",
        status_code=status_code,
    )


@login_required
async def close_form(request: Request) -> Response:
    """退会: what happens to applications, messages and requests, then the password."""
    conn = current(request.app)
    consequences = await service.consequences(conn, request.state.user["id"])
    return _close_page(request, Form(), consequences)


@login_required
async def close(request: Request) -> Response:
    """退会, once the password is given again; the session ends with the account."""
    form = Form()
    data = form.read(await request.form())
    user = request.state.user
    conn = current(request.app)
    password = str(data.get("current_password", ""))[:200]
    if not password:
        form.add("current_password", "パスワードを入力してください。")
    elif not await service.check_password(conn, user["id"], password):
        form.add("current_password", "パスワードが正しくありません。")
    if not form.valid:
        consequences = await service.consequences(conn, user["id"])
        return _close_page(request, form, consequences, 422)
    now = requests.now(request)
    await service.close(
        conn,
        user["id"],
        reason=service.WITHDRAWN,
        now=now,
        base_url=requests.base_url(request),
    )
    await audit.record(conn, request, "account_close", "success", seeker_id=user["id"], now=now)
    response = htmx.redirect(request, "/account-closed")
    cookies.delete(response, request, "session")
    return response


async def closed(request: Request) -> Response:
    """After 退会: what was done, and how to come back (a new 求職申込み)."""
    return render(request, "closing/closed.html", {})


def _end_page(request: Request, seeker, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "closing/staff_end.html",
        {
            "seeker": seeker,
            "form": form,
            "note_max": forms.NOTE_MAX,
            "reasons": {r: service.REASON_LABELS[r] for r in service.STAFF_REASONS},
        },
        fragment="closing/_staff_end_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def end_form(request: Request) -> Response:
    """求職登録の終了 (就職, 取消), for a job-seeker of this staff member's office."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    return _end_page(request, seeker, Form())


@member_required(STAFF)
async def end(request: Request) -> Response:
    """End the registration with a reason; the job-seeker is told by mail."""
    member = request.state.member
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, member, request.path_params["seeker_id"])
    if seeker["closed_at"] is not None:  # ended already (a second tap): where it went
        return htmx.redirect(request, f"/staff/seekers/{seeker['id']}?done=ended")
    form, reason, note = forms.end_form(await request.form())
    if reason is None:
        return _end_page(request, seeker, form, 422)
    now = requests.now(request)
    if await service.close(
        conn,
        seeker["id"],
        reason=reason,
        member_id=member["id"],
        note=note,
        now=now,
        base_url=requests.base_url(request),
    ):
        await audit.record(
            conn,
            request,
            "seeker_end",
            reason,
            seeker_id=seeker["id"],
            member_id=member["id"],
            now=now,
        )
    return htmx.redirect(request, f"/staff/seekers/{seeker['id']}?done=ended")


routes = [
    Route("/mypage/account/close", close_form, methods=["GET"]),
    Route("/mypage/account/close", close, methods=["POST"]),
    Route("/account-closed", closed, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/end", end_form, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/end", end, methods=["POST"]),
]
