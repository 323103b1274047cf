"""`python -m webapp serve`: with BASE_URL unset, the links it hands out (mails, the counter
sheet's QR code) and the Origin it allows are the address it really serves on."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx2
import pytest
import sqlalchemy as sa

from tests.conftest import CHEAP_ARGON2_ENV, free_port
from tests.helpers import CSRF, SEEKER_ARGS, run_cli_process, run_db
from webapp.config import served_base_url
from webapp.schema import outbox


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8123, "http://localhost:8123"),
        ("localhost", 8000, "http://localhost:8000"),
        ("::1", 9000, "http://localhost:9000"),
        ("0.0.0.0", 8124, "http://192.168.1.20:8124"),  # the LAN address, for phones
        ("::", 8125, "http://192.168.1.20:8125"),
        ("192.168.1.7", 8000, "http://192.168.1.7:8000"),
        ("fd00::7", 8000, "http://[fd00::7]:8000"),
        ("hellowork.example.jp", 80, "http://hellowork.example.jp"),
    ],
)
def test_the_served_address_is_the_base_url(host, port, expected):
    assert served_base_url(host, port, lan=lambda: "192.168.1.20") == expected


def test_without_a_lan_address_all_interfaces_fall_back_to_localhost():
    assert served_base_url("0.0.0.0", 8000, lan=lambda: None) == "http://localhost:8000"


def _environment(database_url: str, tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT", "SMTP_HOST")}
    return {
        **env,
        **CHEAP_ARGON2_ENV,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x" * 40,
        "VAR_DIR": str(tmp_path),
        "DAILY_ROUND_SECONDS": "0",
        **extra,
    }


def _wait_until_listening(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                out, err = process.communicate()
                pytest.fail(f"serve did not start:\n{out}\n{err}")
            time.sleep(0.05)


async def _last_mail(conn) -> str:
    return await conn.fetch_val(sa.select(outbox.c.body).order_by(outbox.c.id.desc()).limit(1))


@pytest.mark.parametrize("how", ["--port", "PORT"])
def test_serve_hands_out_links_to_its_own_port(database_url, tmp_path, how):
    assert run_cli_process(database_url, "seeker", "add", *SEEKER_ARGS).returncode == 0
    port = free_port()
    args = ["--port", str(port)] if how == "--port" else []
    extra = {"PORT": str(port)} if how == "PORT" else {}
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", *args],
        env=_environment(database_url, tmp_path, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_listening(process, port)
        here = f"http://localhost:{port}"
        # As a phone would reach it by another name for the same host (Host: 127.0.0.1).
        # A worker may still be starting when the parent already listens (a loaded machine).
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as browser:

            def post(url: str, data: dict, origin: str):
                token = CSRF.search(browser.get(url).text).group(1)
                return browser.post(
                    url, data={"csrf_token": token, **data}, headers={"Origin": origin}
                )

            # The allowed Origin is the served address, not the default's port 8000.
            assert post("/register", {"agree": "yes"}, "http://localhost:8000").status_code == 403
            assert post("/register", {"agree": "yes"}, here).status_code == 303
            birth = {"year": "1990", "month": "4", "day": "1"}
            sent = post("/register/email", {"email": "taro@example.com", **birth}, here)
            assert sent.status_code == 303
        body = run_db(database_url, _last_mail)
        assert re.search(rf"^{here}/register/password\?resume=\S+$", body, re.M), body
        assert "localhost:8000" not in body
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert f"links in mails and QR codes point to {here}" in out


# --- several workers ----------------------------------------------------------------------


def test_serve_defaults_to_a_worker_per_core():
    from webapp.__main__ import _parser, default_workers

    assert _parser().parse_args(["serve"]).workers is None
    assert default_workers() == (os.cpu_count() or 1)
    assert _parser().parse_args(["serve", "--workers", "3"]).workers == 3


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_serve_refuses_fewer_than_one_worker(database_url, workers):
    done = run_cli_process(database_url, "serve", "--workers", workers)
    assert done.returncode == 2
    assert "--workers" in done.stderr


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn started (not multiprocessing's resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        children = [int(child) for child in listing.read().split()]
    workers = []
    for child in children:
        with open(f"/proc/{child}/cmdline", "rb") as cmdline:
            if b"spawn_main" in cmdline.read():
                workers.append(child)
    return workers


def test_serve_with_two_workers_migrates_first_then_serves_from_both(tmp_path):
    """An empty database: the parent migrates it once, before any worker starts (workers
    that each migrated at start would race); then two processes answer on one port."""
    database_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", "--port", str(port), "--workers", "2"],
        env=_environment(database_url, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_listening(process, port)
        # A worker may still be starting when the parent already listens (a loaded machine).
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as browser:
            for _ in range(20):
                assert browser.get("/jobs/search").status_code == 200
            token = CSRF.search(browser.get("/register").text).group(1)
            answer = browser.post(
                "/register",
                data={"csrf_token": token, "agree": "yes"},
                headers={"Origin": f"http://localhost:{port}"},
            )
            # The workers were given the served address: its Origin is the allowed one.
            assert answer.status_code == 303
        deadline = time.monotonic() + 30
        while len(_workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_workers(process.pid)) == 2
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert "2 workers" in out
    assert "Traceback" not in err, err
