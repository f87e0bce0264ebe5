"""Photograph the console's main pages at desktop and phone width, into docs/console/.

    python -m scripts.console_screenshots

Starts the service on a throw-away embedded PostgreSQL, lets Debian's chromium live a South
coordinator's day (tests/console/day.py, the same steps the browser test asserts), then the
screens the day does not need (changing an offer, withdrawing it, the goods page and adding goods,
the map picker, LINE codes, consenting to a run across regions), and saves each main page at
1280 px and 360 px wide, a fifth smaller than chromium writes them (the same pixels). It
also fails when a page is wider than the screen.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
import zlib
from pathlib import Path

import httpx
import numpy as np
from playwright.async_api import FloatRect, Page, async_playwright

from barter.api.app import create_app
from barter.domain.clock import SystemClock
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.settings import Settings
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from tests.console.day import coordinators_day, launch, more_pages, seed_partner_village
from tests.live import serve
from tests.polling import poll

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "console"
PNG = b"\x89PNG\r\n\x1a\n"
SIZES = {"desktop": (1280, 900), "phone": (360, 740)}
PAGES = (
    "signin",
    "today",
    "community-register",
    "community",
    "run",
    "proposal",
    "plan",
    "sheet",
    "account",
    "offer-change",
    "withdraw",
    "goods",
    "goods-add",
    "goods-added",
    "community-picker",
    "line",
    "consent",
)
# How a page is framed: the whole page (the default); its first so many CSS pixels (the goods
# page is the whole catalogue, too long to photograph whole); or one part of it (a CSS selector),
# with a margin around.
FRAMES: dict[str, int | str] = {
    "goods": 1500,
    "goods-add": "section:has(#add-form)",
    "goods-added": "#category-fish-seafood",
}
MARGIN = 12
PLACE = (
    "e => { const r = e.getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]; }"
)


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == PNG, "not a PNG"
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        chunks.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def _rows(width: int, height: int, channels: int, data: bytes) -> list[bytes]:
    """The pixels of each row, each row's PNG filter undone (Up and Sub with numpy, the rest a
    byte at a time: they are a few rows of a screenshot)."""
    stride = width * channels
    rows: list[bytes] = []
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = data[y * (stride + 1)]
        line = np.frombuffer(data, np.uint8, stride, y * (stride + 1) + 1).copy()
        if kind == 1:  # Sub: each byte plus the one a pixel to its left
            line = (np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint64) % 256).astype(np.uint8)
            line = line.reshape(stride)
        elif kind == 2:  # Up: plus the byte above
            line += prev
        elif kind in (3, 4):  # Average, Paeth
            out, up = bytearray(line.tobytes()), prev.tobytes()
            for x in range(stride):
                left = out[x - channels] if x >= channels else 0
                corner = up[x - channels] if x >= channels else 0
                if kind == 3:
                    guess = (left + up[x]) // 2
                else:  # of left, above and corner, the nearest to left + above - corner
                    p = left + up[x] - corner
                    guess = min(
                        (abs(p - left), 0, left), (abs(p - up[x]), 1, up[x]), (abs(p - corner), 2, corner)
                    )[2]
                out[x] = (out[x] + guess) & 255
            line = np.frombuffer(bytes(out), np.uint8)
        rows.append(line.tobytes())
        prev = line
    return rows


def smaller_png(png: bytes) -> bytes:
    """The same pixels in a smaller PNG: a screenshot's flat colours and text deflate a fifth
    smaller unfiltered, at zlib's best level, than as chromium filters them for speed."""
    chunks = _chunks(png)
    header = dict(chunks)[b"IHDR"]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlaced = header[8], header[9], header[12]
    if depth != 8 or colour not in (2, 6) or interlaced:
        return png  # not what chromium writes: left as it is
    data = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    rows = _rows(width, height, 3 if colour == 2 else 4, data)
    packed = zlib.compress(b"".join(b"\0" + row for row in rows), 9)
    first = next(k for k, (kind, _) in enumerate(chunks) if kind == b"IDAT")
    others = [c for c in chunks if c[0] != b"IDAT"]
    kept = [*others[:first], (b"IDAT", packed), *others[first:]]  # the image data in one chunk
    smaller = PNG + b"".join(
        len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        for kind, body in kept
    )
    return smaller if len(smaller) < len(png) else png


async def _photograph(page: Page, frame: int | str) -> bytes:
    if frame == "page":
        return await page.screenshot(full_page=True)
    width = await page.evaluate("document.documentElement.clientWidth")
    if isinstance(frame, int):
        clip = FloatRect(x=0, y=0, width=width, height=frame)
    else:
        box = await page.locator(frame).evaluate(PLACE)
        left, top = max(box[0] - MARGIN, 0), max(box[1] - MARGIN, 0)
        right = min(box[0] + box[2] + MARGIN, width)
        clip = FloatRect(x=left, y=top, width=right - left, height=box[1] + box[3] + MARGIN - top)
    return await page.screenshot(full_page=True, clip=clip)


async def _keys(settings: Settings) -> tuple[str, str, str]:
    assert settings.secret is not None
    database = await Database.open(settings)
    try:
        await prepare_database(database)
        conn = await database.connect()
        try:
            admin_spec = KeyCreate(role="admin", name="admin")
            admin = await keys_service.create(conn, None, settings.secret, admin_spec)
            coordinator = await keys_service.create(
                conn,
                None,
                settings.secret,
                KeyCreate(role="coordinator", regions=["south"], name="สุนิสา แก้วมณี"),
            )
            north = await keys_service.create(
                conn,
                None,
                settings.secret,
                KeyCreate(role="coordinator", regions=["north"], name="ประเสริฐ ใจคำ"),
            )
        finally:
            await conn.close()
    finally:
        database.close()
    return admin.key, coordinator.key, north.key


# Three more villages of the South and what they have and need, for the today page: coconuts for
# fish sauce and the other way round (a new run proposes the swap), and eggs nobody has asked for.
VILLAGES = (
    (
        {
            "name_th": "วิสาหกิจชุมชนสวนมะพร้าวบ้านท่ายาง",
            "name_en": "Tha Yang coconut growers",
            "province_code": "86",
        },
        [("offers", "coconut", 400), ("needs", "fish-sauce", 60)],
    ),
    (
        {
            "name_th": "กลุ่มแม่บ้านน้ำปลาบ้านปากน้ำ",
            "name_en": "Pak Nam fish sauce women's group",
            "province_code": "90",
        },
        [("offers", "fish-sauce", 200), ("needs", "coconut", 150)],
    ),
    (
        {"name_th": "กลุ่มเลี้ยงไก่ไข่บ้านควนโดน", "name_en": "Khuan Don egg farmers", "province_code": "91"},
        [("offers", "eggs-chicken", 600), ("needs", "rice-white", 300)],
    ),
)


async def _another_run(base: str, admin: str) -> None:
    """VILLAGES, made through the API, and a run over the South that leaves its proposals for the
    communities to answer."""
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {admin}"}, timeout=60
    ) as api:
        for village, listings in VILLAGES:
            made = await api.post("/v1/communities", json={"kind": "farming", **village})
            assert made.status_code == 201, made.text
            for kind, item, quantity in listings:
                body = {"community_id": made.json()["id"], "item_id": item, "quantity": quantity}
                posted = await api.post(f"/v1/{kind}", json=body)
                assert posted.status_code == 201, posted.text
        started = await api.post("/v1/matching/runs", json={"regions": ["south"], "time_limit_s": 5})
        assert started.status_code == 202, started.text

        async def status() -> str:
            return str((await api.get(f"/v1/matching/runs/{started.json()['id']}")).json()["status"])

        assert await poll(status, lambda s: s in ("succeeded", "failed"), timeout=120) == "succeeded"


async def _day(base: str, admin: str, coordinator: str, north: str) -> list[str]:
    OUT.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []

    async def shoot(page: Page, name: str) -> None:
        if name not in PAGES:
            return
        for label, (width, height) in SIZES.items():
            await page.set_viewport_size({"width": width, "height": height})
            scroll = await page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{name} at {width} px is {scroll} px wide")
            png = await _photograph(page, FRAMES.get(name, "page"))
            (OUT / f"{name}-{label}.png").write_bytes(smaller_png(png))
        await page.set_viewport_size({"width": SIZES["desktop"][0], "height": SIZES["desktop"][1]})

    await seed_partner_village(base, admin)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await browser.new_context(locale="th-TH")
            page = await context.new_page()
            day = await coordinators_day(page, base, coordinator, shoot)
            other = await (await browser.new_context(locale="th-TH")).new_page()
            await more_pages(page, other, base, day, north, shoot)
            await _another_run(base, admin)
            await page.goto(f"{base}/console/")
            await shoot(page, "today")  # again: with the new run's proposals waiting for answers
        finally:
            await browser.close()
    return too_wide


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="barter-shots-") as tmp:
        settings = Settings(data_dir=Path(tmp), secret=secrets.token_hex(16))
        admin, coordinator, north = asyncio.run(_keys(settings))
        app = create_app(settings, clock=SystemClock(), run_in_process=False, relay=False)
        with serve(app) as base:
            too_wide = asyncio.run(_day(base, admin, coordinator, north))
    print(f"wrote {len(PAGES) * len(SIZES)} screenshots to {OUT.relative_to(ROOT)}")
    for line in too_wide:
        print(f"too wide: {line}")
    return 1 if too_wide else 0


if __name__ == "__main__":
    sys.exit(main())
