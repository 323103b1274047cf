"""Draw the PWA's PNG icons (a briefcase on blue, as icon.svg) with the standard library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BLUE, WHITE = (0x0B, 0x53, 0x94), (0xFF, 0xFF, 0xFF)


def pixel(x: float, y: float) -> tuple[int, int, int]:
    """Colour at (x, y) in the 512-unit design of icon.svg."""
    in_body = 136 <= x < 376 and 184 <= y < 360 and not (248 <= y < 268)
    in_handle = (200 <= x < 312 and 144 <= y < 200) and not (224 <= x < 288 and 168 <= y < 200)
    return WHITE if in_body or in_handle else BLUE


def png(size: int) -> bytes:
    scale = 512 / size
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x * scale, y * scale)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "static" / "icons"
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
