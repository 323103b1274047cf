"""Does timing tell a registered address from an unknown one? Prints p50/p95 (ms) of:
login with a wrong password (registered vs unknown address), and ステップ2 / パスワードを
忘れた方 requests (a key mailed; the owner told by mail of a wrong birthdate or a My Page
already open; an unknown address, nothing mailed).
Run: .venv/bin/python bench/enumeration.py [N]"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import Settings  # noqa: E402
from webapp.schema import job_seekers  # noqa: E402
from webapp.security.passwords import hash_password  # noqa: E402
from webapp.seekers import service as seekers  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def timed(client, url, page, data) -> float:
    token = CSRF.search(client.get(page).text).group(1)
    start = time.perf_counter()
    client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)
    return (time.perf_counter() - start) * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db",
            secret_key="b" * 40,
            smtp_host="",
            outbox_poll_seconds=3600,
        )
        with TestClient(create_app(settings)) as client:

            async def setup():
                async with client.app.state.db.connection() as conn:
                    for i in range(n * 2):
                        new = seekers.validate_new_seeker(
                            name="試験",
                            kana="シケン",
                            birthdate="1990-04-01",
                            email=f"user{i}@example.com",
                            today=__import__("datetime").date.today(),
                        )
                        await seekers.register(
                            conn, new, office_code=None, now=client.app.state.clock.now()
                        )
                    await conn.execute(
                        job_seekers.update()
                        .where(job_seekers.c.id <= n)
                        .values(password_hash=await hash_password("Kasumi#2719"))
                    )

            client.portal.call(setup)
            # Interleaved, each pair from a client address of its own: one address failing
            # against many accounts is slowed (spraying), and no request may be cut short.
            rows = {"login, registered, wrong password": [], "login, unknown address": []}
            for i in range(n):
                visitor = TestClient(client.app, client=(f"198.51.100.{i % 250 + 1}", 50000))
                for name, email in (
                    ("login, registered, wrong password", f"user{i}@"),
                    ("login, unknown address", f"nobody{i}@"),
                ):
                    rows[name].append(
                        timed(
                            visitor,
                            "/login",
                            "/login",
                            {"email": email + "example.com", "password": "Wrong#pass1"},
                        )
                    )
            birth = {"year": "1990", "month": "4", "day": "1"}
            # ステップ2, each from a browser of its own that agreed to ステップ1 (users
            # 0 … n-1 have opened My Page, n … 2n-1 have not).
            step2 = {
                "ステップ2, key mailed": (lambda i: f"user{n + i}@", birth),
                "ステップ2, wrong birthdate (told)": (
                    lambda i: f"user{n + i}@",
                    {**birth, "day": "2"},
                ),
                "ステップ2, already open (told)": (lambda i: f"user{i}@", birth),
                "ステップ2, unknown (nothing)": (lambda i: f"nobody{i}@", birth),
            }
            for name in step2:
                rows[name] = []
            for i in range(n):
                for name, (email, typed) in step2.items():
                    browser = TestClient(client.app)
                    agree = CSRF.search(browser.get("/register").text).group(1)
                    browser.post("/register", data={"csrf_token": agree, "agree": "yes"})
                    rows[name].append(
                        timed(
                            browser,
                            "/register/email",
                            "/register/email",
                            {"email": email(i) + "example.com", **typed},
                        )
                    )
            rows["パスワードを忘れた方, registered"] = []
            rows["パスワードを忘れた方, unknown"] = []
            for i in range(n):
                for name, email in (
                    ("パスワードを忘れた方, registered", f"user{i}@"),
                    ("パスワードを忘れた方, unknown", f"nobody{i}@"),
                ):
                    rows[name].append(
                        timed(
                            TestClient(client.app),
                            "/password/forgot",
                            "/password/forgot",
                            {"email": email + "example.com", **birth},
                        )
                    )
    # The production defaults, never the tests' cheap argon2 or zero wake delay.
    print(
        f"argon2id t={settings.argon2_time_cost} m={settings.argon2_memory_cost} KiB "
        f"p={settings.argon2_parallelism}; outbox wake delay {settings.outbox_wake_delay} s"
    )
    for name, samples in rows.items():
        print(f"{name:38} {summary(samples)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 14)
