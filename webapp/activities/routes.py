"""求職活動実績: the job-seeker's list (page, print, CSV) and the staff's record of counselling."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests, validation
from webapp.activities import service
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.staff.access import seeker_for_staff
from webapp.templating import render


@login_required
async def activity_list(request: Request) -> Response:
    """By month, newest first; printable, and as CSV for the 失業認定申告書."""
    found = await service.for_seeker(current(request.app), request.state.user["id"])
    return render(request, "activities/list.html", {"months": service.by_month(found)})


@login_required
async def activity_csv(request: Request) -> Response:
    found = await service.for_seeker(current(request.app), request.state.user["id"])
    today = requests.today(request)
    return Response(
        service.as_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="activities-{today:%Y%m%d}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def _staff_page(
    request: Request, seeker, form: Form, status_code: int = 200, done: bool = False
) -> Response:
    found = await service.for_seeker(current(request.app), seeker["id"])
    return render(
        request,
        "activities/staff.html",
        {"seeker": seeker, "form": form, "found": found, "kinds": service.KINDS, "done": done},
        fragment="activities/_staff_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def staff_page(request: Request) -> Response:
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    today = requests.today(request)
    form = Form(values={"kind": "counselling", "happened_on": today.isoformat(), "note": ""})
    return await _staff_page(request, seeker, form, done=request.query_params.get("done") == "1")


@member_required(STAFF)
async def staff_record(request: Request) -> Response:
    conn = current(request.app)
    member = request.state.member
    seeker = await seeker_for_staff(conn, member, request.path_params["seeker_id"])
    form = Form()
    data = form.read(await request.form())
    now = requests.now(request)
    today = requests.today(request)
    form.values = {k: str(data.get(k, ""))[:600] for k in ("kind", "happened_on", "note")}
    if form.values["kind"] not in service.KINDS:
        form.add("kind", "活動の種類を選んでください。")
    try:
        happened = dt.date.fromisoformat(validation.nfkc(form.values["happened_on"]).strip())
        if happened > today:
            form.add("happened_on", "未来の日付は記録できません。")
    except ValueError:
        form.add("happened_on", "日付は「2026-11-23」の形で入力してください。")
    note = " ".join(validation.nfkc(form.values["note"]).split())
    if len(note) > 500:
        form.add("note", f"内容は500文字以内で入力してください（いま{len(note)}文字）。")
    if not form.valid:
        return await _staff_page(request, seeker, form, status_code=422)
    await service.record(
        conn,
        seeker_id=seeker["id"],
        office_id=member["office_id"],
        member_id=member["id"],
        kind=form.values["kind"],
        happened_on=happened,
        note=note,
        now=now,
    )
    return htmx.redirect(request, f"/staff/seekers/{seeker['id']}/activities?done=1")


routes = [
    Route("/mypage/activities", activity_list, methods=["GET"]),
    Route("/mypage/activities.csv", activity_csv, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/activities", staff_page, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/activities", staff_record, methods=["POST"]),
]
