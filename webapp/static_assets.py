"""The files under static/, served under content-hashed names, cached for good, compressed.

Pages link `static_url("css/app.css")`, which names the file by a hash of its bytes
(`/static/css/app.1a2b3c4d5e.css`): that address never changes meaning, so the browser
keeps it a year without asking again (`immutable`), and a changed file gets a new address.
The plain name is served too (the manifest's icons, the service worker's first install, an
old page), with `no-cache`: the browser revalidates it by its ETag.

Text files are compressed once (gzip and brotli, at their highest levels) the first time
the app starts in a process, and whichever the browser accepts is sent: on a phone's slow
connection the first page costs a third of its plain size. Pages themselves are sent
uncompressed: they carry the CSRF token, which compression beside user-chosen text would
let an eavesdropper guess (BREACH).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli
from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from webapp.config import PROJECT_ROOT

STATIC_DIR = PROJECT_ROOT / "static"
PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = {".css", ".js", ".svg", ".webmanifest", ".json", ".txt", ".html"}
MEDIA_TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript"}


@dataclass(frozen=True)
class Asset:
    media_type: str
    etag: str
    hashed_path: str  # e.g. css/app.1a2b3c4d5e.css
    bodies: dict[str, bytes]  # content coding ("identity", "gzip", "br") -> bytes


def _hashed(path: str, digest: str) -> str:
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{path}.{digest}"


def _load(file: Path, path: str) -> Asset:
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:10]
    suffix = file.suffix.lower()
    media_type = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(file.name)[0]
    media_type = media_type or "application/octet-stream"
    if media_type.startswith("text/") or suffix in (".js", ".webmanifest", ".svg"):
        media_type += "; charset=utf-8"
    bodies = {"identity": data}
    if suffix in COMPRESSIBLE:
        # Kept only where it saves something (a tiny file can grow).
        for coding, packed in (
            ("br", brotli.compress(data, quality=11)),
            ("gzip", gzip.compress(data, compresslevel=9, mtime=0)),
        ):
            if len(packed) < len(data):
                bodies[coding] = packed
    return Asset(media_type, f'"{digest}"', _hashed(path, digest), bodies)


class StaticAssets:
    """Every file under `directory`, read once: an ASGI app for `/static/…` and `url()`."""

    def __init__(self, directory: Path) -> None:
        self.by_path: dict[str, tuple[Asset, bool]] = {}
        self.assets: dict[str, Asset] = {}
        for file in sorted(directory.rglob("*")):
            if not file.is_file() or file.name.startswith("."):
                continue
            path = file.relative_to(directory).as_posix()
            asset = _load(file, path)
            self.assets[path] = asset
            self.by_path[path] = (asset, False)
            self.by_path[asset.hashed_path] = (asset, True)
        # Changes whenever any file does (the service worker's cache is named by it).
        self.version = hashlib.sha256(
            "".join(asset.etag for asset in self.assets.values()).encode()
        ).hexdigest()[:10]

    def url(self, path: str) -> str:
        """The address of static/`path` that the browser may keep for good."""
        return PREFIX + self.assets[path].hashed_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = get_route_path(scope).removeprefix("/")  # below the /static mount
        found = self.by_path.get(path)
        if scope["method"] not in ("GET", "HEAD"):
            return await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
        if found is None:
            return await _plain(send, 404, b"Not Found")
        asset, hashed = found
        request_headers = Headers(scope=scope)
        headers = [
            (b"content-type", asset.media_type.encode()),
            (b"etag", asset.etag.encode()),
            (b"cache-control", (IMMUTABLE if hashed else REVALIDATE).encode()),
        ]
        if len(asset.bodies) > 1:
            headers.append((b"vary", b"Accept-Encoding"))
        if asset.etag in request_headers.get("if-none-match", ""):
            return await _send(send, 304, headers, b"", scope)
        coding = _coding(request_headers.get("accept-encoding", ""), asset.bodies)
        if coding != "identity":
            headers.append((b"content-encoding", coding.encode()))
        body = asset.bodies[coding]
        headers.append((b"content-length", str(len(body)).encode()))
        await _send(send, 200, headers, body, scope)


def _coding(accept_encoding: str, bodies: dict[str, bytes]) -> str:
    """The smallest body the browser accepts (brotli before gzip); q=0 refuses one."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip())
    for coding in ("br", "gzip"):
        if coding in bodies and (coding in accepted or "*" in accepted):
            return coding
    return "identity"


async def _send(send: Send, status: int, headers: list, body: bytes, scope: Scope) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def _plain(send: Send, status: int, body: bytes, extra: list | None = None) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@cache
def static_assets(directory: Path = STATIC_DIR) -> StaticAssets:
    """Read and compressed once per process (brotli's best level takes a moment)."""
    return StaticAssets(directory)


def static_url(path: str) -> str:
    return static_assets().url(path)
