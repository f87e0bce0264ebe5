"""A refused action is said to the chat in Thai, naming what was wrong, with the English beneath:
the words of barter.domain.refusals, the ones the console shows, never the API's English."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import barter
from barter.channels.line import replies
from barter.domain import field_types, refusals
from barter.domain.clock import ManualClock
from barter.domain.errors import THAI_TITLES, BarterError, Conflict, FieldError, ValidationFailed
from barter.domain.proposals import TransitionConflict
from barter.domain.thaidate import MONTHS_TH
from barter.services import line as line_service
from tests.channels.line.conftest import deliver, message, postback
from tests.channels.line.test_webhook import button_data, last_reply, link, listings
from tests.channels.standins import LinePlatform
from tests.dates import ahead, thai
from tests.world import World

NOT_DONE = "ทำรายการไม่สำเร็จค่ะ (not done)"


async def _confirmed(world: World, line_platform: LinePlatform, post: str) -> tuple[list[str], int]:
    """The reply's lines to confirming the draft `post` makes, and the draft's id."""
    await link(world, world.a)
    await deliver(world.client, message(post))
    draft = button_data(last_reply(line_platform), "ยืนยัน")["d"]
    await deliver(world.client, postback(f"a=confirm&d={draft}"))
    return last_reply(line_platform)["text"].splitlines(), int(draft)


async def test_a_need_by_a_day_already_past_is_asked_about_and_never_posted(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    past = ahead(-3)
    written = f"{past.day} {MONTHS_TH[past.month - 1]} {(past.year + 543) % 100:02d}"  # 2-digit BE year
    await link(world, world.a)
    await deliver(world.client, message(f"ต้องการข้าวสาร 50 กิโล ภายใน {written}"))
    draft = last_reply(line_platform)
    assert f"ภายใน {thai(past)}" in draft["text"]
    assert (
        f"{thai(past)}: วันที่นี้ผ่านไปแล้ว (ถ้าพิมพ์ปี ค.ศ. ให้ใช้ปี พ.ศ. เช่น 15/1/2570) พิมพ์วันใหม่ได้เลยค่ะ" in draft["text"]
    )
    assert [i["action"]["label"] for i in draft["quickReply"]["items"]] == ["ยกเลิก"]  # no ยืนยัน
    # A draft read while its day was ahead, confirmed after it passed: asked the same, not posted.
    await deliver(world.client, message("ต้องการข้าวสาร 50 กิโล ภายในพรุ่งนี้"))
    tomorrow = last_reply(line_platform)
    clock.advance(days=2)
    await deliver(world.client, postback(f"a=confirm&d={button_data(tomorrow, 'ยืนยัน')['d']}"))
    reply = last_reply(line_platform)
    assert reply["text"].startswith("เข้าใจว่า (we read):"), reply["text"]
    assert "วันที่นี้ผ่านไปแล้ว" in reply["text"]
    assert "is in the past" not in reply["text"]
    assert [i["action"]["label"] for i in reply["quickReply"]["items"]] == ["ยกเลิก"]
    assert await world.db.fetchval("SELECT count(*) FROM needs") == 0
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts WHERE state = 'pending'") == 2


@pytest.mark.parametrize(
    ("typed", "tap"),
    [
        ("ต้องการข้าวสาร 50 กิโล ภายในพรุ่งนี้", "ยืนยัน"),
        ("ปลาเค็ม 200 กิโล ส่งได้ถึงพรุ่งนี้", "มีให้ (offer)"),  # offered or needed, asked first
        ("อยากแลกข้าวสาร 15 กิโล กับปลาเค็ม 2 กิโล ภายในพรุ่งนี้", "แบบที่ 1"),  # which side is given
    ],
    ids=["confirm", "kind", "swap"],
)
async def test_a_last_day_passed_since_a_draft_was_read_is_saved_with_it(
    world: World, line_platform: LinePlatform, clock: ManualClock, typed: str, tap: str
) -> None:
    """Whatever is tapped after the day passed, the draft is asked about and keeps the question:
    a later tap, of any of its buttons, finds it so; nothing is ever posted."""
    await link(world, world.a)
    await deliver(world.client, message(typed))
    fields = button_data(last_reply(line_platform), tap)
    draft_id = int(fields["d"])
    assert await _past_dates(world, draft_id) == []
    clock.advance(days=2)
    await deliver(world.client, postback("&".join(f"{k}={v}" for k, v in fields.items())))
    reply = last_reply(line_platform)
    assert "วันที่นี้ผ่านไปแล้ว" in reply["text"], reply["text"]
    assert [i["action"]["label"] for i in reply["quickReply"]["items"]] == ["ยกเลิก"]  # no ยืนยัน
    assert await _past_dates(world, draft_id) == ["past_date"]  # saved with the draft
    # A ยืนยัน tapped later (an earlier message's) is asked the same: never "already done".
    await deliver(world.client, postback(f"a=confirm&d={draft_id}"))
    again = last_reply(line_platform)
    assert again["text"] == reply["text"]
    assert await world.db.fetchval("SELECT state FROM line_drafts WHERE id = $1", draft_id) == "pending"
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0
    assert await world.db.fetchval("SELECT count(*) FROM needs") == 0


async def _past_dates(world: World, draft_id: int) -> list[str]:
    """The past_date questions the draft's lines keep, as saved."""
    saved = await world.db.fetchval("SELECT drafts FROM line_drafts WHERE id = $1", draft_id)
    return [p for line in saved for p in line["problems"] if p == "past_date"]


async def test_goods_that_come_whole_refuse_a_fraction_in_thai(
    world: World, line_platform: LinePlatform
) -> None:
    lines, _ = await _confirmed(world, line_platform, "มีมะพร้าว 2.5 ลูก")
    assert lines[:3] == [NOT_DONE, "• จำนวน: ของนี้นับทีละ 1", "  (How much: this goods comes in steps of 1)"]
    assert await listings(world, "offers") == []


async def test_more_than_the_api_allows_is_refused_in_thai_not_posted(
    world: World, line_platform: LinePlatform
) -> None:
    lines, _ = await _confirmed(world, line_platform, "มีข้าวสาร 5000000000 กิโล")
    assert lines[:3] == [
        NOT_DONE,
        "• จำนวน: ต้องไม่เกิน 1,000,000,000",
        "  (How much: must be at most 1,000,000,000)",
    ]
    assert await listings(world, "offers") == []


async def test_a_proposal_that_is_not_there_is_said_in_thai(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, postback("a=accept&p=987654"))
    assert last_reply(line_platform)["text"].splitlines() == [
        NOT_DONE,
        "• ไม่พบข้อเสนอแลกเปลี่ยนตามรหัสนี้",
        "  (No proposal with that id)",
    ]


async def test_a_refusal_met_while_reading_a_typed_message_is_said_in_thai_and_the_event_kept(
    world: World, line_platform: LinePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typed message is handled like a tap: what the service refuses on its way (here while the
    SMS opt-out is recorded) is said in Thai, and the event stays handled (LINE does not send it
    again for an answer it would get again)."""
    await link(world, world.a)

    async def refused(*_: object) -> bool:
        raise Conflict("SMS consent is being changed", detail_th="กำลังมีการเปลี่ยนการรับ SMS อยู่")

    monkeypatch.setattr(line_service, "stop_sms", refused)
    typed = message("หยุด SMS ค่ะ")
    response = await deliver(world.client, typed)
    assert response.status_code == 200, response.text
    assert last_reply(line_platform)["text"].splitlines() == [
        NOT_DONE,
        "• กำลังมีการเปลี่ยนการรับ SMS อยู่",
        "  (SMS consent is being changed)",
    ]
    handled = "SELECT count(*) FROM line_events WHERE webhook_event_id = $1"
    assert await world.db.fetchval(handled, typed["webhookEventId"]) == 1


# --- every refusal a LINE action can meet --------------------------------------------------------

BARTER = Path(barter.__file__).resolve().parent
THAI = re.compile("[\u0e00-\u0e7f]")
API_ENGLISH = "what the API tells its clients"


def _tree(module: str) -> ast.Module:
    path = BARTER.parent / Path(*module.split("."))
    file = path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py"
    return ast.parse(file.read_text(encoding="utf-8"))


def _module(name: str) -> bool:
    path = BARTER.parent / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _made(tree: ast.AST, names: set[str]) -> Iterator[tuple[str, ast.Call]]:
    """Each call of one of `names` (a class made: an error, a FieldError) in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            yield node.func.id, node


def _reached_from_line() -> set[str]:
    """The services and domain modules the bot's handlers reach: barter.services.line and what it
    imports of barter.services and barter.domain, and so on."""
    seen: set[str] = set()
    todo = ["barter.services.line"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("barter.services", "barter.domain")
            ):
                assert node.module is not None
                todo += [
                    f"{node.module}.{a.name}" if _module(f"{node.module}.{a.name}") else node.module
                    for a in node.names
                ]
    return seen


def _error_classes() -> dict[str, type[BarterError]]:
    import barter.api.app  # noqa: F401  (every module that defines an error is loaded with the app)

    found: dict[str, type[BarterError]] = {}
    todo: list[type[BarterError]] = [BarterError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


# What a field is refused with: a FieldError, or what becomes one (a webhook URL's TargetRefused,
# whose code the subscription's field error carries).
CODED = {"FieldError", "TargetRefused"}


def _field_errors() -> Iterator[tuple[str, ast.Call]]:
    """Each FieldError (or TargetRefused) made anywhere in barter, with where (`barter/x.py:12`)."""
    for path in sorted(BARTER.rglob("*.py")):
        for _, call in _made(ast.parse(path.read_text(encoding="utf-8")), CODED):
            yield f"{path.relative_to(BARTER.parent).as_posix()}:{call.lineno}", call


def _field_codes() -> set[str]:
    """Every code a FieldError (or TargetRefused) is given anywhere in barter, every code msgspec's
    refusals are named by (barter.domain.field_types), and "invalid" (one given none)."""
    codes = {"invalid"} | field_types.CODES
    for _, call in _field_errors():
        codes |= {
            str(k.value.value) for k in call.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)
        }
    return codes


def _said_by_its_detail(name: str, call: ast.Call) -> bool:
    """An error made here is said by its detail, except a ValidationFailed made with its fields
    (said by their codes): one made with none (`[]`) is said by its detail too."""
    if name != "ValidationFailed":
        return True
    fields = call.args[0] if call.args else None
    return isinstance(fields, ast.List) and not fields.elts


def _reasons(exc: BarterError) -> list[tuple[str, str]]:
    """What the chat is told: each reason's Thai line and the English line beneath it."""
    lines = replies.refused(refusals.said(exc)).text.splitlines()
    assert lines[0] == NOT_DONE
    assert len(lines) % 2 == 1
    return [(th, en) for th, en in zip(lines[1::2], lines[2::2], strict=True)]


@pytest.mark.parametrize("code", sorted(_field_codes()))
def test_every_field_error_code_is_said_in_thai_words_of_its_own(code: str) -> None:
    assert code in refusals.PROBLEMS
    params = {"limit": 5, "step": 1, "planned": 148, "name": "longkong", "unit": "kg", "units": ["kg", "g"]}
    params["item"] = "langsat"  # the goods a name is taken by (name_taken)
    params["item_en"] = "Langsat"
    error = FieldError("quantity", API_ENGLISH, code=code, params={**params, "columns": "kind"})
    [(th, en)] = _reasons(ValidationFailed([error]))
    assert th.startswith("• จำนวน: ")
    assert THAI.search(th.removeprefix("• จำนวน: ")), th
    assert code == "invalid" or "ใช้ไม่ได้" not in th  # a code of its own says more than "not valid"
    assert en.startswith("  (How much: ")
    assert not THAI.search(en)
    assert API_ENGLISH not in th + en


def test_every_field_error_is_given_a_code() -> None:
    """A FieldError made without a code is said only as "ใช้ไม่ได้ / is not valid" by the console,
    the LINE bot and the import: each one names its problem (a code of refusals.PROBLEMS, above)."""
    uncoded = [
        where
        for where, call in _field_errors()
        if "code" not in {k.arg for k in call.keywords}
        and not (len(call.args) >= 3 and isinstance(call.func, ast.Name) and call.func.id == "FieldError")
    ]
    assert uncoded == []
    assert any(where.startswith("barter/webhooks/targets.py") for where, _ in _field_errors())


def test_every_refusal_raised_on_the_way_of_a_line_action_is_written_in_thai() -> None:
    """Each error made in the modules the bot's handlers reach carries its Thai: a field error by
    its code (above), a ValidationFailed without fields and any other error by its `detail_th`. A
    proposal's state conflict is said by the bot from the state (bot._conflict)."""
    classes = _error_classes()
    by_state = {name for name, cls in classes.items() if issubclass(cls, TransitionConflict)}
    reached = _reached_from_line()
    assert {"barter.services.listings", "barter.services.proposals", "barter.domain.access"} <= reached
    unwritten = [
        f"{module}:{call.lineno} {name}"
        for module in sorted(reached)
        for name, call in _made(_tree(module), set(classes) - by_state)
        if _said_by_its_detail(name, call) and "detail_th" not in {k.arg for k in call.keywords}
    ]
    assert unwritten == []


def test_every_kind_of_error_has_a_thai_title_to_fall_back_on() -> None:
    untitled = [name for name, cls in _error_classes().items() if cls.title not in THAI_TITLES]
    assert untitled == []
    [(th, en)] = _reasons(Conflict("Somebody else changed it"))
    assert (th, en) == ("• ขัดกับสถานะปัจจุบัน", "  (Somebody else changed it)")
