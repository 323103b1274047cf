"""Signed-in pages against a bare 20-row Jinja page: requests/second and the ratio, per page,
on SQLite and PostgreSQL, from one run (`bench/pages.py`).

Each database gets the demo data (`python -m webapp demo --jobs 20000`); then a job-seeker
applies to the demo employer's posting and writes in its message thread, and a job-seeker,
a staff member and an employer user are signed in (sessions started as the login pages
start them). Two servers run side by side, each uvicorn with `--workers` processes: the
bare page (`bench/bare_page.py`) and the product (`webapp.app:create_app`). Each page is
loaded from `--concurrency` keep-alive connections for `--seconds` (an in-Python load
generator: no wrk needed), one page at a time, with the bare page before the first and after
each; each ratio is against the mean of the bare page's runs just before and after it.
Beside req/s, the CPU milliseconds each request cost the server (its process and workers,
from /proc): on a shared machine req/s follow everyone else's load, CPU per request much
less; the CPU ratio is the bare page's over the page's.
The load average is printed beside each run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from pg_admin import recreate as recreate_postgres  # noqa: E402  (bench/, the script's own folder)
from pg_admin import vacuum  # noqa: E402

from webapp.applications import service as applications_service  # noqa: E402
from webapp.auth import service as auth_service  # noqa: E402
from webapp.auth.roles import Account  # noqa: E402
from webapp.clock import Clock  # noqa: E402
from webapp.db import migrate_async, with_connection  # noqa: E402
from webapp.messages import service as messages_service  # noqa: E402
from webapp.schema import job_postings, job_seekers, members, messages, outbox  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_pages")
SECRET_KEY = "bench-pages-" + "x" * 40
JOBS = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(url: str, workdir: Path, port: int = 8000) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "VAR_DIR": str(workdir),
        "BASE_URL": f"http://127.0.0.1:{port}",
        # Mail goes nowhere (the outbox is emptied after the set-up); no daily round.
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "9",
        "DAILY_ROUND_SECONDS": "0",
        "MIGRATE_ON_START": "0",  # the demo load migrated it
        "HTMX_CDN": "0",
    }


async def prepare(kind: str, workdir: Path, reuse: bool) -> str:
    """The demo database (`python -m webapp demo --jobs 20000`); with `reuse`, one an
    earlier run loaded is kept."""
    if kind == "sqlite":
        path = workdir / "bench-pages.db"
        url = f"sqlite:///{path}"
        if reuse and path.exists():
            await migrate_async(url)
            return url
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = PG_URL
        if reuse:
            await migrate_async(url)
            return url
        await recreate_postgres(url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "webapp", "demo", "--jobs", str(JOBS)],
        env=_environment(url, workdir),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo data loaded in {time.perf_counter() - started:.0f} s", flush=True)
    if kind == "postgres":
        await vacuum(url)
    return url


async def sign_in_and_apply(url: str) -> dict:
    """Session cookies of a job-seeker, a staff member and an employer user; the seeker has
    applied to the demo employer's online posting and written in its thread. Returns the
    cookies and the ids the page paths need."""
    now = Clock().now()

    async def work(conn):
        seeker_id = await conn.fetch_val(
            sa.select(job_seekers.c.id).where(job_seekers.c.email == "taro@example.com")
        )
        staff_id = await conn.fetch_val(
            sa.select(members.c.id).where(members.c.email == "staff@example.com")
        )
        employer_member = await conn.fetch_one(
            sa.select(members.c.id, members.c.employer_id).where(
                members.c.email == "employer@example.com"
            )
        )
        posting = await conn.fetch_one(
            sa.select(job_postings.c.id, job_postings.c.job_number)
            .where(
                job_postings.c.employer_id == employer_member["employer_id"],
                job_postings.c.online_application.is_(True),
            )
            .order_by(job_postings.c.id)
            .limit(1)
        )
        row = await applications_service.public_posting(conn, posting["id"])
        application_id, _ = await applications_service.apply(
            conn,
            seeker_id=seeker_id,
            posting=row,
            motivation="検査の経験を生かしたいと考えました。",
            documents=[],
            now=now,
            base_url="http://127.0.0.1",
        )
        thread = await messages_service.thread(conn, application_id, seeker_id=seeker_id)
        assert thread is not None
        written = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(messages)
            .where(messages.c.application_id == application_id)
        )
        # Three messages, however often the database is reused (the thread's length is
        # part of what its page costs).
        for n in range(written, 3):
            await messages_service.write(
                conn,
                thread,
                sender="seeker",
                member_id=None,
                text=f"面接の日程について{n}",
                seen=None,
                now=now,
                base_url="http://127.0.0.1",
            )
        await conn.execute(outbox.delete())  # nobody to send them to

        async def session(account: Account) -> str:
            return await auth_service.start_session(
                conn,
                SECRET_KEY,
                account=account,
                previous_token=None,
                user_agent="bench",
                ip_address="127.0.0.1",
                now=now,
            )

        return {
            "seeker": await session(Account("seeker", seeker_id)),
            "staff": await session(Account("staff", staff_id)),
            "employer": await session(Account("employer", employer_member["id"])),
            "job_number": posting["job_number"],
            "application_id": application_id,
        }

    return await with_connection(url, work)


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(name, who, path) of each page measured."""
    return [
        ("My Page home", "seeker", "/mypage"),
        ("search 介護", "seeker", "/jobs/search?q=" + quote("介護")),
        ("search 事務・大阪府", "seeker", "/jobs/search?q=" + quote("事務") + "&pref=27"),
        ("posting page", "seeker", f"/jobs/{ids['job_number']}"),
        ("応募履歴", "seeker", "/mypage/applications"),
        ("message thread", "seeker", f"/mypage/applications/{ids['application_id']}/messages"),
        ("staff job-seeker search", "staff", "/staff/seekers?q=" + quote("ヤマダ")),
        ("employer applicant list", "employer", "/employer/applicants"),
    ]


async def _get(reader, writer, path: str, headers: dict) -> tuple[int, bytes, bytes]:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, head, await reader.readexactly(length)


async def fetch(port: int, path: str, headers: dict) -> tuple[int, bytes, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await _get(reader, writer, path, headers)
    finally:
        writer.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children still running
    (uvicorn's workers), from /proc; 0.0 where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            children = [int(child) for child in listing.read().split()]
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(child) for child in children)


async def load(
    port: int, path: str, headers: dict, seconds: float, concurrency: int, server: int = 0
) -> tuple[float, float]:
    """(requests per second, the server's CPU milliseconds per request) from `concurrency`
    keep-alive connections for `seconds`. The CPU time is what the server process `server`
    (and its workers) used: on a shared, loaded machine req/s fall with everyone else's
    work, CPU per request much less."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                status, _, _ = await _get(reader, writer, path, headers)
                if status != 200:
                    raise RuntimeError(f"{path}: HTTP {status}")
                done += 1
        finally:
            writer.close()

    cpu = _cpu_seconds(server) if server else 0.0
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu = (_cpu_seconds(server) - cpu) if server else 0.0
    return done / elapsed, 1000 * cpu / max(done, 1)


async def _listening(process: subprocess.Popen, port: int) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("a server did not start")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("a server did not start in 30 s")


def _uvicorn(app: list[str], port: int, workers: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", *app),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--log-level", "warning", "--no-access-log", "--no-server-header"),
        ],
        env=env,
    )


async def measure(url: str, workdir: Path, args) -> list[tuple[str, float, float, float, float]]:
    """(page, req/s, their ratio to the bare page's, CPU ms per request, the bare page's
    CPU per request over the page's) for the bare page and each signed-in page."""
    ids = await sign_in_and_apply(url)
    bare_port, app_port = _free_port(), _free_port()
    env = _environment(url, workdir, app_port)
    servers = [
        _uvicorn(["bare_page:app", "--app-dir", str(ROOT / "bench")], bare_port, args.workers, env),
        _uvicorn(["--factory", "webapp.app:create_app"], app_port, args.workers, env),
    ]
    try:
        for server, port in zip(servers, (bare_port, app_port), strict=True):
            await _listening(server, port)
        headers = {}
        for who in ("seeker", "staff", "employer"):
            headers[who] = {"Cookie": f"session={ids[who]}"}
        # A browser holds its CSRF cookie: take it from a first answer.
        for name, who, path in pages(ids):
            status, head, body = await fetch(app_port, path, headers[who])
            if status != 200:
                raise RuntimeError(f"{name} {path}: HTTP {status}")
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"set-cookie: csrf="):
                    csrf = line.split(b": ", 1)[1].split(b";")[0].decode()
                    headers[who]["Cookie"] += f"; {csrf}"
        warm = min(2.0, args.seconds)
        bare_pid, app_pid = servers[0].pid, servers[1].pid
        await load(bare_port, "/bare", {}, warm, args.concurrency)

        async def bare_page() -> tuple[float, float]:
            return await load(bare_port, "/bare", {}, args.seconds, args.concurrency, bare_pid)

        # The bare page before each page and after the last: each page is compared with the
        # bare page just before and just after it, so a shared machine's load drifting
        # through the run moves both sides of a ratio alike.
        bare = [await bare_page()]
        results = []
        for name, who, path in pages(ids):
            await load(app_port, path, headers[who], warm, args.concurrency)
            rps, cpu = await load(
                app_port, path, headers[who], args.seconds, args.concurrency, app_pid
            )
            results.append((name, rps, cpu))
            bare.append(await bare_page())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    bare_rps = sum(rps for rps, _ in bare) / len(bare)
    bare_cpu = sum(cpu for _, cpu in bare) / len(bare)
    low, high = min(rps for rps, _ in bare), max(rps for rps, _ in bare)
    rows = [(f"bare 20-row Jinja page ({low:,.0f}–{high:,.0f})", bare_rps, 1.0, bare_cpu, 1.0)]
    for n, (name, rps, cpu) in enumerate(results):
        (before_rps, before_cpu), (after_rps, after_cpu) = bare[n], bare[n + 1]
        near_rps, near_cpu = (before_rps + after_rps) / 2, (before_cpu + after_cpu) / 2
        rows.append((name, rps, rps / near_rps, cpu, near_cpu / cpu if cpu else 0.0))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="2 s per page")
    parser.add_argument("--workdir", default=None, help="where the SQLite file goes")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the demo database an earlier run loaded"
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds = 2.0
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-pages-"))
    print(
        f"# bench/pages.py on {os.cpu_count()} CPUs: {args.workers} worker(s) per server,"
        f" {args.concurrency} connections, {args.seconds:g} s per page"
    )
    for kind in args.dbs:
        url = await prepare(kind, workdir, args.reuse)
        before = os.getloadavg()[0]
        rows = await measure(url, workdir, args)
        after = os.getloadavg()[0]
        print(f"\n## {kind} (load average {before:.1f} before, {after:.1f} after)\n")
        print("| page | req/s | ratio | CPU ms / request | CPU ratio |")
        print("|---|---:|---:|---:|---:|")
        for name, rps, ratio, cpu, cpu_ratio in rows:
            print(f"| {name} | {rps:,.0f} | {ratio:.2f} | {cpu:.2f} | {cpu_ratio:.2f} |")
        low = [name for name, _, ratio, _, _ in rows[1:] if ratio < 1 / 3]
        print(
            f"\n{'every ratio ≥ 0.33' if not low else 'under 0.33: ' + ', '.join(low)}", flush=True
        )


if __name__ == "__main__":
    asyncio.run(main())
