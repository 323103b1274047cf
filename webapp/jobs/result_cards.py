"""A search page's result cards, rendered once per page of results and kept with it.

The cards are the same for everyone who gets the same page of results (search.ResultCache
keeps that page for its TTL), but for each card's ☆: whether the posting is the
job-seeker's favourite, and their form token. So the cards are rendered once with a hole
where each ☆ goes (`<!--favourite ID-->`, which escaped text can never contain), each ☆
once per state with a placeholder for the token, and a request only puts the pieces
together: about a third of a signed-in search page's time before (bench/README.md)."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from webapp.fragment_cache import TOKEN, with_token

HOLE = re.compile(r"<!--favourite (\d+)-->")
# Renderings kept per page of results: signed in or not, on the date, each with its ☆ in
# both states (the address a ☆ comes back to is the page's own: jobs.routes._here).
MAX_KEPT = 8


@pass_context
def result_cards(context: Context) -> Markup:
    """The <li> cards of `page.rows`, as jobs/_result_items.html writes them."""
    page = context["page"]
    signed_in = bool(context.get("user"))
    here = context["here"]
    kept: dict[tuple, Any] = page.rendered
    if len(kept) > MAX_KEPT:
        kept.clear()
    key = (signed_in, here, context["today"])
    found = kept.get(key)
    if found is None:
        items = context.environment.get_template("jobs/_result_items.html")
        found = kept[key] = (HOLE.split(items.render(context.get_all())), {})
    pieces: list[str] = found[0]
    stars: dict[tuple[int, bool], str] = found[1]
    favourite_ids = context["favourite_ids"]
    out = []
    for n, piece in enumerate(pieces):
        if n % 2 == 0:
            out.append(piece)
            continue
        posting_id = int(piece)
        on = posting_id in favourite_ids
        star = stars.get((posting_id, on))
        if star is None:
            star = stars[posting_id, on] = _favourite(context, posting_id, on)
        out.append(star)
    html = "".join(out)
    if signed_in:
        return with_token(html, context["csrf_token"])
    return Markup(html)


def _favourite(context: Context, posting_id: int, on: bool) -> str:
    """A card's ☆ (jobs/_favourite.html), with TOKEN where the form token goes."""
    row = next(r for r in context["page"].rows if r["id"] == posting_id)
    star = context.environment.get_template("jobs/_favourite.html")
    return star.render(
        row=row, user=context.get("user"), csrf_token=TOKEN, here=context["here"], is_favourite=on
    )
