"""メールボックス: what the built-in SMTP catcher received (only when SMTP_HOST is unset)."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import validation
from webapp.db import current
from webapp.forms import Form
from webapp.schema import caught_mail
from webapp.templating import render


def _require_catcher(request: Request) -> None:
    if not request.app.state.settings.mail_catcher:
        raise HTTPException(404)


async def inbox(request: Request) -> Response:
    """Newest first; `?to=` narrows to one address, like one person's mail app."""
    _require_catcher(request)
    form = Form()
    params = form.read(request.query_params)
    to = validation.nfkc(str(params.get("to", "")))[:254].lower()
    form.values["to"] = to
    if not form.valid:
        return render(request, "mailbox/inbox.html", {"mails": [], "form": form}, status_code=422)
    query = sa.select(caught_mail).order_by(caught_mail.c.id.desc()).limit(50)
    if to:
        query = query.where(caught_mail.c.to_addr == to)
    mails = await current(request.app).fetch_all(query)
    return render(request, "mailbox/inbox.html", {"mails": mails, "form": form})


async def message(request: Request) -> Response:
    _require_catcher(request)
    mail = await current(request.app).fetch_one(
        sa.select(caught_mail).where(caught_mail.c.id == request.path_params["mail_id"])
    )
    if mail is None:
        raise HTTPException(404)
    return render(request, "mailbox/message.html", {"mail": mail})


routes = [
    Route("/mailbox", inbox, methods=["GET"]),
    Route("/mailbox/{mail_id:id}", message, methods=["GET"]),
]
