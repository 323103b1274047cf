"""応募書類 (履歴書, 職務経歴書): what an upload must be, and how a stored one is served.

The type comes from the file's first bytes, never from its name or the browser's
Content-Type: a renamed program is refused, and a PNG called .pdf is kept as a PNG.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.responses import Response

MAX_BYTES = 5 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_FILENAME = 100

KINDS: dict[str, str] = {"resume": "履歴書", "career": "職務経歴書"}

# (magic bytes, Content-Type, extension). PNG's whole 8-byte signature, so a text file
# that happens to start with "\x89PNG" is not taken for an image.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}
TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG画像", "image/png": "PNG画像"}

# Characters that break a header, a path or a shell: dropped from the stored name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


class DocumentError(ValueError):
    """An upload refused; the message says why, in Japanese."""


@dataclass(frozen=True)
class Document:
    kind: str
    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(content: bytes) -> str | None:
    """The Content-Type the bytes say they are (PDF, JPEG, PNG), or None."""
    for magic, content_type, _ in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def safe_filename(name: str, content_type: str, kind: str) -> str:
    """The name to keep: no path, no control or header characters, bounded, and with the
    extension of what the file really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # browsers on Windows may send C:\...\file.pdf
    stem = name.rsplit(".", 1)[0] if "." in name else name
    # Cf: invisible format characters such as U+202E, which can make "exe.pdf" read as
    # "fdp.exe" in a file manager.
    stem = "".join(ch for ch in stem if unicodedata.category(ch) != "Cf")
    stem = _UNSAFE.sub("", stem).strip(" .")
    ext = EXTENSIONS[content_type]
    stem = stem[: MAX_FILENAME - len(ext)] or KINDS[kind]
    return stem + ext


async def read_upload(upload, kind: str) -> Document | None:
    """The checked document from a file field, None when no file was chosen."""
    label = KINDS[kind]
    if not isinstance(upload, UploadFile):
        return None
    content = await upload.read(MAX_BYTES + 1)
    await upload.close()
    if not upload.filename and not content:
        return None  # the field was left empty: the browser sends a nameless empty part
    if not content:
        raise DocumentError(f"{label}のファイルが空です。ファイルを選び直してください。")
    if len(content) > MAX_BYTES:
        raise DocumentError(
            f"{label}のファイルが{MAX_MB}MBを超えています。{MAX_MB}MB以内のファイルを選んでください。"
        )
    content_type = sniff(content)
    if content_type is None:
        raise DocumentError(f"{label}はPDF、JPEG、PNGのいずれかのファイルを選んでください。")
    return Document(
        kind, safe_filename(upload.filename or "", content_type, kind), content_type, content
    )


def _ascii_fallback(filename: str, kind: str, content_type: str) -> str:
    if filename.isascii():
        return filename
    return kind + EXTENSIONS.get(content_type, "")


def download(row) -> Response:
    """The stored document as a download: never shown inline, never sniffed, never cached."""
    filename = row["filename"]
    fallback = _ascii_fallback(filename, row["kind"], row["content_type"])
    disposition = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return Response(
        row["content"],
        media_type=row["content_type"],
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def size_text(size: int) -> str:
    """1.2MB, 340KB: the size as the list of documents shows it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, round(size / 1024))}KB"
