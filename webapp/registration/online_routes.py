"""Handlers of 求職申込み online: opening the account (利用規約, メールアドレス, 認証キーと
パスワード) and the 求職申込書 in short steps (see webapp.registration.online)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth import form_restore, forms, password_pages, password_wizard, service
from webapp.auth.guard import login_required
from webapp.auth.password_wizard import STEP_DONE, STEP_EMAIL, STEP_PASSWORD
from webapp.auth.roles import SEEKER, Account
from webapp.db import current
from webapp.forms import Form
from webapp.postings import catalog
from webapp.registration import online
from webapp.registration.forms import terms_form
from webapp.security import capabilities, cookies
from webapp.security.auth_keys import KeyProblem
from webapp.seekers import online as seekers_online
from webapp.templating import render

APPLY = online.APPLY
TARGET = "#wizard"
FORM_TARGET = "#application-sheet"
# Without JavaScript, a step sent with mistakes (or 「住所を検索」) answers with a redirect
# to the step's own address, which shows what was typed and why it is refused: a POST's
# page in the history would make the browser's Back, after the next step, show "confirm
# form resubmission" instead of what was saved. What was typed waits in pending_forms
# (webapp.auth.form_restore), bound to the browser by this cookie, for that one page.
TYPED_COOKIE = "apply_typed"
LOOKUP = "apply_lookup"  # marks what was typed as a 「住所を検索」 to redo
URLS = {1: "/apply", STEP_EMAIL: "/apply/email", STEP_PASSWORD: "/apply/password"}
NAMES = {1: "terms", STEP_EMAIL: "email", STEP_PASSWORD: "password"}


def _page(request: Request, step: int, context: dict, *, status_code: int = 200, headers=None):
    name = NAMES[step]
    return render(
        request,
        f"apply/{name}.html",
        {"step": step, **context},
        fragment=f"apply/_{name}.html",
        status_code=status_code,
        headers=headers,
    )


def _go(request: Request, step: int) -> Response:
    return htmx.redirect(request, URLS[step], target=TARGET)


async def _wizard(request: Request):
    return await password_pages.wizard(request, APPLY)


async def terms(request: Request) -> Response:
    """ステップ1 利用規約の確認 (for a person new to Hello Work)."""
    if request.state.user is not None:
        return RedirectResponse("/apply/form", status_code=303)
    if await password_pages.key_pending(request, APPLY):
        return RedirectResponse(URLS[STEP_PASSWORD], status_code=303)
    return _page(request, 1, {"form": Form()})


async def agree(request: Request) -> Response:
    form = terms_form(await request.form())
    if not form.valid:
        return _page(request, 1, {"form": form}, status_code=422)
    cookie = await password_wizard.start(
        current(request.app),
        request.app.state.settings.secret_key,
        await _wizard(request),
        requests.now(request),
        APPLY,
    )
    response = _go(request, STEP_EMAIL)
    if cookie:
        password_pages.set_cookie(response, request, APPLY, cookie)
    return response


async def email(request: Request) -> Response:
    """ステップ2 メールアドレスと生年月日."""
    wizard = await _wizard(request)
    if wizard is None or wizard["step"] < STEP_EMAIL or wizard["step"] == STEP_DONE:
        return RedirectResponse(URLS[1], status_code=303)
    values = {
        "email": wizard["email"] or "",
        "year": wizard["birth_year"] or "",
        "month": wizard["birth_month"] or "",
        "day": wizard["birth_day"] or "",
    }
    return _page(request, STEP_EMAIL, {"form": Form(values=values)})


async def request_key(request: Request) -> Response:
    return await password_pages.key_request(
        request, await _wizard(request), page=_page, go=_go, send=online.request_key
    )


async def restart(request: Request) -> Response:
    """はじめからやり直す / キャンセル: forget the wizard."""
    await password_wizard.forget(current(request.app), await _wizard(request))
    response = (
        _go(request, 1) if request.url.path.endswith("restart") else htmx.redirect(request, "/")
    )
    cookies.delete(response, request, APPLY.cookie)
    return response


async def password(request: Request) -> Response:
    """ステップ3 認証キーとパスワード; the key mail's continue link lands here too."""
    resumed = await password_pages.resume(request, APPLY)
    if isinstance(resumed, Response):
        return resumed
    if resumed is not None:
        return _page(request, STEP_PASSWORD, {"form": Form(), "problem": resumed, "email": None})
    wizard = await _wizard(request)
    if wizard is None or wizard["step"] != STEP_PASSWORD:
        if wizard is not None and wizard["step"] == STEP_EMAIL:
            return RedirectResponse(URLS[STEP_EMAIL], status_code=303)
        return RedirectResponse(URLS[1], status_code=303)
    context = await password_pages.password_context(request, wizard, Form())
    return _page(request, STEP_PASSWORD, context)


async def set_password(request: Request) -> Response:
    wizard = await _wizard(request)
    if wizard is not None and wizard["step"] == STEP_DONE:
        return htmx.redirect(request, "/apply/form")  # a second tap on 次へ
    if wizard is None or wizard["step"] != STEP_PASSWORD:
        return _go(request, 1)
    birthdate = password_wizard.typed_birthdate(wizard)
    form = forms.password_form(
        await request.form(), email=wizard["email"] or "", birthdate=birthdate
    )
    if not form.valid or birthdate is None:
        context = await password_pages.password_context(request, wizard, form)
        return _page(request, STEP_PASSWORD, context, status_code=422)
    settings = request.app.state.settings
    conn = current(request.app)
    now = requests.now(request)
    try:
        seeker_id = await online.open_account(
            conn,
            wizard,
            password=form.values["password"],
            typed_key=form.values["auth_key"],
            birthdate=birthdate,
            secret_key=settings.secret_key,
            now=now,
        )
    except KeyProblem as problem:
        if not problem.restart:
            form.add("auth_key", problem.message)
        context = await password_pages.password_context(request, wizard, form, problem)
        return _page(request, STEP_PASSWORD, context, status_code=422)
    token = await service.start_session(
        conn,
        settings.secret_key,
        account=Account(SEEKER, seeker_id),
        previous_token=request.state.session_token,
        user_agent=request.headers.get("user-agent", ""),
        ip_address=requests.client_address(request),
        now=now,
    )
    response = htmx.redirect(request, "/apply/form/basic")
    cookies.set_private(response, request, "session", token)
    cookies.delete(response, request, APPLY.cookie)
    return response


# ---------------------------------------------------------------------------------------
# The 求職申込書


async def _form_page(
    request: Request, name: str, form: Form | None = None, *, status_code: int = 200, **extra
) -> Response:
    conn = current(request.app)
    data = await online.load(conn, request.state.user["id"])
    form = form or Form(values=data["values"])
    context = {
        "steps": online.STEPS,
        "current": name,
        "index": online.step_index(name),
        "reached": data["reached"],
        "form": form,
        "data": data,
        "shown": seekers_online.display(data["values"]),
        "catalog": catalog,
        "history_rows": range(online.HISTORY_ROWS),
        "genders": online.GENDERS,
        "disability": online.DISABILITY,
        **extra,
    }
    if name == "confirm":
        context["office"] = await online.office_of_postcode(conn, data["values"]["postcode"])
    return render(
        request,
        "apply/form.html",
        context,
        fragment="apply/_form.html",
        status_code=status_code,
    )


def _sent(request: Request) -> bool:
    """The 求職申込書 was sent already (a second tap, Back, an old tab)."""
    return request.state.user["status"] != capabilities.APPLYING


@login_required
async def resume_form(request: Request) -> Response:
    """Where the person stopped: the first step not yet sent (any device)."""
    if request.state.user["status"] != capabilities.APPLYING:
        return RedirectResponse("/mypage", status_code=303)
    data = await online.load(current(request.app), request.state.user["id"])
    name = online.STEP_NAMES[min(data["reached"], len(online.STEPS)) - 1]
    return RedirectResponse(f"/apply/form/{name}", status_code=303)


def _step_name(request: Request) -> str:
    name = request.path_params["step"]
    if name not in online.STEP_NAMES:
        raise HTTPException(404)
    return name


@login_required
async def step_page(request: Request) -> Response:
    """One step of the 求職申込書 (only those reached can be opened)."""
    name = _step_name(request)
    if _sent(request):
        return RedirectResponse("/apply/done", status_code=303)
    data = await online.load(current(request.app), request.state.user["id"])
    if online.step_index(name) > data["reached"]:
        return RedirectResponse("/apply/form", status_code=303)
    typed = await _take_typed(request)
    if typed is None:
        return await _form_page(request, name)
    today = requests.today(request)
    if typed.pop(LOOKUP, None) and name == "basic":
        form = online.fill_address(_form_data(typed), today)
        response = await _form_page(
            request, name, form, status_code=422 if form.errors else 200, looked_up=not form.errors
        )
    else:
        form, _ = online.parse(name, _form_data(typed), today)
        response = await _form_page(request, name, form, status_code=422)
    cookies.delete(response, request, TYPED_COOKIE)
    return response


def _form_data(typed: dict[str, list[str]]) -> FormData:
    return FormData([(name, value) for name, values in typed.items() for value in values])


async def _take_typed(request: Request) -> dict | None:
    cookie = cookies.read(request, TYPED_COOKIE)
    if not cookie:
        return None
    return await form_restore.take(
        current(request.app),
        request.app.state.settings.secret_key,
        cookie,
        seeker_id=request.state.user["id"],
        path=request.url.path,
        now=requests.now(request),
    )


async def _back_to_step(request: Request, name: str, *, lookup: bool = False) -> Response:
    """No JavaScript: keep what was typed and show it at the step's own address (see
    TYPED_COOKIE)."""
    data = await request.form()
    # Every field as typed (form_restore.keepable would leave out the 郵便番号: "code").
    typed = {
        name: [str(value)[: form_restore.MAX_VALUE] for value in data.getlist(name)]
        for name in data
        if name != "csrf_token"
    }
    if lookup:
        typed[LOOKUP] = ["1"]
    path = f"/apply/form/{name}"
    cookie = await form_restore.keep(
        current(request.app),
        request.app.state.settings.secret_key,
        seeker_id=request.state.user["id"],
        path=path,
        data=typed,
        now=requests.now(request),
    )
    response = RedirectResponse(path, status_code=303)
    cookies.set_private(response, request, TYPED_COOKIE, cookie, max_age=3600)
    return response


@login_required
async def save_step(request: Request) -> Response:
    """A step sent: stored at once, then the next step."""
    name = _step_name(request)
    if _sent(request):  # sent twice: the first one stands
        return htmx.redirect(request, "/apply/done")
    if name == "confirm":
        return await submit(request)
    form, clean = online.parse(name, await request.form(), requests.today(request))
    if not form.valid:
        if not htmx.is_htmx(request):
            return await _back_to_step(request, name)
        return await _form_page(request, name, form, status_code=422)
    await online.save_step(
        current(request.app), request.state.user["id"], name, clean, now=requests.now(request)
    )
    following = online.STEP_NAMES[online.step_index(name)]
    return htmx.redirect(request, f"/apply/form/{following}", target=FORM_TARGET)


@login_required
async def find_address(request: Request) -> Response:
    """「住所を検索」: the 郵便番号's address from the bundled table into the 住所 box."""
    if _sent(request):
        return htmx.redirect(request, "/apply/done")
    if not htmx.is_htmx(request):
        return await _back_to_step(request, "basic", lookup=True)
    form = online.fill_address(await request.form(), requests.today(request))
    status = 422 if form.errors else 200
    return await _form_page(request, "basic", form, status_code=status, looked_up=not form.errors)


async def submit(request: Request) -> Response:
    conn = current(request.app)
    data = await online.load(conn, request.state.user["id"])
    if data["reached"] < online.step_index("confirm"):
        return htmx.redirect(request, "/apply/form")
    await seekers_online.submit(
        conn,
        request.state.user["id"],
        base_url=request.app.state.settings.base_url,
        now=requests.now(request),
    )
    return htmx.redirect(request, "/apply/done")


@login_required
async def done(request: Request) -> Response:
    """求職申込み完了: the 求職番号, the office and what a counter visit adds."""
    user = request.state.user
    if user["status"] == capabilities.APPLYING:
        return RedirectResponse("/apply/form", status_code=303)
    visit = await seekers_online.counter_visit(current(request.app), user)
    return render(request, "apply/done.html", {"visit": visit, "number": user["seeker_number"]})


routes = [
    Route("/apply", terms, methods=["GET"]),
    Route("/apply", agree, methods=["POST"]),
    Route("/apply/email", email, methods=["GET"]),
    Route("/apply/email", request_key, methods=["POST"]),
    Route("/apply/cancel", restart, methods=["POST"]),
    Route("/apply/restart", restart, methods=["POST"]),
    Route("/apply/password", password, methods=["GET"]),
    Route("/apply/password", set_password, methods=["POST"]),
    Route("/apply/form", resume_form, methods=["GET"]),
    Route("/apply/form/basic/postcode", find_address, methods=["POST"]),
    Route("/apply/form/{step}", step_page, methods=["GET"]),
    Route("/apply/form/{step}", save_step, methods=["POST"]),
    Route("/apply/done", done, methods=["GET"]),
]
