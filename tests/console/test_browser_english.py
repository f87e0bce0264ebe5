"""The console in English on a phone (Debian's chromium through Playwright, a fresh database).

tests/console/test_browser.py walks the Thai console at the narrow phones' widths; here the
same coordinator's day is read again after the header's switch to English.
"""

from __future__ import annotations

import re

import asyncpg
from playwright.async_api import Browser, Page, expect

from barter.domain.thaidate import MONTHS_EN
from tests.console.test_browser import (
    AMOUNTED,
    DATED,
    MAPPED,
    TABLED,
    TEXT_LINKS,
    _amounts_whole,
    _fits,
    _the_day_on_a_phone,
    _touchable,
    browser,
    live,
)

__all__ = ["browser", "live"]  # the fixtures, shared with the Thai walk

ENGLISH_WIDTHS = (320, 340, 360)  # the narrowest phone, PHONE's 360 px, and one between
# A date as the English console writes it ("7 Dec 2026 14:00", an account's "Dec 2026"), and an
# amount with its English unit ("1,500 kg", "456 km", "104,500 baht").
EN_DATE = rf"(?:\d{{1,2}}\s)?(?:{'|'.join(MONTHS_EN)})\s\d{{4}}(?:\s\d{{2}}:\d{{2}})?"
EN_AMOUNT = r"\d[\d,.]*\s(?:kg|km|litres?|pieces?|packs?|baht)\b"
# The pages of the day (tests/console/day.py), by the name it gives them, then the lists.
DAY = ("community", "proposal", "run", "plan", "sheet", "account", "today")
LISTS = (
    "/console/communities/",
    "/console/proposals/?show=all",
    "/console/matching/",
    "/console/logistics/",
    "/console/goods/",
)

# Every table's nearest box that scrolls sideways, and how many tables that box holds: 1 for a
# table in a box of its own (0: no box, the page itself would scroll).
TABLES_IN_BOXES = """() => [...document.querySelectorAll('main table')].map(table => {
  let box = table.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  return box ? box.querySelectorAll('table').length : 0;
})"""
# What is drawn past the page's left or right edge (inside a box that scrolls, or a map's
# drawing, it may be: the box scrolls, the map is cut to its frame).
STICKING_OUT = """() => {
  const wide = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll('*')].filter(e => {
    if (e.parentElement.closest('.scroll, svg')) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < -0.5 || r.right > wide + 0.5);
  }).map(e => e.outerHTML.slice(0, 120));
}"""
# The Thai drawn in <main> that is not marked as Thai (`lang="th"`): on an English page, Thai is
# only ever the other language beside the English (a community's Thai name, an exchange's Thai
# explanation for the community), never a message left untranslated.
THAI_UNMARKED = """() => {
  const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node; (node = walk.nextNode());) {
    if (/[\\u0e00-\\u0e7f]/.test(node.data) && !node.parentElement.closest('[lang=th]')) {
      found.push(node.data.trim());
    }
  }
  return found;
}"""
CONTROLS = "main button, main .button, main summary, main label.check"  # what a thumb taps
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a status or a kind's code ("on_the_road") shown as is


async def _reads_english_and_fits(page: Page) -> None:
    """The page is in English, says no code or untranslated Thai, its controls are TOUCH_PX tall,
    and at each of ENGLISH_WIDTHS it does not scroll sideways, has each table in a box of its own
    that scrolls, and draws nothing past its edges."""
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.locator("main details").evaluate_all("els => els.forEach(d => { d.open = true; })")
    assert await page.evaluate(THAI_UNMARKED) == [], page.url
    text = await page.locator("main").inner_text()
    assert not RAW_CODE.findall(text), (page.url, RAW_CODE.findall(text))
    if await page.locator(CONTROLS).count():  # English labels, a thumb's targets as the Thai ones
        await _touchable(page, CONTROLS)
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    for wide in ENGLISH_WIDTHS:
        await page.set_viewport_size({"width": wide, "height": height})
        await _fits(page)
        boxes = await page.evaluate(TABLES_IN_BOXES)
        assert all(n == 1 for n in boxes), (page.url, wide, boxes)
        assert await page.evaluate(STICKING_OUT) == [], (page.url, wide)


async def test_the_english_console_fits_a_phone_and_says_english(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    """The coordinator's day, switched to English in the header, at 320, 340 and 360 px: every
    page of the day and every list fits, keeps its tables in boxes that scroll, draws nothing
    past its edges, keeps each amount with its unit and each date with its time on one line, and
    marks what it says in Thai as Thai. The defects QA's walk found stay fixed: an exchange's
    explanation was Thai first, the English small beneath it; a plan listed "1 shipments"; a
    depot stop read "Songkhla depot depot"; a need for a category read "any Rice"."""
    async with _the_day_on_a_phone(browser, live, db) as (page, seen):
        await page.get_by_role("link", name="English").click()
        switch = page.locator("header.top .lang")
        await expect(switch).to_have_text("ไทย")
        await expect(switch).to_have_attribute("lang", "th")  # read out as Thai
        for name in DAY:
            await page.goto(seen[name])
            await _reads_english_and_fits(page)
            await _touchable(page, "header.top button, header.top .lang")
            await _touchable(page, "nav.main a")
            if name in TABLED:
                assert await page.evaluate(TABLES_IN_BOXES), (name, "no table")
            if name in MAPPED:
                await expect(page.locator("figure.map")).to_have_count(1)
            shown = await _amounts_whole(page, ENGLISH_WIDTHS, f"{EN_DATE}|{EN_AMOUNT}")
            if name in DATED:
                assert any(re.fullmatch(EN_DATE, text) for text in shown), (name, shown)
            if name in AMOUNTED:
                assert any(re.fullmatch(EN_AMOUNT, text) for text in shown), (name, shown)
        for path in LISTS:
            await page.goto(f"{live}{path}")
            await _reads_english_and_fits(page)
            await _touchable(page, TEXT_LINKS)

        # An exchange's explanation: the reader's English first, the community's Thai beside it.
        await page.goto(seen["proposal"])
        explained = page.locator(".participant .explain")
        await expect(explained).to_have_count(2)
        for explain in await explained.all():
            await expect(explain.locator("p").first).to_have_attribute("lang", "en")
            await expect(explain.locator("p").first).to_contain_text("You give")
            await expect(explain.locator("p").nth(1)).to_have_attribute("lang", "th")
            await expect(explain.locator("p").nth(1)).to_have_class("en")  # smaller, muted
        # One plan of one shipment, in the logistics page's list of plans.
        await page.goto(f"{live}/console/logistics/")
        await expect(page.locator("main")).to_contain_text(re.compile(r"Plan #\d+ ·\s1 shipment ·"))
        await expect(page.locator("main")).not_to_contain_text("1 shipments")
        # A depot's stop says what it is for without saying "depot" twice.
        for name in ("plan", "sheet"):
            await page.goto(seen[name])
            await expect(page.locator("main")).to_contain_text("vehicle base")
            await expect(page.locator("main")).not_to_contain_text("depot depot")
        # A need for anything in a category, as the need form offers it.
        await page.goto(seen["community"])
        await expect(page.locator("#need-what option[value='category:rice']")).to_have_text("any rice")
