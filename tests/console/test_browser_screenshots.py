"""What the README's screenshots (scripts/console_screenshots.py) showed wrong, in a real browser
on narrow phones. The LINE page's heading cut the name of Tanyong Po inside the place name ("LINE
กลุ่มประมงพื้นบ้านบ้านตันหยง" over "โป"), where the browser's dictionary knows no word to break it
at: a name that fits on a line of its own now goes there whole. A community's form to offer goods
listed each category's goods by their English ids, so that it opened at black sticky rice
(ข้าวเหนียวดำ, rice-black-sticky) and read ข้าวเหนียวดำ, ข้าวกล้อง, ข้าวหอมมะลิ…: it now lists them
in the catalogue's order, as the goods page does."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx
from playwright.async_api import Browser, expect

from tests.console import test_browser
from tests.console.day import sign_in
from tests.console.test_browser import PHONE, _fits, _key, _one_line, _signed_in_on_a_phone, _village
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


async def test_a_communitys_forms_list_the_goods_in_the_catalogues_order_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    own, _ = await _village(live, db)
    async with _signed_in_on_a_phone(browser, live, coordinator, "/console/goods/") as page:
        catalogue = await page.locator("#category-rice li b").all_inner_texts()
        assert catalogue[:3] == ["ข้าวหอมมะลิ", "ข้าวขาว", "ข้าวเหนียว"], catalogue
        await page.goto(f"{live}/console/communities/{own}")
        offered = page.locator("#offer-item")
        rice = await offered.locator("optgroup").first.locator("option").all_inner_texts()
        assert [o.rsplit(" (", 1)[0] for o in rice] == catalogue
        await expect(offered.locator("option:checked")).to_have_text("ข้าวหอมมะลิ (กก.)")  # what it opens at
        needed = await page.locator("#need-what optgroup").first.locator("option").all_inner_texts()
        assert [o.rsplit(" (", 1)[0] for o in needed][-len(catalogue) :] == catalogue
        await _fits(page)


async def test_a_plan_with_nothing_to_plan_is_said_in_thai_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """The planner's 409s say what happened in Thai (the English beside), here nothing_to_plan:
    no approved exchange of the south waits for a plan. (planned_meanwhile, the race's loser, is
    said the same way: tests/api/logistics/test_controller.py.)"""
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    async with _signed_in_on_a_phone(browser, live, coordinator, "/console/logistics/") as page:
        await page.get_by_role("button", name="วางแผนขนส่ง").click()
        said = page.get_by_role("alert")
        # what happened, not "changed meanwhile, reload" (the other 409s' words: nothing changed)
        await expect(said).to_have_text(
            "ยังไม่มีข้อเสนอที่อนุมัติแล้วของภาคใต้ที่รอวางแผนขนส่ง No approved proposal of the South waits for a plan"
        )
        await expect(said.locator(".en")).to_contain_text(
            "No approved proposal of the South waits for a plan"
        )
        await _fits(page)
        await page.screenshot(path=tmp_path / "nothing-to-plan.png")
        await page.screenshot(path="/tmp/smsfix-nothing-to-plan.png")
