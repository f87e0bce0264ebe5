"""TradeMaximizer want lists as barter instances, on small hand-written samples."""

from __future__ import annotations

import pytest

from barter.matching.engine import solve
from barter.matching.importers.trademax import parse_trademax
from barter.matching.model import InstanceError, problems

SAMPLE = """# a tiny math trade
#! ALLOW-DUMMIES REQUIRE-COLONS REQUIRE-USERNAMES METRIC=USERS-TRADING
(alice) A1 : B1 %WANTS
(alice) %wants : C1 D1
(bob) B1 : C1 ; A1
(carol) C1 : A1 B1 unknown-item
(dave) D1 : A1
(dave) D2 : D1 A1
"""


def items_trading(text: str, cycle_limit: int = 0) -> int:
    instance = parse_trademax(text).instance
    settings = instance.settings.__class__(
        max_cycle_length=cycle_limit, max_chain_length=0, balance_tolerance=0
    )
    solution = solve(
        instance.__class__(
            **{**{f: getattr(instance, f) for f in instance.__struct_fields__}, "settings": settings}
        )
    )
    return sum(1 for e in solution.exchanges for t in e.transfers if not t.offer.startswith("%"))


def test_items_dummies_and_options() -> None:
    parsed = parse_trademax(SAMPLE)
    instance = parsed.instance
    assert problems(instance) == []
    assert any("METRIC=USERS-TRADING" in w for w in parsed.warnings)
    ids = [c.id for c in instance.communities]
    assert ids == ["A1", "%alice-wants", "B1", "C1", "D1", "D2"]
    needs = {n.id: n for n in instance.needs}
    assert needs["A1"].accept_offers == ["B1", "%alice-wants"]  # the dummy resolves to alice's
    assert needs["%alice-wants"].accept_offers == ["C1", "D1"]
    assert needs["%alice-wants"].priority == 0  # dummies do not count as items trading
    assert needs["C1"].accept_offers == ["A1", "B1"]  # the unknown want is skipped
    assert needs["D2"].accept_offers == ["A1"]  # dave's own D1 is skipped
    assert needs["B1"].accept_offers == ["C1", "A1"]  # ';' ranks A1 lower, in the same order


def test_dummies_route_trades_but_are_not_counted() -> None:
    # B1 <-> C1, and A1 -> D1 -> %alice-wants -> A1: four items trade, the dummy not counted
    assert items_trading(SAMPLE) == 4
    # with cycles of two, A1 cannot reach D1 through the dummy: one 2-cycle of A1, B1 or C1
    assert items_trading(SAMPLE, cycle_limit=2) == 2


def test_first_want_list_wins_and_case_is_ignored() -> None:
    parsed = parse_trademax("A : B\nb : a\na : nothing\n")
    assert [c.id for c in parsed.instance.communities] == ["A", "b"]
    assert any("more than one want list" in w for w in parsed.warnings)
    assert items_trading("A : B\nb : a\n") == 2


def test_official_names_limit_the_items() -> None:
    text = "!BEGIN-OFFICIAL-NAMES\nA\nB\n!END-OFFICIAL-NAMES\nA : B\nB : A\nZ : A\n"
    parsed = parse_trademax(text)
    assert [c.id for c in parsed.instance.communities] == ["A", "B"]
    assert any("not an official name" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("#! REQUIRE-COLONS\nA B\n", "missing ':'"),
        ("#! REQUIRE-USERNAMES\nA : B\n", "missing (user name)"),
        ("(alice A : B\n", "missing ')'"),
        ("A B : C\n", "exactly one item"),
        ("A : B : C\n", "more than one ':'"),
    ],
)
def test_malformed_lines_name_the_line(text: str, problem: str) -> None:
    with pytest.raises(InstanceError, match=r"line \d+") as caught:
        parse_trademax(text)
    assert problem in str(caught.value)
