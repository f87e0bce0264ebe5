"""Spreadsheet import: a dry run row by row, then one transaction, idempotent per file."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.dates import ahead, be_slash
from tests.world import ADMIN, ANON, COORD, OWNER, World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["ประเภท", "รหัสชุมชน", "สินค้า", "จำนวน", "หน่วย", "ต้องการภายใน", "หมายเหตุ"]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
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


async def test_dry_run_reports_every_row_and_a_bad_row_stops_only_itself(world: World) -> None:
    rows = market(world)
    rows[100] = ["มี", world.a["id"], "ลองกอง", "ห้าสิบ", "กก.", "", ""]  # unknown item, not a number
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


async def test_a_row_needed_by_a_day_already_past_is_refused_by_the_same_rule(world: World) -> None:
    rows = market(world, 4)
    rows[1] = ["ต้องการ", world.a["id"], "ข้าวสาร", 100, "กก.", "1/1/2560", ""]  # 1 Jan 2017
    response = await send(world, COORD, xlsx(rows), dry_run=True)
    assert response.status_code == 200, response.text
    bad = [r for r in response.json()["report"] if not r["ok"]]
    assert [(r["row"], [e["field"] for e in r["errors"]]) for r in bad] == [(3, ["needed_by"])]
    assert "2017-01-01 is in the past" in bad[0]["errors"][0]["message_en"]
