"""Search figures: p50/p95 latency of typical searches at 100,000 and 1,000,000 postings on
SQLite and PostgreSQL, and the search page's requests/second next to a bare Starlette
endpoint served by the same uvicorn process in the same run.

    .venv/bin/python bench/search.py                      # everything (slow: 1M loads)
    .venv/bin/python bench/search.py --sizes 100000 --dbs sqlite

PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/bench_search; one
database per size, bench_search_100000 and so on, dropped and created unless --reuse finds
it loaded). Figures go to stdout; bench/README.md keeps a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from databases.core import DatabaseURL  # noqa: E402
from pg_admin import recreate as recreate_postgres  # noqa: E402  (bench/, the script's own folder)
from pg_admin import vacuum  # noqa: E402
from starlette.datastructures import QueryParams  # noqa: E402

from webapp.clock import Clock  # noqa: E402
from webapp.db import create_database, migrate_async  # noqa: E402
from webapp.demo import bulk  # noqa: E402
from webapp.demo import postings as demo_postings  # noqa: E402
from webapp.postings import search, search_form  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_search")
SEARCHES = {
    "two-character keyword (介護)": {"q": "介護"},
    "longer keyword (フォークリフト)": {"q": "フォークリフト"},
    "filters only (東京都・正社員・土日祝休み)": {"pref": "13", "emp": "regular", "weekends": "1"},
    "keyword + prefecture (事務・大阪府)": {"q": "事務", "pref": "27"},
    "deep paging (介護, page 50)": {"q": "介護", "page": "50"},
}
# What job-seekers filter on (issue 15): measured for latency beside the five above (the
# requests/second load stays the five, so its figures compare with earlier runs).
FILTER_SEARCHES = {
    "年間休日120日以上・週休二日制（毎週）・賞与あり": {
        "holidays": "120",
        "two_days": "1",
        "bonus": "1",
    },
    "中分類 + prefecture (介護サービスの職業・東京都)": {"occ": "E", "occm": "36", "pref": "13"},
    "keyword + flags (介護・マイカー通勤可・未経験可)": {"q": "介護", "car": "1", "inexp": "1"},
    "障害者求人 + prefecture (大阪府)": {"kind": "disabled", "pref": "27"},
    "最寄り駅 + 転勤なし (高崎・転勤なし)": {"station": "高崎", "no_transfer": "1"},
    "every flag (年齢・学歴不問, 未経験可, マイカー, 転勤なし, 賞与)": {
        "age_free": "1",
        "edu_free": "1",
        "inexp": "1",
        "car": "1",
        "no_transfer": "1",
        "bonus": "1",
    },
}

# Keyword searches sorted by 賃金 (賃金の高い順) and by 紹介期限 (紹介期限の近い順): measured
# for latency beside the others (the requests/second load stays the five).
SORTED_SEARCHES = {
    "介護, sort=wage": {"q": "介護", "sort": "wage"},
    "フォークリフト, sort=wage": {"q": "フォークリフト", "sort": "wage"},
    "事務・大阪府, sort=wage": {"q": "事務", "pref": "27", "sort": "wage"},
    "介護, page 50, sort=wage": {"q": "介護", "page": "50", "sort": "wage"},
    "介護, sort=deadline": {"q": "介護", "sort": "deadline"},
    "フォークリフト, sort=deadline": {"q": "フォークリフト", "sort": "deadline"},
    "事務・大阪府, sort=deadline": {"q": "事務", "pref": "27", "sort": "deadline"},
    "介護, page 50, sort=deadline": {"q": "介護", "page": "50", "sort": "deadline"},
}


def _pg_url(size: int) -> str:
    """One database per size (bench_search_100000, ...), so --reuse can keep each."""
    parsed = DatabaseURL(PG_URL)
    return str(parsed.replace(database=f"{parsed.database}_{size}"))


async def _postgres_postings(url: str) -> int | None:
    """How many postings the database holds; None when it does not exist or is empty."""
    import asyncpg

    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        return await conn.fetchval("SELECT count(*) FROM job_postings")
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def prepare(kind: str, size: int, workdir: Path, reuse: bool) -> tuple[str, float]:
    """A fresh database with `size` demo postings; (url, seconds to load). With `reuse`, a
    database an earlier run loaded with `size` postings is kept (migrated to head)."""
    if kind == "sqlite":
        path = workdir / f"bench-{size}.db"
        url = f"sqlite:///{path}"
        if reuse and path.exists():
            await migrate_async(url)
            return url, 0.0
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = _pg_url(size)
        if reuse and await _postgres_postings(url) == size:
            await migrate_async(url)
            # A migration that rewrote rows (0021 adds each station's tokens) leaves them
            # unvacuumed: do what autovacuum would (quick when nothing changed).
            await vacuum(url, "job_postings")
            return url, 0.0
        await recreate_postgres(url)
    await migrate_async(url)
    db = create_database(url)
    await db.connect()
    started = time.perf_counter()
    today = Clock().today()
    async with db.connection() as conn:
        await bulk.load_postings(conn, demo_postings.generate(size, seed=1, today=today))
    seconds = time.perf_counter() - started
    await db.disconnect()
    if kind == "postgres":
        await vacuum(url, "job_postings")
    return url, seconds


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def latencies(url: str, runs: int) -> dict[str, tuple[float, float, int]]:
    """(p50 ms, p95 ms, matches) of each search: the count and the page, as the page runs them."""
    db = create_database(url)
    await db.connect()
    results = {}
    now = Clock().now()
    async with db.connection() as conn:
        for name, params in {**SEARCHES, **FILTER_SEARCHES, **SORTED_SEARCHES}.items():
            conditions = search_form.parse_conditions(QueryParams(urlencode(params))).conditions
            offset = (conditions.page - 1) * search.PAGE_SIZE
            samples = []
            for i in range(runs + 3):
                started = time.perf_counter()
                page = await search.find(
                    conn, conditions, now=now, offset=offset, limit=search.PAGE_SIZE
                )
                if i >= 3:  # the first runs warm the cache
                    samples.append((time.perf_counter() - started) * 1000)
            results[name] = (
                _percentile(samples, 0.5),
                _percentile(samples, 0.95),
                page.total,
                page.capped,
            )
    await db.disconnect()
    return results


# --- requests per second -------------------------------------------------------------------

# The five typical searches as a browser asks for them: four full pages, and page 50 the
# way a visitor reaches it, as もっと見る (htmx appends the 20 postings of that page).
MORE = {"HX-Request": "true", "HX-Target": "result-list", "HX-Current-URL": "/jobs/search"}
PAGE_REQUESTS = [
    ("/jobs/search?" + urlencode(params), MORE if params.get("page") else {})
    for params in SEARCHES.values()
]
# Which caches each search-page phase runs with: (label, page cache, result cache).
PHASES = [
    ("page cache on", True, True),
    ("page cache off", False, True),
    ("both caches off", False, False),
]

SERVER = """
import sys
sys.path.insert(0, {root!r})
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from webapp import create_app
from webapp.config import Settings
from webapp.postings.search import ResultCache
from webapp.page_cache import PageCache

app = create_app(Settings(database_url={url!r}, secret_key="bench-" + "x" * 40,
                          smtp_host="127.0.0.1", smtp_port=9, htmx_cdn=False))


def caches(request):
    # Fresh caches between phases; a TTL of 0 turns one off (nothing is ever kept).
    on = request.query_params
    app.state.page_cache = PageCache(ttl=30.0 if on["page"] == "1" else 0.0)
    app.state.search_cache = ResultCache(ttl=30.0 if on["result"] == "1" else 0.0)
    return PlainTextResponse("ok")


async def ok(request):  # async: a sync endpoint would pay a thread hop per request
    return PlainTextResponse("ok")


bare = Starlette(routes=[Route("/bare", ok), Route("/bench/caches", caches)])

async def both(scope, receive, send):
    # One server, two apps: /bare skips every middleware and the database.
    if scope["type"] == "http" and scope["path"] in ("/bare", "/bench/caches"):
        return await bare(scope, receive, send)
    return await app(scope, receive, send)

uvicorn.run(
    both, host="127.0.0.1", port={port}, log_level="warning", access_log=False, server_header=False
)
"""


async def _get(reader, writer, path: str, headers: dict) -> int:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def _load(port: int, requests: list, seconds: float, concurrency: int) -> float:
    """Requests per second from `concurrency` keep-alive connections for `seconds`, each
    going round `requests` ((path, headers) pairs) from its own starting point."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(start: int):
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            i = start
            while time.perf_counter() < deadline:
                path, headers = requests[i % len(requests)]
                status = await _get(reader, writer, path, headers)
                if status != 200:
                    raise RuntimeError(f"{path}: HTTP {status}")
                done += 1
                i += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return done / (time.perf_counter() - started)


async def throughput(url: str, seconds: float, concurrency: int) -> tuple[dict, list[float]]:
    """Search page req/s in each of PHASES, and the bare endpoint's before and after them,
    all from one server process."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = str(Path(__file__).resolve().parent.parent)
    code = SERVER.format(root=root, url=url, port=port)
    server = subprocess.Popen([sys.executable, "-c", code])
    bare = [("/bare", {})]
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.2)
        await _load(port, bare, 1, concurrency)  # warm up
        bare_rps = [await _load(port, bare, seconds, concurrency)]
        search_rps = {}
        for label, page_cache, result_cache in PHASES:
            switch = f"/bench/caches?page={int(page_cache)}&result={int(result_cache)}"
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert await _get(reader, writer, switch, {}) == 200
            writer.close()
            await _load(port, PAGE_REQUESTS, 2, concurrency)  # warm up (and fill caches)
            search_rps[label] = await _load(port, PAGE_REQUESTS, seconds, concurrency)
        bare_rps.append(await _load(port, bare, seconds, concurrency))
        return search_rps, bare_rps
    finally:
        server.terminate()
        server.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dbs", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument(
        "--latency-only", action="store_true", help="skip the requests/second measurement"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database an earlier run loaded (same size)"
    )
    args = parser.parse_args()
    print(f"# bench/search.py on {os.cpu_count()} CPUs, {args.runs} runs per search")
    for kind in args.dbs:
        for size in args.sizes:
            url, load_seconds = await prepare(kind, size, Path(args.workdir), args.reuse)
            loaded = f"loaded in {load_seconds:.0f} s" if load_seconds else "reused"
            print(f"\n## {kind}, {size:,} postings ({loaded})\n")
            print("| search | p50 ms | p95 ms | matches |")
            print("|---|---:|---:|---:|")
            for name, (p50, p95, total, capped) in (await latencies(url, args.runs)).items():
                shown = f"{total:,}{'+' if capped else ''}"
                print(f"| {name} | {p50:.1f} | {p95:.1f} | {shown} |", flush=True)
            print(f"\nload average {os.getloadavg()[0]:.1f} after the latencies")
            if args.latency_only:
                continue
            load = os.getloadavg()[0]
            search_rps, bare_rps = await throughput(url, args.seconds, args.concurrency)
            bare_mean = sum(bare_rps) / len(bare_rps)
            print(f"requests/second, one server, {args.concurrency} connections, ", end="")
            print(f"load average {load:.1f} before:\n")
            print("| search page | req/s | bare endpoint req/s | ratio |")
            print("|---|---:|---:|---:|")
            for label, rps in search_rps.items():
                bare_text = " / ".join(f"{b:,.0f}" for b in bare_rps)
                print(f"| {label} | {rps:,.0f} | {bare_text} | {rps / bare_mean:.2f} |")
            print(flush=True)


if __name__ == "__main__":
    asyncio.run(main())
