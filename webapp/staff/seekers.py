"""Staff console: the counter registration (求職申込み) with its printable sheet, and
finding and viewing the office's job-seekers."""

from __future__ import annotations

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.postings import catalog
from webapp.security import audit
from webapp.seekers import service as seekers
from webapp.seekers import validity
from webapp.staff import forms
from webapp.staff.access import seeker_for_staff
from webapp.templating import render

ADDRESS_TAKEN = (
    "このメールアドレスは既に別の求職者に登録されています。別のメールアドレスを入力してください。"
)
QUERY_MAX = 100

# 応募の状態 as the job-seeker and the employer read them (applications/states.py, built
# with the applications, is the source of truth; this page only shows them).
APPLICATION_STATES = {
    "applied": "応募済み",
    "screening": "書類選考中",
    "interview": "面接",
    "offered": "内定",
    "rejected": "不採用",
    "withdrawn": "辞退",
}
APPLICATION_KINDS = {"direct": "自主応募", "referral": "紹介"}
NOTICE_KINDS = {"notice": "お知らせ", "job": "求人情報"}


# How a closed account ended (job_seekers.closed_reason), as staff read it.
CLOSED_LABELS = {"withdrawn": "退会", "employed": "終了（就職）", "cancelled": "終了（取消）"}


def _form_page(request: Request, form: Form, status_code: int = 200, **extra) -> Response:
    return render(
        request,
        "staff/seeker_new.html",
        {"form": form, "catalog": catalog, **extra},
        fragment="staff/_seeker_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def new_form(request: Request) -> Response:
    """The counter registration form."""
    return _form_page(request, Form())


@member_required(STAFF)
async def create(request: Request) -> Response:
    """Register the job-seeker at this staff member's office, then show their sheet. The
    same form sent twice lands on the sheet of the job-seeker the first one registered."""
    member = request.state.member
    conn = current(request.app)
    now = requests.now(request)
    form, new = forms.counter_form(await request.form(), today=requests.today(request))
    existing = None
    if new is not None:
        try:
            number = await seekers.register(conn, new, office_code=member["office_code"], now=now)
        except seekers.AddressTaken:
            row = await seekers.by_email(conn, new.email)
            ours = row is not None and row["office_id"] == member["office_id"]
            if ours and seekers.same_registration(row, new):
                return htmx.redirect(request, f"/staff/seekers/{row['id']}/sheet?registered=again")
            form.add("email", ADDRESS_TAKEN)
            # Only this office's job-seeker may be pointed to: another office's stays unnamed.
            existing = row if ours else None
        except seekers.RegistrationError as error:
            form.add("form", str(error))
        else:
            row = await seekers.by_number(conn, number)
            await audit.record(
                conn,
                request,
                "seeker_register",
                "success",
                seeker_id=row["id"],
                member_id=member["id"],
                now=now,
            )
            return htmx.redirect(request, f"/staff/seekers/{row['id']}/sheet?registered=1")
    return _form_page(request, form, 422, existing=existing)


def _qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (no style attributes: the CSP forbids them)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1,
        border=4,
        omitsize=True,  # a viewBox only: the CSS sizes it
        dark="#000",
        light="#fff",
        svgclass="sheet__qr-code",
        lineclass=None,
        title="求職者マイページ開設（パスワード登録）のQRコード",
    )
    return Markup(svg.replace("<svg ", '<svg role="img" shape-rendering="crispEdges" ', 1))


@member_required(STAFF)
async def sheet(request: Request) -> Response:
    """The printable sheet handed to the job-seeker: 求職番号, address, how to open My Page."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    office = await seekers.office_of(conn, seeker["office_id"])
    register_url = request.app.state.settings.base_url + "/register"
    return render(
        request,
        "staff/seeker_sheet.html",
        {
            "seeker": seeker,
            "office": office,
            "register_url": register_url,
            "qr": _qr_svg(register_url),
            "registered": request.query_params.get("registered", ""),
        },
    )


@member_required(STAFF)
async def search(request: Request) -> Response:
    """This office's job-seekers by 求職番号, 氏名 or フリガナ (all of them, newest first,
    when nothing is typed)."""
    member = request.state.member
    form = Form()
    params = form.read(request.query_params)
    query = str(params.get("q", ""))[:QUERY_MAX].strip()
    form.values["q"] = query
    if not form.valid:  # the field's error, and no search
        return render(
            request,
            "staff/seeker_search.html",
            {"form": form, "query": query},
            status_code=422,
            headers=htmx.swap_main(request),
        )
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    result = await seekers.search(
        current(request.app),
        office_id=member["office_id"],
        office_code=member["office_code"],
        query=query,
        page=page,
    )
    return render(
        request,
        "staff/seeker_search.html",
        {
            "form": form,
            "query": query,
            "result": result,
            "page_size": seekers.PAGE_SIZE,
            "today": requests.today(request),
            "is_valid": validity.is_active,
        },
        # The results alone, unless the form asked for the whole <main> (after a refusal).
        fragment=None
        if request.headers.get("hx-target") == "main"
        else "staff/_seeker_results.html",
    )


@member_required(STAFF)
async def profile(request: Request) -> Response:
    """One job-seeker: registration, 有効/無効, and what is on their My Page."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    today = requests.today(request)
    return render(
        request,
        "staff/seeker_profile.html",
        {
            "seeker": seeker,
            "done": request.query_params.get("done", ""),
            "waiting": await seekers.pending_referral_requests(conn, seeker["id"]),
            "valid": validity.is_active(seeker, today),
            "activity": await seekers.activity(conn, seeker["id"]),
            "occupation": catalog.OCCUPATIONS.get(seeker["desired_occupation"], ""),
            "prefecture": catalog.prefecture_name(seeker["desired_prefecture"]),
            "employment_type": catalog.EMPLOYMENT_TYPES.get(seeker["desired_employment_type"], ""),
            "application_states": APPLICATION_STATES,
            "application_kinds": APPLICATION_KINDS,
            "notice_kinds": NOTICE_KINDS,
            "closed_labels": CLOSED_LABELS,
        },
    )


def _correct_page(request: Request, seeker, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "staff/seeker_correct.html",
        {"seeker": seeker, "form": form, "reason_max": forms.REASON_MAX},
        fragment="staff/_correct_form.html",
        status_code=status_code,
    )


@member_required(STAFF)
async def correct_form(request: Request) -> Response:
    """登録内容の訂正: 氏名, フリガナ, 生年月日, メールアドレス as registered, to correct."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    if seeker["closed_at"] is not None:  # closed: nothing left to correct (see closing/)
        return htmx.redirect(request, f"/staff/seekers/{seeker['id']}")
    return _correct_page(request, seeker, forms.correction_values(seeker))


@member_required(STAFF)
async def correct(request: Request) -> Response:
    """Correct the registration with a reason (kept in the history); the job-seeker is
    told by mail (see seekers.correct_registration)."""
    member = request.state.member
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, member, request.path_params["seeker_id"])
    if seeker["closed_at"] is not None:
        return htmx.redirect(request, f"/staff/seekers/{seeker['id']}")
    now = requests.now(request)
    form, correction = forms.correction_form(await request.form(), today=requests.today(request))
    if correction is not None:
        try:
            changed = await seekers.correct_registration(
                conn,
                seeker["id"],
                correction,
                reason=form.values["reason"],
                member_id=member["id"],
                base_url=requests.base_url(request),
                now=now,
            )
        except seekers.AddressTaken:
            form.add("email", ADDRESS_TAKEN)
        else:
            if changed:
                await audit.record(
                    conn,
                    request,
                    "seeker_correct",
                    "success",
                    seeker_id=seeker["id"],
                    member_id=member["id"],
                    now=now,
                )
            done = "corrected" if changed else "unchanged"
            return htmx.redirect(request, f"/staff/seekers/{seeker['id']}?done={done}")
    return _correct_page(request, seeker, form, 422)


routes = [
    Route("/staff/seekers", search, methods=["GET"]),
    Route("/staff/seekers/new", new_form, methods=["GET"]),
    Route("/staff/seekers/new", create, methods=["POST"]),
    Route("/staff/seekers/{seeker_id:id}", profile, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/sheet", sheet, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/correct", correct_form, methods=["GET"]),
    Route("/staff/seekers/{seeker_id:id}/correct", correct, methods=["POST"]),
]
