"""A South coordinator's day in the console, driven in a real Chromium.

Shared by tests/console/test_browser.py (which asserts along the way) and
scripts/console_screenshots.py (which photographs each page at desktop and phone width).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from playwright.async_api import Browser, Page, Playwright, expect

from tests.dates import ahead, be_slash, thai

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000
Shoot = Callable[[Page, str], Awaitable[None]]


async def launch(playwright: Playwright) -> Browser:
    """Debian's chromium, never Playwright's own download."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def nothing(page: Page, name: str) -> None:
    """A Shoot that takes no pictures."""


@dataclass
class Day:
    base: str
    community_id: int = 0
    proposal_id: int = 0
    shipment_ids: list[int] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)


async def seed_partner_village(base: str, admin_key: str) -> int:
    """A rice group in Phatthalung (also in the South) that has jasmine rice and needs dried fish:
    the other side of the coordinator's exchange. Made through the API, as a data import would."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as api:
        made = await api.post(
            "/v1/communities",
            json={
                "name_th": "วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน",
                "name_en": "Khuan Khanun jasmine rice enterprise",
                "kind": "farming",
                "province_code": "93",
                "contact": "074-610-123",
            },
        )
        assert made.status_code == 201, made.text
        village = int(made.json()["id"])
        offer = await api.post(
            "/v1/offers", json={"community_id": village, "item_id": "rice-jasmine", "quantity": 1500}
        )
        assert offer.status_code == 201, offer.text
        need = await api.post(
            "/v1/needs",
            json={"community_id": village, "item_id": "dried-fish", "quantity": 200, "priority": 5},
        )
        assert need.status_code == 201, need.text
    return village


async def sign_in(page: Page, base: str, key: str, shoot: Shoot = nothing) -> None:
    await page.goto(f"{base}/")
    await expect(page).to_have_url(re.compile(r"/console/signin"))
    await shoot(page, "signin")
    await page.get_by_label("รหัสของคุณ").fill(key)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await expect(page.get_by_role("heading", name=re.compile("วันนี้"))).to_be_visible()


async def coordinators_day(page: Page, base: str, key: str, shoot: Shoot = nothing) -> Day:
    """Sign in, register a fishing community in Satun, post 200 kg of dried fish and a need for rice,
    start a run, open the proposal, accept for the communities, approve, plan, print the sheet,
    dispatch, confirm receipt and read the account."""
    day = Day(base)
    page.set_default_timeout(TIMEOUT_MS)
    await sign_in(page, base, key, shoot)
    await shoot(page, "today-empty")

    # Register the fishing community.
    await page.get_by_role("link", name="ชุมชน", exact=True).click()
    await page.get_by_role("link", name="ลงทะเบียนชุมชน").click()
    await page.get_by_label("ชื่อภาษาไทย").fill("กลุ่มประมงพื้นบ้านบ้านตันหยงโป")
    await page.get_by_label("ชื่อภาษาอังกฤษ").fill("Tanyong Po small-scale fishers")
    await page.get_by_label("ประเภท").select_option("fishing")
    await page.get_by_label("จังหวัด").select_option("91")  # สตูล
    subdistrict = page.get_by_label("ตำบล")
    await expect(subdistrict.locator("option")).not_to_have_count(1)  # htmx filled the province's list
    await subdistrict.select_option(label="ตำมะลัง (อ.เมืองสตูล)")  # where บ้านตันหยงโป is, on the Satun coast
    await page.get_by_label("ติดต่อ (โทรศัพท์, LINE)").fill("081-555-0101")
    await shoot(page, "community-register")
    await page.get_by_role("button", name="บันทึก").click()
    await expect(page.get_by_role("heading", name=re.compile("บ้านตันหยงโป"))).to_be_visible()
    match = re.search(r"/console/communities/(\d+)", page.url)
    assert match, page.url
    day.community_id = int(match.group(1))

    # Post 200 kg of dried fish and a need for jasmine rice, with Buddhist-era dates (counted
    # from today: the service refuses a day already past).
    until, by = ahead(60), ahead(90)
    await page.locator("#offer-item").select_option("dried-fish")
    await page.locator("#offer-quantity").fill("200")
    await page.locator("#offer-until").fill(be_slash(until))
    await page.get_by_role("button", name="บันทึกรายการเสนอแลก").click()
    offers = page.locator("section", has=page.get_by_role("heading", name="สิ่งที่เรามี (เสนอแลก)"))
    await expect(offers).to_contain_text("ปลาแห้ง")
    await expect(offers).to_contain_text("200 กก.")
    await expect(offers).to_contain_text(thai(until))
    await page.locator("#need-what").select_option("item:rice-jasmine")
    await page.locator("#need-quantity").fill("1,500")
    await page.locator("#need-by").fill(be_slash(by))
    await page.get_by_role("button", name="บันทึกความต้องการ").click()
    needs = page.locator("section", has=page.get_by_role("heading", name="สิ่งที่เราต้องการ"))
    await expect(needs).to_contain_text("ข้าวหอมมะลิ")
    await expect(needs).to_contain_text("1,500 กก.")
    await expect(needs).to_contain_text(thai(by))
    await shoot(page, "community")

    # Start a matching run for the South and wait for its result (the page polls with htmx).
    await page.get_by_role("link", name="จับคู่").click()
    await page.locator("#start-form").get_by_label("เวลาคำนวณสูงสุด (วินาที)").fill("5")
    await shoot(page, "matching")
    await page.get_by_role("button", name="เริ่มจับคู่").click()
    await expect(page.locator("#run-status")).to_have_text("เสร็จแล้ว", timeout=120_000)
    await shoot(page, "run")

    # Open the proposal: every participant's explanation, Thai first with English beside it.
    await page.get_by_role("link", name=re.compile(r"การแลกเปลี่ยน #\d+")).first.click()
    match = re.search(r"/console/proposals/(\d+)", page.url)
    assert match, page.url
    day.proposal_id = int(match.group(1))
    card = page.locator(".participant").filter(has=page.get_by_role("heading", name=re.compile("ตันหยงโป")))
    await expect(card.locator("p[lang=th]")).to_contain_text("ปลาแห้ง")
    await expect(card.locator("p[lang=en]")).to_contain_text("dried fish")
    await expect(page.locator("figure.map svg line.arrow")).to_have_count(2)
    await shoot(page, "proposal")

    # Accept for each community, then approve for the region.
    accept = page.get_by_role("button", name="ตอบรับแทนชุมชนนี้")
    while await accept.count():
        await accept.first.click()
        await expect(page.locator("#status")).to_be_visible()
    await page.get_by_role("button", name="อนุมัติ", exact=True).click()
    await expect(page.locator("#status")).to_have_text("อนุมัติแล้ว")

    # Plan the shipments and print the packing and delivery sheet.
    await page.get_by_role("link", name="ขนส่ง").click()
    await page.get_by_role("button", name="วางแผนขนส่ง").click()
    await expect(page.get_by_role("heading", name=re.compile(r"แผน #\d+"))).to_be_visible()
    await shoot(page, "plan")
    await page.get_by_role("link", name="ใบจัดของและส่งของ").first.click()
    await expect(page.get_by_role("heading", name=re.compile("ใบจัดของและส่งของ"))).to_be_visible()
    await expect(page.locator(".stop").first).to_be_visible()
    sheet_text = await page.locator("main").inner_text()
    day.notes["sheet"] = sheet_text
    await page.emulate_media(media="print")
    await expect(page.locator("nav.main")).to_be_hidden()
    await expect(page.get_by_role("button", name="พิมพ์")).to_be_hidden()
    await expect(page.locator(".signature").first).to_be_visible()
    # Paper cannot scroll: no box of the sheet may clip a wide table when printed.
    overflows = await page.locator(".scroll").evaluate_all(
        "els => els.map(e => getComputedStyle(e).overflowX)"
    )
    assert overflows, "the sheet has no scrolling box to check"
    assert set(overflows) == {"visible"}, overflows
    day.notes["pdf_bytes"] = len(await page.pdf(format="A4"))
    await shoot(page, "sheet-print")
    await page.emulate_media(media="screen")
    await shoot(page, "sheet")

    # The goods leave; each receiving community confirms (here, its coordinator for it).
    await page.goto(f"{base}/console/proposals/{day.proposal_id}")
    await page.get_by_role("button", name="ส่งของออกแล้ว").click()
    await expect(page.locator("#status")).to_have_text("กำลังขนส่ง")
    receive = page.get_by_role("button", name="ยืนยันการรับของแทนชุมชนนี้")
    while await receive.count():
        await receive.first.click()
        await expect(page.locator("#status")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("เสร็จสิ้น")

    # The community's account: what it gave and received.
    await page.goto(f"{base}/console/communities/{day.community_id}/account")
    await expect(page.locator("main")).to_contain_text("ข้าวหอมมะลิ")
    await expect(page.locator("main")).to_contain_text("ปลาแห้ง")
    await shoot(page, "account")
    await page.goto(f"{base}/console/")
    await shoot(page, "today")
    return day


async def more_pages(page: Page, other: Page, base: str, day: Day, north_key: str, shoot: Shoot) -> None:
    """After the day, the screens it did not need: changing an offer's goods and smallest lot,
    withdrawing it (asked first), the goods page and adding goods to it, the map picker, the
    community's LINE codes, and a run across regions that the North's coordinator (signed in on
    `other`) is asked to consent to."""
    await page.goto(f"{base}/console/communities/{day.community_id}")
    await page.locator("#offer-item").select_option("salted-squid")
    await page.locator("#offer-quantity").fill("30")
    await page.get_by_role("button", name="บันทึกรายการเสนอแลก").click()
    offers = page.locator("section", has=page.get_by_role("heading", name="สิ่งที่เรามี (เสนอแลก)"))
    await expect(offers).to_contain_text("30 กก.")
    await offers.locator("details summary").first.click()
    await expect(offers.locator("select[name=item_id]").first).to_be_visible()
    await shoot(page, "offer-change")

    # Withdrawing the squid asks first, on a page of its own; the coordinator keeps it.
    squid = offers.locator("li[id^=offer-]").filter(has=page.locator("b", has_text="ปลาหมึกเค็ม"))
    if await squid.locator("details").get_attribute("open") is None:  # the first listing's is open
        await squid.locator("summary").click()
    await squid.get_by_role("link", name="ถอนรายการ").click()
    await expect(page.locator("#withdraw .ask b")).to_contain_text("ถอนรายการ ปลาหมึกเค็ม 30")
    await shoot(page, "withdraw")
    await page.get_by_role("link", name="ไม่ถอน เก็บไว้").click()
    await expect(squid).to_be_visible()

    # The goods page: the catalogue by category. Salted king mackerel is refused at its name (the
    # catalogue's salted fish is called that already); sun-dried snakehead, which it lacks, is added.
    await page.locator("nav.main a", has_text="สินค้า").click()
    await expect(page.locator("#goods-eggs-chicken")).to_contain_text("ต่อ ฟอง")
    await shoot(page, "goods")
    await page.get_by_role("link", name="เพิ่มสินค้า").click()
    form = page.locator("#add-form")
    await form.locator("[name=name_th]").fill("ปลาอินทรีเค็ม")
    await form.locator("[name=name_en]").fill("Salted king mackerel")
    await form.locator("[name=category_id]").select_option("fish-seafood")
    await form.locator("[name=unit]").select_option("kg")
    await form.locator("[name=reference_value]").fill("450")
    await form.locator("[name=shelf_life_days]").fill("180")
    await form.get_by_role("button", name="เพิ่มสินค้า").click()
    await expect(page.locator("#add-name-th-error")).to_contain_text("ปลาเค็ม")
    await shoot(page, "goods-add")
    await form.locator("[name=name_th]").fill("ปลาช่อนแดดเดียว")
    await form.locator("[name=name_en]").fill("Sun-dried snakehead")
    await form.locator("[name=reference_value]").fill("250")
    await form.locator("[name=shelf_life_days]").fill("30")
    await form.locator("[name=synonyms_th]").fill("ปลาช่อนแห้ง")
    await form.get_by_role("button", name="เพิ่มสินค้า").click()
    await expect(page.locator("#goods-added")).to_contain_text("ปลาช่อนแดดเดียว")
    await shoot(page, "goods-added")

    # Registering Ko Sarai's fishers, placed on the map at their sub-district's point.
    await page.goto(f"{base}/console/communities/new")
    await page.get_by_label("ชื่อภาษาไทย").fill("กลุ่มประมงพื้นบ้านเกาะสาหร่าย")
    await page.get_by_label("ชื่อภาษาอังกฤษ").fill("Ko Sarai small-scale fishers")
    await page.get_by_label("ประเภท").select_option("fishing")
    await page.get_by_label("จังหวัด").select_option("91")
    subdistrict = page.get_by_label("ตำบล")
    await expect(subdistrict.locator("option")).not_to_have_count(1)
    await subdistrict.select_option("910106")  # เกาะสาหร่าย
    await page.get_by_label("ติดต่อ (โทรศัพท์, LINE)").fill("081-555-0142")
    await page.get_by_text("หรือเลือกที่ตั้งบนแผนที่").click()
    await page.get_by_role("button", name="ใช้จุดกลางของตำบล").click()
    await expect(page.locator("#picker circle.picked")).to_have_count(1)
    await shoot(page, "community-picker")

    await page.goto(f"{base}/console/communities/{day.community_id}/line/")
    await page.get_by_role("button", name="ออกรหัสเชื่อมต่อ LINE").click()
    await expect(page.locator("#new-code")).to_be_visible()
    await shoot(page, "line")

    await page.goto(f"{base}/console/matching/")
    ask = page.locator("#ask-form")
    await ask.get_by_label("ภาคเหนือ").check()
    await ask.get_by_role("button", name="ขอความยินยอม").click()
    await expect(page.locator("main")).to_contain_text("รอความยินยอม")
    other.set_default_timeout(TIMEOUT_MS)
    await sign_in(other, base, north_key)
    await expect(other.locator("main")).to_contain_text("การจับคู่ข้ามภาคที่รอความยินยอมจากคุณ")
    await other.goto(f"{base}/console/matching/")
    await expect(other.get_by_role("button", name="ยินยอม: เริ่มการจับคู่")).to_be_visible()
    await shoot(other, "consent")
