"""My Page アカウント設定: password, address, signed-in devices, sign-in history."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests, validation
from webapp.account import service
from webapp.auth.guard import login_required
from webapp.db import current
from webapp.forms import Form
from webapp.security import audit, throttle
from webapp.security.auth_keys import KeyProblem, key_problem
from webapp.security.passwords import guessable_errors, rule_errors
from webapp.templating import render

WRONG_PASSWORD = "現在のパスワードが正しくありません。"


def _done(request: Request, message: str) -> Response:
    return htmx.redirect(request, f"/mypage/account?done={message}")


DONE_MESSAGES = {
    "password": "パスワードを変更しました。ほかの端末のログインは終了しました。",
    "email": "メールアドレスを変更しました。ほかの端末のログインは終了しました。",
    "session": "選んだ端末をログアウトさせました。",
    "others": "この端末以外のログインをすべて終了しました。",
}


@login_required
async def overview(request: Request) -> Response:
    conn = current(request.app)
    user = request.state.user
    devices = [
        {
            **row._mapping,
            "name": service.describe_browser(row["user_agent"]),
            "place": service.coarse_place(row["ip_address"]),
            "current": row["id"] == user["session_id"],
        }
        for row in await service.devices(conn, user["id"])
    ]
    # This device first, then the others by last use.
    devices.sort(key=lambda device: not device["current"])
    history = [
        {
            **row._mapping,
            "name": service.describe_browser(row["user_agent"]),
            "place": service.coarse_place(row["ip_address"]),
        }
        for row in await service.sign_in_history(conn, user["id"])
    ]
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    return render(
        request, "account/overview.html", {"devices": devices, "history": history, "done": done}
    )


def _password_page(request: Request, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "account/password.html",
        {"form": form},
        fragment="account/_password_form.html",
        status_code=status_code,
    )


@login_required
async def password_form(request: Request) -> Response:
    return _password_page(request, Form())


@login_required
async def change_password(request: Request) -> Response:
    form = Form()
    data = form.read(await request.form())
    user = request.state.user
    conn = current(request.app)
    current_password = str(data.get("current_password", ""))[:200]
    new = str(data.get("password", ""))[:200]
    confirm = str(data.get("password_confirm", ""))[:200]
    row = await service.seeker(conn, user["id"])
    for message in rule_errors(new) or guessable_errors(
        new, email=user["email"], birthdate=row["birthdate"]
    ):
        form.add("password", message)
    if new and new == current_password:
        form.add("password", "現在のパスワードとは違うパスワードを入力してください。")
    if confirm != new:
        form.add("password_confirm", "新しいパスワードと新しいパスワード（確認用）が一致しません。")
    if not current_password:
        form.add("current_password", "現在のパスワードを入力してください。")
    elif not await service.check_password(conn, user["id"], current_password):
        form.add("current_password", WRONG_PASSWORD)
    if not form.valid:
        return _password_page(request, form, 422)
    settings = request.app.state.settings
    await service.change_password(
        conn, user, new, base_url=settings.base_url, now=requests.now(request)
    )
    await audit.record(conn, request, "password_change", "success", seeker_id=user["id"])
    return _done(request, "password")


def _email_page(
    request: Request, form: Form, status_code: int = 200, headers: dict | None = None, **extra
) -> Response:
    return render(
        request,
        "account/email.html",
        {"form": form, **extra},
        fragment="account/_email_form.html",
        status_code=status_code,
        headers=headers,
    )


@login_required
async def email_form(request: Request) -> Response:
    conn = current(request.app)
    pending = await service.pending_email_change(conn, request.state.user["id"])
    now = requests.now(request)
    if pending is not None and key_problem(pending, now) is None:
        return _email_page(request, Form(), pending=pending)
    return _email_page(request, Form())


@login_required
async def request_email_change(request: Request) -> Response:
    form = Form()
    data = form.read(await request.form())
    user = request.state.user
    conn = current(request.app)
    form.values = {"email": validation.nfkc(str(data.get("email", ""))[:200])}
    try:
        form.values["email"] = validation.email(form.values["email"])
        if form.values["email"] == user["email"]:
            form.add("email", "現在のメールアドレスとは違うメールアドレスを入力してください。")
    except validation.FieldError as error:
        form.add("email", str(error))
    password = str(data.get("current_password", ""))[:200]
    if not password:
        form.add("current_password", "現在のパスワードを入力してください。")
    elif not await service.check_password(conn, user["id"], password):
        form.add("current_password", WRONG_PASSWORD)
    if form.valid:
        # The key goes to an address the user typed: the same limits as every key mail.
        refusal = await throttle.key_request_refusal(
            conn, request, form.values["email"], requests.now(request)
        )
        if refusal:
            form.refuse(refusal.message)
            return _email_page(request, form, 429, {"Retry-After": str(refusal.retry_after)})
        try:
            await service.request_email_change(
                conn,
                user,
                form.values["email"],
                secret_key=request.app.state.settings.secret_key,
                now=requests.now(request),
            )
        except service.AddressTaken:
            form.add(
                "email", "このメールアドレスは使えません。別のメールアドレスを入力してください。"
            )
    if not form.valid:
        return _email_page(request, form, 422)
    await audit.record(
        conn, request, "email_change", "key_sent", seeker_id=user["id"], email=form.values["email"]
    )
    return htmx.redirect(request, "/mypage/account/email")


@login_required
async def confirm_email_change(request: Request) -> Response:
    form = Form()
    data = form.read(await request.form())
    user = request.state.user
    conn = current(request.app)
    typed = str(data.get("auth_key", ""))[:100]
    form.values = {"auth_key": validation.nfkc(typed)}
    pending = await service.pending_email_change(conn, user["id"])
    if pending is None:
        return htmx.redirect(request, "/mypage/account/email")
    if not form.values["auth_key"]:
        form.add("auth_key", "メールに記載された認証キーを入力してください。")
    if not form.valid:
        return _email_page(request, form, 422, pending=pending)
    try:
        new_email = await service.confirm_email_change(
            conn,
            user,
            typed,
            secret_key=request.app.state.settings.secret_key,
            now=requests.now(request),
        )
    except KeyProblem as problem:
        form.add("auth_key", problem.message)
        return _email_page(request, form, 422, pending=pending, problem=problem)
    except service.AddressTaken:
        form.add(
            "auth_key",
            "このメールアドレスは使えなくなりました。別のメールアドレスでやり直してください。",
        )
        return _email_page(request, form, 422)
    await audit.record(
        conn, request, "email_change", "success", seeker_id=user["id"], email=new_email
    )
    return _done(request, "email")


@login_required
async def end_session(request: Request) -> Response:
    user = request.state.user
    conn = current(request.app)
    if not await service.end_session(conn, user["id"], request.path_params["session_id"]):
        raise HTTPException(404)
    await audit.record(conn, request, "session_end", "success", seeker_id=user["id"])
    if request.path_params["session_id"] == user["session_id"]:
        return htmx.redirect(request, "/login?logged_out=1")
    return _done(request, "session")


@login_required
async def end_other_sessions(request: Request) -> Response:
    user = request.state.user
    conn = current(request.app)
    await service.end_other_sessions(conn, user["id"], user["session_id"])
    await audit.record(conn, request, "session_end", "others", seeker_id=user["id"])
    return _done(request, "others")


routes = [
    Route("/mypage/account", overview, methods=["GET"]),
    Route("/mypage/account/password", password_form, methods=["GET"]),
    Route("/mypage/account/password", change_password, methods=["POST"]),
    Route("/mypage/account/email", email_form, methods=["GET"]),
    Route("/mypage/account/email", request_email_change, methods=["POST"]),
    Route("/mypage/account/email/confirm", confirm_email_change, methods=["POST"]),
    Route("/mypage/account/sessions/{session_id:id}/logout", end_session, methods=["POST"]),
    Route("/mypage/account/sessions/logout-others", end_other_sessions, methods=["POST"]),
]
