"""Spreadsheet import: a dry run row by row, then one transaction, idempotent per file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from barter.domain.clock import THAI_TIME, ManualClock
from barter.domain.spreadsheet import GOODS_SHEET, template_headers
from tests.added_goods import GRILLED_CHICKEN, SNAKEHEAD, add_goods, as_if_added_elsewhere
from tests.dates import ahead, be_slash
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["ประเภท", "รหัสชุมชน", "สินค้า", "จำนวน", "หน่วย", "ต้องการภายใน", "หมายเหตุ"]


def xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def market(w: World, n: int = 500) -> list[list[Any]]:
    needed_by = be_slash(ahead(120))  # as a village types it: 31/3/2570
    return [
        ["มี", w.a["id"], "ปลาแห้ง", 10 + i, "กก.", "", f"ล็อต {i}"]
        if i % 2 == 0
        else ["ต้องการ", w.a["id"], "ข้าวสาร", 100 + i, "กิโล", needed_by, ""]
        for i in range(n)
    ]


async def send(w: World, persona: str, body: bytes, *, dry_run: bool, content_type: str = XLSX) -> Any:
    headers = w.headers(persona, **{"Content-Type": content_type})
    params = {"dry_run": "true"} if dry_run else {}
    return await w.client.post("/v1/imports", content=body, params=params, headers=headers)


async def listing_counts(w: World) -> tuple[int, int]:
    row = await w.db.fetchrow("SELECT (SELECT count(*) FROM offers) AS o, (SELECT count(*) FROM needs) AS n")
    assert row is not None
    return row["o"], row["n"]


async def refusals_of(
    w: World, body: bytes
) -> tuple[dict[int, list[tuple[str, str, str]]], list[tuple[str, str]]]:
    """A file's dry run as each row's refusals (column, code, Thai words), and the paths and codes
    its real import is refused with (422, creating nothing)."""
    report = (await send(w, COORD, body, dry_run=True)).json()
    said = {
        r["row"]: [(e["field"], e["code"], e["message_th"]) for e in r["errors"]] for r in report["report"]
    }
    refused = await send(w, COORD, body, dry_run=False)
    assert refused.status_code == 422, refused.text
    assert await listing_counts(w) == (0, 0)
    return said, [(e["path"], e["code"]) for e in refused.json()["errors"]]


async def test_eggs_weighed_in_a_sheet_are_told_they_are_counted_in_fong(world: World) -> None:
    """Eggs are counted, not weighed: the row is refused in the eggs' own word, not ชิ้น."""
    body = xlsx(
        [["มี", world.a["id"], "ไข่ไก่", 20, "กก.", "", ""], ["มี", world.a["id"], "ไข่ไก่", 300, "ฟอง", "", ""]]
    )
    said, refused = await refusals_of(world, body)
    assert said == {2: [("unit", "counted_in", 'แถวที่ 2 คอลัมน์ "หน่วย": ของนี้นับเป็น ฟอง')], 3: []}
    assert refused == [("rows[2].unit", "counted_in")]


async def test_a_sheet_naming_goods_the_network_added_is_read_in_their_own_words(world: World) -> None:
    """ปลาช่อน and ไก่ย่าง (counted ตัว), added by a coordinator through another server process: a
    sheet names them as it names the shipped goods, and counts the chicken in its ตัว; weighed,
    the chicken is told it is counted in ตัว (not ชิ้น)."""
    snakehead = await add_goods(world, SNAKEHEAD)
    chicken = await add_goods(world, GRILLED_CHICKEN)
    as_if_added_elsewhere()
    weighed = xlsx([["มี", world.a["id"], "ไก่ย่าง", 3, "กก.", "", ""]])
    said, refused = await refusals_of(world, weighed)
    assert said == {2: [("unit", "counted_in", 'แถวที่ 2 คอลัมน์ "หน่วย": ของนี้นับเป็น ตัว')]}
    assert refused == [("rows[2].unit", "counted_in")]
    body = xlsx(
        [
            ["มี", world.a["id"], "ปลาช่อน", 40, "กก.", "", "สดจากเรือ"],
            ["มี", world.a["id"], "ไก่ย่าง", 12, "ตัว", "", ""],
            ["ต้องการ", world.a["id"], "ไก่ย่าง", 6, "ตัว", be_slash(ahead(20)), ""],
        ]
    )
    created = await send(world, COORD, body, dry_run=False)
    assert created.status_code == 201, created.text
    assert [(r["kind"], r["item_id"], r["quantity"], r["unit"]) for r in created.json()["report"]] == [
        ("offer", snakehead, 40, "kg"),
        ("offer", chicken, 12, "piece"),
        ("need", chicken, 6, "piece"),
    ]
    offers = (await world.get(OWNER, "/v1/offers", community_id=world.a["id"])).json()["data"]
    assert sorted((o["item_id"], o["quantity"], o["unit"]) for o in offers) == sorted(
        [(snakehead, 40.0, "kg"), (chicken, 12.0, "piece")]
    )


async def test_dry_run_reports_every_row_and_a_bad_row_stops_only_itself(world: World) -> None:
    rows = market(world)
    rows[100] = ["มี", world.a["id"], "ลางสาด", "ห้าสิบ", "กก.", "", ""]  # unknown item, not a number
    rows[200] = ["ต้องการ", world.b["id"], "ข้าวสาร", 50, "กก.", "", ""]  # a northern community
    rows[300] = ["มี", world.a["id"], "ปลาแห้ง", 5, "ลิตร", "", ""]  # dried fish is counted in kg
    response = await send(world, COORD, xlsx(rows), dry_run=True)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["ok"], report["failed"], report["created"]) == (500, 497, 3, 0)
    bad = {r["row"]: r for r in report["report"] if not r["ok"]}
    assert sorted(bad) == [102, 202, 302]  # spreadsheet rows: the header is row 1
    assert {e["field"] for e in bad[102]["errors"]} == {"item", "quantity"}
    assert bad[202]["errors"][0]["field"] == "community_id"  # not this coordinator's region
    assert bad[302]["errors"][0]["field"] == "unit"
    assert all(e["message_th"] for r in bad.values() for e in r["errors"])
    good = report["report"][1]
    assert (good["kind"], good["item_id"], good["quantity"], good["unit"], good["listing_id"]) == (
        "need", "rice-white", 101.0, "kg", None,
    )  # fmt: skip
    assert await listing_counts(world) == (0, 0)  # a dry run changes nothing
    refused = await send(world, COORD, xlsx(rows), dry_run=False)
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} >= {"rows[102].item", "rows[202].community_id"}
    assert await listing_counts(world) == (0, 0)  # one transaction: nothing of a file with a bad row


async def test_500_rows_import_in_one_transaction_once(world: World) -> None:
    body = xlsx(market(world))
    created = await send(world, COORD, body, dry_run=False)
    assert created.status_code == 201, created.text
    report = created.json()
    assert (report["created"], report["failed"], report["replayed"]) == (500, 0, False)
    assert all(r["listing_id"] for r in report["report"])
    assert await listing_counts(world) == (250, 250)
    stamps = await world.db.fetchval(
        "SELECT count(DISTINCT created_at) FROM (SELECT created_at FROM offers UNION ALL SELECT created_at FROM needs) x"
    )
    assert stamps == 1  # now() is the transaction's start: all 500 rows came in one transaction
    vias = await world.db.fetch(
        "SELECT via, count(*) FROM audit_log WHERE entity IN ('offer', 'need') GROUP BY via"
    )
    assert [(r["via"], r["count"]) for r in vias] == [("import", 500)]
    again = await send(world, COORD, body, dry_run=False)
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["report"] == report["report"]
    assert await listing_counts(world) == (250, 250)


async def test_csv_in_thai_windows_encoding(world: World) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerow(["มี", world.a["id"], "กุ้งแห้ง", "1,200", "กิโลกรัม", "", "ตากแห้ง"])
    response = await send(
        world, ADMIN, text.getvalue().encode("cp874"), dry_run=False, content_type="text/csv"
    )
    assert response.status_code == 201, response.text
    offers = (await world.get(OWNER, "/v1/offers", community_id=world.a["id"])).json()["data"]
    assert [(o["item_id"], o["quantity"], o["note"]) for o in offers] == [("dried-shrimp", 1200.0, "ตากแห้ง")]


async def test_only_coordinators_and_admins_import_and_anyone_gets_the_template(world: World) -> None:
    body = xlsx(market(world, 2))
    assert (await send(world, OWNER, body, dry_run=True)).status_code == 403
    assert (await send(world, ANON, body, dry_run=True)).status_code == 401
    empty = await send(world, COORD, b"", dry_run=True, content_type="text/csv")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["path"] == "file"
    template = await world.client.get("/v1/imports/template.csv")
    assert template.status_code == 200
    assert template.content.startswith("\ufeffประเภท (kind)".encode())
    workbook = await world.client.get("/v1/imports/template.xlsx")
    assert workbook.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "ประเภท (kind)"


async def test_the_template_offers_the_live_catalogue_goods_the_network_added_among_them(
    world: World,
) -> None:
    """Anyone downloads it, as the catalogue is open; its goods sheet is the catalogue as the import
    reads it, so goods a coordinator added a moment ago are offered in the item column too."""
    await add_goods(world, GRILLED_CHICKEN)
    workbook = await world.client.get("/v1/imports/template.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    goods = [[c.value for c in row] for row in book[GOODS_SHEET].iter_rows(min_row=2)]
    shipped = (await world.get(ANON, "/v1/items", limit=200)).json()["data"]
    assert len(goods) == len(shipped)
    assert goods[-1][:3] == ["ไก่ย่าง", "Grilled chicken", "ตัว"]
    assert "ปลาเค็ม" in {g[0] for g in goods}
    picks = {str(v.sqref): v.formula1 for v in book["รายการ"].data_validations.dataValidation}
    assert picks["C2:C1001"] == f"'{GOODS_SHEET}'!$A$2:$A${len(goods) + 1}"


async def test_a_row_needed_by_a_day_already_past_is_refused_by_the_same_rule(world: World) -> None:
    rows = market(world, 4)
    rows[1] = ["ต้องการ", world.a["id"], "ข้าวสาร", 100, "กก.", "1/1/2560", ""]  # 1 Jan 2017
    response = await send(world, COORD, xlsx(rows), dry_run=True)
    assert response.status_code == 200, response.text
    bad = [r for r in response.json()["report"] if not r["ok"]]
    assert [(r["row"], [(e["field"], e["code"]) for e in r["errors"]]) for r in bad] == [
        (3, [("needed_by", "in_the_past")])
    ]
    assert bad[0]["errors"][0]["message_th"] == f'แถวที่ 3 คอลัมน์ "ต้องการภายใน": {PASSED_TH}'
    assert bad[0]["errors"][0]["message_en"] == f'Row 3, column "needed_by": {PASSED_EN}'


PASSED_TH = "วันที่นี้ผ่านไปแล้ว (ถ้าพิมพ์ปี ค.ศ. ให้ใช้ปี พ.ศ. เช่น 15/1/2570)"
PASSED_EN = "this day has already passed (if you typed a Christian-era year, use the Buddhist-era year, e.g. 15/1/2570)"
# msgspec's words for developers ("Expected `float` > 0.0", "got `str`"): never in an import's answer.
MSGSPEC = re.compile(r"Expected|`|\bstr\b|\bfloat\b|\$\.")
# The template's headers ("จำนวน (quantity)") of the columns the rows below fill.
TEMPLATE_HEADER = [
    h
    for h in template_headers()
    if h.endswith(("(kind)", "_id)", "(item)", "(quantity)", "(unit)", "(needed_by)"))
]


def _sheet(rows: list[list[Any]], fmt: str) -> tuple[bytes, str]:
    """The rows under the template's header, as an XLSX workbook or as a CSV file (UTF-8, BOM)."""
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows([TEMPLATE_HEADER, *rows])
        return text.getvalue().encode("utf-8-sig"), "text/csv"
    return xlsx(rows, TEMPLATE_HEADER), XLSX


def _christian_era(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_each_refused_row_says_its_row_column_and_problem_in_thai_with_the_english_beside(
    world: World, fmt: str
) -> None:
    a = world.a["id"]
    good = [
        ["มี", a, "ปลาแห้ง", 10, "กก.", ""],
        [
            "ต้องการ",
            a,
            "ข้าวสาร",
            100,
            "กิโล",
            _christian_era(ahead(60)),
        ],  # a Christian-era year ahead: read as one
        ["ต้องการ", a, "ข้าวสาร", 200, "กก.", be_slash(ahead(90))],
    ]
    bad = [
        ["มี", a, "ปลาแห้ง", -5, "กก.", ""],  # row 5
        ["ต้องการ", a, "ข้าวสาร", "ห้าสิบ", "กิโล", be_slash(ahead(60))],
        ["มี", a, "ลางสาด", 20, "กก.", ""],
        ["ต้องการ", a, "ข้าวสาร", 100, "กก.", "1/1/2560"],  # 1 Jan 2017
        ["ต้องการ", a, "ข้าวสาร", 100, "กก.", _christian_era(ahead(-10))],  # a Christian-era day gone by
        ["มี", a, "", 10, "กก.", ""],
        ["มี", a, "ปลาแห้ง", 5_000_000_000, "กก.", ""],  # past the listing's bound (msgspec's, once)
        ["มี", a, "ปลาแห้ง", 10, "ลิตร", ""],  # dried fish is counted in kg
    ]
    body, content_type = _sheet(good + bad, fmt)
    response = await send(world, COORD, body, dry_run=True, content_type=content_type)
    assert response.status_code == 200, response.text
    assert not MSGSPEC.search(response.text), response.text
    report = response.json()
    assert (report["rows"], report["ok"], report["failed"]) == (11, 3, 8)
    assert [r["row"] for r in report["report"] if r["ok"]] == [
        2,
        3,
        4,
    ]  # good rows stand, spreadsheet-numbered
    said = {
        r["row"]: [(e["field"], e["code"], e["message_th"]) for e in r["errors"]]
        for r in report["report"]
        if not r["ok"]
    }
    assert said == {
        5: [("quantity", "gt", 'แถวที่ 5 คอลัมน์ "จำนวน": ต้องมากกว่า 0')],
        6: [("quantity", "not_a_number", 'แถวที่ 6 คอลัมน์ "จำนวน": ต้องเป็นตัวเลข')],
        7: [("item", "not_known", 'แถวที่ 7 คอลัมน์ "สินค้า": ไม่รู้จัก "ลางสาด"')],
        8: [("needed_by", "in_the_past", f'แถวที่ 8 คอลัมน์ "ต้องการภายใน": {PASSED_TH}')],
        9: [("needed_by", "in_the_past", f'แถวที่ 9 คอลัมน์ "ต้องการภายใน": {PASSED_TH}')],
        10: [("item", "required", 'แถวที่ 10 คอลัมน์ "สินค้า": กรุณากรอกช่องนี้')],
        11: [("quantity", "le", 'แถวที่ 11 คอลัมน์ "จำนวน": ต้องไม่เกิน 1,000,000,000')],
        12: [("unit", "counted_in", 'แถวที่ 12 คอลัมน์ "หน่วย": ของนี้นับเป็น กก.')],
    }
    assert not re.search("[A-Za-z]", "".join(m for row in said.values() for _, _, m in row))  # Thai alone
    english = {r["row"]: [e["message_en"] for e in r["errors"]] for r in report["report"] if not r["ok"]}
    assert english[5] == ['Row 5, column "quantity": must be more than 0']
    assert english[7] == ['Row 7, column "item": "ลางสาด" is not known']
    assert english[12] == ['Row 12, column "unit": this is counted in kg']
    assert await listing_counts(world) == (0, 0)  # a dry run changes nothing
    # A real import is one transaction: with a bad row, nothing; its Thai detail says the rows too.
    headers = world.headers(COORD, **{"Content-Type": content_type, "Accept-Language": "th"})
    refused = await world.client.post("/v1/imports", content=body, headers=headers)
    assert refused.status_code == 422
    assert not MSGSPEC.search(refused.text), refused.text
    assert refused.json()["detail"] == (
        'นำเข้าไม่ได้ มี 8 แถวที่ต้องแก้: แถวที่ 5 คอลัมน์ "จำนวน": ต้องมากกว่า 0;'
        ' แถวที่ 6 คอลัมน์ "จำนวน": ต้องเป็นตัวเลข; แถวที่ 7 คอลัมน์ "สินค้า": ไม่รู้จัก "ลางสาด"'
    )
    assert [(e["path"], e["code"]) for e in refused.json()["errors"]][:2] == [
        ("rows[5].quantity", "gt"),
        ("rows[6].quantity", "not_a_number"),
    ]
    assert await listing_counts(world) == (0, 0)
    # The good rows alone are imported, the Christian-era year read as such.
    good_only, _ = _sheet(good, fmt)
    created = await send(world, COORD, good_only, dry_run=False, content_type=content_type)
    assert created.status_code == 201, created.text
    assert await listing_counts(world) == (1, 2)
    assert await world.db.fetchval("SELECT min(needed_by) FROM needs") == ahead(60)


async def test_a_fraction_where_a_whole_number_goes_and_a_long_note_are_refused_never_cut(
    world: World,
) -> None:
    """A priority of 2.5 was read as 2 and a note cut at 1,000 characters: each is now refused
    with its column and code, and a real import of the file creates nothing."""
    header = [*HEADER, "ความเร่งด่วน"]
    needed_by = be_slash(ahead(60))
    a = world.a["id"]
    rows = [
        ["ต้องการ", a, "ข้าวสาร", 100, "กก.", needed_by, "", 2.5],
        ["ต้องการ", a + 0.5, "ข้าวสาร", 100, "กก.", needed_by, "", 3],
        ["มี", a, "ปลาแห้ง", 10, "กก.", "", "ก" * 1001, ""],
        ["ต้องการ", a, "ข้าวสาร", 100, "กก.", needed_by, "ก" * 1000, 4],  # the longest note, whole
    ]
    said, refused = await refusals_of(world, xlsx(rows, header))
    assert said == {
        2: [("priority", "whole_number", 'แถวที่ 2 คอลัมน์ "ความเร่งด่วน": ต้องเป็นจำนวนเต็ม')],
        3: [("community_id", "whole_number", 'แถวที่ 3 คอลัมน์ "รหัสชุมชน": ต้องเป็นจำนวนเต็ม')],
        4: [("note", "too_long", 'แถวที่ 4 คอลัมน์ "หมายเหตุ": ยาวเกินไป (ไม่เกิน 1,000 ตัวอักษร)')],
        5: [],
    }
    assert refused == [
        ("rows[2].priority", "whole_number"),
        ("rows[3].community_id", "whole_number"),
        ("rows[4].note", "too_long"),
    ]


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"])
async def test_a_cell_that_python_reads_as_no_finite_number_is_not_a_number_in_every_numeric_column(
    world: World, cell: str
) -> None:
    """`nan` in the priority column was `whole_number` ("must be a whole number"), and in the
    quantity column it went on as a number: each is `not_a_number` at its row and column, as
    `abc` is, and a real import of the file creates nothing."""
    header = [*HEADER, "ความเร่งด่วน"]
    needed_by = be_slash(ahead(60))
    a = world.a["id"]
    rows = [
        ["ต้องการ", a, "ข้าวสาร", 100, "กก.", needed_by, "", cell],
        ["ต้องการ", cell, "ข้าวสาร", 100, "กก.", needed_by, "", 3],
        ["มี", a, "ปลาแห้ง", cell, "กก.", "", "", ""],
        ["มี", a, "ปลาแห้ง", "abc", "กก.", "", "", ""],
    ]
    said, refused = await refusals_of(world, xlsx(rows, header))
    assert said == {
        2: [("priority", "not_a_number", 'แถวที่ 2 คอลัมน์ "ความเร่งด่วน": ต้องเป็นตัวเลข')],
        3: [("community_id", "not_a_number", 'แถวที่ 3 คอลัมน์ "รหัสชุมชน": ต้องเป็นตัวเลข')],
        4: [("quantity", "not_a_number", 'แถวที่ 4 คอลัมน์ "จำนวน": ต้องเป็นตัวเลข')],
        5: [("quantity", "not_a_number", 'แถวที่ 5 คอลัมน์ "จำนวน": ต้องเป็นตัวเลข')],
    }
    assert refused == [
        ("rows[2].priority", "not_a_number"),
        ("rows[3].community_id", "not_a_number"),
        ("rows[4].quantity", "not_a_number"),
        ("rows[5].quantity", "not_a_number"),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (ADMIN, 200),
        (COORD, 200),
        (COORD_ELSEWHERE, 200),  # reads the file, but acts for no southern community
        (OWNER, 403),
        (OTHER, 403),
        (PARTNER, 403),
        ("partner_detail", 403),
        (ANON, 401),
    ],
)
async def test_who_reads_a_sheet_with_a_fractional_priority(world: World, persona: str, status: int) -> None:
    world.keys["partner_detail"] = await world.new_key(role="partner", partner_detail=True)
    row = ["ต้องการ", world.a["id"], "ข้าวสาร", 100, "กก.", be_slash(ahead(60)), "", 2.5]
    whole = [*row[:-1], 3]
    response = await send(world, persona, xlsx([row, whole], [*HEADER, "ความเร่งด่วน"]), dry_run=True)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"]
        return
    fraction, whole_row = response.json()["report"]
    assert [(e["field"], e["code"]) for e in fraction["errors"]] == [("priority", "whole_number")]
    expected = [("community_id", "not_found")] if persona == COORD_ELSEWHERE else []
    assert [(e["field"], e["code"]) for e in whole_row["errors"]] == expected


async def test_a_whole_number_cell_written_2_0_is_that_number_as_in_the_json_api(world: World) -> None:
    """A spreadsheet keeps numbers as floats: a priority cell of 2.0 (or "2.0") is priority 2, as
    the JSON API takes `"priority": 2.0`; 2.5 is refused in both."""
    row = ["ต้องการ", float(world.a["id"]), "ข้าวสาร", 100, "กก.", be_slash(ahead(60)), "", 2.0]
    text = [*row[:-1], "4.0"]
    created = await send(world, COORD, xlsx([row, text], [*HEADER, "ความเร่งด่วน"]), dry_run=False)
    assert created.status_code == 201, created.text
    priorities = await world.db.fetch("SELECT priority FROM needs ORDER BY id")
    assert [r["priority"] for r in priorities] == [2, 4]


async def _unknown_goods(w: World) -> list[tuple[str, int, str, int]]:
    rows = await w.db.fetch("SELECT word, community_id, channel, times FROM unknown_goods")
    return sorted((r["word"], r["community_id"], r["channel"], r["times"]) for r in rows)


async def test_goods_a_sheet_names_that_the_catalogue_lacks_are_kept_for_coordinators(world: World) -> None:
    """A row naming goods the catalogue lacks is refused `not_known`, and the goods are kept for the
    coordinators of the row's community (tidied as names are, once per file however many rows name
    them), from the dry run that reports the row; not for a community the importer does not act
    for; a real import refused for the row keeps nothing of it (the whole file is undone)."""
    a, b = world.a["id"], world.b["id"]
    rows = [
        ["มี", a, " ปลาช่อน ", 40, "กก.", "", ""],
        ["มี", a, "ปลาช่อน", 10, "กก.", "", ""],
        ["ต้องการ", a, "มัน   สำปะหลัง", 50, "กก.", "", ""],
        ["ต้องการ", b, "ข้าวโพด", 50, "กก.", "", ""],  # the north's: not this coordinator's to learn of
        ["มี", a, "Snakehead", 10, "กก.", "", ""],  # no goods' Thai name: nothing to add by it
        ["มี", a, "ปลาแห้ง", 10, "กก.", "", ""],
    ]
    report = await send(world, COORD, xlsx(rows), dry_run=True)
    assert report.status_code == 200, report.text
    refused = {r["row"]: [(e["field"], e["code"]) for e in r["errors"]] for r in report.json()["report"]}
    assert refused[2] == refused[4] == refused[6] == [("item", "not_known")]
    assert await _unknown_goods(world) == [("ปลาช่อน", a, "import", 1), ("มัน สำปะหลัง", a, "import", 1)]
    assert (await send(world, COORD, xlsx(rows), dry_run=False)).status_code == 422
    assert await _unknown_goods(world) == [("ปลาช่อน", a, "import", 1), ("มัน สำปะหลัง", a, "import", 1)]
    assert (await send(world, ADMIN, xlsx(rows), dry_run=True)).status_code == 200  # acts for both
    assert await _unknown_goods(world) == [
        ("ข้าวโพด", b, "import", 1),
        ("ปลาช่อน", a, "import", 2),
        ("มัน สำปะหลัง", a, "import", 2),
    ]


async def test_a_sheet_checked_again_counts_its_unknown_goods_once_a_day_per_importer(
    world: World, clock: ManualClock
) -> None:
    """The dry runs of one sheet, repeated as it is (a CSV and its XLSX alike) or with another row
    fixed, are one naming of its unknown goods for that importing key and Thai day: counted and
    last seen once; another key's sheet, or the same sheet the next Thai day, is another."""
    a = world.a["id"]
    rows = [["มี", a, "ปลาช่อน", 40, "กก.", "", ""], ["มี", a, "ปลาแห้ง", -1, "กก.", "", ""]]
    clock.advance(hours=(36 - clock.now().astimezone(THAI_TIME).hour) % 24)  # noon or so, in Thailand
    first = clock.now()
    for sheet in (rows, rows, [rows[0], ["มี", a, "ปลาแห้ง", 5, "กก.", "", ""]]):
        assert (await send(world, COORD, xlsx(sheet), dry_run=True)).status_code == 200
        clock.advance(minutes=10)
    body = "\n".join(",".join(map(str, r)) for r in [HEADER, *rows]).encode()
    assert (await send(world, COORD, body, dry_run=True, content_type="text/csv")).status_code == 200
    assert await _unknown_goods(world) == [("ปลาช่อน", a, "import", 1)]
    assert await world.db.fetchval("SELECT last_seen FROM unknown_goods") == first
    assert (await send(world, ADMIN, xlsx(rows), dry_run=True)).status_code == 200
    assert await _unknown_goods(world) == [("ปลาช่อน", a, "import", 2)]
    clock.advance(days=1)
    assert (await send(world, COORD, xlsx(rows), dry_run=True)).status_code == 200
    assert (await send(world, COORD, xlsx(rows), dry_run=True)).status_code == 200
    assert await _unknown_goods(world) == [("ปลาช่อน", a, "import", 3)]
    assert await world.db.fetchval("SELECT last_seen FROM unknown_goods") == clock.now()
