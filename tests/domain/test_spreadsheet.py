from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from barter.domain import refusals
from barter.domain.spreadsheet import (
    GOODS_HEADERS,
    GOODS_SHEET,
    Format,
    SheetError,
    detect_format,
    read_sheet,
    template_csv,
    template_headers,
    template_xlsx,
)
from barter.reference import load_catalogue
from tests.added_goods import ADDED

CATALOGUE = load_catalogue()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TODAY = date(2027, 12, 20)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [("csv", template_csv(TODAY)), ("xlsx", template_xlsx(TODAY)), ("xlsx", template_xlsx(TODAY, CATALOGUE))],
)
def test_the_template_reads_back_as_two_good_rows(fmt: str, data: bytes) -> None:
    assert detect_format(f"t.{fmt}", data) == fmt
    offer, need = read_sheet(data, "csv" if fmt == "csv" else "xlsx", CATALOGUE)
    assert offer.ok, offer.errors
    assert need.ok, need.errors
    assert (offer.kind, offer.community_id, offer.item_id, offer.quantity, offer.unit) == (
        "offer",
        12,
        "salted-fish",
        200,
        "kg",
    )
    # its example dates follow the day it is downloaded: fixed ones would become past (refused)
    assert (offer.available_from, offer.available_until) == (date(2028, 1, 19), date(2028, 4, 18))
    assert offer.min_lot == 20
    assert (need.kind, need.item_id, need.quantity, need.needed_by, need.priority) == (
        "need",
        "rice-jasmine",
        1500,
        date(2028, 4, 18),
        4,
    )


def test_template_xlsx_has_thai_headers_with_english() -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx(TODAY))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == template_headers()
    assert template_headers()[0] == "ประเภท (kind)"


def test_the_template_offers_every_goods_to_pick_and_each_reads_back_as_its_item() -> None:
    """A coordinator filling the template had to know the catalogue's names: a sheet the import
    refused at each misspelt one. The template's goods sheet lists them (with the goods the network
    added), the item column offers them, the kind column มี or ต้องการ, and typing anything else is
    not blocked (other names are read too)."""
    book = load_workbook(io.BytesIO(template_xlsx(TODAY, ADDED)))
    assert book.sheetnames == ["รายการ", GOODS_SHEET]
    goods = [[c.value for c in row] for row in book[GOODS_SHEET].iter_rows()]
    assert goods[0] == list(GOODS_HEADERS)
    by_name = {row[0]: row for row in goods[1:]}
    assert [row[0] for row in goods[1:]] == [i.name_th for i in ADDED]
    assert by_name["ส้มโอ"][1:] == ["Pomelo", "ลูก", "ส้มโอทับทิมสยาม, ส้มโอขาวน้ำผึ้ง, ส้มโอขาวแตงกวา"]
    assert by_name["ไก่ย่าง"][2] == "ตัว"  # goods the network added, in their own counting word
    assert by_name["ปลาเค็ม"][2] == "กก."
    picks = {str(v.sqref): v for v in book["รายการ"].data_validations.dataValidation}
    assert picks["C2:C1001"].formula1 == f"'{GOODS_SHEET}'!$A$2:$A${len(ADDED) + 1}"
    assert picks["A2:A1001"].formula1 == '"มี,ต้องการ"'
    assert not any(v.showErrorMessage for v in picks.values())
    # every name offered is read back as its goods, in the unit the sheet says
    rows: list[list[object]] = [["ประเภท", "รหัสชุมชน", "สินค้า", "จำนวน", "หน่วย"]]
    rows += [["มี", 12, name, 10, row[2]] for name, row in by_name.items()]
    read = read_sheet(_xlsx(rows), "xlsx", ADDED)
    assert [(r.ok, r.item_id) for r in read] == [(True, i.id) for i in ADDED], [
        r.errors for r in read if not r.ok
    ]


def test_500_rows_and_a_bad_one_stops_only_itself() -> None:
    rows: list[list[object]] = [["ประเภท", "รหัสชุมชน", "สินค้า", "จำนวน", "หน่วย", "ต้องการภายใน"]]
    rows.extend(
        [
            "ต้องการ" if i % 2 else "มี",
            1 + i % 7,
            "ข้าวสาร" if i % 2 else "ปลาแห้ง",
            10 + i,
            "กก.",
            "31/1/2570" if i % 2 else "",
        ]
        for i in range(500)
    )
    rows[251] = ["มี", 3, "ลางสาด", "ห้าสิบ", "ถัง", ""]  # unknown item, not a number, unknown unit
    drafts = read_sheet(_xlsx(rows), "xlsx", CATALOGUE)
    assert len(drafts) == 500
    bad = [d for d in drafts if not d.ok]
    assert [d.row for d in bad] == [252]
    assert {e.field for e in bad[0].errors} == {"item", "quantity", "unit"}
    assert all(e.message_th and e.message_en for e in bad[0].errors)
    assert drafts[1].needed_by == date(2027, 1, 31)
    assert drafts[1].item_id == "rice-white"


def test_thai_windows_csv_with_semicolons_and_english_headers() -> None:
    text = "kind;community_id;item;quantity;unit;available_from\noffer;5;กุ้งแห้ง;1,200;กิโลกรัม;2027-02-01\nneed;5;rice-sticky;300;kg;2027-02-01\n"
    drafts = read_sheet(text.encode("cp874"), "csv", CATALOGUE)
    assert [(d.kind, d.item_id, d.quantity, d.unit) for d in drafts] == [
        ("offer", "dried-shrimp", 1200, "kg"),
        ("need", "rice-sticky", 300, "kg"),
    ]
    assert drafts[0].available_from == date(2027, 2, 1)
    assert drafts[1].errors[0].field == "available_from"  # a need takes no availability


NEED_HEADERS: list[object] = [
    "ประเภท (kind)",
    "รหัสชุมชน (community_id)",
    "สินค้า (item)",
    "จำนวน (quantity)",
    "หน่วย (unit)",
    "ต้องการภายใน (needed_by)",
]


def test_date_cells_grams_and_blank_rows() -> None:
    rows: list[list[object]] = [
        NEED_HEADERS,
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", datetime(2027, 1, 15)],
        [None, None, None, None, None, None],
        ["อยากได้", "x", "", -1, "", "32/13/2570"],
    ]
    good, bad = read_sheet(_xlsx(rows), "xlsx", CATALOGUE)
    assert good.ok
    assert good.unit == "g"
    assert good.needed_by == date(2027, 1, 15)
    assert bad.row == 4
    assert {(e.field, e.code) for e in bad.errors} == {
        ("community_id", "not_a_number"),
        ("item", "required"),
        ("quantity", "gt"),
        ("needed_by", "bad_date"),
    }
    assert 'แถวที่ 4 คอลัมน์ "ต้องการภายใน": เขียนวันที่เป็น วัน/เดือน/ปี เช่น 15/1/2570' in {
        e.message_th for e in bad.errors
    }


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2571-02-29", date(2028, 2, 29)),  # an ISO date typed with the BE year, on a leap day
        ("29/2/2571", date(2028, 2, 29)),
        ("2027-01-15", date(2027, 1, 15)),
        # a date cell: Excel set to Gregorian keeps 31/1/2570 typed the Thai way as the year 2570
        (datetime(2570, 1, 31), date(2027, 1, 31)),
        (date(2570, 1, 31), date(2027, 1, 31)),
        (datetime(2027, 1, 31, 8, 30), date(2027, 1, 31)),
    ],
)
def test_typed_dates_in_either_era(cell: object, expected: date) -> None:
    rows: list[list[object]] = [
        NEED_HEADERS,
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", cell],
    ]
    (draft,) = read_sheet(_xlsx(rows), "xlsx", CATALOGUE)
    assert draft.ok, draft.errors
    assert draft.needed_by == expected


@pytest.mark.parametrize("cell", ["31/12/9999", "9999-12-31", "1/1/2943", datetime(9999, 12, 31)])
def test_a_buddhist_era_year_past_any_date_barter_handles_is_too_far(cell: object) -> None:
    """9999 BE is 9456, 2943 BE is 2400: no date barter handles, `far_date` at its row and
    column, as the console and the API refuse it; 2942 BE (2399) is still a day."""
    rows: list[list[object]] = [
        NEED_HEADERS,
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", cell],
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", "31/12/2942"],
    ]
    far, last = read_sheet(_xlsx(rows), "xlsx", CATALOGUE)
    assert [(e.field, e.code) for e in far.errors] == [("needed_by", "far_date")]
    assert far.errors[0].message_th == 'แถวที่ 2 คอลัมน์ "ต้องการภายใน": ปีไกลเกินไป: เขียนปี พ.ศ. เช่น 15/1/2570'
    assert far.needed_by is None
    assert last.ok, last.errors
    assert last.needed_by == date(2399, 12, 31)


@pytest.mark.parametrize(
    ("data", "fmt", "message", "code"),
    [
        (b"", "csv", "empty", "empty_file"),
        ("สินค้า,จำนวน\nปลาเค็ม,5\n".encode(), "csv", "ประเภท", "no_header"),
        (b"PK\x03\x04 not really a workbook", "xlsx", "cannot be opened", "not_xlsx"),
        (b"\x81\x82\xdb\xfc" * 10, "csv", "neither UTF-8", "not_text"),
    ],
)
def test_unreadable_files_say_why(data: bytes, fmt: str, message: str, code: str) -> None:
    with pytest.raises(SheetError, match=message) as refused:
        read_sheet(data, fmt, CATALOGUE)  # type: ignore[arg-type]
    assert (refused.value.error.path, refused.value.error.code) == ("file", code)


def test_a_header_without_its_columns_names_them_as_the_template_does() -> None:
    with pytest.raises(SheetError) as refused:
        read_sheet("สินค้า,จำนวน\nปลาเค็ม,5\n".encode(), "csv", CATALOGUE)
    assert refusals.field_error(refused.value.error) == refusals.Words(
        "ไฟล์: หัวตารางไม่มีคอลัมน์ ประเภท (kind), รหัสชุมชน (community_id) ให้ดาวน์โหลดแบบฟอร์มไปใช้",
        "File: the header lacks ประเภท (kind), รหัสชุมชน (community_id); download the template",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_fraction_where_a_whole_number_goes_is_refused_never_cut(fmt: Format) -> None:
    """A priority of 2.5 is not 2, and community 12.7 is not community 12: both are refused."""
    header = [*NEED_HEADERS, "ความเร่งด่วน (priority)"]
    rows: list[list[object]] = [
        header,
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", "", 2.5],
        ["ต้องการ", 12.7, "กาแฟคั่ว", 500, "กรัม", "", 2],
        ["ต้องการ", "9.0", "กาแฟคั่ว", 500, "กรัม", "", "4.0"],  # whole, however written
    ]
    data = _xlsx(rows) if fmt == "xlsx" else "\n".join(",".join(map(str, r)) for r in rows).encode()
    halves, fraction_id, whole = read_sheet(data, fmt, CATALOGUE)
    assert [(e.field, e.code) for e in halves.errors] == [("priority", "whole_number")]
    assert halves.errors[0].message_th == 'แถวที่ 2 คอลัมน์ "ความเร่งด่วน": ต้องเป็นจำนวนเต็ม'
    assert [(e.field, e.code) for e in fraction_id.errors] == [("community_id", "whole_number")]
    assert fraction_id.community_id is None
    assert whole.ok
    assert (whole.community_id, whole.priority) == (9, 4)


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_text_python_reads_as_no_finite_number_is_no_number(fmt: Format, cell: str) -> None:
    """float() reads `nan` and `inf`, which no one counts goods in: refused as `abc` is, in every
    numeric column (a priority of nan was `whole_number`, a quantity of nan went on as a number)."""
    header = [*NEED_HEADERS, "ความเร่งด่วน (priority)"]
    rows: list[list[object]] = [
        header,
        ["ต้องการ", 9, "กาแฟคั่ว", 500, "กรัม", "", cell],
        ["ต้องการ", cell, "กาแฟคั่ว", 500, "กรัม", "", 2],
        ["ต้องการ", 9, "กาแฟคั่ว", cell, "กรัม", "", 2],
    ]
    data = _xlsx(rows) if fmt == "xlsx" else "\n".join(",".join(map(str, r)) for r in rows).encode()
    priority, community, quantity = read_sheet(data, fmt, CATALOGUE)
    assert [(e.field, e.code) for e in priority.errors] == [("priority", "not_a_number")]
    assert priority.errors[0].message_th == 'แถวที่ 2 คอลัมน์ "ความเร่งด่วน": ต้องเป็นตัวเลข'
    assert [(e.field, e.code) for e in community.errors] == [("community_id", "not_a_number")]
    assert [(e.field, e.code) for e in quantity.errors] == [("quantity", "not_a_number")]
    assert quantity.quantity is None


def test_a_sheet_counts_an_added_item_in_its_own_word() -> None:
    header = "kind,community_id,item,quantity,unit\n"
    rows = "offer,5,ไก่ย่าง,12,ตัว\noffer,5,ปลาช่อน,40,กก.\noffer,5,ไข่ไก่,30,ตัว\n"
    drafts = read_sheet((header + rows).encode(), "csv", ADDED)
    assert [(d.item_id, d.quantity, d.unit, d.ok) for d in drafts] == [
        ("grilled-chicken", 12, "piece", True),
        ("striped-snakehead", 40, "kg", True),
        ("eggs-chicken", 30, None, False),
    ]
    # ตัว is the chicken's word, not the eggs'
    assert [(e.field, e.code) for e in drafts[2].errors] == [("unit", "not_known")]


def test_sara_am_typed_as_two_characters_names_the_same_goods_in_a_sheet() -> None:
    """A cell typed with ํ + า ("นํ้าปลา") names the goods as the LINE reader and the catalogue's
    names do (goods_names.name_key): the same item as น้ำปลา, not an unknown one."""
    header = "kind,community_id,item,quantity,unit\n"
    rows = "offer,5,น้ำปลา,20,ลิตร\noffer,5,น\u0e4d\u0e49\u0e32ปลา,20,ลิตร\nneed,5,น\u0e49\u0e4d\u0e32พริกเผา,5,กก.\n"
    drafts = read_sheet((header + rows).encode(), "csv", CATALOGUE)
    assert [(d.item_id, d.ok) for d in drafts] == [
        ("fish-sauce", True),
        ("fish-sauce", True),
        ("chili-paste-roasted", True),
    ]
