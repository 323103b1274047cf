"""Static files: content-hashed addresses kept for good, compressed, revalidated by name."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from webapp.static_assets import STATIC_DIR, StaticAssets

LINKED = re.compile(r'(?:src|href|data-htmx)="(/static/[^"]+)"')


def linked_files(client, page: str = "/") -> list[str]:
    return LINKED.findall(client.get(page).text)


def test_pages_link_every_static_file_by_a_hash_of_its_bytes(client):
    links = linked_files(client)
    assert {"css", "js", "icons", "manifest"} <= {
        link.split("/")[2].split(".")[0] for link in links
    }
    for link in links:
        assert re.search(r"\.[0-9a-f]{10}\.\w+$", link), link
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        plain = re.sub(r"\.[0-9a-f]{10}(\.\w+)$", r"\1", link)
        assert response.content == (STATIC_DIR / plain.removeprefix("/static/")).read_bytes()


def test_a_changed_file_gets_a_new_address(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black; }")
    before = StaticAssets(tmp_path).url("app.css")
    (tmp_path / "app.css").write_text("body { color: navy; }")
    after = StaticAssets(tmp_path).url("app.css")
    assert before != after and before.startswith("/static/app.") and after.endswith(".css")


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("", None),
        ("identity", None),
    ],
)
def test_text_files_come_compressed_as_the_browser_accepts(client, accept, coding):
    css = next(link for link in linked_files(client) if link.startswith("/static/css/"))
    response = client.get(css, headers={"Accept-Encoding": accept})
    assert response.headers.get("content-encoding") == coding
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.content == (STATIC_DIR / "css" / "app.css").read_bytes()


def test_compressed_bodies_are_what_they_say():
    assets = StaticAssets(STATIC_DIR)
    htmx = assets.assets["js/htmx.min.js"]
    plain = htmx.bodies["identity"]
    assert brotli.decompress(htmx.bodies["br"]) == plain
    assert gzip.decompress(htmx.bodies["gzip"]) == plain
    assert len(htmx.bodies["br"]) < len(plain) / 3


def test_a_plain_name_is_revalidated_and_an_unchanged_file_is_not_sent_again(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    again = client.get("/static/css/app.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_unknown_files_and_other_methods_are_refused(client):
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../webapp/config.py").status_code == 404
    head = client.head("/static/css/app.css")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0


def test_the_service_worker_keeps_the_hashed_files_under_a_cache_named_by_them(client):
    worker = client.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"
    files = re.search(r"const STATIC_FILES = (\[.*?\]);", worker.text).group(1)
    for link in linked_files(client):
        if "/icons/icon-192" in link or "/css/" in link or "/js/app." in link:
            assert f'"{link}"' in files
    assert re.search(r'const CACHE = "mypage-static-[0-9a-f]{10}";', worker.text)
