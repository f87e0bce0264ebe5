"""Goods the network added outlive a restart and every load of the catalogue file: the load never
removes or overwrites them, nor loads a file item over one of them."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.domain.clock import ManualClock
from barter.services import unknown_goods
from barter.settings import Settings
from barter.storage import reference
from barter.storage.reference import REFERENCE_DIR, load_reference_data
from tests.api.test_catalogue_items import SNAKEHEAD
from tests.world import ANON, COORD, World

EGGS = {
    "name_th": "ไข่นกกระทา",
    "name_en": "Quail eggs",
    "category_id": "eggs",
    "unit": "piece",
    "kg_per_unit": 0.012,
    "reference_value": 1.5,
    "shelf_life_days": 20,
    "counted_th": "ฟอง",
    "synonyms_th": ["ไข่นก"],
}
ROW = "SELECT * FROM items WHERE added_by IS NOT NULL ORDER BY id"
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


async def _added(world: World) -> list[dict[str, Any]]:
    for body in (SNAKEHEAD, EGGS):
        response = await world.post(COORD, "/v1/items", body)
        assert response.status_code == 201, response.text
    corrected = await world.patch(COORD, "/v1/items/quail-eggs", {"synonyms_th": ["ไข่นก", "ไข่นกทา"]}, '"v1"')
    assert corrected.status_code == 200, corrected.text
    return [dict(r) for r in await world.db.fetch(ROW)]


async def test_added_goods_outlive_a_restart_that_loads_the_catalogue_again(
    world: World, settings: Settings, clock: ManualClock
) -> None:
    before = await _added(world)
    assert [(r["id"], r["synonyms_th"], r["counted_th"]) for r in before] == [
        ("quail-eggs", ["ไข่นก", "ไข่นกทา"], "ฟอง"),
        ("striped-snakehead", ["ปลาช่อนนึ่ง"], None),
    ]
    # nothing changed but the load's memory of the file: the next start loads it again
    await world.db.execute("DELETE FROM reference_loads WHERE name = 'catalogue'")
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as restarted:
        assert await world.db.fetchval("SELECT count(*) FROM reference_loads WHERE name = 'catalogue'") == 1
        eggs = (await restarted.get("/v1/items/quail-eggs")).json()
        listed = (await restarted.get("/v1/items", params={"q": "ปลาช่อน"})).json()["data"]
    assert [dict(r) for r in await world.db.fetch(ROW)] == before
    assert (eggs["synonyms_th"], eggs["counted_th"], eggs["version"]) == (["ไข่นก", "ไข่นกทา"], "ฟอง", 2)
    assert [(i["id"], i["synonyms_th"]) for i in listed] == [("striped-snakehead", ["ปลาช่อนนึ่ง"])]
    # and the shipped goods' words are still the file's
    assert (await world.get(ANON, "/v1/items/eggs-chicken")).json()["counted_th"] == "ฟอง"


async def test_a_load_with_its_checksum_forgotten_changes_no_added_goods(world: World) -> None:
    before = await _added(world)
    await world.db.execute("DELETE FROM reference_loads WHERE name = 'catalogue'")
    assert await load_reference_data(world.db) == ["catalogue"]
    assert [dict(r) for r in await world.db.fetch(ROW)] == before


SHIPPED = {
    "category_id": "fish-seafood",
    "unit": "kg",
    "kg_per_unit": 1,
    "shelf_life_days": 3,
    "reference_value": 80,
    "quantity_step": 0.1,
}


def _a_later_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_items: list[dict[str, Any]],
    synonyms: dict[str, list[str]] | None = None,
) -> None:
    """The reference files as a later release might ship them: the catalogue with `new_items` and
    the shipped items' synonyms in `synonyms` (by id), the rest as they are."""
    for name in ("regions.json", "provinces.json", "subdistricts.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    catalogue = json.loads((REFERENCE_DIR / "catalogue.json").read_text(encoding="utf-8"))
    for item in catalogue["items"]:
        item["synonyms_th"] = (synonyms or {}).get(item["id"], item.get("synonyms_th", []))
    catalogue["items"] += new_items
    (tmp_path / "catalogue.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)


async def test_a_file_naming_added_goods_does_not_load_over_them(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A later catalogue file that ships goods the network already added (by id, or by Thai name
    under another id) leaves the network's as they are, loads the rest, and starts: no unique
    violation stops the server."""
    before = await _added(world)
    _a_later_file(
        tmp_path,
        monkeypatch,
        [
            {
                **SHIPPED,
                "id": "striped-snakehead",
                "name_th": "ปลาช่อนสด",
                "name_en": "Snakehead",
                "synonyms_th": ["ทู"],
            },
            {**SHIPPED, "id": "snakehead", "name_th": "ไข่นกกระทา", "name_en": "Quail eggs"},
            {**SHIPPED, "id": "squid-fresh", "name_th": "ปลาหมึกสด", "name_en": "Fresh squid"},
        ],
    )
    with caplog.at_level(logging.WARNING, logger="barter.storage.reference"):
        assert await load_reference_data(world.db) == ["catalogue"]
    assert [dict(r) for r in await world.db.fetch(ROW)] == before
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE id = 'snakehead'") == 0
    assert await world.db.fetchval("SELECT name_th FROM items WHERE id = 'squid-fresh'") == "ปลาหมึกสด"
    skipped = sorted(
        r.getMessage().split()[2] for r in caplog.records if r.name == "barter.storage.reference"
    )
    assert skipped == ["snakehead", "striped-snakehead"]


async def test_a_file_whose_names_the_network_added_leaves_them_out_with_a_warning(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A later file whose goods are called by a name the network's goods are called by (their
    name or another name, compared without spaces) neither stops the start nor loads a second item
    by it: a file item named so is not loaded; a synonym so, of a new item or of a shipped one
    already loaded, is left out and the rest of the goods load; each said in a warning."""
    before = await _added(world)  # ปลาช่อน (ปลาช่อนนึ่ง), ไข่นกกระทา (ไข่นก, ไข่นกทา)
    _a_later_file(
        tmp_path,
        monkeypatch,
        [
            {
                **SHIPPED,
                "id": "snakehead-boiled",
                "name_th": "ปลาช่อนต้ม",
                "name_en": "Boiled snakehead",
                "synonyms_th": ["ปลาช่อน นึ่ง", "ทูต้ม", "ไข่นกทา"],
            },
            {**SHIPPED, "id": "quail", "name_th": "ไข่ นก", "name_en": "Quail"},
        ],
        {"dried-fish": ["ปลาตากแห้ง", "ปลาช่อน"]},
    )
    with caplog.at_level(logging.WARNING, logger="barter.storage.reference"):
        assert await load_reference_data(world.db) == ["catalogue"]
    assert [dict(r) for r in await world.db.fetch(ROW)] == before
    loaded = {
        r["id"]: r["synonyms_th"]
        for r in await world.db.fetch(
            "SELECT id, synonyms_th FROM items WHERE id IN ('snakehead-boiled', 'quail', 'dried-fish')"
        )
    }
    assert loaded == {"snakehead-boiled": ["ทูต้ม"], "dried-fish": ["ปลาตากแห้ง"]}
    # no name calls two goods
    names = await world.db.fetch(
        "SELECT replace(n, ' ', '') AS n, count(*) FROM items, unnest(array_prepend(name_th, synonyms_th)) n "
        "GROUP BY 1 HAVING count(*) > 1"
    )
    assert names == []
    said = {
        r.getMessage().split(" not loaded")[0]: r.getMessage()
        for r in caplog.records
        if r.name == "barter.storage.reference"
    }
    assert set(said) == {
        "catalogue item quail (ไข่ นก)",
        "catalogue synonym ปลาช่อน นึ่ง of snakehead-boiled (ปลาช่อนต้ม)",
        "catalogue synonym ปลาช่อน of dried-fish (ปลาแห้ง)",
        "catalogue synonym ไข่นกทา of snakehead-boiled (ปลาช่อนต้ม)",
    }
    egg = said["catalogue synonym ไข่นกทา of snakehead-boiled (ปลาช่อนต้ม)"]
    assert "the network added quail-eggs, called ไข่นกทา" in egg
    assert "the network added quail-eggs (ไข่นก)" in said["catalogue item quail (ไข่ นก)"]
    # the LINE reader and the lists read ปลาช่อน as the network's goods still
    found = (await world.get(ANON, "/v1/items", q="ปลาช่อน")).json()["data"]
    assert {i["id"] for i in found} == {"striped-snakehead", "snakehead-boiled"}


# The goods this release added to the shipped catalogue, and the one word it took from an item.
SECOND_RELEASE = (
    "mackerel", "smoked-fish", "curry-paste", "dried-chili", "lime", "bamboo-shoot", "pomelo", "paddy",
    "peanuts", "mung-beans",
)  # fmt: skip


async def test_a_network_on_the_first_catalogue_gets_the_new_goods_and_words_on_its_next_start(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A network whose database holds the first catalogue (60 goods, "กาแฟ" another name of roasted
    coffee) gets ปลาทู, ข้าวเปลือก and the rest when it starts on this release, and "กาแฟ" stops
    being roasted coffee's: the reader asks which coffee. Goods it added itself stay as they were."""
    before = await _added(world)
    await world.db.execute("DELETE FROM items WHERE id = ANY($1::text[])", list(SECOND_RELEASE))
    await world.db.execute("DELETE FROM categories WHERE id = 'grains-beans'")
    first = json.loads((REFERENCE_DIR / "catalogue.json").read_text(encoding="utf-8"))
    first["categories"] = [c for c in first["categories"] if c["id"] != "grains-beans"]
    first["items"] = [i for i in first["items"] if i["id"] not in SECOND_RELEASE]
    for item in first["items"]:
        if item["id"] == "coffee-roasted":
            item["synonyms_th"] = ["กาแฟ"]
        if item["id"] == "coffee-green":
            del item["synonyms_th"]
    assert len(first["items"]) == 60
    real = REFERENCE_DIR
    _a_later_file(tmp_path, monkeypatch, [])
    (tmp_path / "catalogue.json").write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    assert await load_reference_data(world.db) == ["catalogue"]
    assert await world.db.fetchval("SELECT synonyms_th FROM items WHERE id = 'coffee-roasted'") == ["กาแฟ"]
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE added_by IS NULL") == 60
    # meanwhile a village posted goods that catalogue lacked, on its coordinator's list to add
    async with world.db.transaction():
        await unknown_goods.note(world.db, world.a["id"], ["ปลาทู", "มันสำปะหลัง"], "line", T0)
    assert [u["word"] for u in (await world.get(COORD, "/v1/unknown-goods")).json()["data"]] == [
        "มันสำปะหลัง",
        "ปลาทู",
    ]

    monkeypatch.setattr(reference, "REFERENCE_DIR", real)  # the next start, on this release
    assert await load_reference_data(world.db) == ["catalogue"]
    shipped = {r["id"] for r in await world.db.fetch("SELECT id FROM items WHERE added_by IS NULL")}
    assert set(SECOND_RELEASE) <= shipped
    assert len(shipped) == 70
    coffee = {
        r["id"]: r["synonyms_th"]
        for r in await world.db.fetch("SELECT id, synonyms_th FROM items WHERE id LIKE 'coffee-%'")
    }
    assert coffee == {
        "coffee-roasted": ["เมล็ดกาแฟคั่ว", "กาแฟบด", "กาแฟคั่วบด"],
        "coffee-green": ["กาแฟดิบ", "กาแฟสาร"],
    }
    assert [dict(r) for r in await world.db.fetch(ROW)] == before
    found = (await world.get(ANON, "/v1/items", q="ปลาทู")).json()["data"]
    assert [(i["id"], i["category_id"], i["unit"]) for i in found] == [("mackerel", "fish-seafood", "kg")]
    grains = (await world.get(ANON, "/v1/items", category_id="grains-beans")).json()["data"]
    assert {i["id"] for i in grains} == {"paddy", "peanuts", "mung-beans"}
    # ปลาทู is goods now: off the list, where adding it would be refused as a name taken
    assert [u["word"] for u in (await world.get(COORD, "/v1/unknown-goods")).json()["data"]] == ["มันสำปะหลัง"]
