"""The peers' own data (../shared/benchmarks beside the checkout): a handful of small rows.

The full sweep, with timings and the kep-solver peer, is bench/engine.py; these only check that
the engine gives the expected objective on files small enough for every test run.
"""

from __future__ import annotations

import csv
from pathlib import Path

import msgspec
import pytest

from barter.matching.engine import solve
from barter.matching.importers.kep import parse_kep
from barter.matching.importers.trademax import parse_trademax
from barter.matching.model import Instance
from tests.matching.conftest import as_dict
from tests.matching.validator import problems

BENCHMARKS = Path(__file__).parents[2].parent / "shared" / "benchmarks"
pytestmark = pytest.mark.skipif(
    not (BENCHMARKS / "kep" / "expected.csv").exists(),
    reason=f"peer benchmark data not found at {BENCHMARKS}",
)

KEP_ROWS = {
    ("kidney_solver/MD-00001-00000100.input", "4", "0"),
    ("kidney_solver/MD-00001-00000100.input", "3", "3"),
    ("kidney_solver/100.input", "3", "0"),
    ("preflib_00036/00036-00000002.wmd", "3", "3"),
    ("preflib_00036/00036-00000011.wmd", "3", "3"),
    ("preflib_00036/00036-00000100.wmd", "4", "0"),
    ("kep_solver/medium-1.json", "3", "2"),
    ("kep_solver/medium-9.json", "3", "2"),
}


def kep_rows() -> list[tuple[str, int, int, float]]:
    path = BENCHMARKS / "kep" / "expected.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [
            (
                r["file"],
                int(r["max_cycle_length"]),
                int(r["max_chain_length"]),
                float(r["expected_objective"]),
            )
            for r in csv.DictReader(f)
            if (r["file"], r["max_cycle_length"], r["max_chain_length"]) in KEP_ROWS
        ]


def with_limits(instance: Instance, cycles: int, chains: int) -> Instance:
    settings = msgspec.structs.replace(instance.settings, max_cycle_length=cycles, max_chain_length=chains)
    return msgspec.structs.replace(instance, settings=settings)


@pytest.mark.parametrize(("name", "cycles", "chains", "expected"), kep_rows())
def test_kep_rows_are_solved_to_the_expected_optimum(
    name: str, cycles: int, chains: int, expected: float
) -> None:
    path = BENCHMARKS / "kep" / name
    ndds = path.with_suffix(".ndds")
    text = ndds.read_text(encoding="utf-8") if path.suffix == ".input" and ndds.exists() else None
    instance = with_limits(parse_kep(path.name, path.read_text(encoding="utf-8"), text), cycles, chains)
    solution = solve(instance)
    assert solution.objective == expected
    assert solution.status == "optimal"
    assert problems(as_dict(instance), as_dict(solution)) == []


def test_the_small_kidney_solver_cases() -> None:
    # 3cycle_and_3chain: a 3-cycle and a chain of three from the altruist
    folder = BENCHMARKS / "kep" / "kidney_solver"
    text = (folder / "3cycle_and_3chain.input").read_text()
    ndds = (folder / "3cycle_and_3chain.ndds").read_text()
    instance = with_limits(parse_kep("3cycle_and_3chain.input", text, ndds), 3, 3)
    assert solve(instance).objective == 6
    assert solve(with_limits(instance, 2, 0)).objective == 0


@pytest.mark.parametrize(("cycles", "expected"), [(0, 197), (3, 76)])
def test_trademax_ask_items_trading(cycles: int, expected: int) -> None:
    text = (BENCHMARKS / "trademax" / "ask.txt").read_text(encoding="utf-8", errors="replace")
    instance = with_limits(parse_trademax(text).instance, cycles, 0)
    solution = solve(instance)
    trading = sum(1 for e in solution.exchanges for t in e.transfers if not t.offer.startswith("%"))
    assert trading == expected
    assert solution.status == "optimal"
    assert problems(as_dict(instance), as_dict(solution)) == []
