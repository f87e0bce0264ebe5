"""Small markets for the engine's tests, as plain dicts (the JSON a user would write)."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest

from barter.matching.model import Instance, Solution

SATUN = {"id": "satun-01", "lat": 6.62, "lon": 100.07, "region": "south"}
SURIN = {"id": "surin-01", "lat": 14.88, "lon": 103.49, "region": "northeast"}
NAKHON_PATHOM = {"id": "nakhon-pathom-01", "lat": 13.82, "lon": 100.06, "region": "central"}
ITEMS = [
    {"id": "dried-fish", "category": "fish-seafood", "unit": "kg", "value": 260.0, "kg_per_unit": 1.0},
    {"id": "rice-jasmine", "category": "rice", "unit": "kg", "value": 35.0, "kg_per_unit": 1.0},
    {"id": "pumpkin", "category": "vegetables", "unit": "kg", "value": 20.0, "kg_per_unit": 1.0},
    {"id": "morning-glory", "category": "vegetables", "unit": "kg", "value": 30.0, "kg_per_unit": 1.0},
]


def three_regions(**settings: Any) -> dict[str, Any]:
    """Fish goes north-east, rice goes to the centre, vegetables go south: one 3-cycle."""
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "settings": {"max_cycle_length": 3, "max_chain_length": 0, **settings},
            "communities": [SATUN, SURIN, NAKHON_PATHOM],
            "items": ITEMS,
            "offers": [
                {"id": "fish", "community": "satun-01", "item": "dried-fish", "quantity": 100, "min_lot": 10},
                {
                    "id": "rice",
                    "community": "surin-01",
                    "item": "rice-jasmine",
                    "quantity": 1500,
                    "min_lot": 50,
                },
                {"id": "veg", "community": "nakhon-pathom-01", "item": "pumpkin", "quantity": 2000},
            ],
            "needs": [
                {"id": "satun-veg", "community": "satun-01", "category": "vegetables", "quantity": 2000},
                {"id": "surin-fish", "community": "surin-01", "item": "dried-fish", "quantity": 150},
                {"id": "np-rice", "community": "nakhon-pathom-01", "item": "rice-jasmine", "quantity": 1000},
            ],
        }
    )


def as_instance(data: dict[str, Any]) -> Instance:
    return msgspec.convert(data, Instance)


def as_dict(document: Instance | Solution) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(document)
    return out


@pytest.fixture
def market() -> dict[str, Any]:
    return three_regions()


class SettableClock:
    """A counting clock (each reading `step` s) that the test moves forward from progress."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.t = 0.0

    def __call__(self) -> float:
        self.t += self.step
        return self.t


class WorkingLps:
    """Every LP the engine solves over its working arcs during one test: (the model was
    complete, the LP's value in baht)."""

    def __init__(self) -> None:
        self.seen: list[tuple[bool, float]] = []

    @property
    def values(self) -> list[float]:
        return [value for _, value in self.seen]


@pytest.fixture
def working_lps(monkeypatch: pytest.MonkeyPatch) -> WorkingLps:
    """Record the working LPs of every `solve` in the test (engine.relax, wrapped)."""
    from barter.matching import engine

    record = WorkingLps()
    relax = engine.relax

    def recording(model: Any, clock: Any, *args: Any, **kwargs: Any) -> Any:
        lp = relax(model, clock, *args, **kwargs)
        record.seen.append((model.complete, lp.value * model.market.scale))
        return lp

    monkeypatch.setattr(engine, "relax", recording)
    return record
