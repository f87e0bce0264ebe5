"""Explanations read as a coordinator would say them, in Thai and English (real sentences)."""

from __future__ import annotations

from dataclasses import replace

from barter.domain.proposals import Leg, OwnTerm, explain
from barter.logistics.estimate import direct_cost
from barter.logistics.fleet import default_fleet

NAMES = {1: ("กลุ่มประมงบ้านปากบารา", "Pak Bara fishers"), 2: ("กลุ่มข้าวเหนียวกาฬสินธุ์", "Kalasin sticky rice group")}
FISH = Leg(
    1,
    2,
    82.5,
    "kg",
    "ปลาแห้ง",
    "Dried fish",
    value=21_450,
    need_id=31,
    distance_km=1_350.0,
    transport=12_150,
    shared=326.7,
)
RICE = Leg(
    2,
    1,
    650,
    "kg",
    "ข้าวเหนียว",
    "Sticky rice",
    value=22_750,
    need_id=17,
    distance_km=1_350.0,
    transport=12_150,
    shared=2_574.0,
)


def test_a_swap_names_values_balance_need_distance_and_transport() -> None:
    thai, english = explain(1, [FISH, RICE], NAMES, "cycle")
    assert thai == (
        "คุณให้ปลาแห้ง 82.5 กก. (มูลค่าประมาณ 21,450 บาท) แก่กลุ่มข้าวเหนียวกาฬสินธุ์ "
        "และได้รับข้าวเหนียว 650 กก. (22,750 บาท) จากกลุ่มข้าวเหนียวกาฬสินธุ์ "
        "คุณได้รับมากกว่าที่ให้ประมาณ 1,300 บาท "
        "ตรงกับความต้องการข้าวเหนียวของคุณ "
        "สินค้าที่คุณให้เดินทางประมาณ 1,350 กม. ทางถนน ค่าขนส่งประมาณ 327 บาท เมื่อรวมส่งกับสินค้าอื่นในรถบรรทุก "
        "(ประมาณ 12,150 บาท หากส่งแยกคันด้วยรถที่ถูกที่สุด) "
        "สินค้าที่คุณได้รับเดินทางมาประมาณ 1,350 กม. ทางถนน ค่าขนส่งประมาณ 2,574 บาท "
        "เมื่อรวมส่งกับสินค้าอื่นในรถบรรทุก (ประมาณ 12,150 บาท หากส่งแยกคันด้วยรถที่ถูกที่สุด)"
    )
    assert english == (
        "You give 82.5 kg of dried fish (worth about 21,450 baht) to Kalasin sticky rice group "
        "and receive 650 kg of sticky rice (22,750 baht) from Kalasin sticky rice group. "
        "You receive about 1,300 baht more than you give. "
        "It fills your need for sticky rice. "
        "Your goods travel about 1,350 km by road; transport is estimated at about 327 baht on shared "
        "trucks (12,150 baht if the load went alone by the cheapest suitable vehicle). "
        "What you receive travels about 1,350 km by road to you; transport is estimated at about "
        "2,574 baht on shared trucks (12,150 baht if the load went alone by the cheapest suitable vehicle)."
    )
    _, other = explain(2, [FISH, RICE], NAMES, "cycle")
    assert "You give about 1,300 baht more than you receive." in other
    assert "It fills your need for dried fish." in other


def test_a_chain_starts_with_a_donation() -> None:
    thai, english = explain(1, [FISH], NAMES, "chain")
    assert english.startswith(
        "This exchange starts with your donation: you give 82.5 kg of dried fish (worth about 21,450 baht) "
        "to Kalasin sticky rice group, and nothing is asked back."
    )
    assert thai.startswith("การแลกเปลี่ยนนี้เริ่มต้นจากการบริจาคของคุณ: คุณให้ปลาแห้ง 82.5 กก.")
    assert "gift" not in english
    assert "ของขวัญ" not in thai
    thai, english = explain(2, [FISH], NAMES, "chain")
    assert "It comes from a chain started by a donation: nothing is asked back." in english
    assert "ห่วงโซ่ที่เริ่มต้นด้วยการบริจาค" in thai


def test_transport_is_the_cheapest_vehicle_for_the_load() -> None:
    vehicles = default_fleet().vehicles
    # 82.5 kg: one pickup at 9 baht/km; 20 t: two ten-wheel trucks at 22 baht/km beat 4 six-wheels.
    assert direct_cost(82.5, 100, vehicles) == 900
    assert direct_cost(20_000, 100, vehicles) == 2 * 22 * 100
    assert direct_cost(0, 100, vehicles) == 0


def test_own_terms_are_stated_and_the_balance_is_by_them() -> None:
    """The fishers ask at least 10 kg of sticky rice per kg of fish; the rice group values a kilo
    of dried fish at 300 baht (the catalogue: 260, rice 30). Each reads its own terms and the
    balance it agreed to, not the catalogue's 520 against 600."""
    ratio = OwnTerm(300.0, 10.0, "ข้าวเหนียว", "Sticky rice", "kg")
    fish = Leg(1, 2, 2, "kg", "ปลาแห้ง", "Dried fish", value=520, need_id=31, giver_term=ratio)
    fish = replace(fish, receiver_term=OwnTerm(300.0))
    rice = Leg(2, 1, 20, "kg", "ข้าวเหนียว", "Sticky rice", value=600, need_id=17)
    thai, english = explain(1, [fish, rice], NAMES, "cycle")
    assert english.startswith(
        "You give 2 kg of dried fish (worth about 520 baht) to Kalasin sticky rice group "
        "and receive 20 kg of sticky rice (600 baht) from Kalasin sticky rice group. "
        "By your own terms (at least 10 kg of sticky rice for each kg of dried fish) "
        "you give about 600 baht and receive about 600 baht. The values balance."
    )
    assert thai.startswith(
        "คุณให้ปลาแห้ง 2 กก. (มูลค่าประมาณ 520 บาท) แก่กลุ่มข้าวเหนียวกาฬสินธุ์ "
        "และได้รับข้าวเหนียว 20 กก. (600 บาท) จากกลุ่มข้าวเหนียวกาฬสินธุ์ "
        "ตามเงื่อนไขของคุณเอง (ปลาแห้ง 1 กก. ต่อข้าวเหนียวอย่างน้อย 10 กก.) "
        "คุณให้ประมาณ 600 บาท และได้รับประมาณ 600 บาท มูลค่าที่ให้และที่ได้รับเท่ากัน"
    )
    thai, english = explain(2, [fish, rice], NAMES, "cycle")
    assert (
        "By your own terms (dried fish at 300 baht a kg) you give about 600 baht and receive about "
        "600 baht. The values balance." in english
    )
    assert "ตามเงื่อนไขของคุณเอง (ปลาแห้ง กก.ละ 300 บาท) คุณให้ประมาณ 600 บาท และได้รับประมาณ 600 บาท" in thai
    # without own terms nothing changes: the catalogue's values and their balance
    _, plain = explain(1, [replace(fish, giver_term=None), rice], NAMES, "cycle")
    assert "own terms" not in plain
    assert "You receive about 80 baht more than you give." in plain


def test_with_no_transport_rate_the_estimate_is_the_load_alone() -> None:
    alone = Leg(1, 2, 82.5, "kg", "ปลาแห้ง", "Dried fish", value=21_450, distance_km=80.0, transport=720)
    thai, english = explain(1, [alone], NAMES, "chain")
    assert english.endswith(
        "Your goods travel about 80 km by road; transport about 720 baht "
        "if the load goes alone by the cheapest suitable vehicle."
    )
    assert thai.endswith("สินค้าที่คุณให้เดินทางประมาณ 80 กม. ทางถนน ค่าขนส่งประมาณ 720 บาท หากส่งแยกคันด้วยรถที่ถูกที่สุด")


def test_units_are_named_as_on_every_other_page() -> None:
    """The explanation takes its Thai unit names from units.UNIT_NAMES, as the console and LINE do:
    a pack is แพ็ก (the Royal Institute's spelling), not the แพ็ค it once wrote on its own."""
    eggs = replace(FISH, unit="pack", item_th="ไข่ไก่", item_en="Eggs", quantity=12, need_id=None)
    thai, english = explain(1, [eggs], NAMES, "chain")
    assert "ไข่ไก่ 12 แพ็ก " in thai
    assert "แพ็ค" not in thai
    assert "12 packs of eggs" in english


def test_goods_named_in_a_sentence_keep_their_proper_names() -> None:
    """Mid-sentence, goods' English names start lower case and keep the capitals of what they name:
    the screenshots' exchange read "1,500 kg of jasmine rice (hom mali)" (the catalogue's Jasmine
    rice (Hom Mali)); an abbreviation keeps its capitals too."""
    jasmine = replace(RICE, item_en="Jasmine rice (Hom Mali)")
    _, english = explain(1, [FISH, jasmine], NAMES, "cycle")
    assert "receive 650 kg of jasmine rice (Hom Mali) (22,750 baht)" in english
    assert "It fills your need for jasmine rice (Hom Mali)." in english
    assert "hom mali" not in english
    _, english = explain(1, [replace(FISH, item_en="UHT milk", need_id=None)], NAMES, "chain")
    assert "82.5 kg of UHT milk" in english
