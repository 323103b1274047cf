"""求人票の審査: staff approve an employer's posting (募集中, searchable) or send it back
to the employer as a draft with a note saying what to change."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.postings import forms
from webapp.postings import service as postings
from webapp.templating import render

DONE_MESSAGES = {
    "approved": ("success", "承認しました。求人検索に公開されました。"),
    "rejected": ("success", "差し戻しました。事業所の求人者マイページに理由が表示されます。"),
    "already_decided": ("info", "この求人票は既に審査済みです。"),
}


async def _reviewable(request: Request):
    """The posting in the URL if this staff member's office received it; 404 otherwise."""
    posting = await postings.posting_for_staff(
        current(request.app), request.state.member, request.path_params["posting_id"]
    )
    if posting is None:
        raise HTTPException(404)
    return posting


@member_required(STAFF)
async def queue(request: Request) -> Response:
    """Postings waiting for review at this office, the longest-waiting first."""
    rows = await postings.pending_for_office(
        current(request.app), request.state.member["office_code"]
    )
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    return render(request, "staff/review_list.html", {"rows": rows, "done": done})


def _review_page(request: Request, posting, form: Form, status_code: int = 200) -> Response:
    today = requests.today(request)
    # What the 求人票 lacks of what the law and Hello Work's form require (a posting
    # submitted before those fields existed, or sent round the check): named, and no
    # 承認 until the employer adds it (差し戻し says what to add).
    lacking = forms.missing(posting) if posting["status"] == postings.PENDING else Form()
    lacking.summary = "この求人票は、次の項目がないため承認できません"
    return render(
        request,
        "staff/review.html",
        {
            "posting": posting,
            "state": postings.state(posting, today),
            "label": postings.status_label(posting, today),
            "form": form,
            "lacking": lacking,
            "lacking_list": [m for messages in lacking.errors.values() for m in messages],
            "note_max": forms.REVIEW_NOTE_MAX,
            "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        },
        status_code=status_code,
    )


@member_required(STAFF)
async def review(request: Request) -> Response:
    """The whole 求人票, with 承認 and 差し戻し while it waits for review."""
    return _review_page(request, await _reviewable(request), Form())


@member_required(STAFF)
async def approve(request: Request) -> Response:
    """承認: only a 求人票 with every required field; otherwise the review page again (422),
    naming each field it lacks."""
    posting = await _reviewable(request)
    if posting["status"] == postings.PENDING and not forms.missing(posting).valid:
        return _review_page(request, posting, Form(), 422)
    done = await postings.approve(
        current(request.app),
        posting["id"],
        request.state.member,
        now=requests.now(request),
        base_url=request.app.state.settings.base_url,
    )
    if not done:
        return htmx.redirect(
            request, f"/staff/postings/review/{posting['id']}?done=already_decided"
        )
    return htmx.redirect(request, "/staff/postings/review?done=approved")


@member_required(STAFF)
async def reject(request: Request) -> Response:
    """Back to the employer as a draft; the note (required) tells them what to change."""
    posting = await _reviewable(request)
    if posting["status"] != postings.PENDING:
        return htmx.redirect(
            request, f"/staff/postings/review/{posting['id']}?done=already_decided"
        )
    form = forms.parse_review_note(await request.form())
    if not form.valid:
        return _review_page(request, posting, form, 422)
    done = await postings.reject(
        current(request.app),
        posting["id"],
        request.state.member,
        form.values["note"],
        now=requests.now(request),
        base_url=request.app.state.settings.base_url,
    )
    if not done:
        return htmx.redirect(
            request, f"/staff/postings/review/{posting['id']}?done=already_decided"
        )
    return htmx.redirect(request, "/staff/postings/review?done=rejected")


routes = [
    Route("/staff/postings/review", queue, methods=["GET"]),
    Route("/staff/postings/review/{posting_id:id}", review, methods=["GET"]),
    Route("/staff/postings/review/{posting_id:id}/approve", approve, methods=["POST"]),
    Route("/staff/postings/review/{posting_id:id}/reject", reject, methods=["POST"]),
]
