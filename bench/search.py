"""Search figures: p50/p95 latency of typical searches at 100,000 and 1,000,000 postings on
SQLite and PostgreSQL, and the search page's requests/second next to a bare Starlette
endpoint served by the same uvicorn process in the same run.

    .venv/bin/python bench/search.py                      # everything (slow: 1M loads)
    .venv/bin/python bench/search.py --sizes 100000 --dbs sqlite

PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/bench_search; the
database is dropped and created). Figures go to stdout; bench/README.md keeps a copy.
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
from starlette.datastructures import QueryParams  # noqa: E402

from webapp.clock import Clock  # noqa: E402
from webapp.db import create_database, migrate_async  # noqa: E402
from webapp.jobs import bulk, demo_postings, forms, search  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_search")
SEARCHES = {
    "two-character keyword (介護)": {"q": "介護"},
    "longer keyword (フォークリフト)": {"q": "フォークリフト"},
    "filters only (東京都・正社員・土日祝休み)": {"pref": "13", "emp": "regular", "weekends": "1"},
    "keyword + prefecture (事務・大阪府)": {"q": "事務", "pref": "27"},
    "deep paging (介護, page 50)": {"q": "介護", "page": "50"},
}
PAGE_QUERY = {"q": "介護", "pref": "13"}


async def _recreate_postgres(url: str) -> None:
    import asyncpg

    parsed = DatabaseURL(url)
    admin = await asyncpg.connect(str(parsed.replace(database="postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


async def prepare(kind: str, size: int, workdir: Path, reuse: bool) -> tuple[str, float]:
    """A fresh database with `size` demo postings; (url, seconds to load)."""
    if kind == "sqlite":
        path = workdir / f"bench-{size}.db"
        if reuse and path.exists():
            return f"sqlite:///{path}", 0.0
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = PG_URL
        await _recreate_postgres(url)
    await migrate_async(url)
    db = create_database(url)
    await db.connect()
    started = time.perf_counter()
    today = search.jst_today(Clock().now())
    async with db.connection() as conn:
        await bulk.load_postings(conn, demo_postings.generate(size, seed=1, today=today))
    seconds = time.perf_counter() - started
    await db.disconnect()
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
        for name, params in SEARCHES.items():
            conditions = forms.parse_conditions(QueryParams(urlencode(params))).conditions
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

SERVER = """
import sys
sys.path.insert(0, {root!r})
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from webapp import create_app
from webapp.config import Settings

app = create_app(Settings(database_url={url!r}, secret_key="bench-" + "x" * 40,
                          smtp_host="127.0.0.1", smtp_port=9, htmx_cdn=False))
if {cold!r}:  # no result cache: every request runs the count and the page query
    from webapp.jobs.search import ResultCache
    app.state.search_cache = ResultCache(ttl=0.0)
bare = Starlette(routes=[Route("/bare", lambda request: PlainTextResponse("ok"))])

async def both(scope, receive, send):
    # One server, two apps: /bare skips every middleware and the database.
    if scope["type"] == "http" and scope["path"] == "/bare":
        return await bare(scope, receive, send)
    return await app(scope, receive, send)

uvicorn.run(both, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""


async def _get(reader, writer, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def _load(port: int, path: str, seconds: float, concurrency: int) -> float:
    """Requests per second from `concurrency` keep-alive connections for `seconds`."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                status = await _get(reader, writer, path)
                if status != 200:
                    raise RuntimeError(f"{path}: HTTP {status}")
                done += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def throughput(
    url: str, seconds: float, concurrency: int, *, cold: bool
) -> tuple[float, float]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = str(Path(__file__).resolve().parent.parent)
    code = SERVER.format(root=root, url=url, port=port, cold=cold)
    server = subprocess.Popen([sys.executable, "-c", code])
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.2)
        page = "/jobs/search?" + urlencode(PAGE_QUERY)
        await _load(port, page, 2, concurrency)  # warm up
        await _load(port, "/bare", 1, concurrency)
        bare = await _load(port, "/bare", seconds, concurrency)
        search_rps = await _load(port, page, seconds, concurrency)
        return search_rps, bare
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
        "--reuse", action="store_true", help="SQLite: keep a database an earlier run loaded"
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
            print()
            for cold in (False, True):
                search_rps, bare_rps = await throughput(
                    url, args.seconds, args.concurrency, cold=cold
                )
                label = "no result cache" if cold else "result cache on (30 s)"
                print(
                    f"search page {PAGE_QUERY}, {label}: {search_rps:,.0f} req/s; bare "
                    f"Starlette endpoint, same server: {bare_rps:,.0f} req/s; "
                    f"ratio {search_rps / bare_rps:.2f}  ",
                    flush=True,
                )


if __name__ == "__main__":
    asyncio.run(main())
