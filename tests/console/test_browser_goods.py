"""The goods page (สินค้า) in a real browser on narrow phones, in Thai and in English: the catalogue,
and goods added by a coordinator, a refusal said at its field."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from playwright.async_api import Browser, Page, expect

from barter.services import unknown_goods
from tests.console import test_browser
from tests.console.day import seed_partner_village, sign_in
from tests.console.test_browser import PHONE, _fits, _key, _one_line, _touchable, _village
from tests.console.test_browser_english import THAI_UNMARKED
from tests.console.test_browser_forms import WIDTHS, _said_right_under, _walk

browser = test_browser.browser  # the fixtures of the day's walk: one chromium, the live app
live = test_browser.live

NAV = "nav.main a"
# The form to add goods as a coordinator fills it in (what each test changes, over it).
TYPED = {
    "name_th": "ปลาช่อน",
    "name_en": "Striped snakehead",
    "category_id": "fish-seafood",
    "unit": "kg",
    "reference_value": "90",
    "shelf_life_days": "3",
    "synonyms_th": "ปลาช่อนสด, ปลาช่อนนา",
}


async def _nav_fits(page: Page) -> None:
    """At each of WIDTHS the navigation, with the goods page in it, keeps each link whole on one
    line, a thumb's size, inside the page; the page does not scroll sideways. Left at the narrowest."""
    for wide in WIDTHS[::-1]:
        await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
        await _fits(page)
        await _touchable(page, NAV)
        await _one_line(page, NAV)
        outside = await page.locator(NAV).evaluate_all(
            "els => els.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
            ".map(e => e.textContent)"
        )
        assert outside == [], (wide, outside)


async def _fill(page: Page, **fields: str) -> None:
    for name, value in fields.items():
        target = page.locator(f"#add-form [name={name}]")
        if await target.evaluate("e => e.tagName") == "SELECT":
            await target.select_option(value)
        else:
            await target.fill(value)


async def test_the_goods_page_and_adding_goods_on_narrow_phones(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """A southern coordinator at 320, 340 and 360 px in Thai: the goods page (reached from the
    navigation) lists the catalogue by category, fits the phone, breaks no Thai word and has no
    target under 44 px; the form to add goods, refused for a name ไข่ไก่ already has, says so
    right under the name, at the form, with what was typed kept; corrected, it adds ปลาช่อน and says
    so in view. Then the same page in English, and a community's key, which sees no form."""
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        await page.locator(NAV, has_text="สินค้า").click()
        await expect(page).to_have_url(f"{live}/console/goods/")
        await expect(page.locator("h1")).to_have_text("สินค้า")
        await expect(page.locator(f"{NAV}.on")).to_have_text("สินค้า")
        eggs = page.locator("#goods-eggs-chicken")
        await expect(eggs).to_contain_text("ไข่ไก่")
        await expect(eggs).to_contain_text("4 บาท ต่อ ฟอง")
        await _nav_fits(page)
        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await page.screenshot(path=tmp_path / f"goods-top-{WIDTHS[0]}.png")
        await page.locator("nav.jump").screenshot(path=tmp_path / f"goods-categories-{WIDTHS[0]}.png")
        # a long list on a phone: each category a tap away
        await page.locator("nav.jump").get_by_role("link", name="ไข่").click()
        await expect(page).to_have_url(f"{live}/console/goods/#category-eggs")
        await expect(page.locator("#category-eggs h2")).to_be_in_viewport()
        await _touchable(page, "nav.jump a")
        await _one_line(page, "nav.jump a")
        await _walk(page, tmp_path)  # goods-320.png, the whole page

        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await page.get_by_role("link", name="เพิ่มสินค้า").click()
        await _fill(page, **{**TYPED, "name_th": "ไข่ไก่"})
        await page.locator("#add-form").get_by_role("button", name="เพิ่มสินค้า").click()
        said = page.locator("#add-name-th-error")
        await expect(said).to_contain_text('มีสินค้าชื่อ "ไข่ไก่" ในรายการแล้ว')
        await expect(page.locator("#add-errors")).to_be_in_viewport()  # the form opens at itself
        await _said_right_under(page.locator("#add-name-th"), said, "add-name-th-error")
        await _one_line(page, "#add-name-th-error .nobr, #add-errors .nobr")  # "ไข่ไก่" is not parted
        await expect(page.locator("#add-synonyms")).to_have_value("ปลาช่อนสด, ปลาช่อนนา")
        await expect(page.locator("#add-category")).to_have_value("fish-seafood")
        await page.screenshot(path=tmp_path / f"goods-refused-{WIDTHS[0]}.png")
        await _walk(page)

        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await page.locator("#add-name-th").fill("ปลาช่อน")
        await page.locator("#add-form").get_by_role("button", name="เพิ่มสินค้า").click()
        await expect(page).to_have_url(f"{live}/console/goods/#goods-striped-snakehead")
        await expect(page.locator("#goods-added")).to_have_text("เพิ่ม ปลาช่อน แล้ว")
        await expect(page.locator("#goods-added")).to_be_in_viewport()
        added = page.locator("#goods-striped-snakehead")
        await expect(added).to_contain_text("90 บาท ต่อ กก.")
        await expect(added).to_contain_text("ชื่ออื่นที่เรียกกัน: ปลาช่อนสด, ปลาช่อนนา")
        await expect(added.locator(".badge")).to_contain_text(re.compile(r"เครือข่ายเพิ่มเมื่อ \d+ \S+ 25\d\d"))
        await expect(added).to_be_in_viewport()
        await page.screenshot(path=tmp_path / f"goods-added-{WIDTHS[0]}.png")

        await page.get_by_role("link", name="English").click()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("h1")).to_have_text("Goods")
        await expect(page.locator("#goods-eggs-chicken")).to_contain_text("4 baht per piece")
        await expect(page.locator("#goods-striped-snakehead")).to_contain_text("90 baht per kg")
        assert await page.evaluate(THAI_UNMARKED) == []  # Thai only as the names beside
        await _fill(
            page, **{**TYPED, "name_th": "Snakehead", "name_en": "", "unit": "litre", "synonyms_th": ""}
        )
        await page.locator("#add-form").get_by_role("button", name="Add goods").click()
        await expect(page.locator("#add-name-th-error")).to_have_text("must be written in Thai")
        await expect(page.locator("#add-errors")).to_contain_text("Name in Thai: must be written in Thai")
        await expect(page.locator("#add-kg-error")).to_have_text("fill this in")
        assert await page.evaluate(THAI_UNMARKED) == []
        for wide in WIDTHS:
            await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
            await _fits(page)
            await _touchable(page, "main button, main .button, main input:not([type=hidden]), main select")
        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await page.screenshot(path=tmp_path / f"goods-english-refused-{WIDTHS[0]}.png")
        await _nav_fits(page)
    finally:
        await context.close()

    _, key = await _village(live, db)
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, key)
        await page.goto(f"{live}/console/goods/")
        await expect(page.locator("#goods-striped-snakehead")).to_contain_text("ปลาช่อน")
        await expect(page.locator("#add-form")).to_have_count(0)
        await page.get_by_label("ค้นหาสินค้าจากชื่อ").fill("ไข่")
        await page.get_by_role("button", name="ค้นหา").click()
        await expect(page.locator("#goods-eggs-chicken")).to_be_visible()
        await expect(page.locator("#goods-striped-snakehead")).to_have_count(0)
        await _nav_fits(page)
        await _walk(page, tmp_path)
    finally:
        await context.close()


async def test_goods_communities_named_on_a_narrow_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """A southern coordinator at 320 px in Thai: the goods a southern village named on LINE and in a
    sheet that the catalogue lacks, each with how many times, by whom and when last, fit the phone
    with buttons a thumb's size; a word's button opens the add form with its name in it, in view;
    the goods added, the word leaves the list and the others stay."""
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    village = await seed_partner_village(live, await _key(db, role="admin", name="network admin"))
    now = datetime.now(UTC)
    async with db.transaction():
        await unknown_goods.note(db, village, ["ปลาช่อน", "มันสำปะหลัง"], "line", now)
        await unknown_goods.note(db, village, ["ปลาช่อน"], "import", now)
    context = await browser.new_context(locale="th-TH", viewport={**PHONE, "width": WIDTHS[0]})
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        await page.goto(f"{live}/console/goods/")
        section = page.locator("#named-unknown")
        await expect(section.locator("h2")).to_have_text("สินค้าที่ชุมชนพิมพ์ถึงแต่ยังไม่มีในรายการ")
        words = section.locator("li")
        await expect(words).to_have_count(2)
        snakehead = words.first  # the most named first
        await expect(snakehead.locator("b")).to_have_text("ปลาช่อน")
        await expect(snakehead).to_contain_text("พิมพ์ถึง 2 ครั้ง")
        await expect(snakehead).to_contain_text("พิมพ์โดย: วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน")
        await expect(snakehead).to_contain_text(re.compile(r"ครั้งล่าสุด \d+ \S+ 25\d\d"))
        await expect(words.nth(1).locator("b")).to_have_text("มันสำปะหลัง")
        for wide in WIDTHS[::-1]:
            await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
            await _fits(page)
            await _touchable(page, "#named-unknown .button")
            await _one_line(page, "#named-unknown .nobr")  # "พิมพ์ถึง 2 ครั้ง", the date: each whole
        await section.screenshot(path=tmp_path / f"goods-named-{WIDTHS[0]}.png")
        await page.screenshot(path=tmp_path / f"goods-named-top-{WIDTHS[0]}.png")

        await snakehead.get_by_role("link", name="เพิ่ม ปลาช่อน").click()
        await expect(page).to_have_url(re.compile(r"/console/goods/\?name_th=[^#]+#add-form$"))
        await expect(page.locator("#add-name-th")).to_have_value("ปลาช่อน")
        await expect(page.locator("#add-name-th")).to_be_in_viewport()
        await page.screenshot(path=tmp_path / f"goods-named-form-{WIDTHS[0]}.png")
        await _fill(page, **{k: v for k, v in TYPED.items() if k != "name_th"})
        await page.locator("#add-form").get_by_role("button", name="เพิ่มสินค้า").click()
        await expect(page).to_have_url(f"{live}/console/goods/#goods-striped-snakehead")
        await expect(page.locator("#goods-added")).to_have_text("เพิ่ม ปลาช่อน แล้ว")
        await expect(words).to_have_count(1)
        await expect(words.locator("b")).to_have_text("มันสำปะหลัง")
        await _fits(page)

        await page.get_by_role("link", name="English").click()
        await expect(section.locator("h2")).to_have_text("Goods communities named that the catalogue lacks")
        await expect(words).to_contain_text("named 1 time")
        await expect(words).to_contain_text("Named by: Khuan Khanun jasmine rice enterprise")
        await expect(words.get_by_role("link", name="Add มันสำปะหลัง")).to_be_visible()
        assert await page.evaluate(THAI_UNMARKED) == []  # the Thai word marked as Thai, wherever said
        await _fits(page)
        await section.screenshot(path=tmp_path / f"goods-named-english-{WIDTHS[0]}.png")
    finally:
        await context.close()
