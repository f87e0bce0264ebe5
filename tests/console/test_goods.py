"""The console's goods page (สินค้า): who sees the catalogue, who adds goods, and each refusal said at
its field in Thai, the values typed kept."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from barter.console import i18n
from barter.domain import refusals
from barter.domain.errors import FieldError
from barter.services import unknown_goods
from tests.api.test_imports import send, xlsx
from tests.console.conftest import csrf_of, sign_in, unkept
from tests.world import (
    ADMIN,
    ANON,
    COORD,
    COORD_ELSEWHERE,
    OTHER,
    OWNER,
    PARTNER,
    Client,
    World,
    second_south_community,
)

GOODS = "/console/goods/"
PARTNER_DETAIL = "partner_with_detail"
SNAKEHEAD = {
    "name_th": "ปลาช่อน",
    "name_en": "Striped snakehead",
    "category_id": "fish-seafood",
    "unit": "kg",
    "kg_per_unit": "",
    "reference_value": "90",
    "shelf_life_days": "3",
    "synonyms_th": "ปลาช่อนสด, ปลาช่อนนา",
    "counted_th": "",
}


async def _signed_in_as(world: World, persona: str) -> None:
    """Signed in as `persona`; a partner's key (with or without detail) is refused at sign-in, and
    stays a stranger, as anonymous is."""
    world.client.cookies.clear()
    if persona == ANON:
        return
    if persona == PARTNER_DETAIL:
        key = await world.new_key(role="partner", name="Agency with detail", partner_detail=True)
    else:
        key = world.keys[persona]
    if persona in (PARTNER, PARTNER_DETAIL):
        token = await csrf_of(world.client)
        refused = await world.client.post(
            "/console/signin", data={"key": key, "_csrf_token": token}, follow_redirects=False
        )
        assert refused.status_code == 403
        return
    await sign_in(world.client, key)


async def _add(client: Client, body: dict[str, str]) -> Any:
    token = await csrf_of(client, "/console/signin")  # any console page's token does
    return await client.post(GOODS, data={**body, "_csrf_token": token}, follow_redirects=False)


async def _listed(world: World, q: str) -> list[str]:
    found = (await world.get(OWNER, "/v1/items", q=q)).json()["data"]
    return [i["id"] for i in found]


# Who sees the goods page (its status), sees the form to add goods, adds goods through it (the
# post's status) and is answered what for a form with nothing in it: a partner's key, with or
# without detail, is refused at sign-in and is a stranger, as anonymous is (sent to sign in).
MATRIX: dict[str, tuple[int, bool, int, int]] = {
    OWNER: (200, False, 403, 403),
    OTHER: (200, False, 403, 403),
    COORD: (200, True, 303, 422),
    COORD_ELSEWHERE: (200, True, 303, 422),
    PARTNER: (302, False, 302, 302),
    PARTNER_DETAIL: (302, False, 302, 302),
    ADMIN: (200, True, 303, 422),
    ANON: (302, False, 302, 302),
}
FISH = ("ปลาหมอ", "ปลาช่อน", "ปลากะพง", "ปลาดุก", "ปลานิล", "ปลาตะเพียน", "ปลาสลิด", "ปลาทับทิม")


async def test_who_sees_the_goods_and_who_adds_them(world: World) -> None:
    seen: dict[str, tuple[int, bool, int, int]] = {}
    for persona, fish in zip(MATRIX, FISH, strict=True):
        await _signed_in_as(world, persona)
        page = await world.client.get(GOODS, follow_redirects=False)
        if page.status_code == 302:
            assert page.headers["location"].startswith("/console/signin")
        else:
            assert "ไข่ไก่" in page.text  # the catalogue, to every signed-in reader
            assert 'href="/console/goods/"' in page.text  # in the navigation
        body = {**SNAKEHEAD, "name_th": fish, "name_en": f"Fish of {persona}", "synonyms_th": ""}
        added = await _add(world.client, body)
        if added.status_code == 403:
            assert "รหัสของคุณไม่มีสิทธิ์ทำรายการนี้" in added.text, added.text  # the 403 page, in Thai
        listed = await _listed(world, fish)
        assert listed == ([f"fish-of-{persona.replace('_', '-')}"] if added.status_code == 303 else [])
        # a form refused for what it holds says so to who may add goods; anyone else is refused as such
        empty = await _add(world.client, {})
        seen[persona] = (page.status_code, 'id="add-form"' in page.text, added.status_code, empty.status_code)
    assert seen == MATRIX


async def test_goods_added_through_the_form_are_listed_said_once_and_read_by_the_api(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    added = await _add(world.client, SNAKEHEAD)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == "/console/goods/#goods-striped-snakehead"
    page = await world.client.get(GOODS)
    assert "เพิ่ม ปลาช่อน แล้ว" in unkept(page.text)
    listed = re.search(r'<li id="goods-striped-snakehead".*?</li>', unkept(page.text), re.S)
    assert listed is not None
    item = listed.group()
    assert "ปลาช่อน" in item
    assert "Striped snakehead" in item
    assert "90\u00a0บาท" in item
    assert "ต่อ กก." in item
    assert "ปลาช่อนสด, ปลาช่อนนา" in item
    added_at = await world.db.fetchval("SELECT added_at FROM items WHERE id = 'striped-snakehead'")
    i18n.use("th")
    assert f'เครือข่ายเพิ่มเมื่อ <span class="nobr">{i18n.thai_date(added_at)}</span>' in item
    assert str(added_at.year + 543) in item  # the Buddhist era
    # the shipped catalogue's goods are not said to be added by the network
    eggs = re.search(r'<li id="goods-eggs-chicken".*?</li>', unkept(page.text), re.S)
    assert eggs is not None
    assert "เครือข่ายเพิ่ม" not in eggs.group()
    assert "ต่อ ฟอง" in eggs.group()  # a piece item by its counting word
    again = await world.client.get(GOODS)
    assert "เพิ่ม ปลาช่อน แล้ว" not in again.text  # said once: a reload does not say it again
    (body,) = (await world.get(OWNER, "/v1/items", q="ปลาช่อน")).json()["data"]
    assert (body["id"], body["unit"], body["reference_value"], body["shelf_life_days"]) == (
        "striped-snakehead",
        "kg",
        90,
        3,
    )
    synonyms = await world.db.fetchval("SELECT synonyms_th FROM items WHERE id = 'striped-snakehead'")
    assert synonyms == ["ปลาช่อนสด", "ปลาช่อนนา"]


async def test_goods_in_pieces_keep_their_counting_word(world: World) -> None:
    await sign_in(world.client, world.keys[ADMIN])
    body = {
        **SNAKEHEAD,
        "name_th": "ปูม้า",
        "name_en": "Blue crab",
        "unit": "piece",
        "kg_per_unit": "0.3",
        "reference_value": "45",
        "synonyms_th": "ปูม้านึ่ง\nปูม้าสด",
        "counted_th": "ตัว",
    }
    assert (await _add(world.client, body)).status_code == 303
    page = await world.client.get(GOODS)
    item = re.search(r'<li id="goods-blue-crab".*?</li>', page.text, re.S)
    assert item is not None
    assert "ต่อ ตัว" in item.group()
    assert "หนักตัวละ" in item.group()
    (listed,) = (await world.get(OWNER, "/v1/items", q="ปูม้า")).json()["data"]
    assert (listed["counted_th"], listed["kg_per_unit"], listed["quantity_step"]) == ("ตัว", 0.3, 1)
    synonyms = await world.db.fetchval("SELECT synonyms_th FROM items WHERE id = 'blue-crab'")
    assert synonyms == ["ปูม้านึ่ง", "ปูม้าสด"]


# Each refusal: what is typed (over SNAKEHEAD), the field's input id, the code it is refused with
# and its params (the words are refusals.PROBLEMS's).
REFUSALS: list[tuple[dict[str, str], str, str, dict[str, str]]] = [
    ({"name_th": "ไข่ไก่"}, "add-name-th", "name_taken", {"name": "ไข่ไก่"}),
    (
        {"synonyms_th": "ปลาช่อนนึ่ง, ไข่"},
        "add-synonyms",
        "name_taken",
        {"name": "ไข่", "item": "ไข่ไก่", "item_en": "Chicken eggs"},
    ),
    ({"name_th": "ผัก", "synonyms_th": ""}, "add-name-th", "category_word", {"name": "ผัก"}),
    ({"synonyms_th": "ปลาช่อนนึ่ง, ปลาช่อนนึ่ง"}, "add-synonyms", "given_twice", {"name": "ปลาช่อนนึ่ง"}),
    ({"name_th": "Snakehead"}, "add-name-th", "not_thai", {}),
    ({"kg_per_unit": "2"}, "add-kg", "kg_is_one", {}),
    ({"counted_th": "ตัว"}, "add-counted", "pieces_only", {}),
    ({"category_id": "spices"}, "add-category", "unknown", {}),
    ({"unit": "pack"}, "add-kg", "required", {}),
    ({"reference_value": "เก้าสิบ"}, "add-value", "not_a_number", {}),
]


async def test_each_refusal_is_said_at_its_field_in_thai_and_what_was_typed_is_kept(world: World) -> None:
    # one world for every refusal (a world costs a second to build)
    await sign_in(world.client, world.keys[COORD])
    for typed, field, code, params in REFUSALS:
        body = {**SNAKEHEAD, **typed}
        refused = await _add(world.client, body)
        assert refused.status_code == 422, refused.text
        text = html.unescape(refused.text)
        words = refusals.problem(FieldError(field, "", code=code, params=params))
        said = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', text, re.S)
        assert said is not None, (code, field)
        assert words.th in re.sub(r"<[^>]+>", "", said.group(1))  # a quoted name is kept on one line
        assert re.search(r"[\u0e01-\u0e5b]", words.th)
        marked = re.search(rf'<(?:input|select|textarea) id="{field}"[^>]*>', text)
        assert marked is not None
        assert 'aria-invalid="true"' in marked.group()
        assert f'aria-describedby="{field}-error"' in marked.group()
        # the form comes back at its anchor, each value as typed
        assert 'action="/console/goods/#add-form"' in text
        assert f'value="{body["reference_value"]}"' in text
        assert f'value="{body["name_th"]}"' in text
        assert f">{body['synonyms_th']}</textarea>" in text
        assert re.search(rf'<option value="{body["unit"]}" selected>', text)
        assert await _listed(world, "ปลาช่อน") == []


async def test_adding_goods_needs_the_csrf_token(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    refused = await world.client.post(GOODS, data=SNAKEHEAD, follow_redirects=False)
    assert refused.status_code == 403
    forged = await world.client.post(
        GOODS, data={**SNAKEHEAD, "_csrf_token": "0" * 128}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert await _listed(world, "ปลาช่อน") == []
    assert (await _add(world.client, SNAKEHEAD)).status_code == 303  # with the page's token
    assert await _listed(world, "ปลาช่อน") == ["striped-snakehead"]


async def test_goods_are_found_by_any_of_their_names(world: World) -> None:
    await sign_in(world.client, world.keys[OWNER])
    found = await world.client.get(GOODS, params={"q": "ปลาตากแห้ง"})  # ปลาแห้ง's other name
    assert 'id="goods-dried-fish"' in found.text
    assert 'id="goods-eggs-chicken"' not in found.text
    english = await world.client.get(GOODS, params={"q": "chicken"})
    assert 'id="goods-eggs-chicken"' in english.text
    assert 'id="goods-dried-fish"' not in english.text
    none = await world.client.get(GOODS, params={"q": "ปลาช่อน"})
    assert "ไม่พบสินค้าชื่อนี้" in none.text
    assert "เพิ่มสินค้าด้านล่าง" not in none.text  # a community has no form to add them


async def test_the_goods_page_in_english(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    await world.client.get("/console/lang/en?next=/console/goods/")
    page = await world.client.get(GOODS)
    assert '<html lang="en">' in page.text
    eggs = re.search(r'<li id="goods-eggs-chicken".*?</li>', unkept(page.text), re.S)
    assert eggs is not None
    assert "Chicken eggs" in eggs.group()
    assert "4\u00a0baht" in eggs.group()
    assert "per piece" in eggs.group()
    assert '<span class="en" lang="th">ไข่ไก่</span>' in eggs.group()
    assert "Add goods" in page.text
    assert "เพิ่มสินค้า" not in page.text


# --- goods communities named that the catalogue lacks ------------------------------------------

NAMED = re.compile(r'<section id="named-unknown".*?</section>', re.S)


async def _named_in_a_sheet(world: World, persona: str, *named: tuple[int, str]) -> None:
    """Communities name goods in a sheet (community id, goods), which a dry run by `persona` keeps
    for their coordinators where the catalogue lacks them (once per file and community)."""
    rows = [["มี", community, goods, 10, "กก.", "", ""] for community, goods in named]
    response = await send(world, persona, xlsx(rows), dry_run=True)
    assert response.status_code == 200, response.text


def _named_section(text: str) -> str:
    found = NAMED.search(text)
    return "" if found is None else html.unescape(found.group())


# Who sees which goods communities named (none: the page has no such section), by persona: a
# region's coordinator its communities', an admin everyone's, a community and a partner none.
WHO_SEES: dict[str, tuple[int, set[str]]] = {
    OWNER: (200, set()),
    OTHER: (200, set()),
    COORD: (200, {"ปลาช่อน"}),
    COORD_ELSEWHERE: (200, {"มันสำปะหลัง"}),
    PARTNER: (302, set()),
    ADMIN: (200, {"ปลาช่อน", "มันสำปะหลัง"}),
    ANON: (302, set()),
}


async def test_goods_communities_named_are_shown_to_who_adds_goods_for_them(world: World) -> None:
    """ปลาช่อน, named by two southern communities (three times: two files name it for one of them),
    is shown to the south's coordinator and the admin with how many times, by which communities and
    when last, in the Buddhist era; มันสำปะหลัง, named by a northern one, to the north's coordinator
    and the admin; neither to a community, a partner or anyone not signed in."""
    a, b, a2 = world.a["id"], world.b["id"], (await second_south_community(world))["id"]
    await _named_in_a_sheet(world, COORD, (a, "ปลาช่อน"), (a2, "ปลาช่อน"), (a, "ปลาช่อน"))
    await _named_in_a_sheet(world, ADMIN, (a, "ปลาช่อน"), (b, "มันสำปะหลัง"))
    last_seen = await world.db.fetchval("SELECT max(last_seen) FROM unknown_goods WHERE word = 'ปลาช่อน'")
    i18n.use("th")
    seen: dict[str, tuple[int, set[str]]] = {}
    for persona in WHO_SEES:
        await _signed_in_as(world, persona)
        page = await world.client.get(GOODS, follow_redirects=False)
        section = _named_section(unkept(page.text))
        seen[persona] = (page.status_code, {w for w in ("ปลาช่อน", "มันสำปะหลัง") if w in section})
        if "ปลาช่อน" in section:
            assert "สินค้าที่ชุมชนพิมพ์ถึงแต่ยังไม่มีในรายการ" in section
            assert "พิมพ์ถึง 3 ครั้ง" in section
            assert "พิมพ์โดย: กลุ่มประมงพื้นบ้านบ้านปากบารา, บ้านทุ่งหว้า" in section
            assert f'ครั้งล่าสุด <span class="nobr">{i18n.thai_date(last_seen)}</span>' in section
            assert str(last_seen.year + 543) in section
        if "มันสำปะหลัง" in section:
            assert "พิมพ์ถึง 1 ครั้ง" in section
            assert "วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย" in section
        if persona == COORD_ELSEWHERE:  # the south's communities are not its to know of
            assert "ปากบารา" not in section
            assert "ทุ่งหว้า" not in section
        if page.status_code == 200 and not section:
            assert "พิมพ์ถึง" not in page.text
    assert seen == WHO_SEES


async def test_goods_added_or_renamed_to_a_name_communities_named_leave_the_list(world: World) -> None:
    """The list's button opens the add form with the name in it; goods added through it, or through
    the API by a name or another name that is a word named (compared without spaces), or renamed to
    one, take the word off the list, and the list goes when nothing is left on it."""
    a = world.a["id"]
    await _named_in_a_sheet(world, COORD, (a, "ปลาช่อน"), (a, "มัน  สำปะหลัง"), (a, "ข้าวโพดหวาน"))
    await sign_in(world.client, world.keys[COORD])
    section = _named_section((await world.client.get(GOODS)).text)
    assert {"ปลาช่อน", "มัน สำปะหลัง", "ข้าวโพดหวาน"} <= set(re.findall(r'<b lang="th">(.*?)</b>', section))
    link = re.search(
        r'<a class="button secondary" href="([^"]*)">เพิ่ม <span lang="th">ปลาช่อน</span></a>', section
    )
    assert link is not None, section
    assert (
        link.group(1)
        == "/console/goods/?name_th=%E0%B8%9B%E0%B8%A5%E0%B8%B2%E0%B8%8A%E0%B9%88%E0%B8%AD%E0%B8%99#add-form"
    )
    opened = await world.client.get(link.group(1).split("#")[0])
    assert re.search(r'<input id="add-name-th" name="name_th" required value="ปลาช่อน"', opened.text)
    assert (await _add(world.client, SNAKEHEAD)).status_code == 303
    left = set(re.findall(r'<b lang="th">(.*?)</b>', _named_section((await world.client.get(GOODS)).text)))
    assert left == {"มัน สำปะหลัง", "ข้าวโพดหวาน"}
    kept = await world.db.fetchval("SELECT array_agg(word ORDER BY word) FROM unknown_goods")
    assert "ปลาช่อน" not in kept  # gone with the add, not only left off the page
    cassava = {
        "name_th": "มันสำปะหลัง",
        "name_en": "Cassava",
        "category_id": "vegetables",
        "unit": "kg",
        "reference_value": 4,
        "shelf_life_days": 14,
    }
    assert (await world.post(ADMIN, "/v1/items", cassava)).status_code == 201
    corn = {**cassava, "name_th": "ข้าวโพด", "name_en": "Corn"}
    assert (await world.post(COORD, "/v1/items", corn)).status_code == 201
    assert await world.db.fetchval("SELECT array_agg(word) FROM unknown_goods") == ["ข้าวโพดหวาน"]
    renamed = await world.patch(COORD, "/v1/items/corn", {"synonyms_th": ["ข้าวโพด หวาน"]}, '"v1"')
    assert renamed.status_code == 200, renamed.text
    assert await world.db.fetchval("SELECT count(*) FROM unknown_goods") == 0
    assert 'id="named-unknown"' not in (await world.client.get(GOODS)).text


async def test_the_add_forms_name_is_filled_only_for_who_adds_goods_and_escaped(world: World) -> None:
    await sign_in(world.client, world.keys[ADMIN])
    opened = await world.client.get(GOODS, params={"name_th": '<b>"ปลาช่อน"</b>'})
    assert 'value="&lt;b&gt;&#34;ปลาช่อน&#34;&lt;/b&gt;"' in opened.text
    assert '<b>"ปลาช่อน"</b>' not in opened.text
    await sign_in(world.client, world.keys[OWNER])
    asked = await world.client.get(GOODS, params={"name_th": "ปลาช่อน"})
    assert asked.status_code == 200
    assert 'id="add-form"' not in asked.text


async def test_a_word_goods_are_called_by_by_now_is_not_listed(world: World) -> None:
    """A word kept while another process added goods by that name (its add's delete ran before the
    word was written) is not listed as lacking: ไข่ ไก่ is ไข่ไก่, compared without spaces."""
    async with world.db.transaction():
        await unknown_goods.note(world.db, world.a["id"], ["ไข่ ไก่", "ปลาช่อน"], "line", datetime.now(UTC))
    await sign_in(world.client, world.keys[COORD])
    section = _named_section((await world.client.get(GOODS)).text)
    assert re.findall(r'<b lang="th">(.*?)</b>', section) == ["ปลาช่อน"]


async def test_how_long_goods_keep_is_written_with_a_thousands_separator(world: World) -> None:
    """QA read "เก็บได้ 3650 วัน" beside the woven cloth: every other figure of the console has its
    separator ("1,300 ลูก")."""
    await sign_in(world.client, world.keys[COORD])
    page = unkept((await world.client.get(GOODS)).text)
    assert "เก็บได้ 3,650 วัน" in page
    assert "3650" not in page
    world.client.cookies.set("lang", "en")
    assert "Keeps 3,650 days" in unkept((await world.client.get(GOODS)).text)
