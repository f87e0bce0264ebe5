"""The console in a real browser (Debian's chromium through Playwright), on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect

from barter.api.app import create_app
from barter.domain.clock import SystemClock
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.settings import Settings
from tests.conftest import TEST_SECRET
from tests.console.day import coordinators_day, launch, seed_partner_village, sign_in
from tests.live import serve

PHONE: ViewportSize = {"width": 360, "height": 740}


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


async def _fits(page: Page) -> None:
    """Nothing sticks out sideways at this width."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"], (page.url, width)


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
