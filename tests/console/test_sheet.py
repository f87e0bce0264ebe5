"""The printed packing and delivery sheet: who may read it, the contacts on it, and what it costs.

It once read each stop's community on its own (one statement a community stopped at); it now reads
them all in one statement, and says the same.
"""

from __future__ import annotations

import re

import pytest

from barter.console import uses
from barter.services import keys
from tests.conftest import TEST_SECRET
from tests.console.conftest import csrf_of, sign_in
from tests.statements import counted
from tests.world import (
    ADMIN,
    ANON,
    COORD,
    COORD_ELSEWHERE,
    EGGS,
    FISH,
    OTHER,
    OWNER,
    PARTNER,
    Goods,
    World,
    make_proposal,
)

A2_CONTACT = "074-555-010 (สำนักงาน)"


async def _sheet(world: World, gives: Goods = FISH) -> tuple[int, str]:
    """A planned shipment between A and A2 (both with a contact): its id and its sheet's path.
    `gives`: what A gives A2 in it (A2 gives rice)."""
    await make_proposal(world, "approved", gives=gives)
    await world.db.execute("UPDATE communities SET contact = $2 WHERE id = $1", world.a2["id"], A2_CONTACT)
    await sign_in(world.client, world.keys[COORD])
    token = await csrf_of(world.client, "/console/logistics/")
    planned = await world.client.post(
        "/console/logistics/plans", data={"_csrf_token": token}, follow_redirects=False
    )
    assert planned.status_code == 303, planned.text
    plan = await world.client.get(planned.headers["location"])
    paths = sorted(set(re.findall(r'href="(/console/logistics/shipments/(\d+)/sheet)"', plan.text)))
    assert len(paths) == 1, paths
    path, shipment_id = paths[0]
    return int(shipment_id), path


def _contacts(html: str) -> dict[str, str | None]:
    """Each stop's name on the sheet -> the contact printed under it, as printed (its phone
    numbers' links left out; None where there is none)."""
    stops = html.split('<div class="card stop">')[1:]
    assert stops, html[:2000]
    out: dict[str, str | None] = {}
    for stop in stops:
        name = re.search(r"<h3>\d+\. (.*?) <span", stop)
        assert name, stop[:500]
        contact = re.search(r"ติดต่อ: (.+)</p>", stop)
        out[name.group(1)] = re.sub(r"<[^>]+>", "", contact.group(1)).strip() if contact else None
    return out


async def test_the_sheet_prints_each_stops_contact_as_before(world: World) -> None:
    _, path = await _sheet(world)
    sheet = await world.client.get(path)
    assert sheet.status_code == 200, sheet.text
    contacts = _contacts(sheet.text)
    assert contacts[world.a["name_th"]] == world.a["contact"]
    assert contacts[world.a2["name_th"]] == A2_CONTACT
    # the depot and any hub are nobody's: no contact line under them
    assert [c for name, c in contacts.items() if name not in (world.a["name_th"], world.a2["name_th"])] == [
        None
    ] * (len(contacts) - 2)


async def test_on_a_phone_the_sheets_numbers_dial_and_its_exchange_numbers_say_what_they_are(
    world: World,
) -> None:
    """QA on a phone: the contacts' numbers could not be tapped to call, and "#7" beside each item
    said nothing of being the exchange it travels for."""
    _, path = await _sheet(world)
    sheet = await world.client.get(path)
    assert '<a href="tel:+66812345678">081-234-5678</a>' in sheet.text  # A's contact
    assert '<a href="tel:+6674555010">074-555-010</a> (สำนักงาน)' in sheet.text
    (proposal_id,) = {int(n) for n in re.findall(r"การแลกเปลี่ยน\xa0#(\d+) / exchange\xa0#\1<", sheet.text)}
    items = sum(body.split("</tbody>")[0].count("<tr>") for body in sheet.text.split("<tbody>")[1:])
    assert items >= 2
    assert sheet.text.count(f"การแลกเปลี่ยน\xa0#{proposal_id} / exchange\xa0#{proposal_id}<") == items
    world.client.cookies.set("lang", "en")
    sheet = await world.client.get(path)
    assert f">exchange\xa0#{proposal_id}<" in sheet.text
    assert "การแลกเปลี่ยน" not in sheet.text


async def test_the_sheet_counts_eggs_in_fong_as_the_village_does(world: World) -> None:
    _, path = await _sheet(world, EGGS)
    sheet = await world.client.get(path)
    assert sheet.status_code == 200, sheet.text
    assert '<td class="num"><span class="nobr">300\xa0ฟอง</span></td>' in sheet.text, sheet.text
    assert '<td class="num"><span class="nobr">148\xa0กก.</span></td>' in sheet.text  # the rice
    assert "ชิ้น" not in sheet.text
    world.client.cookies.set("lang", "en")
    sheet = await world.client.get(path)
    assert '<td class="num"><span class="nobr">300\xa0pieces</span></td>' in sheet.text


async def test_a_communitys_page_dials_its_contacts_number(world: World) -> None:
    await sign_in(world.client, world.keys[COORD])
    page = await world.client.get(f"/console/communities/{world.a['id']}")
    assert '<a href="tel:+66812345678">081-234-5678</a>' in page.text


async def test_the_sheet_reads_its_stops_communities_in_one_statement(world: World) -> None:
    shipment_id, _ = await _sheet(world)
    caller = await keys.authenticate(world.db, TEST_SECRET, world.keys[COORD])
    assert caller is not None
    async with counted(world.db) as shipment_alone:
        s = await uses.shipment(world.db, caller, shipment_id)
    stopped_at = {stop.community_id for stop in s.stops if stop.community_id is not None}
    assert len(stopped_at) == 2  # (else one statement per community would also be one here)
    async with counted(world.db) as whole_sheet:
        sheet = await uses.driver_sheet(world.db, caller, shipment_id)
    assert len(whole_sheet) == len(shipment_alone) + 1, whole_sheet
    assert {c: sheet.communities[c].contact for c in stopped_at} == {
        world.a["id"]: world.a["contact"],
        world.a2["id"]: A2_CONTACT,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (COORD, 200),
        (ADMIN, 200),
        (OWNER, 200),
        (OTHER, 404),
        (COORD_ELSEWHERE, 404),
        (PARTNER, 302),
        (ANON, 302),
    ],
)
async def test_who_reads_the_sheet(world: World, persona: str, status: int) -> None:
    """The sheet's coordinators, admins and communities read it (a community sees its own contact
    only); another community and a coordinator of another region find no such shipment; a partner
    cannot sign in to the console, and a stranger is sent to sign in."""
    _, path = await _sheet(world)
    world.client.cookies.clear()
    if persona not in (ANON, PARTNER):
        await sign_in(world.client, world.keys[persona])
    sheet = await world.client.get(path, follow_redirects=False)
    assert sheet.status_code == status, sheet.text[:500]
    contacts = _contacts(sheet.text) if status == 200 else {}
    if persona == OWNER:
        assert contacts[world.a["name_th"]] == world.a["contact"]
        assert contacts[world.a2["name_th"]] is None  # A2 is not A's to contact
    elif status == 200:
        assert contacts[world.a2["name_th"]] == A2_CONTACT
    else:
        assert A2_CONTACT not in sheet.text
        assert world.a["contact"] not in sheet.text


async def test_each_stop_says_where_it_is_as_nearly_as_the_reader_may_know(world: World) -> None:
    """A driver needs more than a village's name to find it: its ตำบล, อำเภอ and จังหวัด where the
    reader may know its point, else its province."""
    _, path = await _sheet(world)
    await world.db.execute("UPDATE communities SET subdistrict_code = '910101' WHERE id = $1", world.a["id"])
    await world.db.execute("UPDATE communities SET subdistrict_code = '910401' WHERE id = $1", world.a2["id"])
    sheet = (await world.client.get(path)).text
    assert _places(sheet) == {
        world.a["name_th"]: "ต.พิมาน อ.เมืองสตูล จ.สตูล",
        world.a2["name_th"]: "ต.ท่าแพ อ.ท่าแพ จ.สตูล",
    }
    # what the truck does there, as its crew says it ("รับของ" read as the village receiving)
    kinds = re.findall(r'<h3>\d+\. [^<]*<span class="hint nobr">([^<]*)</span>', sheet)
    assert {"จุดขึ้นของ", "จุดลงของ"} <= set(kinds)
    assert not {"รับของ", "ส่งของ"} & set(kinds)
    world.client.cookies.set("lang", "en")
    sheet = (await world.client.get(path)).text
    assert set(_places(sheet).values()) == {"Phiman, Mueang Satun, Satun", "Tha Phae, Tha Phae, Satun"}
    # A's own key reads where A is, and of A2 only its province
    world.client.cookies.clear()
    await sign_in(world.client, world.keys[OWNER])
    sheet = (await world.client.get(path)).text
    assert _places(sheet) == {world.a["name_th"]: "ต.พิมาน อ.เมืองสตูล จ.สตูล", world.a2["name_th"]: "จ.สตูล"}


def _places(html: str) -> dict[str, str]:
    """Each stop's name on the sheet -> where it says the stop is."""
    out = {}
    for stop in html.split('<div class="card stop">')[1:]:
        name = re.search(r"<h3>\d+\. (.*?) <span", stop)
        place = re.search(r'<p class="place">(.*?)</p>', stop)
        if name and place:
            out[name.group(1)] = place.group(1)
    return out


async def test_a_stop_whose_contact_the_reader_may_not_read_gives_its_regions_coordinator(
    world: World,
) -> None:
    """An exchange across regions stops at a village whose contact only its own region's
    coordinators read: the sheet gives the number its members are told to call, a coordinator of
    its region, so the driver can still reach someone. Never to a community's key."""
    _, path = await _sheet(world)
    # A2 now stands in the north (Chiang Rai), as in an exchange across regions
    await world.db.execute("UPDATE communities SET province_code = '57' WHERE id = $1", world.a2["id"])
    await world.db.execute("UPDATE api_keys SET phone = '0891234567' WHERE regions = '{north}'")
    sheet = await world.client.get(path)
    assert sheet.status_code == 200, sheet.text
    assert _contacts(sheet.text)[world.a2["name_th"]] is None
    assert A2_CONTACT not in sheet.text
    assert '<a href="tel:+66891234567">089-123-4567</a>' in sheet.text  # dialled by a tap
    assert "ติดต่อผ่านผู้ประสานงานภาคเหนือ: 089-123-4567" in re.sub(r"<[^>]+>", "", sheet.text)
    assert _contacts(sheet.text)[world.a["name_th"]] == world.a["contact"]  # A's own, as before
    world.client.cookies.set("lang", "en")
    english = re.sub(r"<[^>]+>", "", (await world.client.get(path)).text)
    assert "Contact through the North coordinator: 089-123-4567" in english
    world.client.cookies.clear()
    await sign_in(world.client, world.keys[OWNER])
    sheet = await world.client.get(path)
    assert sheet.status_code == 200
    assert "089-123-4567" not in sheet.text
