"""The console's wiring: how a matching run's stage and an error's detail are said."""

from __future__ import annotations

from types import SimpleNamespace

from barter.console import i18n
from barter.console.errors import of_detail
from barter.console.web import run_stage
from barter.domain.errors import Conflict


def _run(status: str, progress: float, found: int | None = None) -> SimpleNamespace:
    counts = {} if found is None else {"proposals": found}
    return SimpleNamespace(status=status, progress=progress, counts=counts, message="the engine's notes")


def test_a_runs_stage_is_said_in_thai_with_the_english_beside_never_the_engines_notes() -> None:
    i18n.use("th")
    starting = run_stage(_run("running", 0.0))
    assert (starting.text, starting.english) == (
        "กำลังอ่านรายการของที่มีและของที่ต้องการ",
        "Reading the open offers and needs",
    )
    done = run_stage(_run("succeeded", 1.0, 0))
    assert (done.text, done.english) == ("เสร็จแล้ว: พบการแลกเปลี่ยน 0 รายการ", "Finished: exchanges found: 0")
    i18n.use("en")
    assert (run_stage(_run("succeeded", 1.0, 1)).text, run_stage(_run("queued", 0)).english) == (
        "Finished: exchanges found: 1",
        None,
    )
    i18n.use("th")


def test_an_error_with_only_english_keeps_it_beside_not_inside_the_thai() -> None:
    i18n.use("th")
    said = of_detail(Conflict("Cannot mark a shipment on_the_road when it is delivered"))
    assert said.text == ""
    assert said.english == "Cannot mark a shipment on_the_road when it is delivered"
    said = of_detail(Conflict("Gone", detail_th="ไม่มีแล้ว"))
    assert (said.text, said.english) == ("ไม่มีแล้ว", "Gone")
