"""Staff correcting an オンライン登録者's 求職申込書 from the queue's application page, step
by step (基本情報, 希望する仕事, 学歴・職歴, 免許・資格, 障害の有無): the same fields and
rules as the person's own steps (apply/_fields.html, webapp.registration.online.parse),
plus 訂正の理由, which the change history keeps; the person is told by mail. Only staff of
the person's office (others get 404, as for a registration that does not exist)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.postings import catalog
from webapp.registration import online
from webapp.security import audit
from webapp.seekers import online as seekers_online
from webapp.staff import forms as staff_forms
from webapp.templating import render

REASON_EXAMPLE = "本人確認書類と住所の番地が違っていたため"
STEP_TITLES = dict(online.CORRECTABLE_STEPS)


def _step(request: Request) -> str:
    name = request.path_params["step"]
    if name not in STEP_TITLES:
        raise HTTPException(404)
    return name


async def _page(
    request: Request, name: str, form: Form | None = None, *, status_code: int = 200, **extra
) -> Response:
    conn = current(request.app)
    seeker_id = request.path_params["seeker_id"]
    found = await seekers_online.application_for_staff(conn, request.state.member, seeker_id)
    if form is None:
        data = await online.load(conn, seeker_id)
        form = Form(values={**data["values"], "reason": ""})
    return render(
        request,
        "staff/online_correct.html",
        {
            "seeker": found["seeker"],
            "current": name,
            "title": STEP_TITLES[name],
            "steps": online.CORRECTABLE_STEPS,
            "form": form,
            "catalog": catalog,
            "history_rows": range(online.HISTORY_ROWS),
            "genders": online.GENDERS,
            "disability": online.DISABILITY,
            "reason_max": staff_forms.REASON_MAX,
            "lookup_url": f"/staff/online/{seeker_id}/correct/basic/postcode",
            **extra,
        },
        fragment="staff/_online_correct_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def correct_page(request: Request) -> Response:
    """One step of the 求職申込書 as sent, to correct."""
    return await _page(request, _step(request))


def _read(data) -> tuple[FormData, Form]:
    """The step's fields (read by the step's own parse) and 訂正の理由 (a textarea that
    no step has), apart."""
    reason_form = Form()
    read = reason_form.read({"reason": str(data.get("reason", ""))}, multiline=("reason",))
    staff_forms.check_reason(read, reason_form, REASON_EXAMPLE)
    fields = FormData([(k, v) for k, v in data.multi_items() if k != "reason"])
    return fields, reason_form


@member_required(STAFF)
async def correct(request: Request) -> Response:
    """Store the corrected step with the reason; the person is mailed what changed."""
    name = _step(request)
    conn = current(request.app)
    member = request.state.member
    seeker_id = request.path_params["seeker_id"]
    await seekers_online.application_for_staff(conn, member, seeker_id)  # 404 if not ours
    fields, reason_form = _read(await request.form())
    form, clean = online.parse(name, fields, requests.today(request))
    form.values["reason"] = reason_form.values["reason"]
    for field, messages in reason_form.errors.items():
        for message in messages:
            form.add(field, message)
    if not form.valid:
        return await _page(request, name, form, status_code=422)
    now = requests.now(request)
    changed = await online.correct_application(
        conn,
        seeker_id,
        name,
        clean,
        reason=form.values["reason"],
        member_id=member["id"],
        base_url=requests.base_url(request),
        now=now,
    )
    if changed:
        await audit.record(
            conn,
            request,
            "seeker_correct",
            "success",
            seeker_id=seeker_id,
            member_id=member["id"],
            now=now,
        )
    done = "corrected" if changed else "unchanged"
    return htmx.redirect(request, f"/staff/online/{seeker_id}?done={done}")


@member_required(STAFF)
async def find_address(request: Request) -> Response:
    """「住所を検索」 on the 基本情報 step: the 郵便番号's address into the 住所 box."""
    conn = current(request.app)
    await seekers_online.application_for_staff(
        conn, request.state.member, request.path_params["seeker_id"]
    )
    fields, reason_form = _read(await request.form())
    form = online.fill_address(fields, requests.today(request))
    form.values["reason"] = reason_form.values["reason"]
    status = 422 if form.errors else 200
    return await _page(request, "basic", form, status_code=status, looked_up=not form.errors)


routes = [
    Route("/staff/online/{seeker_id:id}/correct/basic/postcode", find_address, methods=["POST"]),
    Route("/staff/online/{seeker_id:id}/correct/{step}", correct_page, methods=["GET"]),
    Route("/staff/online/{seeker_id:id}/correct/{step}", correct, methods=["POST"]),
]
