"""求人者からのリクエスト: employers search published profiles and send a posting; the
job-seeker reads, declines, blocks and unblocks."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.applications import service as applications
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import EMPLOYER
from webapp.db import current
from webapp.direct_requests import forms, service
from webapp.forms import Form
from webapp.ids import parse_id
from webapp.postings import catalog
from webapp.publishing import service as publishing
from webapp.templating import render

DONE_MESSAGES = {
    "declined": "リクエストを辞退しました。",
    "blocked": (
        "求人者をブロックしました。"
        "この求人者はあなたの求職情報を見られなくなり、リクエストも届かなくなります。"
    ),
    "unblocked": "ブロックを解除しました。",
}


# ---------------------------------------------------------------------------------------
# Employer side


def _profile_not_found(request: Request) -> Response:
    """Not found, unpublished, 無効 and blocked all get this same answer (a block is never
    revealed to the employer)."""
    return render(
        request,
        "pages/error.html",
        {"status_code": 404, "message": service.ProfileNotVisible.message},
        status_code=404,
    )


@member_required(EMPLOYER)
async def profiles(request: Request) -> Response:
    """求職情報検索: published profiles this employer may see, filtered, a page at a time."""
    form, search = forms.profile_search(request.query_params)
    result = await service.search_profiles(
        current(request.app),
        request.state.member["employer_id"],
        search,
        today=requests.today(request),
    )
    return render(
        request,
        "direct_requests/profiles.html",
        {
            "form": form,
            "search": search,
            "result": result,
            "catalog": catalog,
            "limit": service.LIMIT_PER_POSTING,
        },
        status_code=200 if form.valid else 422,
    )


async def _profile_page(
    request: Request, seeker_id: int, view, form: Form, status_code: int = 200
) -> Response:
    postings = await service.sendable_postings(
        current(request.app),
        request.state.member["employer_id"],
        seeker_id,
        today=requests.today(request),
    )
    return render(
        request,
        "direct_requests/profile.html",
        {
            "view": view,
            "postings": postings,
            "form": form,
            "limit": service.LIMIT_PER_POSTING,
            "message_max": forms.MESSAGE_MAX,
            "sent": request.query_params.get("sent") == "1",
        },
        fragment="direct_requests/_request_form.html",
        status_code=status_code,
    )


@member_required(EMPLOYER)
async def profile(request: Request) -> Response:
    """One published profile (the employer view) and the form to send a posting."""
    found = await publishing.view_for_employer(
        current(request.app),
        request.path_params["publish_number"],
        request.state.member["employer_id"],
        requests.today(request),
    )
    if found is None:
        return _profile_not_found(request)
    seeker_id, view = found
    return await _profile_page(request, seeker_id, view, Form())


@member_required(EMPLOYER)
async def send_request(request: Request) -> Response:
    """リクエストを送信: one of the employer's open postings and a message."""
    conn = current(request.app)
    member = request.state.member
    number = request.path_params["publish_number"]
    here = f"/employer/profiles/{number}"
    found = await publishing.view_for_employer(
        conn, number, member["employer_id"], requests.today(request)
    )
    if found is None:
        # htmx would not swap a 404 into the form: send the browser to the page, which
        # then answers with the same not-found page.
        return (
            htmx.redirect(request, here) if htmx.is_htmx(request) else _profile_not_found(request)
        )
    seeker_id, view = found
    postings = await service.sendable_postings(
        conn, member["employer_id"], seeker_id, today=requests.today(request)
    )
    form = forms.request_form(await request.form(), {p["id"] for p in postings})
    if form.valid:
        try:
            await service.send(
                conn,
                member,
                publish_number=number,
                posting_id=form.values["posting_id"],
                message=form.values["message"],
                now=requests.now(request),
                base_url=request.app.state.settings.base_url,
            )
        except service.ProfileNotVisible:
            if htmx.is_htmx(request):
                return htmx.redirect(request, here)
            return _profile_not_found(request)
        except service.RequestRefused as refused:
            form.add(refused.field, refused.message)
        else:
            return htmx.redirect(request, f"{here}?sent=1")
    return await _profile_page(request, seeker_id, view, form, 422)


@member_required(EMPLOYER)
async def sent(request: Request) -> Response:
    """送信したリクエスト: what the employer's users sent, and each job-seeker's answer."""
    items, more = await service.sent_by_employer(
        current(request.app), request.state.member["employer_id"], today=requests.today(request)
    )
    return render(
        request,
        "direct_requests/sent.html",
        {"items": items, "more": more, "limit": service.LIMIT_PER_POSTING},
    )


# ---------------------------------------------------------------------------------------
# Job-seeker side


async def _own_request(request: Request):
    row = await service.request_of(
        current(request.app), request.state.user["id"], request.path_params["request_id"]
    )
    if row is None:
        raise HTTPException(404)
    return row


@login_required
async def inbox(request: Request) -> Response:
    """求人者からのリクエスト: received requests; opening the list marks them read."""
    items = await service.inbox(
        current(request.app), request.state.user["id"], now=requests.now(request)
    )
    requests.seen(request, "requests", sum(1 for item in items if item["unread"]))
    return render(
        request,
        "direct_requests/inbox.html",
        {
            "items": items,
            "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
            # 無効 or lapsed: the requests stay readable, without 応募する.
            "refusal": applications.seeker_refusal(request.state.user, requests.today(request)),
        },
    )


@login_required
async def decline(request: Request) -> Response:
    """辞退する: the request stays listed, marked 辞退済み."""
    row = await _own_request(request)
    await service.decline(
        current(request.app), request.state.user["id"], row["id"], now=requests.now(request)
    )
    return htmx.redirect(request, "/mypage/requests?done=declined")


@login_required
async def block_confirm(request: Request) -> Response:
    """ブロックの確認: what blocking the request's employer does."""
    return render(request, "direct_requests/block.html", {"item": await _own_request(request)})


@login_required
async def block(request: Request) -> Response:
    """ブロックする: the request's employer no longer sees the profile nor sends requests."""
    row = await _own_request(request)
    await service.block(
        current(request.app),
        request.state.user["id"],
        row["employer_id"],
        now=requests.now(request),
    )
    return htmx.redirect(request, "/mypage/requests?done=blocked")


@login_required
async def blocks(request: Request) -> Response:
    """ブロックした求人者: the list, each with 解除."""
    rows = await service.blocked(current(request.app), request.state.user["id"])
    return render(
        request,
        "direct_requests/blocks.html",
        {"rows": rows, "done": DONE_MESSAGES.get(request.query_params.get("done", ""))},
    )


@login_required
async def unblock(request: Request) -> Response:
    """ブロックを解除: the employer may see the profile and send requests again."""
    employer_id = parse_id(str((await request.form()).get("employer_id", "")))
    if employer_id is None or not await service.unblock(
        current(request.app), request.state.user["id"], employer_id
    ):
        raise HTTPException(404)
    return htmx.redirect(request, "/mypage/blocks?done=unblocked")


routes = [
    Route("/employer/profiles", profiles, methods=["GET"]),
    Route("/employer/profiles/{publish_number}", profile, methods=["GET"]),
    Route("/employer/profiles/{publish_number}/request", send_request, methods=["POST"]),
    Route("/employer/requests", sent, methods=["GET"]),
    Route("/mypage/requests", inbox, methods=["GET"]),
    Route("/mypage/requests/{request_id:id}/decline", decline, methods=["POST"]),
    Route("/mypage/requests/{request_id:id}/block", block_confirm, methods=["GET"]),
    Route("/mypage/requests/{request_id:id}/block", block, methods=["POST"]),
    Route("/mypage/blocks", blocks, methods=["GET"]),
    Route("/mypage/blocks", unblock, methods=["POST"]),
]
