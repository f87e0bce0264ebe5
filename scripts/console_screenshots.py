"""Photograph the console's main pages at desktop and phone width, into docs/console/.

    python -m scripts.console_screenshots

Starts the service on a throw-away embedded PostgreSQL, lets Debian's chromium live a South
coordinator's day (tests/console/day.py, the same steps the browser test asserts) and saves each
main page at 1280 px and 360 px wide. It also fails when a page is wider than the screen.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright

from barter.api.app import create_app
from barter.domain.clock import SystemClock
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.settings import Settings
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from tests.console.day import coordinators_day, launch, seed_partner_village
from tests.live import serve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "console"
SIZES = {"desktop": (1280, 900), "phone": (360, 740)}
PAGES = ("signin", "today", "community-register", "community", "run", "proposal", "plan", "sheet", "account")


async def _keys(settings: Settings) -> tuple[str, str]:
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
                KeyCreate(role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้"),
            )
        finally:
            await conn.close()
    finally:
        database.close()
    return admin.key, coordinator.key


async def _day(base: str, admin: str, coordinator: str) -> list[str]:
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
            await page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
        await page.set_viewport_size({"width": SIZES["desktop"][0], "height": SIZES["desktop"][1]})

    await seed_partner_village(base, admin)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await browser.new_context(locale="th-TH")
            await coordinators_day(await context.new_page(), base, coordinator, shoot)
        finally:
            await browser.close()
    return too_wide


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="barter-shots-") as tmp:
        settings = Settings(data_dir=Path(tmp), secret=secrets.token_hex(16))
        admin, coordinator = asyncio.run(_keys(settings))
        app = create_app(settings, clock=SystemClock(), run_in_process=False, relay=False)
        with serve(app) as base:
            too_wide = asyncio.run(_day(base, admin, coordinator))
    print(f"wrote {len(PAGES) * len(SIZES)} screenshots to {OUT.relative_to(ROOT)}")
    for line in too_wide:
        print(f"too wide: {line}")
    return 1 if too_wide else 0


if __name__ == "__main__":
    sys.exit(main())
