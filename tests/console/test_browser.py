"""The console in a real browser (Debian's chromium through Playwright), on a fresh database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect

from barter.api.app import create_app
from barter.domain.clock import SystemClock
from barter.domain.thaidate import MONTHS_TH
from barter.domain.units import counting_words
from barter.reference import load_catalogue
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.services import line as line_service
from barter.settings import Settings
from tests.conftest import TEST_SECRET
from tests.console.day import coordinators_day, launch, seed_partner_village, sign_in
from tests.dates import ahead, be_slash
from tests.live import serve
from tests.polling import poll

PHONE: ViewportSize = {"width": 360, "height": 740}
QA_PHONE: ViewportSize = {"width": 390, "height": 844}  # the phone QA checks the console on


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One browser for the whole session: starting chromium is the slow part."""
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def live(settings: Settings) -> Iterator[str]:
    """The real app on 127.0.0.1, with the wall clock and the engine in a thread."""
    app = create_app(settings, clock=SystemClock(), run_in_process=False, relay=False)
    with serve(app) as base:
        yield base


async def _key(db: asyncpg.Connection, **spec: object) -> str:
    return (await keys_service.create(db, None, TEST_SECRET, KeyCreate(**spec))).key  # type: ignore[arg-type]


async def _village(live: str, db: asyncpg.Connection) -> tuple[int, str]:
    """The partner village (seeded through the API by an admin) and a key of its own."""
    own = await seed_partner_village(live, await _key(db, role="admin", name="network admin"))
    return own, await _key(db, role="community", community_id=own, name="ควนขนุน")


async def _the_runs_proposal(api: httpx.AsyncClient, regions: list[str]) -> dict[str, Any]:
    """Start a run over `regions` through the API (an admin's client), wait for it, and return the
    one proposal it made."""
    started = await api.post("/v1/matching/runs", json={"regions": regions, "time_limit_s": 5})
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]

    async def read() -> dict[str, Any]:
        body: dict[str, Any] = (await api.get(f"/v1/matching/runs/{run_id}")).json()
        return body

    assert (await poll(read, lambda r: r["status"] in ("succeeded", "failed")))["status"] == "succeeded"
    (proposal,) = (await api.get("/v1/proposals", params={"run_id": run_id})).json()["data"]
    return dict(proposal)


async def _a_south_swap(live: str, admin: str) -> tuple[int, dict[str, Any]]:
    """The partner village and a fishing group in Satun, matched by a run over the south: the
    village's id and the run's one proposal (each community's rice for the other's fish)."""
    village = await seed_partner_village(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        made = await api.post(
            "/v1/communities",
            json={"name_th": "กลุ่มประมงพื้นบ้านบ้านตันหยงโป", "kind": "fishing", "province_code": "91"},
        )
        fishers = made.json()["id"]
        for kind, body in (
            ("offers", {"item_id": "dried-fish", "quantity": 200}),
            ("needs", {"item_id": "rice-jasmine", "quantity": 1500}),
        ):
            posted = await api.post(f"/v1/{kind}", json={"community_id": fishers, **body})
            assert posted.status_code == 201, posted.text
        return village, await _the_runs_proposal(api, ["south"])


@asynccontextmanager
async def _signed_in_on_a_phone(browser: Browser, live: str, key: str, path: str) -> AsyncIterator[Page]:
    """A page on QA's phone, signed in with `key`, at `path`."""
    context = await browser.new_context(locale="th-TH", viewport=QA_PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, key)
        await page.goto(f"{live}{path}")
        yield page
    finally:
        await context.close()


@asynccontextmanager
async def _the_day_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, *, names: Sequence[str] = ()
) -> AsyncIterator[tuple[Page, dict[str, str]]]:
    """A southern coordinator's day walked in Thai (coordinators_day; `names` made first as
    communities of Satun), then the page at PHONE's size, with the address of each page of the
    day by its name."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    await seed_partner_village(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        for name in names:
            made = await api.post(
                "/v1/communities", json={"name_th": name, "kind": "farming", "province_code": "91"}
            )
            assert made.status_code == 201, made.text
    seen: dict[str, str] = {}

    async def where(page: Page, name: str) -> None:
        seen[name] = page.url

    context = await browser.new_context(locale="th-TH")
    try:
        page = await context.new_page()
        await coordinators_day(page, live, coordinator, where)
        await page.set_viewport_size(PHONE)
        yield page, seen
    finally:
        await context.close()


async def _fits(page: Page) -> None:
    """Nothing sticks out sideways at this width."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"], (page.url, width)


# A date as the console writes it, with its time where it has one ("10 ธ.ค. 2569 14:00"), or a
# month ("ธ.ค. 2569"); then an amount and its unit ("1,500 กก.", "6,000 กก.", "104,500 บาท").
# Any space between their parts (an ordinary one is the mistake this looks for).
MONTHS = "|".join(re.escape(m) for m in MONTHS_TH)
DATE = rf"(?:\d{{1,2}}\s)?(?:{MONTHS})\s\d{{4}}(?:\s\d{{2}}:\d{{2}})?"
# (and the counting words of the catalogue's piece items: "300 ฟอง")
AMOUNT = rf"\d[\d,.]*\s(?:กก\.|กม\.|ลิตร|ชิ้น|แพ็ก|บาท|{'|'.join(sorted(set(counting_words().values())))})"
AMOUNTS_ON_LINES = r"""(pattern) => {
  const amount = new RegExp(pattern, 'g');
  const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node; (node = walk.nextNode());) {
    // a map's titles are not laid out (an exchange's explanation, the domain's text, is checked:
    // the console sets its figures on one line)
    if (node.parentElement.closest('svg')) continue;
    for (const m of node.data.matchAll(amount)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (rects.length) found.push([m[0], new Set(rects.map(r => Math.round(r.top))).size]);
    }
  }
  return found;
}"""


async def _amounts_whole(page: Page, widths: Sequence[int], pattern: str = f"{DATE}|{AMOUNT}") -> list[str]:
    """At each width, every amount shown with its unit stands on one line ("1,500" never at the end
    of a line and "กก." at the start of the next), and so does every date with its time ("10 ธ.ค."
    never above "2569"), nothing scrolls sideways and no tile's figure sticks out of its tile; the
    amounts and dates seen at the last width. `pattern` finds them (the English console's own)."""
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    found: list[tuple[str, int]] = []
    try:
        for wide in widths:
            await page.set_viewport_size({"width": wide, "height": height})
            found = await page.evaluate(AMOUNTS_ON_LINES, pattern)
            broken = [text for text, lines in found if lines > 1]
            assert not broken, (page.url, wide, broken)
            await _fits(page)
            tiles = await page.locator(".tile").evaluate_all(
                "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)"
            )
            assert not tiles, (page.url, wide, tiles)
    finally:
        await page.set_viewport_size({"width": widths[-1], "height": height})
    return [text for text, _ in found]


async def _one_line(page: Page, selector: str) -> None:
    """Every `selector` on the page says what it says on one line."""
    lines = await page.locator(selector).evaluate_all(
        """els => els.map(e => {
          // its text's boxes (not its inner elements' own: a span's box may sit a pixel apart)
          const rects = [], walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
          for (let node; (node = walk.nextNode());) {
            const range = document.createRange();
            range.selectNodeContents(node);
            rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
          }
          return [e.textContent.trim(), new Set(rects.map(r => Math.round(r.top))).size];
        })"""
    )
    assert lines, selector
    assert all(n == 1 for _, n in lines), (page.url, selector, lines)


# Words a Thai reader reads as one that Chromium's dictionary parts at a line's end (seen on
# phones: "ผู้|ประสานงาน", "ได้|รับ", "เครือ|ข่าย", "ลง|ทะเบียน", "ไม่|ตอบ", the withdraw question's
# "…ใช่|ไหม?"), and the catalogue's goods names ("ข้าว|หอม|มะลิ" on three lines of a table).
KEPT_WORDS = (
    "ผู้ประสานงาน",
    "ได้รับ",
    "เครือข่าย",
    "ลงทะเบียน",
    "ไม่ตอบ",
    "ใช่ไหม",
    *(item.name_th for item in load_catalogue()),
)
# Each place one of `phrases` is written in the text of `selector` (a map's SVG aside), with the
# number of lines it is drawn on (Range.getClientRects: 1 when it is kept whole).
PHRASES_ON_LINES = r"""([phrases, selector]) => {
  const found = [];
  for (const root of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      if (node.parentElement.closest('svg, option')) continue;
      for (const phrase of phrases) {
        for (let i = node.data.indexOf(phrase); i >= 0; i = node.data.indexOf(phrase, i + 1)) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + phrase.length);
          const rects = [...range.getClientRects()].filter(r => r.width > 0);
          if (rects.length) found.push([phrase, new Set(rects.map(r => Math.round(r.top))).size]);
        }
      }
    }
  }
  return found;
}"""


async def _kept_whole(page: Page, selector: str = "header.top, nav.main, main") -> list[str]:
    """No word of KEPT_WORDS shown in `selector` is drawn on two lines; the words seen."""
    found = await page.evaluate(PHRASES_ON_LINES, [KEPT_WORDS, selector])
    split = [phrase for phrase, lines in found if lines > 1]
    assert not split, (page.url, page.viewport_size, split)
    return [phrase for phrase, _ in found]


# The navigation's links: the top of each, and the page's own link's left and right.
NAV_ROW = r"""() => {
  const links = [...document.querySelectorAll('nav.main a')];
  const on = document.querySelector('nav.main a[aria-current=page]').getBoundingClientRect();
  return {tops: links.map(a => Math.round(a.getBoundingClientRect().top)), on: [on.left, on.right]};
}"""


async def _nav_in_one_row(page: Page) -> None:
    """The navigation's links stand in one row (the same top), each a thumb's TOUCH_PX, and the
    link of the page you are on (aria-current, for a screen reader too) is wholly in sight."""
    assert page.viewport_size is not None
    row = await page.evaluate(NAV_ROW)
    assert len(set(row["tops"])) == 1, (page.url, page.viewport_size, row)
    left, right = row["on"]
    assert left >= 0, (page.url, page.viewport_size, row)
    assert right <= page.viewport_size["width"], (page.url, page.viewport_size, row)
    await _touchable(page, "nav.main a")


TEXT_LINKS = "main a:not(.button):not(.tile)"  # links that are words in a list, table or line
TOUCH_PX = 44  # the smallest target a thumb hits reliably (WCAG 2.5.5, Apple's 44 pt)


async def _touchable(page: Page, selector: str) -> None:
    """Every `selector` on the page is at least TOUCH_PX tall (members over 50, on phones)."""
    heights = await page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights, selector
    assert min(heights) >= TOUCH_PX, (page.url, selector, heights)


async def test_a_coordinators_day_from_sign_in_to_the_account(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    await seed_partner_village(live, admin)
    context = await browser.new_context(locale="th-TH")
    elsewhere: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(live) else elsewhere.append(r.url))
    page = await context.new_page()
    try:
        day = await coordinators_day(page, live, coordinator)
    finally:
        await context.close()
    assert elsewhere == []  # every script, style, font and image came from the app
    # What the browser did is what the database holds.
    status = await db.fetchval("SELECT status FROM proposals WHERE id = $1", day.proposal_id)
    assert status == "completed"
    fish = await db.fetchrow(
        "SELECT quantity::float8 AS q, delivered::float8 AS d FROM offers WHERE community_id = $1",
        day.community_id,
    )
    assert fish is not None
    assert fish["q"] == 200
    assert fish["d"] > 0
    name = await db.fetchval("SELECT name_th FROM communities WHERE id = $1", day.community_id)
    assert name == "กลุ่มประมงพื้นบ้านบ้านตันหยงโป"
    assert "ลงชื่อ" in day.notes["sheet"]  # signatures on the driver's sheet
    assert day.notes["pdf_bytes"] > 10_000


MAPPED = ("proposal", "plan", "sheet", "community")  # the day's pages that draw a map


AMOUNTED = ("proposal", "plan", "sheet", "run", "account")  # the day's pages that say amounts with units
DATED = (*AMOUNTED, "today")  # and that say dates (an account its months)
PHONE_WIDTHS = range(320, 361, 4)  # the narrow phones, to the 360 px one


# Each map label's text and the box the browser draws it in (its font's, Thai marks and all).
LABEL_BOXES = r"""() => [...document.querySelectorAll('figure.map text.pt-label')].map(t => {
  const r = t.getBoundingClientRect();
  return [t.lastChild.data, r.left, r.top, r.right, r.bottom];
})"""


async def _labels_apart(page: Page) -> int:
    """No two of the page's map labels drawn over each other; how many there are."""
    boxes = await page.evaluate(LABEL_BOXES)
    for i, (text, left, top, right, bottom) in enumerate(boxes):
        for other, left2, top2, right2, bottom2 in boxes[i + 1 :]:
            apart = right <= left2 or right2 <= left or bottom <= top2 or bottom2 <= top
            assert apart, (page.url, text, other, boxes)
    return len(boxes)


async def test_the_maps_use_a_phones_whole_width_and_nothing_sticks_out(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    """QA saw the maps at 360 px with a figure's own 40 px each side: a map a quarter narrower
    than the cards around it. Each map page, at 360 px: no sideways scrolling, and the map as wide
    as the page's column. The review saw "1,500" and "กก." parted at a line's end: on every page
    of the day that says amounts, at every width from 320 px to 360 px, each stays on one line, as
    does each date with its time on those pages and today's (an account's "ธ.ค." was above "2569"
    at 320 px); and the sheet's load/unload column, which wrapped at 360 px, does not. A phone walk
    saw the South's labels crowded on the whole country's map of the shipments: no two labels of
    any map are drawn over each other (the boxes the browser draws them in), and the logistics
    page's names the plan's three places."""
    async with _the_day_on_a_phone(browser, live, db) as (page, seen):
        paths = [seen[name] for name in MAPPED] + [
            f"{live}/console/logistics/",
            f"{live}/console/communities/",
        ]
        for url in paths:
            await page.goto(url)
            await _fits(page)
            labelled = await _labels_apart(page)
            if url.endswith("/logistics/"):
                assert labelled == 3, url  # the depot, the village and the fishing group
            widths = await page.evaluate(
                """() => {
                  const main = document.querySelector('main'), style = getComputedStyle(main);
                  const column = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                  return {column, maps: [...document.querySelectorAll('figure.map')].map(f => {
                    const r = f.getBoundingClientRect(); return [r.left, r.right]; })};
                }"""
            )
            assert widths["maps"], url
            for left, right in widths["maps"]:
                assert left >= 0, (url, left, right)
                assert right <= PHONE["width"], (url, left, right)
                assert right - left >= widths["column"] - 1, (url, left, right, widths["column"])
        for name in DATED:
            await page.goto(seen[name])
            if name == "account":
                # the day's 52,000 บาท fits anywhere: the figures of a year's trade, as long as
                # the tiles must hold (their own markup, only the digits longer)
                await page.locator(".tile b.nobr").evaluate_all(
                    "els => els.forEach(b => { b.firstChild.data = '-12,345,678'; })"
                )
            shown = await _amounts_whole(page, PHONE_WIDTHS)
            assert any(re.fullmatch(DATE, text) for text in shown), (name, shown)
            if name in AMOUNTED:
                assert any(re.fullmatch(AMOUNT, text) for text in shown), (name, shown)
        # the driver's sheet at 360 px: the load/unload column (ขึ้น / ลง, ขึ้นของ, ลงของ) wrapped
        await page.goto(seen["sheet"])
        await _one_line(page, ".stop table tr > :nth-child(3)")
        await _fits(page)


async def _header_in_two_rows(page: Page) -> None:
    """The header on a phone: the way home beside sign-out, then who is signed in beside the
    language; it took three rows (some 150 px of an 844 px screen) before the page began."""
    boxes = {}
    for part in ("header.top .brand", "header.top form", "header.top .who", "header.top .lang"):
        box = await page.locator(part).bounding_box()
        assert box is not None, part
        boxes[part] = box
    brand, out = boxes["header.top .brand"], boxes["header.top form"]
    who, lang = boxes["header.top .who"], boxes["header.top .lang"]
    assert brand["y"] + brand["height"] > out["y"] + out["height"] / 2 > brand["y"], (brand, out)
    assert who["y"] >= brand["y"] + brand["height"] - 1, (brand, who)
    assert lang["y"] >= out["y"] + out["height"] - 1, (out, lang)
    header = await page.locator("header.top").bounding_box()
    assert header is not None
    assert header["height"] <= 2 * 44 + 40, header  # two thumb-high rows, a wrapped name's line


async def test_a_coordinators_header_lists_and_choices_on_a_360_px_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA as a coordinator at 360 px: the header's English and sign-out were 36 px tall, the
    region choices 28, a long choice's box was squeezed, and a card in the exchanges' list had its
    text against its border. The review: the text links in lists (an exchange, a run, a
    community) were some 24 px tall; every text link of these pages is a 44 px target now. The
    screenshots: with สินค้า, the navigation's six links took two rows at 360 and 390 px (and 320);
    they stand in one row at 390, 360 and 320 px, each a 44 px target, the page's own in sight."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    village, proposal = await _a_south_swap(live, admin)
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        listed = (
            "/console/",  # the exchanges waiting for answers
            "/console/matching/",  # the runs
            "/console/proposals/?show=all",  # the exchanges' cards
            "/console/communities/",  # the communities' table
            f"/console/communities/{village}",  # its exchanges
            f"/console/matching/runs/{proposal['run_id']}",  # the exchanges a run found
        )
        for path in (*listed, "/console/proposals/", "/console/logistics/", "/console/goods/"):
            await page.goto(f"{live}{path}")
            await _fits(page)
            await _touchable(page, "header.top button, header.top .lang")
            await _nav_in_one_row(page)
            if path in listed:
                await _touchable(page, TEXT_LINKS)
        # the last of the six links, on its own page, at QA's phone and the narrowest: one row
        await expect(page.locator("nav.main a[aria-current=page]")).to_have_text("สินค้า")
        for wide in (QA_PHONE["width"], 320, PHONE["width"]):
            await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
            await _nav_in_one_row(page)
            await _fits(page)
            await _header_in_two_rows(page)
            await page.locator("header.top, nav.main").last.screenshot(path=tmp_path / f"nav-{wide}.png")
        await page.goto(f"{live}/console/matching/")
        await _touchable(page, "main label.check")
        # the logistics page's preview choice has a two-line label: its box stays square
        await page.goto(f"{live}/console/logistics/")
        box = await page.locator("main label.check input[type=checkbox]").bounding_box()
        assert box is not None
        assert abs(box["width"] - box["height"]) < 1, box
        await page.goto(f"{live}/console/proposals/?show=all")
        inset = await page.locator("main li.card").first.evaluate(
            "e => parseFloat(getComputedStyle(e).paddingLeft)"
        )
        assert inset >= 8, inset
        # the filters' last row stood against the first card (0 px between them at 390 px)
        for wide in (320, PHONE["width"]):
            await page.set_viewport_size({"width": wide, "height": PHONE["height"]})
            filters = await page.locator("nav.filters").bounding_box()
            card = await page.locator("main li.card").first.bounding_box()
            assert filters is not None
            assert card is not None
            assert card["y"] - (filters["y"] + filters["height"]) >= 12, (wide, filters, card)
    finally:
        await context.close()


# Each Thai word of the text of `selector`'s cells (words as the browser's own dictionary finds
# them, Intl.Segmenter) with the number of lines it is drawn on: 1 for every word kept whole.
WORDS_ON_LINES = r"""(selector) => {
  const words = new Intl.Segmenter('th', {granularity: 'word'});
  const found = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      for (const w of words.segment(node.data)) {
        if (!w.isWordLike || !/[\u0e00-\u0e7f]/.test(w.segment)) continue;
        const range = document.createRange();
        range.setStart(node, w.index);
        range.setEnd(node, w.index + w.segment.length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        found.push([w.segment, new Set(rects.map(r => Math.round(r.top))).size]);
      }
    }
  }
  return found;
}"""
# Real-looking names of communities of the South: long, with no space between their words.
LONG_THAI_NAMES = (
    "วิสาหกิจชุมชนแปรรูปอาหารทะเลบ้านบ่อเจ็ดลูก",
    "กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว",
    "กลุ่มทอผ้าไหมพื้นเมืองบ้านดอนแก้ว",
    "สหกรณ์การเกษตรผู้ปลูกผักปลอดสารพิษ",
)


async def _tables_keep_thai_words(page: Page, widths: range) -> int:
    """At each width, no Thai word of the page's tables (a community's or a good's name, a month,
    a heading) is drawn on two lines, and the page does not scroll sideways; how many words were
    seen at the last width; nor is any of KEPT_WORDS anywhere on the page ("ข้าว|หอม|มะลิ" stood on
    three lines of a table's column, "ได้|รับ" in an explanation). A table in a closed <details>
    (the run's technical details) is opened first, as a reader would."""
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    await page.locator("main details").evaluate_all("els => els.forEach(d => { d.open = true; })")
    found: list[tuple[str, int]] = []
    try:
        for wide in widths:
            await page.set_viewport_size({"width": wide, "height": height})
            found = await page.evaluate(WORDS_ON_LINES, "main table th, main table td")
            assert found, page.url  # the page has a table, with Thai in it
            split = [word for word, lines in found if lines != 1]
            assert not split, (page.url, wide, split)
            await _kept_whole(page)
            await _fits(page)
            # nor does a table so kept scroll in its card (an account's monthly one did, at 320 px)
            scrolled = await page.locator("main .scroll").evaluate_all(
                "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.slice(0, 60))"
            )
            assert scrolled == [], (page.url, wide, scrolled)
    finally:
        await page.set_viewport_size({"width": widths[-1], "height": height})
    return len(found)


TABLED = ("proposal", "run", "sheet", "account", "today")  # the day's pages with a table


async def test_the_tables_break_thai_between_words_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    """QA at 320 px: the communities' table cut its names inside words ("จังหวั" above "ด", as the
    body's `overflow-wrap: anywhere` lets a squeezed column do), and so did an exchange's From/To
    table ("ควนขนุ" above "น"). On the communities' page (with long names) and every page of the
    day with a table (an exchange's, a run's technical details, the driver's sheet, an account,
    today's supply and demand), at every width from 320 px to 360 px, no Thai word of a table is
    drawn on two lines, and the page does not scroll sideways."""
    async with _the_day_on_a_phone(browser, live, db, names=LONG_THAI_NAMES) as (page, seen):
        await page.goto(f"{live}/console/communities/")
        await expect(page.locator("main table")).to_contain_text(LONG_THAI_NAMES[-1])
        seen_words = await _tables_keep_thai_words(page, PHONE_WIDTHS)
        assert seen_words > 4 * len(LONG_THAI_NAMES)  # the names' words were seen
        for name in TABLED:
            await page.goto(seen[name])
            await _tables_keep_thai_words(page, PHONE_WIDTHS)


async def test_a_community_key_sees_only_its_own_community_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    admin = await _key(db, role="admin", name="network admin")
    own = await seed_partner_village(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        other = await api.post(
            "/v1/communities",
            json={"name_th": "กลุ่มแม่บ้านเกษตรกรบ้านดอน", "kind": "farming", "province_code": "57"},
        )
        other_id = other.json()["id"]
    key = await _key(db, role="community", community_id=own, name="ควนขนุน")
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    elsewhere: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(live) else elsewhere.append(r.url))
    page = await context.new_page()
    try:
        await sign_in(page, live, key)
        await _fits(page)
        await expect(page.get_by_role("link", name="จับคู่")).to_have_count(0)
        await page.get_by_role("link", name="ชุมชนของฉัน").click()
        await expect(page.get_by_role("heading", name="วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน")).to_be_visible()
        await expect(page.locator("main")).to_contain_text("ข้าวหอมมะลิ")
        await _fits(page)
        # the "change" toggles of its listings and the footer's link are big enough for a thumb
        await _touchable(page, "main summary")
        await _touchable(page, "footer a")
        response = await page.goto(f"{live}/console/communities/{other_id}")
        assert response is not None
        assert response.status == 404
        await expect(page.locator("main")).to_contain_text("ไม่พบข้อมูล")
        await expect(page.locator("main")).not_to_contain_text("บ้านดอน")
        response = await page.goto(f"{live}/console/logistics/")
        assert response is not None
        assert response.status == 403
        # The API explorer works from the app's own copy of Swagger UI.
        await page.goto(f"{live}/schema/swagger")
        await expect(page.locator(".swagger-ui .info .title")).to_contain_text("barter")
        await expect(page.locator(".opblock").first).to_be_visible()
    finally:
        await context.close()
    assert elsewhere == []


async def test_a_villages_eggs_coconuts_and_mats_are_counted_in_their_own_words_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """ไข่ไก่ 300 ฟอง, มะพร้าว 100 ลูก, เสื่อกระจูด 20 ผืน on the community's page, not ชิ้น:
    each amount on one line down to a 320 px phone, and the goods' choices say the word too."""
    admin = await _key(db, role="admin", name="network admin")
    village = await seed_partner_village(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        offers = {}
        for item, quantity in (("eggs-chicken", 300), ("coconut", 100), ("krajood-mat", 20)):
            posted = await api.post(
                "/v1/offers", json={"community_id": village, "item_id": item, "quantity": quantity}
            )
            assert posted.status_code == 201, posted.text
            offers[item] = posted.json()["id"]
    key = await _key(db, role="community", community_id=village, name="ควนขนุน")
    async with _signed_in_on_a_phone(browser, live, key, f"/console/communities/{village}") as page:
        await page.set_viewport_size(PHONE)
        shown = await _amounts_whole(page, PHONE_WIDTHS)
        for amount in ("300\xa0ฟอง", "100\xa0ลูก", "20\xa0ผืน", "1,500\xa0กก."):
            assert amount in shown, (amount, shown)
        await expect(page.locator("#offer-item")).to_contain_text("ไข่ไก่ (ฟอง)")
        await expect(page.locator("main ul.plain").first).not_to_contain_text("ชิ้น")
        eggs = page.locator(f"#offer-{offers['eggs-chicken']}")
        await eggs.locator("summary").click()
        await expect(eggs.locator("label", has_text="จำนวนทั้งหมด")).to_have_text("จำนวนทั้งหมด (ฟอง)")
        await _fits(page)
        await page.screenshot(path=tmp_path / "eggs-in-fong.png", full_page=True)
        await page.locator("main ul.plain").first.screenshot(path=tmp_path / "eggs-in-fong-offers.png")


async def test_placing_a_community_on_the_map_and_linking_line_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection
) -> None:
    """The map picker (a tap sets latitude and longitude; the sub-district's point on request),
    the saved community's coordinates, then its LINE screen: a code, a linked group, unlinked."""
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    elsewhere: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(live) else elsewhere.append(r.url))
    page = await context.new_page()
    page.set_default_timeout(60_000)
    try:
        await sign_in(page, live, coordinator)
        await page.goto(f"{live}/console/communities/new")
        await page.get_by_label("ชื่อภาษาไทย").fill("กลุ่มประมงเกาะสาหร่าย")
        await page.get_by_label("จังหวัด").select_option("91")  # สตูล
        subdistrict = page.get_by_label("ตำบล")
        await expect(subdistrict.locator("option")).not_to_have_count(1)
        await subdistrict.select_option(index=1)
        await page.get_by_text("หรือเลือกที่ตั้งบนแผนที่").click()
        # The sub-district's own point, on request.
        await page.get_by_role("button", name="ใช้จุดกลางของตำบล").click()
        chosen = subdistrict.locator("option:checked")
        assert (
            await page.locator("#lat").input_value()
            == f"{float(await chosen.get_attribute('data-lat') or 0):.5f}"
        )
        assert (
            await page.locator("#lon").input_value()
            == f"{float(await chosen.get_attribute('data-lon') or 0):.5f}"
        )
        await expect(page.locator("#picker circle.picked")).to_have_count(1)
        # A tap on the map where Ko Sarai is (6.67 N, 99.95 E): the inverse of the page's projection.
        target = await page.evaluate(
            """([lat, lon]) => {
                const box = document.getElementById("picker"), p = box.dataset;
                const svg = box.querySelector("svg"), pt = svg.createSVGPoint();
                pt.x = (lon - parseFloat(p.lon0)) * parseFloat(p.kx) * parseFloat(p.scale);
                pt.y = (parseFloat(p.lat1) - lat) * parseFloat(p.scale);
                const at = pt.matrixTransform(svg.getScreenCTM());
                return [at.x, at.y];
            }""",
            [6.67, 99.95],
        )
        await page.mouse.click(target[0], target[1])
        lat = float(await page.locator("#lat").input_value())
        lon = float(await page.locator("#lon").input_value())
        assert abs(lat - 6.67) < 0.05
        assert abs(lon - 99.95) < 0.05
        await _fits(page)
        await page.get_by_role("button", name="บันทึก").click()
        await expect(page.get_by_role("heading", name=re.compile("เกาะสาหร่าย"))).to_be_visible()
        saved = await db.fetchrow("SELECT id, lat, lon FROM communities WHERE name_th = 'กลุ่มประมงเกาะสาหร่าย'")
        assert saved is not None
        assert (round(saved["lat"], 5), round(saved["lon"], 5)) == (round(lat, 5), round(lon, 5))

        # Its LINE screen: issue a code, a group sends it, the screen lists the group, unlink it.
        await page.get_by_role("link", name="LINE", exact=True).click()
        await expect(page.locator("main")).to_contain_text("ยังไม่มีแชต LINE")
        await page.get_by_role("button", name="ออกรหัสเชื่อมต่อ LINE").click()
        code = await page.locator("#new-code .code b").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        await _fits(page)
        result, link = await line_service.redeem_code(
            db, TEST_SECRET, code, chat_id="Cbrowser1", chat_type="group", user_id="U1", now=datetime.now(UTC)
        )
        assert result == "linked"
        assert link is not None
        await page.goto(f"{live}/console/communities/{saved['id']}/line/")
        await expect(page.locator("main")).to_contain_text(f"กลุ่ม LINE #{link.id}")
        await expect(page.locator("main")).to_contain_text("ไม่มีรหัสที่รอใช้")
        await _fits(page)
        await page.get_by_role("button", name="ยกเลิกการเชื่อม").click()
        await expect(page.locator("main")).to_contain_text("ยังไม่มีแชต LINE")
        assert await db.fetchval("SELECT revoked_at IS NOT NULL FROM line_links WHERE id = $1", link.id)
    finally:
        await context.close()
    assert elsewhere == []


async def test_reloading_the_line_screen_on_a_phone_issues_no_second_code(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """A coordinator issues a link code on a phone, reads it out, then reloads the page and goes
    back and forward: the form is never sent again, the code is not shown again, and exactly one
    code waits."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    village = await seed_partner_village(live, admin)
    screen = f"{live}/console/communities/{village}/line/"
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    elsewhere: list[str] = []
    posts: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(live) else elsewhere.append(r.url))
    context.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page = await context.new_page()
    try:
        await sign_in(page, live, coordinator)
        await page.goto(screen)
        await expect(page.locator("main")).to_contain_text("ไม่มีรหัสที่รอใช้")
        await page.get_by_role("button", name="ออกรหัสเชื่อมต่อ LINE").click()
        code = await page.locator("#new-code .code b").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert page.url == screen  # the POST answered with a redirect to the screen
        await expect(page.locator("#new-code")).to_contain_text("โหลดหน้านี้ใหม่จะไม่แสดงรหัสนี้อีก")
        await _fits(page)
        await page.screenshot(path=str(tmp_path / "line-code-issued.png"), full_page=True)
        issued = [url for url in posts if url.endswith("/line/codes")]
        assert len(issued) == 1
        for move in (page.reload, page.go_back, page.go_forward, page.reload):
            response = await move()
            assert response is not None
            assert response.status == 200
            await expect(page.locator("#new-code")).to_have_count(0)
            await expect(page.locator("main")).not_to_contain_text(code)
        assert page.url == screen
        await expect(page.locator("main")).to_contain_text("ยกเลิกรหัส")  # the one code waiting
        await page.screenshot(path=str(tmp_path / "line-code-reloaded.png"), full_page=True)
    finally:
        await context.close()
    assert elsewhere == []
    assert [url for url in posts if url.endswith("/line/codes")] == issued  # never sent again
    rows = await db.fetch("SELECT community_id, used_at, revoked_at FROM line_link_codes")
    assert [tuple(r) for r in rows] == [(village, None, None)]  # exactly one code waits


async def test_declining_for_a_community_on_a_phone_says_a_new_proposal_is_looked_for(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """The coordinator declines for the rice village on a phone: the exchange's page names the
    village and says, in Thai, that a new proposal is being looked for; a repair run is queued."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    village, proposal = await _a_south_swap(live, admin)
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    page = await context.new_page()
    try:
        await sign_in(page, live, coordinator)
        await page.goto(f"{live}/console/proposals/{proposal['id']}")
        card = page.locator(".participant").filter(has=page.get_by_role("heading", name=re.compile("ควนขนุน")))
        await card.get_by_text("ปฏิเสธแทนชุมชนนี้").click()
        await card.get_by_label("เพราะอะไร").fill("ข้าวหมดแล้ว")
        await card.get_by_role("button", name="ปฏิเสธ", exact=True).click()
        await expect(page.locator("#status")).to_have_text("ยกเลิก/ปฏิเสธ")
        notice = page.locator("#ended-by")
        await expect(notice).to_contain_text("ปฏิเสธโดย วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน")
        await expect(notice).to_contain_text("ระบบกำลังหาข้อเสนอใหม่ให้ชุมชนอื่น")
        await _fits(page)
        await page.screenshot(path=str(tmp_path / "declined.png"), full_page=True)
    finally:
        await context.close()
    assert (
        await db.fetchval("SELECT ended_by_community FROM proposals WHERE id = $1", proposal["id"]) == village
    )
    assert await db.fetchval("SELECT count(*) FROM matching_runs WHERE repair_of = $1", proposal["id"]) == 1


async def test_a_refused_offer_and_a_wrong_address_are_said_in_thai_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA's phone: -5 kg is explained in Thai on the form, which keeps what was typed; a console
    address that is no page is the Thai page with the navigation, not JSON."""
    own, key = await _village(live, db)
    async with _signed_in_on_a_phone(browser, live, key, f"/console/communities/{own}") as page:
        form = page.locator("#offer-form")
        until = be_slash(ahead(60))
        await form.get_by_label("สินค้า", exact=True).select_option("salted-squid")
        await form.get_by_label("จำนวน").fill("-5")
        await form.get_by_label("มีให้ถึงวันที่").fill(until)
        await form.get_by_role("button").click()
        errors = page.locator("#offer-errors")
        await expect(errors).to_contain_text("จำนวน: ต้องมากกว่า 0")
        await expect(errors).to_contain_text("How much: must be more than 0")
        await expect(page.locator("main")).not_to_contain_text("Expected")
        await expect(form.get_by_label("สินค้า", exact=True)).to_have_value("salted-squid")
        await expect(form.get_by_label("จำนวน")).to_have_value("-5")
        await expect(form.get_by_label("มีให้ถึงวันที่")).to_have_value(until)
        await _fits(page)
        await errors.scroll_into_view_if_needed()
        await page.screenshot(path=tmp_path / "offer-refused.png")
        response = await page.goto(f"{live}/console/nope")
        assert response is not None
        assert response.status == 404
        await expect(page.get_by_role("heading", name="ขออภัย")).to_be_visible()
        await expect(page.get_by_role("button", name="ออกจากระบบ")).to_be_visible()
        await expect(page.get_by_role("link", name="ชุมชนของฉัน")).to_be_visible()
        await page.screenshot(path=tmp_path / "not-found.png")
        # A number that is not a number: no console page is even tried, yet the same page.
        response = await page.goto(f"{live}/console/communities/abc")
        assert response is not None
        assert response.status == 404
        await expect(page.get_by_role("heading", name="ขออภัย")).to_be_visible()
        await expect(page.get_by_role("link", name="ชุมชนของฉัน")).to_be_visible()
        await _fits(page)
        await page.screenshot(path=tmp_path / "not-a-number.png")
        # A partner key is refused at the door, in Thai with the English beside.
        await page.get_by_role("button", name="ออกจากระบบ").click()
        await page.get_by_label("รหัสของคุณ").fill(await _key(db, role="partner", name="มหาวิทยาลัย"))
        await page.get_by_role("button", name="เข้าสู่ระบบ").click()
        await expect(page.locator("#signin-errors")).to_contain_text("หน้านี้สำหรับชุมชนและผู้ประสานงาน")
        await expect(page.locator("#signin-errors")).to_contain_text(
            "Partners read the figures through the API"
        )
        await _fits(page)
        await page.screenshot(path=tmp_path / "partner-refused.png")
    refused = "SELECT count(*) FROM offers WHERE community_id = $1 AND item_id = 'salted-squid'"
    assert await db.fetchval(refused, own) == 0


async def test_a_refused_change_is_said_at_its_listing_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA's phone: a smallest lot above the amount, typed in an offer's change form, is said in
    Thai inside that form, which stays open with what was typed."""
    own, key = await _village(live, db)
    offer = await db.fetchval("SELECT id FROM offers WHERE community_id = $1", own)
    async with _signed_in_on_a_phone(browser, live, key, f"/console/communities/{own}") as page:
        toggle = page.locator("details").filter(has=page.locator(f"#offer-{offer}-quantity"))
        await toggle.locator("summary").click()
        await page.locator(f"#offer-{offer}-quantity").fill("100")
        await page.locator(f"#offer-{offer}-min-lot").fill("500")
        await toggle.get_by_role("button", name="บันทึก").click()
        errors = page.locator(f"#offer-{offer}-errors")
        await expect(errors).to_contain_text("ต้องไม่มากกว่าจำนวนทั้งหมด")
        await expect(errors).to_be_visible()
        await expect(page.locator("#offer-errors")).to_have_count(0)
        await expect(toggle).to_have_attribute("open", "")
        await expect(page.locator(f"#offer-{offer}-quantity")).to_have_value("100")
        await expect(page.locator(f"#offer-{offer}-min-lot")).to_have_value("500")
        await expect(errors).to_be_in_viewport()  # the answer opens at the listing, not the top
        await _fits(page)
        await page.screenshot(path=tmp_path / "change-refused.png")
    assert await db.fetchval("SELECT quantity::float8 FROM offers WHERE id = $1", offer) == 1500


async def test_a_change_someone_else_saved_first_is_said_at_the_listing_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA's phone: the community and its coordinator open the same offer's change form and the
    coordinator saves first. The community's save comes back as its page, not an error page: the
    offer open as the coordinator saved it, the Thai message at it, in view, and what the
    community typed listed there."""
    own, key = await _village(live, db)
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    offer = await db.fetchval("SELECT id FROM offers WHERE community_id = $1", own)
    path = f"/console/communities/{own}"
    async with (
        _signed_in_on_a_phone(browser, live, key, path) as page,
        _signed_in_on_a_phone(browser, live, coordinator, path) as first,
    ):
        for opened in (page, first):
            await opened.locator(f"#offer-{offer} summary").click()
        await first.locator(f"#offer-{offer}-quantity").fill("1200")
        await first.locator(f"#offer-{offer}").get_by_role("button", name="บันทึก").click()
        await expect(first.locator(f"#offer-{offer}")).to_contain_text("1,200 กก.")
        toggle = page.locator(f"#offer-{offer} details")
        await page.locator(f"#offer-{offer}-quantity").fill("900")
        await page.locator(f"#offer-{offer}-min-lot").fill("50")
        await toggle.get_by_role("button", name="บันทึก").click()
        errors = page.locator(f"#offer-{offer}-errors")
        await expect(errors).to_contain_text("รายการนี้มีคนแก้ไขไปแล้วระหว่างที่คุณแก้อยู่")
        await expect(errors).to_contain_text("Someone else changed this listing")
        await expect(errors).to_be_in_viewport()  # the answer opens at the listing, not the top
        typed = page.locator(f"#offer-{offer}-typed")
        await expect(typed).to_contain_text("สิ่งที่คุณพิมพ์ไว้ (ยังไม่ได้บันทึก)")
        await expect(typed).to_contain_text("จำนวนทั้งหมด: 900")
        await expect(typed).to_contain_text("แลกครั้งละอย่างน้อย: 50")
        await expect(toggle).to_have_attribute("open", "")
        await expect(page.locator(f"#offer-{offer}-quantity")).to_have_value("1,200")  # saved now
        await expect(page.get_by_role("link", name="ชุมชนของฉัน")).to_be_visible()
        await expect(page.get_by_role("button", name="ออกจากระบบ")).to_be_visible()
        await _fits(page)
        await page.screenshot(path=tmp_path / "change-saved-first.png")
    assert await db.fetchval("SELECT quantity::float8 FROM offers WHERE id = $1", offer) == 1200


async def test_a_refused_run_keeps_its_regions_and_time_limit_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA's phone: a time limit of -5 is refused on the matching page, which keeps the regions as
    ticked and the time limit as typed (it came back all ticked with 10 before)."""
    admin = await _key(db, role="admin", name="network admin")
    async with _signed_in_on_a_phone(browser, live, admin, "/console/matching/") as page:
        form = page.locator("#start-form")
        for region in ("ภาคเหนือ", "ภาคกลาง", "ภาคตะวันออก", "ภาคตะวันตก"):
            await form.get_by_label(region, exact=True).uncheck()
        await form.get_by_label("เวลาคำนวณสูงสุด (วินาที)").fill("-5")
        await form.get_by_role("button").click()
        await expect(page.locator("#start-errors")).to_contain_text("ต้องไม่น้อยกว่า 0.1")
        await expect(form.get_by_label("เวลาคำนวณสูงสุด (วินาที)")).to_have_value("-5")
        await expect(form.get_by_label("ภาคใต้", exact=True)).to_be_checked()
        await expect(form.get_by_label("ภาคตะวันออกเฉียงเหนือ", exact=True)).to_be_checked()
        await expect(form.get_by_label("ภาคเหนือ", exact=True)).not_to_be_checked()
        await _fits(page)
        await form.scroll_into_view_if_needed()
        await page.screenshot(path=tmp_path / "run-refused.png")
    assert await db.fetchval("SELECT count(*) FROM matching_runs") == 0


async def test_an_exchange_across_regions_maps_both_ends_on_a_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """QA's phone, the South's coordinator, the exchange barter exists for: dried fish from Satun
    for jasmine rice from Yasothon, found by a run across both regions. The map shows both ends and
    the arrows between them; the rice group, whose own point this coordinator may not know, stands
    hollow at Yasothon's centre, named, with its province and "approximate" beside it."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        ids = []
        for body, gives, wants in (
            (
                {"name_th": "กลุ่มประมงพื้นบ้านบ้านตันหยงโป", "province_code": "91", "lat": 6.86, "lon": 99.72},
                ("dried-fish", 200),
                ("rice-jasmine", 1500),
            ),
            (
                {"name_th": "กลุ่มนาข้าวหอมมะลิบ้านสิงห์", "province_code": "35", "lat": 15.79, "lon": 104.14},
                ("rice-jasmine", 1500),
                ("dried-fish", 200),
            ),
        ):
            made = await api.post("/v1/communities", json={"kind": "mixed", **body})
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
            for kind, (item, quantity) in (("offers", gives), ("needs", wants)):
                posted = await api.post(
                    f"/v1/{kind}", json={"community_id": ids[-1], "item_id": item, "quantity": quantity}
                )
                assert posted.status_code == 201, posted.text
        proposal = await _the_runs_proposal(api, ["south", "northeast"])
    fishers, rice = ids
    assert sorted(proposal["regions"]) == ["northeast", "south"]
    async with _signed_in_on_a_phone(
        browser, live, coordinator, f"/console/proposals/{proposal['id']}"
    ) as page:
        figure = page.locator("figure.map")
        await expect(figure.locator("circle.pt")).to_have_count(2)
        await expect(figure.locator(f"circle.pt[data-community='{fishers}']:not(.approx)")).to_have_count(1)
        await expect(figure.locator(f"circle.pt.approx[data-community='{rice}']")).to_have_count(1)
        await expect(figure.locator("line.arrow")).to_have_count(2)
        legend = figure.locator("figcaption.map-legend")
        await expect(legend).to_contain_text("กลุ่มนาข้าวหอมมะลิบ้านสิงห์ · ตำแหน่งโดยประมาณ (จังหวัดยโสธร)")
        await expect(legend).to_contain_text("จุดกลวงคือตำแหน่งโดยประมาณ")
        # both ends inside the drawn map, the approximate one hollow (white inside)
        frame = await figure.get_by_role("img").bounding_box()
        assert frame is not None
        for point in await figure.locator("circle.pt").all():
            box = await point.bounding_box()
            assert box is not None
            assert frame["x"] <= box["x"]
            assert box["x"] + box["width"] <= frame["x"] + frame["width"]
            assert frame["y"] <= box["y"]
            assert box["y"] + box["height"] <= frame["y"] + frame["height"]
        fill = await figure.locator("circle.pt.approx").evaluate("e => getComputedStyle(e).fill")
        assert fill == "rgb(255, 255, 255)"
        await _fits(page)
        await figure.scroll_into_view_if_needed()
        await page.screenshot(path=str(tmp_path / "qamap.png"))
