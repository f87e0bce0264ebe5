"""The console's language: the Thai catalogue is complete and compiled, dates are Buddhist era."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from barter.console import i18n
from barter.domain.units import UNIT_NAMES
from scripts.console_messages import PO, extracted


def _forms(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """A message's id or Thai as a tuple: one string, or a plural's forms (a list in the .mo)."""
    return (text or "",) if text is None or isinstance(text, str) else tuple(text)


def test_every_message_has_its_thai_and_the_compiled_catalogue_is_current() -> None:
    with PO.open("rb") as f:
        po = read_po(f, locale="th")
    with PO.with_suffix(".mo").open("rb") as f:
        mo = read_mo(f)
    # a message is its context and id: the menu's "Exchanges" (msgctxt "menu") is not the heading's
    in_code = {(m.context, _forms(m.id)) for m in extracted() if m.id}
    in_po = {(m.context, _forms(m.id)): _forms(m.string) for m in po if m.id}
    assert in_code <= in_po.keys(), (
        f"run python -m scripts.console_messages: {sorted(in_code - in_po.keys())}"
    )
    # a plural's Thai is its forms, each of which must be written ("" was taken for written)
    assert not [mid for mid in in_code if not all(in_po[mid])], "messages without Thai"
    assert {(m.context, _forms(m.id)): _forms(m.string) for m in mo if m.id} == in_po, (
        "messages.mo is stale: python -m scripts.console_messages"
    )


def test_dates_in_the_buddhist_era_in_thai_and_common_era_in_english() -> None:
    i18n.use("th")
    assert i18n.thai_date(date(2026, 12, 31)) == "31 ธ.ค. 2569"
    # 18:30 UTC is already the next morning in Thailand.
    assert i18n.thai_date(datetime(2026, 12, 31, 18, 30, tzinfo=UTC), time=True) == "1 ม.ค. 2570 01:30"
    assert i18n.thai_date(None) == "–"
    i18n.use("en")
    assert i18n.thai_date(date(2026, 12, 31)) == "31 Dec 2026"
    i18n.use("th")


def test_lists_of_names_joined_as_each_language_joins_them() -> None:
    """Thai parts names with spaces and joins the last with และ (no commas, which read stiffly)."""
    i18n.use("th")
    assert i18n.listed(["ภาคเหนือ", "ภาคใต้"]) == "ภาคเหนือและภาคใต้"
    assert i18n.listed(["ภาคเหนือ", "ภาคกลาง", "ภาคใต้"]) == "ภาคเหนือ ภาคกลาง และภาคใต้"
    i18n.use("en")
    assert i18n.listed(["North", "Central", "South"]) == "North, Central, and South"
    assert i18n.listed(["South"]) == "South"
    i18n.use("th")


def test_dates_typed_in_forms() -> None:
    assert i18n.parse_thai_date("15/1/2570") == date(2027, 1, 15)
    assert i18n.parse_thai_date("15/1/2027") == date(2027, 1, 15)
    assert i18n.parse_thai_date("2027-01-15") == date(2027, 1, 15)
    assert i18n.parse_thai_date("  ") is None


def test_numbers_and_units_as_thai_people_write_them() -> None:
    i18n.use("th")
    assert i18n.quantity(1500, "kg") == "1,500\xa0กก."
    assert i18n.quantity(2.5, "litre") == "2.5\xa0ลิตร"
    assert i18n.number(1234567.891) == "1,234,567.89"
    assert i18n.gettext("Today") == "วันนี้"
    i18n.use("en")
    assert i18n.quantity(1500, "kg") == "1,500\xa0kg"
    assert i18n.gettext("Today") == "Today"
    i18n.use("th")


def test_an_exchanges_state_reads_the_same_in_the_console_and_on_line() -> None:
    """Both channels say barter.domain.proposals.STATUS_WORDS: every state has them, the console's
    badge says them in its language and the bot says the Thai with the English beside."""
    from typing import get_args

    from barter.channels.line import replies
    from barter.console.web import _names
    from barter.domain.proposals import STATUS_WORDS, Status

    assert set(STATUS_WORDS) == set(get_args(Status))
    for status, said in STATUS_WORDS.items():
        i18n.use("th")
        assert _names()["status"][status] == said.th
        i18n.use("en")
        assert _names()["status"][status] == said.en
        assert replies.STATUS_TH[status] == f"{said.th} ({said.en})"
    i18n.use("th")
    # a community's decline ends an exchange as `rejected` too: its badge does not say "not approved"
    assert _names()["status"]["rejected"] == "ยกเลิก/ปฏิเสธ"
    assert "สถานะตอนนี้: ยกเลิก/ปฏิเสธ (rejected)" in replies.proposal_moved("decline", "rejected").text


def test_english_quantities_agree_with_their_number() -> None:
    """ "200 piece" read as a mistake: the English unit takes its plural from units.UNIT_NAMES."""
    i18n.use("en")
    assert i18n.quantity(200, "piece") == "200\xa0pieces"
    assert i18n.quantity(1, "piece") == "1\xa0piece"
    assert i18n.quantity(2.5, "litre") == "2.5\xa0litres"
    assert i18n.quantity(12, "pack") == "12\xa0packs"
    assert i18n.quantity(200, "kg") == "200\xa0kg"
    i18n.use("th")
    assert i18n.quantity(200, "piece") == "200\xa0ชิ้น"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0, max_value=10_000_000, allow_nan=False),
    st.sampled_from([*UNIT_NAMES, "crate"]),
    st.sampled_from(i18n.LANGS),
)
def test_an_amount_and_its_unit_are_never_parted_at_a_line_break(
    value: float, unit: str, lang: i18n.Lang
) -> None:
    """QA's phone put "1,500" at the end of one line and "กก." at the start of the next: the two
    are joined by a no-break space, and nothing in the amount is a place to break."""
    with i18n.speaking(lang):
        said = i18n.quantity(value, unit)
        amount, _, name = said.partition("\xa0")
        assert amount == i18n.number(value)
        assert name == i18n.unit_name(unit, value)
        assert not any(ch.isspace() and ch != "\xa0" for ch in said), repr(said)


def test_on_a_page_an_amount_and_its_unit_are_also_set_on_one_line() -> None:
    """A squeezed table cell breaks even at a no-break space under the page's `overflow-wrap:
    anywhere`: the templates' filters also set the amount `white-space: nowrap` (console.css
    `.nobr`), and escape what they are given."""
    from barter.console import web

    i18n.use("th")
    assert web.quantity(1500, "kg") == '<span class="nobr">1,500\xa0กก.</span>'
    assert web.baht(104500) == '<span class="nobr">104,500\xa0บาท</span>'
    assert web.measured(6000.4, i18n.gettext("kg")) == '<span class="nobr">6,000\xa0กก.</span>'
    assert web.quantity(3, "<b>") == '<span class="nobr">3\xa0&lt;b&gt;</span>'
    assert ".nobr { white-space: nowrap; }" in (web.HERE / "static" / "console.css").read_text()


def test_on_a_page_a_date_and_its_time_are_set_on_one_line() -> None:
    """QA's 320 px phone parted "ธ.ค." from "2569" in an account's month column: the templates'
    `thai_date` and `month` filters set a date, with its time, in the same `.nobr` span as an
    amount; the characters are i18n's own."""
    from barter.console import web

    i18n.use("th")
    env = web.environment()
    at = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert env.filters["thai_date"](at, time=True) == '<span class="nobr">10 ธ.ค. 2569 14:00</span>'
    assert env.filters["thai_date"](date(2026, 12, 10)) == '<span class="nobr">10 ธ.ค. 2569</span>'
    assert env.filters["month"]("2026-12") == '<span class="nobr">ธ.ค. 2569</span>'
    i18n.use("en")
    assert env.filters["thai_date"](at, time=True) == '<span class="nobr">10 Dec 2026 14:00</span>'
    i18n.use("th")


def test_an_explanations_figures_and_units_are_set_on_one_line_its_text_unchanged() -> None:
    """QA's 320 px phone put "20" at the end of a line and "กก." at the start of the next in an
    exchange's explanation, which barter.domain writes for LINE as well: the console's `figures`
    filter sets each figure with its unit (and a date) in the `.nobr` span `quantity` uses,
    escapes the rest, and changes no character of what the domain wrote."""
    from barter.console import web
    from barter.domain.proposals import Leg, OwnTerm, explain

    legs = [
        Leg(1, 2, 20, "kg", "ปลาแห้ง", "Dried fish", value=1580, distance_km=412.6, transport=2100, shared=79),
        Leg(
            2,
            1,
            12.5,
            "litre",
            "น้ำผึ้ง<ป่า>",
            "Wild honey",
            value=1500,
            need_id=7,
            receiver_term=OwnTerm(120, 3, "ข้าว", "rice", "pack"),
        ),
    ]
    names = {1: ("กลุ่มประมงพื้นบ้านบ้านตันหยงโป", "Fishers"), 2: ("บ้านควนขนุน", "Khuan Khanun")}
    thai, english = explain(1, legs, names, "swap")
    for text, runs in (
        (
            thai,
            [
                "20 กก.",
                "1,580 บาท",
                "12.5 ลิตร",
                "1,500 บาท",
                "1 ลิตร",
                "3 แพ็ก",
                "413 กม.",
                "79 บาท",
                "2,100 บาท",
            ],
        ),
        (english, ["20 kg", "1,580 baht", "12.5 litres", "3 packs", "413 km", "79 baht", "2,100 baht"]),
    ):
        shown = web.figures(text)
        unbroken = re.findall(r'<span class="nobr">([^<]*)</span>', shown)
        for run in runs:
            assert html.escape(run, quote=True) in unbroken, (run, shown)
        assert html.unescape(re.sub(r"<[^>]*>", "", shown)) == text  # the same characters
        assert "<ป่า>" not in shown  # what the domain wrote is escaped
        # no figure outside a span is followed by a unit
        outside = re.sub(r'<span class="nobr">[^<]*</span>', "|", shown)
        assert not re.search(
            r"\d (?:กก\.|ลิตร|ชิ้น|แพ็ก|บาท|กม\.|kg|litres?|pieces?|packs?|baht|km)\b", outside
        ), shown
    assert web.figures("ส่งถึง 10 ธ.ค. 2569 และ 3 Dec 2026") == (
        'ส่งถึง <span class="nobr">10 ธ.ค. 2569</span> และ <span class="nobr">3 Dec 2026</span>'
    )
    assert (
        web.figures("2 kmz, 3 ชิ้น & 4 กก.")
        == '2 kmz, <span class="nobr">3 ชิ้น</span> &amp; <span class="nobr">4 กก.</span>'
    )
    assert web.figures(None) == ""


def test_a_name_in_the_other_language_is_marked_as_it_escaped_within() -> None:
    i18n.use("en")
    assert i18n.named("บ้าน <ทุ่ง> & นา", None) == '<span lang="th">บ้าน &lt;ทุ่ง&gt; &amp; นา</span>'
    assert i18n.named("บ้านทุ่ง", "Thung & Co") == "Thung &amp; Co"  # its own: as any text, unmarked
    assert i18n.named(None, None) == "–"
    i18n.use("th")
    assert i18n.named("บ้านทุ่ง & นา", "Thung") == "บ้านทุ่ง &amp; นา"
    assert i18n.named(None, "Thung") == '<span lang="en">Thung</span>'
    assert i18n.pick(None, "Thung") == "Thung"  # for attributes and titles: the name alone
