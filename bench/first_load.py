"""Bytes a first visit transfers (`bench/first_load.py`): a page and everything it links,
as a browser with an empty cache fetches them.

For the top page, the パスワード登録 wizard's first step and the search page: the page, then
each stylesheet, script, icon and manifest its <head> links, each image it shows, each
url() of the stylesheets, and the service worker app.js registers; each asked for with
`Accept-Encoding: br, gzip` as a browser does, and counted as the bytes on the wire: the
status line and headers plus the body as sent (compressed where the server compressed it).
htmx is served by the app (`HTMX_CDN=false`); from the CDN it is that CDN's brotli copy of
the same file, about the same size.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import Settings  # noqa: E402

PAGES = {"top page": "/", "wizard, first step": "/register", "search": "/jobs/search"}
LIMIT = 60 * 1024
LINKED = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/[^"]+)"')
CSS_URL = re.compile(r"url\(['\"]?(/[^'\")]+)")
WORKER = re.compile(r"serviceWorker\.register\(['\"](/[^'\"]+)")


def wire_bytes(response) -> int:
    """Status line, headers and the body as sent (httpx decodes it; Content-Length is not)."""
    head = len(b"HTTP/1.1 200 OK\r\n") + sum(
        len(name) + len(value) + 4 for name, value in response.headers.raw
    )
    sent = response.headers.get("content-length")
    return head + 2 + (int(sent) if sent is not None else len(response.content))


def first_load(client: TestClient, path: str) -> list[tuple[str, int]]:
    headers = {"Accept-Encoding": "br, gzip"}
    page = client.get(path, headers=headers)
    assert page.status_code == 200, (path, page.status_code)
    fetched = [(path, wire_bytes(page))]
    queue = [url for url in LINKED.findall(page.text)]
    seen = {path}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        fetched.append((url, wire_bytes(response)))
        if url.endswith(".css"):
            queue += CSS_URL.findall(response.text)
        if url.endswith(".js"):
            queue += WORKER.findall(response.text)
    return fetched


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        settings = Settings(
            database_url=f"sqlite:///{workdir}/first-load.db",
            secret_key="first-load-" + "x" * 40,
            smtp_host="127.0.0.1",
            smtp_port=9,
            htmx_cdn=False,
            daily_round_seconds=0,
        )
        with TestClient(create_app(settings)) as client:
            print("| page | requests | transferred | within 60 KB |")
            print("|---|---:|---:|---|")
            for name, path in PAGES.items():
                fetched = first_load(client, path)
                total = sum(size for _, size in fetched)
                ok = "yes" if total <= LIMIT else "NO"
                print(f"| {name} (`{path}`) | {len(fetched)} | {total / 1024:.1f} KB | {ok} |")
                for url, size in fetched:
                    print(f"|   {url} | | {size:,} B | |")


if __name__ == "__main__":
    main()
