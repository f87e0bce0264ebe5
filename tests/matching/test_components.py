"""Independent sub-markets: found from the acceptable arcs, solved apart (in worker processes
where that pays), merged into the same answer as each solved alone."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.matching import components
from barter.matching import engine as engine_module
from barter.matching.components import (
    batches,
    community_components,
    independent,
    merge,
    plan,
    solve_batch,
    split,
)
from barter.matching.engine import solve, solve_market
from barter.matching.market import acceptable
from barter.matching.model import Instance, Solution, problems
from barter.matching.synthetic import APART_KM, apart, generate_market
from barter.matching.unit import workers
from barter.reference import load_catalogue, load_provinces
from tests.matching import validator
from tests.matching.conftest import SettableClock, as_dict, as_instance, three_regions
from tests.matching.reference import reference_solution

FAR = {"lat": 6.6, "lon": 140.0}  # a copy of the south, 40 degrees east: thousands of km away


def _far(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """`data`'s market moved 40 degrees east, its ids prefixed, every need within 2,000 km."""
    out = copy.deepcopy(data)
    for c in out["communities"]:
        c["id"] = prefix + c["id"]
        c["lon"] += 40.0
    for o in out["offers"]:
        o["id"], o["community"] = prefix + o["id"], prefix + o["community"]
    for n in out["needs"]:
        n["id"], n["community"] = prefix + n["id"], prefix + n["community"]
        n["max_distance_km"] = 2000
    return out


def two_regions(**settings_: Any) -> dict[str, Any]:
    """The 3-cycle of three_regions twice: at home and far away (the far needs reach 2,000 km)."""
    home = three_regions(**settings_)
    for n in home["needs"]:
        n["max_distance_km"] = 2000
    far = _far(home, "far-")
    home["communities"] += far["communities"]
    home["offers"] += far["offers"]
    home["needs"] += far["needs"]
    return home


def _labels(data: dict[str, Any]) -> dict[str, int]:
    instance = as_instance(data)
    comp, _ = community_components(acceptable(instance))
    return {c.id: int(k) for c, k in zip(instance.communities, comp.tolist(), strict=True)}


def test_regions_far_apart_are_two_components() -> None:
    data = two_regions()
    labels = _labels(data)
    assert {labels[c] for c in ("satun-01", "surin-01", "nakhon-pathom-01")} == {0}
    assert {labels[c] for c in ("far-satun-01", "far-surin-01", "far-nakhon-pathom-01")} == {1}
    parts = split(acceptable(as_instance(data)))
    assert [sorted(c.id for c in p.instance.communities) for p in parts] == [
        ["nakhon-pathom-01", "satun-01", "surin-01"],
        ["far-nakhon-pathom-01", "far-satun-01", "far-surin-01"],
    ]
    assert [p.arcs for p in parts] == [3, 3]
    for p in parts:
        assert problems(p.instance) == []
        assert p.instance.settings == as_instance(data).settings


def test_without_distance_limits_one_component() -> None:
    data = two_regions()
    for n in data["needs"]:
        del n["max_distance_km"]
    assert set(_labels(data).values()) == {0}
    assert independent(acceptable(as_instance(data))) == []


def test_a_gift_joins_components_and_isolated_communities_are_in_none() -> None:
    data = two_regions()
    # a giver in the far region whose gift both regions can take: the gift's arcs join them
    data["communities"].append({"id": "far-giver", "lat": 12.0, "lon": 141.0})
    data["offers"].append(
        {"id": "gift", "community": "far-giver", "item": "morning-glory", "quantity": 50, "gift": True}
    )
    data["needs"].append(
        {"id": "np-greens", "community": "nakhon-pathom-01", "item": "morning-glory", "quantity": 50}
    )
    data["communities"].append({"id": "hermit", "lat": 15.0, "lon": 100.0})
    data["offers"].append({"id": "hermit-veg", "community": "hermit", "item": "pumpkin", "quantity": 0})
    labels = _labels(data)
    assert labels.pop("hermit") == -1  # no arc: it trades with nobody
    assert set(labels.values()) == {0}
    parts = split(acceptable(as_instance(data)))
    assert [len(p.instance.communities) for p in parts] == [7]
    assert independent(acceptable(as_instance(data))) == []


def test_an_excluded_arc_does_not_join() -> None:
    data = two_regions()
    data["needs"].append(
        {"id": "far-fish-too", "community": "far-surin-01", "item": "dried-fish", "quantity": 10}
    )
    # the far need takes home fish only through its explicit arc, excluded: no join
    data["needs"][-1]["accept_offers"] = ["fish"]
    del data["needs"][-1]["item"]
    joined = _labels(data)
    assert joined["far-surin-01"] == joined["satun-01"]  # the named offer joins them
    data["excluded"] = [{"offer": "fish", "need": "far-fish-too"}]
    apart_ = _labels(data)
    assert apart_["far-surin-01"] != apart_["satun-01"]
    parts = split(acceptable(as_instance(data)))
    far = next(p for p in parts if "far-surin-01" in {c.id for c in p.instance.communities})
    # the need's list keeps its own component's offers only (here none): still a sound instance
    need = next(n for n in far.instance.needs if n.id == "far-fish-too")
    assert need.accept_offers == []
    assert far.instance.excluded == []
    assert problems(far.instance) == []


def test_an_excluded_arc_inside_a_component_stays_with_it() -> None:
    data = two_regions()
    data["offers"].append({"id": "more-fish", "community": "satun-01", "item": "dried-fish", "quantity": 20})
    data["excluded"] = [{"offer": "more-fish", "need": "surin-fish"}]
    parts = split(acceptable(as_instance(data)))
    assert [[(x.offer, x.need) for x in p.instance.excluded] for p in parts] == [
        [("more-fish", "surin-fish")],
        [],
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(4, 25), min_size=1, max_size=4),
    seed=st.integers(0, 10_000),
    km=st.sampled_from([150.0, 400.0, APART_KM]),
)
def test_every_arc_inside_one_component_and_parts_keep_every_arc(
    sizes: list[int], seed: int, km: float
) -> None:
    """Property: every acceptable arc joins two communities of one component; each component is
    connected by its arcs; the parts' acceptable arcs are exactly the market's."""
    markets = [
        generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed + r)
        for r, n in enumerate(sizes)
    ]
    instance = apart(markets)
    # shorter limits make more, smaller components
    needs = [
        msgspec.structs.replace(n, max_distance_km=min(km, n.max_distance_km or km)) for n in instance.needs
    ]
    instance = msgspec.structs.replace(instance, needs=needs)
    whole = acceptable(instance)
    comp, sizes_ = community_components(whole)
    edges: list[tuple[int, int]] = []
    whole_arcs: set[tuple[str, str]] = set()
    for j in range(len(instance.needs)):
        offers, _, _ = whole.arcs(j)
        for o in offers.tolist():
            a, b = int(whole.offer_comm[o]), int(whole.need_comm[j])
            assert comp[a] == comp[b] >= 0
            edges.append((a, b))
            whole_arcs.add((instance.offers[o].id, instance.needs[j].id))
    assert int(sizes_.sum()) == len(whole_arcs)
    # connected: a search from each component's first community over the arcs reaches it all
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    for k in range(len(sizes_)):
        members = {i for i, c in enumerate(comp.tolist()) if c == k}
        start = min(members)
        seen, todo = {start}, [start]
        while todo:
            for v in neighbours.get(todo.pop(), ()):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        assert seen == members
    part_arcs: set[tuple[str, str]] = set()
    for part in split(whole):
        assert problems(part.instance) == []
        sub = acceptable(part.instance)
        count = 0
        for j in range(len(part.instance.needs)):
            offers, _, _ = sub.arcs(j)
            count += len(offers)
            part_arcs.update((part.instance.offers[o].id, part.instance.needs[j].id) for o in offers.tolist())
        assert count == part.arcs
    assert part_arcs == whole_arcs


def test_batches_balance_and_plan() -> None:
    assert batches([5, 1, 4, 3, 3], 2) == [[0, 4], [1, 2, 3]]  # 5+3 against 4+3+1
    assert batches([7, 2], 4) == [[0], [1]]
    assert plan([9_000, 8_000, 10], 2, 30.0) == ([[0], [1]], [2])
    assert plan([9_000, 8_000, 7_000], 2, 30.0) == ([[0], [1, 2]], [])
    assert plan([9_000, 8_000], 1, 30.0) is None  # one process allowed
    assert plan([9_000, 10], 4, 30.0) is None  # one large part: nothing to run side by side
    assert plan([9_000, 8_000], 2, components.POOL_MIN_LIMIT / 2) is None  # too short to start them


def test_solve_batch_shares_the_time_so_the_last_part_ends_by_the_deadline() -> None:
    t = [0.0]
    limits: list[float] = []

    def fake(instance: Instance, workers: int | None, now: Callable[[], float]) -> Solution:
        limits.append(instance.settings.time_limit_s)
        t[0] += instance.settings.time_limit_s  # uses all its time
        return Solution(status="feasible", objective=1.0, upper_bound=2.0, solve_seconds=0.0)

    instance = as_instance(three_regions(time_limit_s=30.0))
    out = solve_batch(fake, [instance] * 3, [1, 3, 4], 16.0, None, lambda: t[0])
    assert limits == [2.0, 6.0, 8.0]
    assert t[0] == 16.0
    assert len(out) == 3
    t[0], limits[:] = 0.0, []

    def early(instance: Instance, workers: int | None, now: Callable[[], float]) -> Solution:
        limits.append(instance.settings.time_limit_s)
        t[0] += 0.5  # done early: its time goes to the next
        return Solution(status="optimal", objective=1.0, upper_bound=1.0, solve_seconds=0.0)

    solve_batch(early, [instance] * 2, [1, 1], 16.0, None, lambda: t[0])
    assert limits == [8.0, 15.5]


def test_merge_sums_in_order_and_is_optimal_only_when_every_part_is() -> None:
    a = Solution(status="optimal", objective=1.5, upper_bound=1.5, solve_seconds=1.0)
    b = Solution(status="feasible", objective=2.0, upper_bound=3.25, solve_seconds=2.0)
    merged = merge([a, b], 2.5)
    assert (merged.status, merged.objective, merged.upper_bound, merged.solve_seconds) == (
        "feasible",
        3.5,
        4.75,
        2.5,
    )
    assert merge([a, a], 1.0).status == "optimal"


def _regions(n: int, regions: int, limit: float = 30.0) -> Instance:
    markets = [
        generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=r + 1)
        for r in range(regions)
    ]
    instance = apart(markets)
    return msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=limit)
    )


def _alone(instance: Instance) -> tuple[float, float, list[Any], bool]:
    """Each part solved alone (as a market of its own), the answers put one after another. (As
    in a worker process, or on a caller's clock: one rounding, none beside it on another core.)"""
    parts = split(acceptable(instance))
    answers = [solve_market(p.instance, 1) for p in parts]
    return (
        sum(a.objective for a in answers),
        sum(a.upper_bound for a in answers),
        [e for a in answers for e in as_dict(a)["exchanges"]],
        all(a.status == "optimal" for a in answers),
    )


def _same(solution: Solution, alone: tuple[float, float, list[Any], bool]) -> None:
    objective, bound, exchanges, optimal = alone
    assert solution.objective == pytest.approx(objective, rel=1e-9)
    assert solution.upper_bound == pytest.approx(bound, rel=1e-9)
    assert as_dict(solution)["exchanges"] == exchanges
    assert (solution.status == "optimal") == optimal


@pytest.fixture
def small_parts_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of a few dozen arcs count as large, so that tests stay quick."""
    monkeypatch.setattr(components, "POOL_MIN_ARCS", 20)


def test_the_pool_gives_each_region_solved_alone_and_is_deterministic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instance = _regions(40, 3)
    sizes = [p.arcs for p in split(acceptable(instance))]
    # the two largest parts count as large (a worker each), the smallest is solved here meanwhile
    monkeypatch.setattr(components, "POOL_MIN_ARCS", sorted(sizes)[1])
    assert len(independent(acceptable(instance))) == 3
    alone = _alone(instance)
    assert alone[0] > 0
    messages: list[str] = []
    first = solve(instance, processes=2, progress=lambda _, m: messages.append(m))
    each = max(1, workers() // 2)  # CP-SAT workers: the cores left for each of the 2 processes
    plan_message = (
        f"3 independent sub-markets: 2 in 2 processes ({each} CP-SAT workers each), 1 small ones here"
    )
    assert plan_message in messages
    assert sorted(m.split(" (")[0] for m in messages if m.startswith("sub-market ")) == [
        "sub-market 1 of 3",
        "sub-market 2 of 3",
        "sub-market 3 of 3",
    ]
    _same(first, alone)
    assert validator.problems(as_dict(instance), as_dict(first)) == []
    second = solve(instance, processes=2)
    assert as_dict(second) | {"solve_seconds": 0} == as_dict(first) | {"solve_seconds": 0}


@pytest.mark.usefixtures("small_parts_count")
def test_under_a_callers_clock_the_parts_are_solved_here_one_after_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_pool(processes: int) -> Any:
        raise AssertionError("no worker process under a caller's clock")

    monkeypatch.setattr(engine_module, "_executor", no_pool)
    instance = _regions(40, 3)
    messages: list[str] = []
    clock = SettableClock(0.0)  # time stands still: every part has all its time
    solution = solve(instance, now=clock, progress=lambda _, m: messages.append(m), processes=2)
    _same(solution, _alone(instance))
    assert "3 independent sub-markets, solved one after another" in messages
    assert sum(m.startswith("sub-market ") for m in messages) == 3


def test_one_component_uses_no_pool_and_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def counting(processes: int) -> Any:
        made.append(processes)
        raise AssertionError("no pool for a market of one piece")

    monkeypatch.setattr(engine_module, "_executor", counting)
    monkeypatch.setattr(components, "POOL_MIN_ARCS", 1)
    instance = as_instance(three_regions())
    assert independent(acceptable(instance)) == []
    solution = solve(instance, processes=2)
    assert made == []
    assert solution.objective > 0
    expected = solve_market(instance)
    assert as_dict(solution) | {"solve_seconds": 0} == as_dict(expected) | {"solve_seconds": 0}


def test_small_components_are_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two regions of three arcs each: below POOL_MIN_ARCS, the market is solved whole."""
    monkeypatch.setattr(engine_module, "_executor", lambda processes: pytest.fail("no pool"))
    instance = as_instance(two_regions())
    assert len(split(acceptable(instance))) == 2
    assert independent(acceptable(instance)) == []
    assert solve(instance, processes=2).objective > 0


@pytest.mark.usefixtures("small_parts_count")
def test_split_bound_holds_against_the_independent_reference() -> None:
    instance = _regions(20, 3, limit=10.0)
    assert len(independent(acceptable(instance))) == 3
    data = as_dict(instance)
    reference = reference_solution(data, time_limit_s=20.0)
    solution = solve(instance, now=SettableClock(0.0))
    tolerance = 1e-6 * max(1.0, reference["objective"])
    assert solution.upper_bound >= reference["objective"] - tolerance
    assert solution.objective >= 0.99 * reference["objective"] - tolerance


def test_apart_needs_reach_no_other_region() -> None:
    instance = _regions(15, 2)
    comp, _ = community_components(acceptable(instance))
    region = [int(c.id[1]) for c in instance.communities]  # "r0-..." / "r1-..."
    for a, ra in enumerate(region):
        for b, rb in enumerate(region):
            if comp[a] >= 0 and comp[a] == comp[b]:
                assert ra == rb
    with pytest.raises(ValueError, match="1 to 6"):
        apart([])
