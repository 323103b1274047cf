"""相互連絡 pages: the thread of an application, for the job-seeker and for the 事業所.

New messages reach an open thread by htmx polling of /.../messages/since/{last_id} every
10 s, not by server-sent events: a poll is a short ordinary request, so it works behind
any proxy or load balancer, holds no connection per open tab on a 2-core server, and
carries its state (the last id shown) in the URL. It cannot pause in a hidden tab: the
`[document.visibilityState ...]` trigger filter needs eval, which the CSP and htmx config
forbid, so it polls on; a poll that finds nothing is one indexed query and a 204.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.applications.states import label as state_label
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import EMPLOYER
from webapp.db import current
from webapp.employer.access import application_for_employer
from webapp.forms import Form
from webapp.messages import forms, service
from webapp.messages.service import Thread
from webapp.templating import render

CLOSED_MESSAGES = {
    "withdrawn": "この応募は辞退されたため、メッセージは送れません。"
    "これまでのメッセージは読むことができます。",
    "no_employer": "この求人の事業所はオンラインでの連絡を利用していないため、"
    "メッセージは送れません。ハローワークの窓口にご相談ください。",
}


def _seeker_loader(lookup: Callable[..., Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """`lookup` (service.thread, or thread_with_messages for the page) of the signed-in
    job-seeker's own application; anyone else's is a 404."""

    async def load(request: Request) -> Any:
        found = await lookup(
            current(request.app),
            request.path_params["application_id"],
            seeker_id=request.state.user["id"],
        )
        if found is None:
            raise HTTPException(404)
        return found

    return load


def _employer_loader(
    lookup: Callable[..., Awaitable[Any]],
) -> Callable[[Request], Awaitable[Any]]:
    """`lookup` of an application to one of the member's 事業所's postings; else 404."""

    async def load(request: Request) -> Any:
        conn = current(request.app)
        application_id = request.path_params["application_id"]
        await application_for_employer(conn, request.state.member, application_id)
        found = await lookup(conn, application_id)
        if found is None:  # deleted in between
            raise HTTPException(404)
        return found

    return load


def _path(viewer: str, thread: Thread) -> str:
    if viewer == service.SEEKER:
        return service.seeker_path(thread.application_id)
    return service.employer_path(thread.application_id)


def _context(viewer: str, thread: Thread, items: list[dict], **extra) -> dict:
    application_id = thread.application_id
    return {
        "thread": thread,
        "viewer": viewer,
        "items": items,
        "base": _path(viewer, thread),
        "back": f"/mypage/applications/{application_id}"
        if viewer == service.SEEKER
        else f"/employer/applicants/{application_id}",
        "state_label": state_label(thread.state),
        "closed_message": CLOSED_MESSAGES.get(thread.closed_because or "", ""),
        **extra,
    }


async def _shown(
    request: Request, viewer: str, thread: Thread, after: int = 0, items: list[dict] | None = None
) -> list[dict]:
    """The messages after `after` (or `items`, read with the thread), marked read for the
    viewer now that they are shown."""
    conn = current(request.app)
    if items is None:
        items = await service.messages_after(conn, thread, after)
    # A write only when something shown is still unread (not on every view and poll).
    other = service.OTHER[viewer]
    if any(item["sender"] == other and item["read_at"] is None for item in items):
        await service.mark_read(
            conn,
            thread.application_id,
            reader=viewer,
            up_to=items[-1]["id"],
            now=requests.now(request),
        )
        if viewer == service.SEEKER:
            unread = sum(1 for m in items if m["sender"] != viewer and m["read_at"] is None)
            requests.seen(request, "messages", unread)
    return items


async def _page(
    request: Request,
    viewer: str,
    thread: Thread,
    *,
    form: Form | None = None,
    seen: int | None = None,
    status_code: int = 200,
    items: list[dict] | None = None,
) -> Response:
    """The thread page (with `items`, its messages read with the thread); for an htmx form
    post with errors, only the form (422)."""
    if htmx.wants_fragment(request) and form is not None:
        # The page keeps its list; the form keeps the last id that page has shown.
        context = _context(viewer, thread, [], form=form, last_id=seen or 0)
        return render(request, "messages/_form.html", context, status_code=status_code)
    items = await _shown(request, viewer, thread, items=items)
    last_id = items[-1]["id"] if items else 0
    context = _context(
        viewer,
        thread,
        items,
        form=form or Form(),
        last_id=last_id,
        sent=request.query_params.get("sent") == "1" and form is None,
    )
    return render(request, "messages/thread.html", context, status_code=status_code)


async def _send(request: Request, viewer: str, thread: Thread, member_id: int | None) -> Response:
    """Write a message: 303 back to the thread, or for htmx the cleared form with the new
    messages appended to the list (and the poll moved past them)."""
    data = await request.form()
    form = forms.message_form(data)
    seen = forms.seen_up_to(data)
    if form.valid and not thread.can_write:
        form.add("form", CLOSED_MESSAGES[thread.closed_because or "withdrawn"])
    if not form.valid:
        return await _page(request, viewer, thread, form=form, seen=seen, status_code=422)
    try:
        message_id, _ = await service.write(
            current(request.app),
            thread,
            sender=viewer,
            member_id=member_id,
            text=form.values["text"],
            seen=seen,
            now=requests.now(request),
            base_url=request.app.state.settings.base_url,
        )
    except service.Closed:
        form.add("form", CLOSED_MESSAGES["withdrawn"])
        closed = await service.thread(current(request.app), thread.application_id) or thread
        return await _page(request, viewer, closed, form=form, seen=seen, status_code=422)
    # A second send of the same form lands here too: it shows the thread, message once.
    if not htmx.wants_fragment(request):
        return RedirectResponse(f"{_path(viewer, thread)}?sent=1#message-form", status_code=303)
    items = await _shown(request, viewer, thread, seen if seen is not None else message_id - 1)
    last_id = items[-1]["id"] if items else message_id
    context = _context(viewer, thread, items, form=Form(), last_id=last_id, sent=True)
    return render(request, "messages/_sent.html", context)


async def _since(request: Request, viewer: str, thread: Thread) -> Response:
    """The poll: messages newer than the page's last one (marked read), or 204."""
    if not htmx.is_htmx(request):
        return RedirectResponse(_path(viewer, thread), status_code=303)
    items = await _shown(request, viewer, thread, request.path_params["last_id"])
    if not items:
        # htmx-config: 204 is not swapped; the sentinel keeps polling from the same id.
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    context = _context(viewer, thread, items, last_id=items[-1]["id"])
    return render(request, "messages/_since.html", context)


def _signed_in_as(viewer: str, request: Request) -> bool:
    if viewer == service.SEEKER:
        return request.state.user is not None
    member = request.state.member
    return member is not None and member["role"] == EMPLOYER


def _handlers(
    guard: Callable,
    load: Callable[[Request], Awaitable[Thread]],
    load_page: Callable[[Request], Awaitable[tuple[Thread, list[dict]]]],
    viewer: str,
) -> tuple[Callable, Callable, Callable]:
    """The thread page, the send and the poll of one side, behind that side's guard."""

    @guard
    async def page(request: Request) -> Response:
        thread, items = await load_page(request)
        return await _page(request, viewer, thread, items=items)

    @guard
    async def send(request: Request) -> Response:
        member = request.state.member
        member_id = member["id"] if viewer == service.EMPLOYER else None
        return await _send(request, viewer, await load(request), member_id)

    @guard
    async def guarded_since(request: Request) -> Response:
        return await _since(request, viewer, await load(request))

    async def since(request: Request) -> Response:
        if htmx.is_htmx(request) and not _signed_in_as(viewer, request):
            # The session ended under an open thread (expired, or signed out in another
            # tab): 286 stops htmx polling, quietly. The guard's answer would send the page
            # to the sign-in form mid-sentence; a send instead signs in again and keeps
            # the typed text (auth.form_restore).
            return Response(status_code=286, headers={"Cache-Control": "no-store"})
        return await guarded_since(request)

    return page, send, since


seeker_page, seeker_send, seeker_since = _handlers(
    login_required,
    _seeker_loader(service.thread),
    _seeker_loader(service.thread_with_messages),
    service.SEEKER,
)
employer_page, employer_send, employer_since = _handlers(
    member_required(EMPLOYER),
    _employer_loader(service.thread),
    _employer_loader(service.thread_with_messages),
    service.EMPLOYER,
)

routes = [
    Route("/mypage/applications/{application_id:id}/messages", seeker_page, methods=["GET"]),
    Route("/mypage/applications/{application_id:id}/messages", seeker_send, methods=["POST"]),
    Route(
        "/mypage/applications/{application_id:id}/messages/since/{last_id:id_or_0}",
        seeker_since,
        methods=["GET"],
    ),
    Route("/employer/applicants/{application_id:id}/messages", employer_page, methods=["GET"]),
    Route("/employer/applicants/{application_id:id}/messages", employer_send, methods=["POST"]),
    Route(
        "/employer/applicants/{application_id:id}/messages/since/{last_id:id_or_0}",
        employer_since,
        methods=["GET"],
    ),
]
