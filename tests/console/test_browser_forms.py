"""The console's forms and lists that the day's walk (tests/console/test_browser.py) does not cover,
in Thai on narrow phones, as a coordinator and as a community: registering and editing a
community (with the sub-district picker and the map), a community's page with its listings and
forms, matching (and a run across regions to consent to), the exchanges' lists, logistics and a
plan, the LINE screen, signing in and the error page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
from playwright.async_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from tests.console import test_browser
from tests.console.day import seed_partner_village, sign_in
from tests.console.test_browser import (
    PHONE,
    TOUCH_PX,
    WORDS_ON_LINES,
    _a_south_swap,
    _fits,
    _kept_whole,
    _key,
    _one_line,
    _touchable,
    _village,
)
from tests.dates import ahead, be_slash

browser = test_browser.browser  # the fixtures of the day's walk: one chromium, the live app
live = test_browser.live

WIDTHS = (320, 340, 360)  # the narrowest phones to the 360 px one
# What a thumb taps in a page's header and body (a checkbox through its label, as tall as a row).
TARGETS = (
    "header.top a, header.top button, main a, main button, main select, main textarea, "
    "main summary, main label.check, main input:not([type=hidden]):not([type=checkbox])"
)
TAPPABLE = r"""(els) => els
  .filter(e => e.getClientRects().length)  // shown (not in a closed <details>)
  .map(e => [e.textContent.trim().slice(0, 40) || e.id || e.name, e.getBoundingClientRect().height])"""
# The widths, from the question's own down to 160 px, at which `words` in the question `b` is
# drawn on more than one line (its box narrowed in steps of 2 px, as a longer name would leave it).
ASKED_AT_EVERY_WIDTH = r"""(b, words) => {
  const box = b.closest('.ask'), split = [];
  for (let w = Math.floor(box.getBoundingClientRect().width); w >= 160; w -= 2) {
    box.style.width = w + 'px';
    const walk = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      const i = node.data.indexOf(words);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + words.length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) split.push(w);
    }
  }
  box.style.width = '';
  return split;
}"""
UNIT_HINT = "ตามหน่วยที่แสดงข้างสินค้า"  # "in the unit shown beside the goods"


async def _open_details(page: Page) -> None:
    """Every toggle ("change", "decline", the map picker) opened, as a reader would."""
    await page.locator("main details").evaluate_all("els => els.forEach(d => { d.open = true; })")


async def _walk(page: Page, shots: Path | None = None) -> None:
    """At each of WIDTHS, the page as it is: nothing scrolls sideways, no Thai word of its header
    or body is drawn on two lines (words as the browser's dictionary finds them, and KEPT_WORDS:
    "ผู้ประสานงาน", "ใช่ไหม", a goods name), and everything a thumb taps is at least TOUCH_PX
    tall; a photograph at the narrowest width into `shots`."""
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    try:
        for wide in WIDTHS:
            await page.set_viewport_size({"width": wide, "height": height})
            await _fits(page)
            words = await page.evaluate(WORDS_ON_LINES, "header.top, main")
            assert words, page.url  # the page says something in Thai
            split = [word for word, lines in words if lines > 1]
            assert not split, (page.url, wide, split)
            await _kept_whole(page)  # nor a word a reader reads as one, nor a goods name
            small = [t for t in await page.locator(TARGETS).evaluate_all(TAPPABLE) if t[1] < TOUCH_PX]
            assert not small, (page.url, wide, small)
            if shots is not None and wide == WIDTHS[0]:
                name = re.sub(r"[^a-z0-9]+", "-", page.url.split("/console/", 1)[1]).strip("-") or "today"
                await page.screenshot(path=shots / f"{name}-{wide}.png", full_page=True)
    finally:
        await page.set_viewport_size({"width": WIDTHS[-1], "height": height})


# Each "·" (or "→") of the lists' lines whose next character is drawn on a later line: the
# separator ends a line, read with what came before it rather than what it introduces.
HANGING = r"""(selector) => {
  const hanging = [];
  const box = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect();
  };
  for (const line of document.querySelectorAll(selector)) {
    const chars = [];  // each character drawn, in reading order, with its text node
    const walk = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      if (!node.parentElement.getClientRects().length) continue;
      for (let i = 0; i < node.data.length; i++) if (node.data[i].trim()) chars.push([node, i]);
    }
    chars.forEach(([node, i], k) => {
      if (!'·→'.includes(node.data[i]) || k + 1 === chars.length) return;
      const mark = box(node, i), next = box(...chars[k + 1]);
      if ((next.top + next.bottom) / 2 > mark.bottom) hanging.push(line.textContent.replace(/\s+/g, ' ').trim());
    });
  }
  return hanging;
}"""
SEPARATED = "main ul.plain li, main .card p"  # the runs, requests, plans and shipments listed


async def _no_separator_ends_a_line(page: Page) -> None:
    """A phone walk: at 320 px the runs' and shipments' lines ended in a lone "·" ("แผน #1 · S001
    ส่งถึงแล้ว ·", then "456 กม. · 7 ธ.ค. 2569 12:44"). At each of WIDTHS, every "·" and "→" of
    those lines stays with what it introduces."""
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    try:
        for wide in WIDTHS:
            await page.set_viewport_size({"width": wide, "height": height})
            assert await page.locator(SEPARATED).filter(has_text="·").count(), page.url
            hanging = await page.evaluate(HANGING, SEPARATED)
            assert not hanging, (page.url, wide, hanging)
    finally:
        await page.set_viewport_size({"width": WIDTHS[-1], "height": height})


async def _subdistricts_shown(page: Page) -> None:
    """The register form with Satun chosen (htmx fills its sub-districts) and the map opened."""
    await page.get_by_label("จังหวัด").select_option("91")  # สตูล
    await expect(page.get_by_label("ตำบล").locator("option")).not_to_have_count(1)
    await page.get_by_text("หรือเลือกที่ตั้งบนแผนที่").click()


async def _a_point_refused(page: Page) -> None:
    """A latitude that is no number, typed on the map's toggle: the refusal named "ละติจูด" above a
    form whose toggle came back closed, the field out of sight and emptied. It comes back open,
    with what was typed."""
    await page.get_by_label("ชื่อภาษาไทย").fill("กลุ่มประมงเกาะสาหร่าย")
    await _subdistricts_shown(page)
    await page.get_by_label("ละติจูด").fill("หกจุดหก")
    await page.get_by_role("button", name="บันทึก").click()
    await expect(page.locator("#community-errors")).to_contain_text("ละติจูด: ต้องเป็นตัวเลข")
    await expect(page.get_by_label("ละติจูด")).to_be_visible()
    await expect(page.get_by_label("ละติจูด")).to_have_value("หกจุดหก")  # as typed, to correct


async def _a_code_issued(page: Page) -> None:
    await page.get_by_role("button", name="ออกรหัสเชื่อมต่อ LINE").click()
    await expect(page.locator("#new-code")).to_be_visible()
    # its deadline ends the Thai sentence without a full stop; its notice names no README
    await expect(page.locator("#new-code p.hint").first).to_contain_text(re.compile(r"\d{2}:\d{2}$"))
    await expect(page.locator("main")).not_to_contain_text("README")


async def _not_found(page: Page) -> None:
    """A console address that is no page: said in Thai, the English beside (it was Thai alone)."""
    await expect(page.locator("main .error")).to_contain_text("ไม่พบข้อมูล")
    await expect(page.locator("main .error [lang=en]")).to_have_text("Not found, or not yours to see.")


async def _refusals_said_in_view(page: Page, shots: Path) -> None:
    """On a 320 px phone the forms to add an offer or a need are far below the page's top: a
    refused one came back at the top, its Thai explanation out of sight (nothing seemed to have
    happened). Each opens at its form, the explanation in view; a saved offer opens at the new
    listing. The need's amount says its unit is the one beside the goods, as the offer's does."""
    narrowest: ViewportSize = {"width": WIDTHS[0], "height": PHONE["height"]}
    for kind, fill in (("offer", "#offer-quantity"), ("need", "#need-quantity")):
        await page.set_viewport_size(narrowest)
        form = page.locator(f"#{kind}-form")
        await expect(form.get_by_label(re.compile(UNIT_HINT))).to_have_count(1)
        await page.locator(fill).fill("-5")
        await form.get_by_role("button").click()
        errors = page.locator(f"#{kind}-errors")
        await expect(errors).to_contain_text("ต้องมากกว่า 0")
        await expect(errors).to_be_in_viewport()
        await page.screenshot(path=shots / f"{kind}-refused-{WIDTHS[0]}.png")  # what the phone shows
        await _walk(page)
    await page.set_viewport_size(narrowest)
    await page.locator("#offer-item").select_option("salted-squid")
    await page.locator("#offer-quantity").fill("30")
    await page.locator("#offer-until").fill(be_slash(ahead(60)))
    await page.locator("#offer-form").get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"#offer-\d+$"))
    listing = page.locator(f"#{page.url.rsplit('#', 1)[1]}")
    await expect(listing.locator("b").first).to_have_text("ปลาหมึกเค็ม")
    await expect(listing).to_contain_text("30 กก.")
    await expect(listing.locator("b").first).to_be_in_viewport()
    await page.screenshot(path=shots / f"offer-saved-{WIDTHS[0]}.png")


async def _said_right_under(field: Locator, said: Locator, said_id: str) -> None:
    """The refused `field` is marked for a screen reader (aria-invalid, described by `said_id`)
    and its message `said` is drawn right under it, aligned with it."""
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_have_attribute("aria-describedby", said_id)
    await field.scroll_into_view_if_needed()
    under, box = await said.bounding_box(), await field.bounding_box()
    assert under is not None
    assert box is not None
    assert 0 <= under["y"] - (box["y"] + box["height"]) <= 12, (box, under)  # right under it
    assert abs(under["x"] - box["x"]) <= 2, (box, under)


async def _narrowest_phone(browser: Browser, locale: str) -> BrowserContext:
    """A context as the narrowest phone (WIDTHS[0]) shows pages, in `locale`."""
    return await browser.new_context(locale=locale, viewport={"width": WIDTHS[0], "height": PHONE["height"]})


Step = Callable[[Page], Awaitable[None]] | None


async def test_a_coordinators_forms_and_lists_on_narrow_phones(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """The South's coordinator at 320, 340 and 360 px, on every page of the console's that the
    day's walk leaves out, in Thai: none scrolls sideways, breaks a Thai word or has a target
    under 44 px. What QA's look found: a refused offer or need said out of sight (and a need's
    amount without its unit); a refused latitude behind a closed toggle, emptied; a Thai sentence
    ended with an English full stop (a request to consent to, the LINE code's deadline); a lone "·"
    ending a line of the runs and shipments lists; the LINE
    screen sent a coordinator to "the README"; "ภาคเหนือ" in the header broke into "ภาค" and
    "เหนือ" on two lines; the header's link home was 29 px tall; the error page was Thai alone."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    north = await _key(db, role="coordinator", regions=["north"], name="ผู้ประสานงานภาคเหนือ")
    village, _ = await _a_south_swap(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {coordinator}"}) as api:
        planned = await api.post("/v1/logistics/plans", json={"preview": True})
        assert planned.status_code == 201, planned.text
        asked = await api.post("/v1/matching/run-requests", json={"regions": ["south", "north"]})
        assert asked.status_code == 201, asked.text
    pages: tuple[tuple[str, Step], ...] = (
        ("/console/communities/new", _subdistricts_shown),
        ("/console/communities/new", _a_point_refused),
        (f"/console/communities/{village}/edit", None),
        (f"/console/communities/{village}", None),
        ("/console/matching/", _no_separator_ends_a_line),
        ("/console/proposals/?show=all", None),
        ("/console/proposals/", None),
        ("/console/logistics/", _no_separator_ends_a_line),
        (f"/console/logistics/plans/{planned.json()['id']}", _no_separator_ends_a_line),
        (f"/console/communities/{village}/line/", _a_code_issued),
        ("/console/nope", _not_found),
    )
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        for path, step in pages:
            await page.goto(f"{live}{path}")
            if step is not None:
                await step(page)
            await _open_details(page)
            await _walk(page, tmp_path)
        await page.goto(f"{live}/console/communities/{village}")
        await _refusals_said_in_view(page, tmp_path)
    finally:
        await context.close()
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live, north)
        await page.goto(f"{live}/console/matching/")
        card = page.locator(f"#request-{asked.json()['id']}")
        await expect(card.locator("p").first).to_have_text(
            "ผู้ประสานงานภาคใต้ ขอจับคู่ข้ามภาคระหว่าง ภาคเหนือและภาคใต้"
        )
        await _open_details(page)
        await _walk(page, tmp_path)
        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await _one_line(page, "header.top .who .nobr")
    finally:
        await context.close()


async def test_signing_in_and_a_communitys_own_pages_on_narrow_phones(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """Sign-in (and a wrong key, now said with the English beside, as every other refusal is),
    then what a community's key sees, at 320, 340 and 360 px in Thai: no sideways scrolling, no
    Thai word broken, no target under 44 px; the error page's Thai with the English beside; its
    refused need said in view."""
    own, key = await _village(live, db)
    context = await browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = await context.new_page()
        await page.goto(f"{live}/console/signin")
        await _walk(page, tmp_path)
        await page.get_by_label("รหัสของคุณ").fill("not-a-key")
        await page.get_by_role("button", name="เข้าสู่ระบบ").click()
        errors = page.locator("#signin-errors")
        await expect(errors).to_contain_text("รหัสนี้ไม่ถูกต้องหรือถูกยกเลิกแล้ว")
        await expect(errors.locator("[lang=en]")).to_have_text(
            "That key is not valid or has been revoked. Check it and try again."
        )
        await _walk(page)
        await page.screenshot(path=tmp_path / f"signin-refused-{WIDTHS[-1]}.png")
        await sign_in(page, live, key)
        for path, english in (
            ("/console/", None),
            (f"/console/communities/{own}", None),
            (f"/console/communities/{own}/edit", None),
            ("/console/proposals/?show=all", None),
            (f"/console/communities/{own}/account", None),
            # the error page, in Thai with the English beside (it was Thai alone)
            ("/console/logistics/", "Logistics are for coordinators."),
            (f"/console/communities/{own + 1}", "Not found, or not yours to see."),
        ):
            await page.goto(f"{live}{path}")
            await _open_details(page)
            await _walk(page, tmp_path)
            if english is not None:
                await expect(page.locator("main .error [lang=en]")).to_have_text(english)
        await page.goto(f"{live}/console/communities/{own}")
        need = page.locator("#need-form")
        await need.get_by_label(re.compile(UNIT_HINT)).fill("0")
        await need.get_by_role("button").click()
        await expect(page.locator("#need-errors")).to_be_in_viewport()
    finally:
        await context.close()


async def test_withdrawing_asks_first_and_a_refused_field_is_said_under_it_on_a_320_px_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """A phone walk's two findings, at 320 px in Thai, as the village's own key. "ถอนรายการ" sat
    under "บันทึก" and one tap withdrew the offer: it now asks on a page of its own that fits the
    phone, its two buttons a thumb's size; "No" goes back to the listing, still listed, and "Yes"
    withdraws it. A refused amount was said only atop the form: it is also said right under its
    field, which is marked for a screen reader."""
    own, key = await _village(live, db)
    context = await _narrowest_phone(browser, "th-TH")
    try:
        page = await context.new_page()
        await sign_in(page, live, key)
        await page.goto(f"{live}/console/communities/{own}")
        offer = await page.locator("li[id^=offer-]").first.get_attribute("id")
        assert offer is not None
        listing = page.locator(f"#{offer}")
        await listing.locator("summary").click()
        await listing.get_by_role("link", name="ถอนรายการ").click()
        await expect(page).to_have_url(re.compile(rf"/communities/{own}/offers/\d+/withdraw$"))
        question = page.locator("#withdraw .ask b")
        await expect(question).to_contain_text("ถอนรายการ ข้าวหอมมะลิ 1,500")
        await expect(question).to_contain_text("ของ วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน ใช่ไหม?")
        # the screenshots' "…ใช่" over "ไหม?" at 320 px, a name's length from here: at every width
        # the question may take on a phone, from this one's down, "ใช่ไหม" stays on one line
        split = await question.evaluate(ASKED_AT_EVERY_WIDTH, "ใช่ไหม")
        assert split == [], split
        await expect(page.locator("#withdraw")).to_contain_text("ยกเลิกการถอนไม่ได้")
        await _fits(page)
        choices = page.locator("#withdraw button, #withdraw a.button")
        await expect(choices).to_have_count(2)
        await _touchable(page, "#withdraw button, #withdraw a.button")
        await page.screenshot(path=tmp_path / f"withdraw-confirm-{WIDTHS[0]}.png", full_page=True)
        await _walk(page)  # 320 to 360 px: no sideways scrolling, no Thai word broken, no small target
        await page.get_by_role("link", name="ไม่ถอน เก็บไว้").click()
        await expect(page).to_have_url(re.compile(rf"/communities/{own}#{offer}$"))
        await expect(listing).to_be_visible()  # still listed

        await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
        await listing.locator("summary").click()
        await page.locator(f"#{offer}-quantity").fill("-5")
        await listing.get_by_role("button", name="บันทึก").click()
        field = page.locator(f"#{offer}-quantity")
        said = page.locator(f"#{offer}-quantity-error")
        await expect(said).to_have_text("ต้องมากกว่า 0 must be more than 0")
        await _said_right_under(field, said, f"{offer}-quantity-error")
        await page.screenshot(path=tmp_path / f"field-refused-{WIDTHS[0]}.png")

        await page.goto(f"{live}/console/communities/{own}/offers/{offer.split('-')[1]}/withdraw")
        await page.get_by_role("button", name="ใช่ ถอนรายการนี้").click()
        await expect(page).to_have_url(re.compile(rf"/communities/{own}$"))
        await expect(page.locator(f"#{offer}")).to_have_count(0)
    finally:
        await context.close()


async def test_a_refused_key_a_refused_run_and_a_refused_number_are_said_under_their_fields_on_a_320_px_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """Today's phone walks: the sign-in and matching forms still said a refusal only atop the form.
    At 320 px in Thai, a wrong key is said right under its field; a run's time limit refused is
    said under the time limit, and a run across regions with no other region ticked under the
    regions' boxes (the last one), each box marked; each marked for a screen reader. Then the
    coordinator's own mobile number, set on ข้อมูลของฉัน (no console page set it before)."""
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    context = await _narrowest_phone(browser, "th-TH")
    try:
        page = await context.new_page()
        await page.goto(f"{live}/console/signin")
        await page.get_by_label("รหัสของคุณ").fill("not-a-key")
        await page.get_by_role("button", name="เข้าสู่ระบบ").click()
        said = page.locator("#key-error")
        await expect(said).to_have_text(re.compile(r"^รหัสนี้ไม่ถูกต้องหรือถูกยกเลิกแล้ว .* That key is not valid"))
        await _said_right_under(page.locator("#key"), said, "key-error")
        await _walk(page)
        await page.screenshot(path=tmp_path / f"signin-key-refused-{WIDTHS[0]}.png", full_page=True)

        await sign_in(page, live, coordinator)
        await page.goto(f"{live}/console/matching/")
        start = page.locator("#start-form")
        await start.locator("#time_limit_s").fill("-5")
        await start.get_by_role("button").click()
        said = page.locator("#time_limit_s-error")
        await expect(said).to_contain_text("ต้องไม่น้อยกว่า 0.1")
        await _said_right_under(page.locator("#time_limit_s"), said, "time_limit_s-error")
        await page.screenshot(path=tmp_path / f"matching-time-refused-{WIDTHS[0]}.png")

        ask = page.locator("#ask-form")
        await ask.get_by_role("button").click()
        said = page.locator("#ask-regions-error")
        await expect(said).to_have_text("เลือกภาคอื่นอย่างน้อยหนึ่งภาค tick at least one other region")
        boxes = ask.locator("input[name=other_regions]")
        await expect(boxes).to_have_count(5)
        for box in await boxes.all():
            await expect(box).to_have_attribute("aria-invalid", "true")
            await expect(box).to_have_attribute("aria-describedby", "ask-regions-error")
        await said.scroll_into_view_if_needed()
        under, last = await said.bounding_box(), await ask.locator("label.check").last.bounding_box()
        assert under is not None
        assert last is not None
        assert 0 <= under["y"] - (last["y"] + last["height"]) <= 12, (last, under)  # under the last box
        await expect(page.locator("#ask_time_limit_s")).not_to_have_attribute("aria-invalid", "true")
        await _walk(page)
        await page.screenshot(path=tmp_path / f"matching-regions-refused-{WIDTHS[0]}.png")

        await _my_number_set(page, db, tmp_path)
    finally:
        await context.close()


async def _my_number_set(page: Page, db: asyncpg.Connection, shots: Path) -> None:
    """ข้อมูลของฉัน, from the coordinator's name in the header, at 320 px: a landline is refused
    right under the field, as typed; the number typed in Thai digits is saved, and shown as Thai
    people write it; the page fits 320 to 360 px, and 390 px."""
    await page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
    await page.locator("header.top .who").get_by_role("link", name="ผู้ประสานงานภาคใต้").click()
    await expect(page.locator("h1")).to_have_text("ข้อมูลของฉัน")
    await expect(page.locator("#my-phone")).to_have_text("ยังไม่ได้ใส่")
    field = page.get_by_label("เบอร์มือถือ")
    save = page.get_by_role("button", name="บันทึก", exact=True)
    await field.fill("02-123-4567")
    await save.click()
    said = page.locator("#phone-error")
    await expect(said).to_contain_text("ต้องเป็นเบอร์มือถือ 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09")
    await _said_right_under(field, said, "phone-error")
    await expect(field).to_have_value("02-123-4567")
    await page.screenshot(path=shots / f"me-refused-{WIDTHS[0]}.png", full_page=True)
    await field.fill("๐๘๑-๒๓๔-๕๖๗๘")
    await save.click()
    await expect(page.locator("#phone-done")).to_have_text("บันทึกเบอร์ของคุณแล้ว")
    await expect(page.locator("#my-phone")).to_have_text("081-234-5678")
    await expect(field).to_have_value("081-234-5678")
    assert await db.fetchval("SELECT phone FROM api_keys WHERE name = 'ผู้ประสานงานภาคใต้'") == "0812345678"
    await page.screenshot(path=shots / f"me-saved-{WIDTHS[0]}.png", full_page=True)
    await _walk(page)
    await page.set_viewport_size({"width": 390, "height": PHONE["height"]})
    await _fits(page)
    await page.screenshot(path=shots / "me-saved-390.png", full_page=True)


async def test_todays_supply_and_demand_counts_eggs_in_fong_on_a_320_px_phone(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """Today's phone walks: the today page's open supply and demand said eggs in ชิ้น. At 320 px
    in Thai, a coordinator's today page counts the eggs' category in ฟอง, its amount on one line,
    the crafts (cloth and baskets, counted in other words) in ชิ้น; the page fits the phone."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="ผู้ประสานงานภาคใต้")
    village = await seed_partner_village(live, admin)
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        for item, quantity in (("eggs-chicken", 300), ("silk-cloth", 20), ("bamboo-basket", 5)):
            offered = await api.post(
                "/v1/offers", json={"community_id": village, "item_id": item, "quantity": quantity}
            )
            assert offered.status_code == 201, offered.text
    context = await _narrowest_phone(browser, "th-TH")
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        table = page.locator("main table")
        eggs = table.locator("tr", has_text="ไข่")
        await expect(eggs.locator("td.num").first).to_have_text("300 ฟอง")
        await expect(table.locator("tr", has_text="หัตถกรรม").locator("td.num").first).to_have_text("25 ชิ้น")
        await _one_line(page, "main table tr:has-text('ไข่') td.num .nobr")
        await eggs.scroll_into_view_if_needed()
        await page.screenshot(path=tmp_path / f"today-eggs-{WIDTHS[0]}.png")
        await _walk(page)
    finally:
        await context.close()


async def test_a_thai_name_in_the_english_console_is_marked_thai(
    browser: Browser, live: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """Today's phone walks: in the English console a community with no English name was named in
    Thai with no language mark, so a screen reader read it in an English voice. Its name on the
    communities list and as its page's heading is marked lang="th"; the page fits a 320 px phone."""
    admin = await _key(db, role="admin", name="network admin")
    coordinator = await _key(db, role="coordinator", regions=["south"], name="South coordinator")
    async with httpx.AsyncClient(base_url=live, headers={"Authorization": f"Bearer {admin}"}) as api:
        made = await api.post(
            "/v1/communities",
            json={"name_th": "กลุ่มแม่บ้านบ้านดอน", "kind": "farming", "province_code": "93"},
        )
        assert made.status_code == 201, made.text
    context = await _narrowest_phone(browser, "en-GB")
    try:
        page = await context.new_page()
        await sign_in(page, live, coordinator)
        await page.get_by_role("link", name="English").click()
        await page.goto(f"{live}/console/communities/")
        listed = page.locator("main table a [lang=th]")
        await expect(listed).to_have_text("กลุ่มแม่บ้านบ้านดอน")
        await page.goto(f"{live}/console/communities/{made.json()['id']}")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("h1 [lang=th]")).to_have_text("กลุ่มแม่บ้านบ้านดอน")
        await _fits(page)
        await page.screenshot(path=tmp_path / f"english-thai-name-{WIDTHS[0]}.png")
    finally:
        await context.close()
