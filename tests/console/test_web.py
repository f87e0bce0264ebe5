"""The console's wiring: how a matching run's stage and answer and an error's detail are said."""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from barter.console import i18n
from barter.console.errors import of_detail
from barter.console.web import Measure, kept_together, quoted, run_measures, run_stage
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
    assert (done.text, done.english) == ("พบการแลกเปลี่ยน 0 รายการ", "Exchanges found: 0")
    i18n.use("en")
    assert (run_stage(_run("succeeded", 1.0, 1)).text, run_stage(_run("queued", 0)).english) == (
        "Exchanges found: 1",
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


def _finished(
    objective: float | None, bound: float | None, engine_status: str = "feasible"
) -> SimpleNamespace:
    return SimpleNamespace(objective=objective, upper_bound=bound, engine_status=engine_status)


SOLVER_WORDS = ("ค่าเป้าหมาย", "ขอบเขตบน", "objective", "bound", "gap", "optimal", "feasible")


def _said(measures: list[Measure]) -> dict[str, tuple[str, str, str, str | None]]:
    return {m.key: (m.label.text, m.value.text, m.meaning.text, m.value.english) for m in measures}


def test_a_runs_answer_is_said_as_a_score_a_ceiling_and_how_close_not_in_solver_terms() -> None:
    """The review: the run page said ค่าเป้าหมาย and ขอบเขตบน, which mean nothing to a coordinator.
    It now says the answer's score, the most any answer could score (a ceiling over the whole
    market) and how close the answer is, in Thai with the English beside."""
    i18n.use("th")
    said = _said(run_measures(_finished(97_330.4, 100_000)))
    assert list(said) == ["score", "ceiling", "closeness"]
    assert said["score"][:2] == ("คะแนนของคำตอบนี้", "97,330")
    assert said["ceiling"][:2] == ("คะแนนสูงสุดที่คำตอบใด ๆ ทำได้", "100,000")
    assert "ทั้งตลาด" in said["ceiling"][2]  # the ceiling is the whole market's
    assert said["closeness"][1] == "อย่างน้อย 97.3% ของคำตอบที่ดีที่สุด"
    assert said["closeness"][3] == "at least 97.3% of the best answer"  # the English beside
    for measure in run_measures(_finished(97_330.4, 100_000)):
        for words in (measure.label, measure.value, measure.meaning):
            for text in (words.text, words.english or ""):
                assert not any(term in text.lower() for term in SOLVER_WORDS), text
    i18n.use("en")
    said = _said(run_measures(_finished(97_330.4, 100_000)))
    assert said["closeness"][1] == "at least 97.3% of the best answer"
    assert said["closeness"][3] is None  # English alone for an English reader
    i18n.use("th")


def test_an_answer_is_called_the_best_only_where_the_engine_proved_it() -> None:
    i18n.use("th")
    close = _said(run_measures(_finished(99_999.6, 100_000)))
    assert close["closeness"][1] == "อย่างน้อย 99.9% ของคำตอบที่ดีที่สุด"  # never rounded up to 100%
    assert "ดีที่สุดแล้ว" not in close["closeness"][1]
    proved = _said(run_measures(_finished(100_000, 100_000, "optimal")))
    assert proved["closeness"][1] == "ดีที่สุดแล้ว (พิสูจน์แล้ว)"
    assert proved["closeness"][3] == "the best answer there is (proved)"
    nothing = _said(run_measures(_finished(0, 0, "optimal")))  # no exchange possible, proved
    assert list(nothing) == ["score", "closeness"]
    assert nothing["closeness"][1] == "ดีที่สุดแล้ว (พิสูจน์แล้ว)"
    assert run_measures(_finished(None, None)) == []  # not finished: nothing to say


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.floats(min_value=1, max_value=1e9, allow_nan=False),
    st.sampled_from(["optimal", "feasible"]),
)
def test_how_close_is_never_more_than_the_figures_show(objective: float, bound: float, status: str) -> None:
    """The share said is at most objective / bound (cut down, not rounded), so "at least" is
    true; "the best" is said exactly where the engine proved it."""
    objective = min(objective, bound)  # the engine's bound is never below its answer
    i18n.use("en")
    (closeness,) = [m for m in run_measures(_finished(objective, bound, status)) if m.key == "closeness"]
    if status == "optimal":
        assert closeness.value.text == "the best answer there is (proved)"
    else:
        shown = re.fullmatch(r"at least ([\d,.]+)% of the best answer", closeness.value.text)
        assert shown, closeness.value.text
        assert float(shown.group(1).replace(",", "")) <= objective / bound * 100 + 1e-9
    i18n.use("th")


def test_a_short_name_a_refusal_quotes_is_kept_on_one_line_and_escaped() -> None:
    said = quoted('ใส่ "ไข่ไก่" ซ้ำ, "<b>" และ "ชื่อยาวมากเกินกว่ายี่สิบตัวอักษรแน่นอน"')
    q = "&#34;"  # a quotation mark, escaped
    assert said == Markup(
        f'ใส่ <span class="nobr">{q}ไข่ไก่{q}</span> ซ้ำ, <span class="nobr">{q}&lt;b&gt;{q}</span> และ '
        f"{q}ชื่อยาวมากเกินกว่ายี่สิบตัวอักษรแน่นอน{q}"  # a long one wraps as text does
    )


def test_words_a_reader_reads_as_one_and_goods_names_are_kept_on_one_line_in_text_only() -> None:
    """A page's text: "ใช่ไหม", "ผู้ประสานงาน" and a goods name ("ข้าวหอมมะลิ") each in a no-wrap
    span, the text around them in one span with them (a flex box sees one item); the text itself
    unchanged (no WORD JOINER: copy and paste, search and a screen reader get what was written).
    Tags, their attributes and what is no HTML text (a map's SVG, a choice, the title) untouched."""
    page = Markup(
        '<title>ระบบผู้ประสานงาน</title><nav aria-label="ผู้ประสานงาน">'
        '<a class="button">ลงทะเบียนชุมชน</a></nav><p>ถอน ข้าวหอมมะลิ ใช่ไหม? &amp; ผู้ประสานงาน</p>'
        "<svg><title>ข้าวหอมมะลิ</title><text>ใช่ไหม</text></svg>"
        "<select><option>ข้าวหอมมะลิ (กก.)</option></select><p>ไม่ได้รับ</p>"
    )
    kept = kept_together(page)
    assert kept == (
        '<title>ระบบผู้ประสานงาน</title><nav aria-label="ผู้ประสานงาน">'
        '<a class="button"><span class="keeps"><span class="kept">ลงทะเบียน</span>ชุมชน</span></a></nav>'
        '<p><span class="keeps">ถอน <span class="kept">ข้าวหอมมะลิ</span> <span class="kept">ใช่ไหม</span>?'
        ' &amp; <span class="kept">ผู้ประสานงาน</span></span></p>'
        "<svg><title>ข้าวหอมมะลิ</title><text>ใช่ไหม</text></svg>"
        "<select><option>ข้าวหอมมะลิ (กก.)</option></select>"
        '<p><span class="keeps">ไม่<span class="kept">ได้รับ</span></span></p>'
    )
    assert isinstance(kept, Markup)
    assert "\u2060" not in kept
    assert re.sub(r"<[^>]+>", "", kept) == re.sub(r"<[^>]+>", "", page)  # the text as written
