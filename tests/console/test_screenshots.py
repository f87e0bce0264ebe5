"""The screenshot script's PNGs (scripts/console_screenshots.py): written smaller than chromium
writes them, with the same pixels, whatever filter chromium gave each row."""

from __future__ import annotations

import zlib

import pytest

from scripts.console_screenshots import PNG, smaller_png

WIDTH, HEIGHT = 7, 10


def _pixels(channels: int) -> list[bytes]:
    """Rows with flat runs, edges and bytes that wrap past 255 when a filter adds its guess."""
    return [
        bytes(
            (x * 37 + y * 91 + c * 53) % 256 if (x + y) % 3 else 250 - c
            for x in range(WIDTH)
            for c in range(channels)
        )
        for y in range(HEIGHT)
    ]


def _filtered(rows: list[bytes], channels: int) -> bytes:
    """Each row under one of PNG's five filters in turn (None, Sub, Up, Average, Paeth), as the
    PNG specification defines them."""
    out = bytearray()
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        kind = y % 5
        out.append(kind)
        for x, byte in enumerate(row):
            left = row[x - channels] if x >= channels else 0
            up = prev[x]
            corner = prev[x - channels] if x >= channels else 0
            p = left + up - corner
            paeth = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
            guess = (0, left, up, (left + up) // 2, paeth)[kind]
            out.append((byte - guess) % 256)
        prev = row
    return bytes(out)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _png(rows: list[bytes], channels: int) -> bytes:
    """A PNG as a fast encoder writes one: its data stored, not deflated, over two IDAT chunks."""
    header = (
        WIDTH.to_bytes(4, "big") + HEIGHT.to_bytes(4, "big") + bytes((8, 2 if channels == 3 else 6, 0, 0, 0))
    )
    data = zlib.compress(_filtered(rows, channels), 0)
    half = len(data) // 2
    return PNG + b"".join(
        (
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", data[:half]),
            _chunk(b"IDAT", data[half:]),
            _chunk(b"IEND", b""),
        )
    )


def _read(png: bytes) -> tuple[list[bytes], list[bytes]]:
    """The chunks' kinds, each chunk's checksum checked, and the rows of pixels of an unfiltered PNG."""
    assert png[:8] == PNG
    kinds, data, at = [], b"", 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        assert png[at + 8 + length : at + 12 + length] == zlib.crc32(kind + body).to_bytes(4, "big"), kind
        kinds.append(kind)
        data += body if kind == b"IDAT" else b""
        at += 12 + length
    raw = zlib.decompress(data)
    stride = len(raw) // HEIGHT
    assert [raw[y * stride] for y in range(HEIGHT)] == [0] * HEIGHT  # every row unfiltered
    return kinds, [raw[y * stride + 1 : (y + 1) * stride] for y in range(HEIGHT)]


@pytest.mark.parametrize("channels", [3, 4], ids=["rgb", "rgba"])
def test_a_screenshot_is_written_smaller_with_the_same_pixels(channels: int) -> None:
    rows = _pixels(channels)
    png = _png(rows, channels)
    smaller = smaller_png(png)
    assert len(smaller) < len(png)
    kinds, pixels = _read(smaller)
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    assert pixels == rows
