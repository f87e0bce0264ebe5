"""The console lists the goods the network added (ปลาช่อน, ไก่ย่าง) in its forms and counts them in
their own words, as it does the shipped catalogue's."""

from __future__ import annotations

import re

from tests.added_goods import GRILLED_CHICKEN, SNAKEHEAD, add_goods, as_if_added_elsewhere
from tests.console.conftest import sign_in, unkept
from tests.world import COORD, OWNER, Goods, World, make_proposal

CHICKENS_TH = '<span class="nobr">12\xa0ตัว</span>'


def select(page: str, select_id: str) -> dict[str, str]:
    """The options of a page's <select> by the label of their group (a category's Thai name)."""
    found = re.search(rf'<select id="{select_id}".*?</select>', page, re.S)
    assert found is not None, select_id
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', found.group(), re.S)
    return dict(groups)


async def test_an_offer_form_lists_added_goods_and_pages_count_them_in_their_word(world: World) -> None:
    """ไก่ย่าง, added counted in ตัว by a coordinator through another server process: the
    community's offer and need forms list it, and ปลาช่อน, under their categories, each with its
    unit; its listing, today's supply of processed food and an exchange count it in ตัว."""
    a = world.a["id"]
    chicken = await add_goods(world, GRILLED_CHICKEN)
    snakehead = await add_goods(world, SNAKEHEAD)
    await world.offer(OWNER, item_id=chicken, quantity=12, min_lot=0)
    as_if_added_elsewhere()
    await sign_in(world.client, world.keys[COORD])
    community = await world.client.get(f"/console/communities/{a}")
    assert community.status_code == 200, community.text
    offer_form, need_form = (select(community.text, "offer-item"), select(community.text, "need-what"))
    assert f'<option value="{chicken}" >ไก่ย่าง (ตัว)</option>' in offer_form["อาหารแปรรูป"]
    assert f'<option value="{snakehead}" >ปลาช่อน (กก.)</option>' in offer_form["ปลาและอาหารทะเล"]
    assert f'<option value="item:{chicken}" >ไก่ย่าง (ตัว)</option>' in need_form["อาหารแปรรูป"]
    assert f'<option value="item:{snakehead}" >ปลาช่อน (กก.)</option>' in need_form["ปลาและอาหารทะเล"]
    assert f"<b>ไก่ย่าง</b> {CHICKENS_TH}" in unkept(community.text)
    today = await world.client.get("/console/")
    found = re.search(r'<tr><td>อาหารแปรรูป</td>\s*<td class="num">(.*?)</td>', today.text, re.S)
    assert found is not None, today.text
    assert found.group(1) == f"{CHICKENS_TH}<br>"
    proposal_id = await make_proposal(world, gives=Goods(chicken, "processed-food:piece", 150, 9))
    exchange = await world.client.get(f"/console/proposals/{proposal_id}")
    assert 'คุณให้ไก่ย่าง <span class="nobr">9 ตัว</span>' in unkept(exchange.text), exchange.text
    for page in (community, today, exchange):
        assert "ชิ้น" not in page.text, page.url
