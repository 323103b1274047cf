"""The yardstick of `bench/pages.py`: a bare Starlette app rendering a 20-row Jinja page
(a header, a list of 20 postings, a footer; no middleware, no database, no session)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

PAGE = """<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body>
<header><a href="/">ハローワーク求職者マイページ</a> <span>{{ user }} さん</span></header>
<main>
<h1>{{ title }}</h1>
<ul>
{% for row in rows %}
  <li><a href="/jobs/{{ row.number }}">{{ row.title }}</a>
    <dl><dt>事業所</dt><dd>{{ row.company }}</dd><dt>就業場所</dt><dd>{{ row.place }}</dd>
    <dt>賃金</dt><dd>{{ "{:,}".format(row.wage) }}円</dd></dl></li>
{% endfor %}
</ul>
</main>
<footer>厚生労働省職業安定局</footer>
</body>
</html>
"""

env = Environment(loader=DictLoader({"page.html": PAGE}), autoescape=True)
template = env.get_template("page.html")
ROWS = [
    {
        "number": f"16040-{n:08d}",
        "title": f"介護職員（正社員）{n}",
        "company": "株式会社となみ精工",
        "place": "富山県砺波市",
        "wage": 200_000 + n * 1_000,
    }
    for n in range(20)
]


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse(template.render(title="求人検索", user="山田太郎", rows=ROWS))


app = Starlette(routes=[Route("/bare", page)])
