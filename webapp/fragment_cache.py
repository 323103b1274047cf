"""`{% cache key %}…{% endcache %}`: a part of a page rendered once per key and then kept,
for markup that is the same for everyone who asks with the same key: the search form for
the same typed conditions (about half of a signed-in search page's rendering), the
求人票's sections for the same posting row (a third of the posting page's).

The key must hold everything the part shows (`frozen` makes a form's values hashable); a
part that shows who is signed in or an error stays outside. The page's CSRF token may be
inside: it is kept as a placeholder and each page's own put back (the 保存 box's form). A part small
enough to render in a few microseconds gains nothing: entering the block costs about as
much (a result card was measured so, and is not cached).
`none` as the key renders without keeping. The cache is each process's own, bounded, and
holds nothing that decides anything: another instance renders the same markup itself.

The shape is the fragment cache of Jinja's own documentation (Extensions, "Cache")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from databases.interfaces import Record
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup, escape
from sqlalchemy.util import LRUCache

# About 1,000 search forms (8 KB each): a few MB per process. SQLAlchemy's LRU cache (as
# db_statements'): Jinja's moves a key found to its end by a linear search of all 1,000.
SIZE = 1024
# Where the page's CSRF token stands in a kept part (escaped text never holds a comment):
# here and in the search page's result cards (jobs/result_cards.py).
TOKEN = Markup("<!--csrf-token-->")
# Values that are their own key: checked first, as a 求人票's row holds some 80 of them
# and the ABC checks below cost a tenth of the posting page.
_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, Decimal})


def with_token(kept: str, token: str) -> Markup:
    """A kept part with the page's own form token where TOKEN stands."""
    return Markup(str.replace(kept, TOKEN, escape(token)))


def frozen(value: Any) -> Any:
    """`value` as a key: mappings, database rows and lists become tuples, all the way
    down. A row's columns stand in its statement's order, so a row is told apart from
    another of the same statement by its values alone."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Mapping):
        return tuple((key, frozen(item)) for key, item in value.items())
    if isinstance(value, Record):
        # The row's values as the driver gave them (SQLAlchemy's row data on SQLite,
        # asyncpg's record): the same row, the same values, without a lookup per column.
        raw = value._row  # type: ignore[attr-defined]
        items = getattr(raw, "_data", raw)
        return tuple(item if type(item) in _PLAIN else frozen(item) for item in items)
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(frozen(item) for item in value)
    return value


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment) -> None:
        super().__init__(environment)
        environment.extend(fragment_cache=LRUCache(SIZE))

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        token = nodes.Name("csrf_token", "load")
        call = self.call_method("_cached", [key, token])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, key: Any, token: Any, caller) -> str:
        if key is None:
            return caller()
        token = token if isinstance(token, str) else ""
        cache = self.environment.fragment_cache  # type: ignore[attr-defined]
        found = cache.get(key)
        if found is None:
            html = caller()
            written = str(escape(token))  # as the page writes it
            has_token = bool(token) and written in html
            # str's replace: Markup's would escape the placeholder
            cache[key] = (str.replace(html, written, TOKEN) if has_token else html, has_token)
            return html
        kept, has_token = found
        return with_token(kept, token) if has_token else kept
