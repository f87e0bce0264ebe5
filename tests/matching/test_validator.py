"""The validator must see broken solutions, or the engine's tests prove nothing."""

from __future__ import annotations

import copy
from typing import Any

from tests.matching.conftest import three_regions
from tests.matching.validator import problems

GOOD: dict[str, Any] = {
    "format": "barter-solution/1",
    "status": "feasible",
    "objective": 0.0,
    "upper_bound": 1e9,
    "solve_seconds": 0.1,
    "exchanges": [
        {
            "kind": "cycle",
            "transfers": [
                {"offer": "fish", "need": "surin-fish", "quantity": 100},
                {"offer": "rice", "need": "np-rice", "quantity": 26000 / 35},
                {"offer": "veg", "need": "satun-veg", "quantity": 1300},
            ],
        }
    ],
}


def priced(solution: dict[str, Any]) -> dict[str, Any]:
    """The same solution with the objective formats.md gives it (no transport, no fixed cost)."""
    out = copy.deepcopy(solution)
    values = {"fish": 260.0, "rice": 35.0, "veg": 20.0}
    out["objective"] = sum(
        t["quantity"] * values[t["offer"]] for e in out["exchanges"] for t in e["transfers"]
    )
    return out


def test_a_balanced_cycle_passes() -> None:
    assert problems(three_regions(), priced(GOOD)) == []


def test_every_broken_rule_is_reported() -> None:
    instance = three_regions()
    cases: list[tuple[str, Any]] = [
        ("cycle of 3 > max_cycle_length 2", lambda s: None),
        ("does not close", lambda s: s["exchanges"][0]["transfers"].pop()),
        ("receives", lambda s: s["exchanges"][0]["transfers"][2].update(quantity=1000)),
        ("drawn from", lambda s: s["exchanges"].append(copy.deepcopy(s["exchanges"][0]))),
        (
            "wants rice-jasmine, not dried-fish",
            lambda s: s["exchanges"][0]["transfers"][0].update(need="np-rice"),
        ),
        ("objective", lambda s: s.update(objective=1.0)),
    ]
    for expected, change in cases:
        solution = copy.deepcopy(GOOD)
        inst = copy.deepcopy(instance)
        if expected.startswith("cycle of 3"):
            inst["settings"]["max_cycle_length"] = 2
        change(solution)
        solution = priced(solution) if expected != "objective" else solution
        found = problems(inst, solution)
        assert any(expected in p for p in found), (expected, found)


def test_lots_below_min_only_when_taking_all_that_remains() -> None:
    instance = three_regions()
    solution = copy.deepcopy(GOOD)
    solution["exchanges"][0]["transfers"] = [
        {"offer": "fish", "need": "surin-fish", "quantity": 5},
        {"offer": "rice", "need": "np-rice", "quantity": 1300 / 35},
        {"offer": "veg", "need": "satun-veg", "quantity": 65},
    ]
    found = problems(instance, priced(solution))
    assert any("below the min_lot" in p for p in found)


def test_chains_start_with_a_gift_and_skip_balance_at_their_ends() -> None:
    instance = three_regions(max_chain_length=2)
    solution: dict[str, Any] = {
        **GOOD,
        "exchanges": [
            {
                "kind": "chain",
                "transfers": [
                    {"offer": "fish", "need": "surin-fish", "quantity": 100},
                    {"offer": "rice", "need": "np-rice", "quantity": 1000},
                ],
            }
        ],
    }
    assert any("does not start with a gift" in p for p in problems(instance, priced(solution)))
    instance["offers"][0]["gift"] = True
    found = problems(instance, priced(solution))
    assert any("receives" in p for p in found), "the rice giver must still balance"
    solution["exchanges"][0]["transfers"][1]["quantity"] = 26000 / 35
    assert problems(instance, priced(solution)) == []
