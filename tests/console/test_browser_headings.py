"""A community's name in a page's heading, in a real browser on narrow phones: the screenshots
showed the LINE page's heading cut the name of Tanyong Po inside the place name ("LINE
กลุ่มประมงพื้นบ้านบ้านตันหยง" over "โป"), where the browser's dictionary knows no word to break it
at. A name that fits on a line of its own now goes there whole."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx
from playwright.async_api import Browser, expect

from tests.console import test_browser
from tests.console.day import sign_in
from tests.console.test_browser import PHONE, _fits, _key, _one_line
from tests.console.test_browser_forms import WIDTHS

browser = test_browser.browser  # the fixtures of the day's walk: one chromium, the live app
live = test_browser.live

TANYONG_PO = "กลุ่มประมงพื้นบ้านบ้านตันหยงโป"


async def test_a_communitys_name_in_the_line_pages_heading_is_not_cut_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        made = await api.post(
            "/v1/communities", json={"name_th": TANYONG_PO, "kind": "fishing", "province_code": "91"}
        )
        assert made.status_code == 201, made.text
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        await page.goto(f"{live}/console/communities/{made.json()['id']}/line/")
        name = page.locator("h1 .en")
        await expect(name).to_have_text(TANYONG_PO)
        for wide in WIDTHS:
            await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
            await _fits(page)
            await _one_line(page, "h1 .en")  # under "LINE", whole
            if wide == WIDTHS[0]:
                await page.locator("h1").screenshot(path=tmp_path / f"line-heading-{wide}.png")
    finally:
        await context.close()
