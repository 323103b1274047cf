"""Handlers of 求人検索, 求人詳細, お気に入り and 検索条件保存."""

from __future__ import annotations

import functools

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.applications import service as applications
from webapp.auth.guard import login_required, login_url
from webapp.clock import ymd
from webapp.db import current
from webapp.forms import Form
from webapp.jobs import favourites, forms, saved_searches
from webapp.jobs.result_cards import result_cards
from webapp.jobs.standing import standing
from webapp.postings import catalog, search, search_form, sheet, text
from webapp.postings import service as postings
from webapp.redirects import safe_target
from webapp.seekers import online as seekers_online
from webapp.templating import VARY, render, templates

MORE_TARGET = "result-list"  # もっと見る appends to this list
SEARCH_VARY = f"{VARY}, HX-Target"  # もっと見る is told apart by its target

templates.env.filters["wage"] = postings.wage_text
templates.env.filters["ymd"] = lambda d: ymd(d) if d else ""
# A page of results is rendered again and again (result cache, signed-in visitors): the
# highlighted pieces of the same rows for the same keyword are worked out once.
templates.env.filters["highlight"] = functools.lru_cache(maxsize=4096)(text.highlight)
templates.env.filters["snippet"] = functools.lru_cache(maxsize=2048)(text.snippet)
templates.env.globals["catalog"] = catalog
templates.env.globals["posting_sections"] = sheet.sections
templates.env.globals["condition_flags"] = search.FLAGS
templates.env.globals["holiday_floors"] = search_form.HOLIDAY_FLOORS
templates.env.globals["result_cards"] = result_cards


def _seeker_id(request: Request) -> int | None:
    """The signed-in job-seeker's id, or None: search and postings are open to anyone."""
    user = request.state.user
    return user["id"] if user else None


def _own_id(request: Request) -> int:
    """The job-seeker's id on a login_required page, where someone is signed in."""
    return request.state.user["id"]


def _here(conditions: search.SearchConditions) -> str:
    """Where a ☆ pressed without JavaScript comes back to: these results, at their address
    as the app writes it (not as typed), so that one page of results has one (the cards
    are rendered once per page of results with it: result_cards)."""
    query = conditions.to_query()
    return f"/jobs/search?{query}" if query else "/jobs/search"


async def search_page(request: Request) -> Response:
    """求人検索: the form and the results; htmx gets the results region or one more page."""
    query_string = request.scope["query_string"]
    form = search_form.parse_query(query_string)
    context = {
        "form": form,
        # Conditions in the URL: a search was made, so the form folds into its summary.
        "searched": bool(query_string),
        # 「中分類を選ぶ」 (without JavaScript): the form stays open at the 中分類 list.
        "picking": b"pick" in query_string and request.query_params.get("pick") == "occm",
        "conditions": form.conditions,
        "page": None,
        "favourite_ids": set(),
        "search_page_size": search.PAGE_SIZE,
        "max_shown": search.PAGE_SIZE * search.MAX_PAGE,
    }
    if not form.valid:
        return render(
            request, "jobs/search.html", context, fragment="jobs/_search.html", status_code=422
        )
    conditions = form.conditions
    appending = htmx.wants_fragment(request) and request.headers.get("hx-target") == MORE_TARGET
    if appending:  # もっと見る: only the next page, appended to the list
        offset, limit = (conditions.page - 1) * search.PAGE_SIZE, search.PAGE_SIZE
    else:  # a full page shows every page up to `page`, so Back and reload restore the list
        offset, limit = 0, conditions.page * search.PAGE_SIZE
    conn = current(request.app)
    cache = getattr(request.app.state, "search_cache", None)
    if cache is None:
        cache = request.app.state.search_cache = search.ResultCache()
    page = await cache.find(conn, conditions, now=requests.now(request), offset=offset, limit=limit)
    context.update(
        page=page,
        favourite_ids=await favourites.ids_among(
            conn, request.state.user, [r["id"] for r in page.rows]
        ),
        next_url="/jobs/search?" + conditions.with_page(conditions.page + 1).to_query(),
        here=_here(conditions),
        today=requests.today(request),
        appending=appending,
        # No 「この検索条件を保存する」 for no conditions or no results (the server refuses too).
        save_refusal=saved_searches.save_refusal(conditions, page.total),
        # Nothing found: the conditions whose dropping finds postings, narrowest first.
        suggestions=await search.suggestions(conn, conditions, now=requests.now(request))
        if page.total == 0 and not appending
        else [],
    )
    # Signed out, the page is the same for everyone: the page cache may serve it.
    headers = {"Vary": SEARCH_VARY}
    if appending:
        return render(request, "jobs/_result_page.html", context, headers=headers, public=True)
    return render(
        request,
        "jobs/search.html",
        context,
        fragment="jobs/_search.html",
        headers=headers,
        public=True,
    )


async def city_field(request: Request) -> Response:
    """The 市区町村 select for the chosen 都道府県 (htmx swaps it in when 都道府県 changes)."""
    prefecture = request.query_params.get("pref", "")
    if prefecture not in catalog.PREFECTURES:
        prefecture = ""
    form = Form(values={"pref": prefecture, "city": ""})
    return render(request, "jobs/_city_field.html", {"form": form}, public=True)


async def minor_field(request: Request) -> Response:
    """The 中分類 select for the chosen 大分類 (htmx swaps it in when 大分類 changes)."""
    occupation = request.query_params.get("occ", "")
    if occupation not in catalog.OCCUPATIONS:
        occupation = ""
    form = Form(values={"occ": occupation, "occm": ""})
    return render(request, "jobs/_minor_field.html", {"form": form}, public=True)


async def _posting_or_404(request: Request):
    posting = await postings.by_number(current(request.app), request.path_params["number"])
    if posting is None:
        raise HTTPException(404)
    return posting


async def detail(request: Request) -> Response:
    """求人詳細: every field of the 求人票, in the order a seeker reads it."""
    posting = await _posting_or_404(request)
    return await _detail_page(request, posting, public=True)


async def print_sheet(request: Request) -> Response:
    """The 求人票 on A4 for the counter (Hello Work's layout, print CSS), from the posting
    page; the same posting as its page (a published one), for anyone."""
    posting = await _posting_or_404(request)
    return render(request, "jobs/print.html", {"posting": posting}, public=True)


async def _detail_page(request, posting, *, error="", status_code=200, public=False):
    today = requests.today(request)
    seeker_id = _seeker_id(request)
    # ☆, 応募 and 紹介を希望: where this job-seeker stands with this posting (one query).
    conn = current(request.app)
    mine = await standing(conn, seeker_id, posting["id"])
    return render(
        request,
        "jobs/detail.html",
        {
            "posting": posting,
            "state": postings.state(posting, today),
            "referral_state": mine.referral_state,
            # An オンライン登録者 is told what a counter visit adds instead (capabilities).
            "visit": await seekers_online.counter_visit(
                conn, request.state.user if seeker_id else None
            ),
            # The 紹介を希望 box as it was left (Back from its check page reloads this page).
            "referral_form": (
                Form(values={"message": mine.referral_draft})
                if mine.referral_draft is not None
                else None
            ),
            "application": mine.application,
            "seeker_refusal": (
                applications.seeker_refusal(request.state.user, today) if seeker_id else None
            ),
            "is_favourite": mine.favourite,
            "favourite_error": error,
            "here": f"/jobs/{posting['job_number']}",
        },
        status_code=status_code,
        public=public,
    )


async def set_favourite(request: Request) -> Response:
    """☆/★: add or remove a favourite; htmx re-renders the button, a plain form goes back."""
    if request.state.user is None:  # not login_required: the way back is the form's `next`
        url = login_url(str((await request.form()).get("next", "")))
        if htmx.is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)
    posting = await _posting_or_404(request)
    data = await request.form()
    on = data.get("on") == "1"
    back = safe_target(str(data.get("next", "")) or f"/jobs/{posting['job_number']}", "/mypage")
    error = ""
    try:
        await favourites.set_favourite(
            current(request.app), _own_id(request), posting["id"], on, now=requests.now(request)
        )
    except favourites.FavouriteLimit as limit:
        error = limit.message
    status_code = 422 if error else 200
    if htmx.is_htmx(request):
        context = {
            "row": posting,
            "is_favourite": on and not error,
            "favourite_error": error,
            "here": back,
        }
        return render(request, "jobs/_favourite.html", context, status_code=status_code)
    if error:
        return await _detail_page(request, posting, error=error, status_code=422)
    return RedirectResponse(back, status_code=303)


@login_required
async def favourite_list(request: Request) -> Response:
    """お気に入り一覧: closed postings stay, marked as closed."""
    rows = await favourites.listing(current(request.app), _own_id(request))
    today = requests.today(request)
    items = [{"row": r, "state": postings.state(r, today)} for r in rows]
    return render(
        request,
        "jobs/favourites.html",
        {"items": items, "limit": favourites.LIMIT, "here": "/mypage/favourites"},
    )


DONE_MESSAGES = {
    "saved": "検索条件を保存しました。",
    "exists": "同じ検索条件は既に保存されています。",
    "renamed": "名前を変更しました。",
    "deleted": "検索条件を削除しました。",
    "mail_on": "新着求人メールの配信を始めます。1日1回、新しい求人があるときにお送りします。",
    "mail_off": "新着求人メールの配信を停止しました。",
}


async def _saved_list_page(request: Request, *, rename_form=None, rename_id=None, status=200):
    items = await saved_searches.listing(
        current(request.app), _own_id(request), now=requests.now(request)
    )
    return render(
        request,
        "jobs/saved_searches.html",
        {
            "items": items,
            "limit": saved_searches.LIMIT,
            "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
            "rename_form": rename_form,
            "rename_id": rename_id,
        },
        status_code=status,
    )


@login_required
async def saved_list(request: Request) -> Response:
    """検索条件の一覧: each with its summary and the number of new postings since run."""
    return await _saved_list_page(request)


@login_required
async def save_search(request: Request) -> Response:
    """この条件を保存: from the search page (name optional: the summary is used)."""
    data = await request.form()
    parsed = search_form.parse_conditions(QueryParams(str(data.get("query", ""))[:2000]))
    if not parsed.valid:
        raise HTTPException(400)
    conditions = parsed.conditions
    form = forms.saved_name(data, fallback=saved_searches.default_name(conditions))
    context = {"conditions": conditions, "save_form": form, "page": None}
    if form.valid:
        try:
            await saved_searches.save(
                current(request.app),
                _own_id(request),
                conditions,
                form.values["name"],
                now=requests.now(request),
            )
        except saved_searches.AlreadySaved:
            return htmx.redirect(request, "/mypage/saved-searches?done=exists")
        except saved_searches.NothingToSave as refused:
            context["refusal"] = refused.message
        except saved_searches.SavedSearchLimit as limit:
            form.add("name", limit.message)
        else:
            return htmx.redirect(request, "/mypage/saved-searches?done=saved")
    return render(
        request,
        "jobs/save_search.html",
        context,
        fragment="jobs/_save_search.html",
        status_code=422,
    )


@login_required
async def run_saved(request: Request) -> Response:
    """実行: the saved conditions on the search page ("new since" restarts from now)."""
    row = await saved_searches.mark_run(
        current(request.app),
        _own_id(request),
        request.path_params["saved_id"],
        now=requests.now(request),
    )
    if row is None:
        raise HTTPException(404)
    return RedirectResponse(f"/jobs/search?{row['query']}", status_code=303)


@login_required
async def rename_saved(request: Request) -> Response:
    saved_id = request.path_params["saved_id"]
    conn = current(request.app)
    if await saved_searches.get(conn, _own_id(request), saved_id) is None:
        raise HTTPException(404)
    form = forms.saved_name(await request.form())
    if not form.valid:
        return await _saved_list_page(request, rename_form=form, rename_id=saved_id, status=422)
    await saved_searches.rename(conn, _own_id(request), saved_id, form.values["name"])
    return htmx.redirect(request, "/mypage/saved-searches?done=renamed")


@login_required
async def delete_saved(request: Request) -> Response:
    saved_id = request.path_params["saved_id"]
    conn = current(request.app)
    if await saved_searches.get(conn, _own_id(request), saved_id) is None:
        raise HTTPException(404)
    await saved_searches.delete(conn, _own_id(request), saved_id)
    return htmx.redirect(request, "/mypage/saved-searches?done=deleted")


@login_required
async def mail_saved(request: Request) -> Response:
    on = (await request.form()).get("on") == "1"
    found = await saved_searches.set_mail(
        current(request.app),
        _own_id(request),
        request.path_params["saved_id"],
        on,
        now=requests.now(request),
    )
    if not found:
        raise HTTPException(404)
    return htmx.redirect(request, f"/mypage/saved-searches?done={'mail_on' if on else 'mail_off'}")


routes = [
    Route("/jobs/search", search_page, methods=["GET"]),
    Route("/jobs/minors", minor_field, methods=["GET"]),
    Route("/jobs/cities", city_field, methods=["GET"]),
    Route("/jobs/{number}", detail, methods=["GET"]),
    Route("/jobs/{number}/favourite", set_favourite, methods=["POST"]),
    Route("/jobs/{number}/print", print_sheet, methods=["GET"]),
    Route("/mypage/favourites", favourite_list, methods=["GET"]),
    Route("/mypage/saved-searches", saved_list, methods=["GET"]),
    Route("/mypage/saved-searches", save_search, methods=["POST"]),
    Route("/mypage/saved-searches/{saved_id:id}/run", run_saved, methods=["GET"]),
    Route("/mypage/saved-searches/{saved_id:id}/rename", rename_saved, methods=["POST"]),
    Route("/mypage/saved-searches/{saved_id:id}/delete", delete_saved, methods=["POST"]),
    Route("/mypage/saved-searches/{saved_id:id}/mail", mail_saved, methods=["POST"]),
]
