"""A market too large to solve whole in its limit, dealt into pieces: every community in one
piece, the answer feasible for the whole market, the bound the whole market's."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.matching import engine as engine_module
from barter.matching import pieces
from barter.matching.engine import _plain_bound, solve, solve_market
from barter.matching.market import acceptable, build_market
from barter.matching.model import Instance, Solution
from barter.matching.relaxation import hub_bound
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from tests.matching import validator
from tests.matching.conftest import SettableClock, as_dict
from tests.matching.reference import reference_solution
from tests.matching.test_engine import SlowClock


def _market(n: int, seed: int = 3, limit: float = 30.0) -> Instance:
    instance = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed)
    settings_ = msgspec.structs.replace(instance.settings, time_limit_s=limit)
    return msgspec.structs.replace(instance, settings=settings_)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Markets of 60 communities or more dealt into pieces of about 20, whatever the limit."""
    monkeypatch.setattr(pieces, "PIECES_FROM", 60)
    monkeypatch.setattr(pieces, "PIECE_COMMUNITIES", 20)
    monkeypatch.setattr(pieces, "PIECE_MIN_S", 0.01)


@pytest.mark.parametrize(
    ("communities", "processes", "limit", "expected"),
    [
        (1_999, 2, 30.0, 0),  # below PIECES_FROM: solved whole
        (2_000, 2, 60.0, 2),  # 1 piece of 1,000 in each process
        (2_000, 2, 9.0, 0),  # 9 s for the piece: too short, solved whole
        (2_000, 2, 3_600.0, 2),  # never taken back whole: a longer limit must not answer less
        (5_000, 2, 120.0, 4),  # 2 pieces of 1,250 in each process, 60 s each
        (5_000, 1, 120.0, 4),  # one after another: 4 of 1,250, 30 s each
        (5_000, 2, 20.0, 4),  # 10 s each: PIECE_MIN_S
        (5_000, 2, 19.0, 0),  # 9.5 s each: too short, solved whole
        (20_000, 2, 300.0, 16),  # 8 in each process, 37.5 s each
        (20_000, 3, 300.0, 18),  # always a multiple of the processes
    ],
)
def test_how_many_pieces(communities: int, processes: int, limit: float, expected: int) -> None:
    assert pieces.count(communities, processes, limit) == expected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.integers(min_value=1, max_value=7), seed=st.integers(min_value=0, max_value=1_000))
def test_every_community_is_dealt_into_one_piece_with_its_listings(k: int, seed: int) -> None:
    instance = _market(40, seed=seed % 5)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, seed=seed)
    )
    whole = acceptable(instance)
    dealt = pieces.deal(whole, k)
    assert len(dealt) == k
    home = {c.id: i for i, p in enumerate(dealt) for c in p.instance.communities}
    assert sorted(home) == sorted(c.id for c in instance.communities)  # each once, none lost
    assert sum(len(p.instance.communities) for p in dealt) == len(instance.communities)
    sizes = Counter(home.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1  # as even as can be
    offer_piece = {o.id: home[o.community] for o in instance.offers}
    for i, part in enumerate(dealt):
        assert part.arcs == len(part.instance.offers) + len(part.instance.needs)
        assert all(home[o.community] == i for o in part.instance.offers)
        assert all(home[n.community] == i for n in part.instance.needs)
        for need in part.instance.needs:
            assert all(offer_piece[x] == i for x in need.accept_offers or [])
    assert sorted(o.id for p in dealt for o in p.instance.offers) == sorted(o.id for o in instance.offers)
    assert sorted(n.id for p in dealt for n in p.instance.needs) == sorted(n.id for n in instance.needs)
    # the same input and seed deal the same pieces
    again = pieces.deal(whole, k)
    assert [[c.id for c in p.instance.communities] for p in again] == [
        [c.id for c in p.instance.communities] for p in dealt
    ]


def test_another_seed_deals_other_pieces() -> None:
    instance = _market(40)
    deals = set()
    for seed in range(3):
        settings_ = msgspec.structs.replace(instance.settings, seed=seed)
        dealt = pieces.deal(acceptable(msgspec.structs.replace(instance, settings=settings_)), 2)
        deals.add(tuple(sorted(c.id for c in dealt[0].instance.communities)))
    assert len(deals) > 1


def test_a_named_offer_in_another_piece_is_left_out_of_the_need() -> None:
    instance = _market(40)
    named = [n for n in instance.needs if n.accept_offers]
    assert named, "the synthetic market names offers in some needs"
    whole = acceptable(instance)
    dealt = pieces.deal(whole, 4)
    kept = {n.id: n.accept_offers for p in dealt for n in p.instance.needs}
    cut = [n for n in named if kept[n.id] != n.accept_offers]
    assert cut  # some named offer went to another piece ...
    for need in cut:
        assert set(kept[need.id] or []) < set(need.accept_offers or [])  # ... and only that is left out


def _solve_messages(instance: Instance, **kwargs: Any) -> tuple[Any, list[str]]:
    messages: list[str] = []
    solution = solve(instance, progress=lambda _, m: messages.append(m), **kwargs)
    return solution, messages


@pytest.mark.usefixtures("small_pieces")
def test_the_pieces_answer_the_whole_market_under_its_own_bound() -> None:
    instance = _market(80, limit=10.0)
    data = as_dict(instance)
    solution, messages = _solve_messages(instance, now=SettableClock(0.0), processes=1)
    assert "80 communities dealt into 4 pieces, 1 at a time" in messages
    assert sum(m.startswith("piece ") for m in messages) == 4
    answer = as_dict(solution)
    assert validator.problems(data, answer) == []  # one market's answer: no listing used twice
    # the bound is the whole market's (hub relaxation and plain bound), not the pieces' sum,
    # which leaves out the trades between pieces
    market = build_market(instance)
    assert solution.upper_bound == pytest.approx(min(_plain_bound(market), hub_bound(market)), rel=1e-9)
    alone = [solve_market(p.instance, 1) for p in pieces.deal(acceptable(instance), 4)]
    assert solution.upper_bound > sum(a.upper_bound for a in alone)
    # ... and it holds against the independent reference over the whole market
    reference = reference_solution(data, time_limit_s=20.0)
    assert validator.problems(data, reference) == []
    tolerance = 1e-6 * max(1.0, reference["objective"])
    assert solution.upper_bound >= reference["objective"] - tolerance
    # the pieces' answers, one after another: each piece solved as a market of its own
    assert solution.objective == pytest.approx(sum(a.objective for a in alone), rel=1e-9)
    assert answer["exchanges"] == [e for a in alone for e in as_dict(a)["exchanges"]]


@pytest.mark.usefixtures("small_pieces")
def test_the_whole_markets_two_way_trades_stand_when_worth_more(monkeypatch: pytest.MonkeyPatch) -> None:
    # pieces that answer nothing: the two-way trades found over the whole market answer
    empty = Solution(status="feasible", objective=0.0, upper_bound=0.0, solve_seconds=0.0)
    monkeypatch.setattr(engine_module, "_solve_part", lambda instance, sat_workers, now: empty)
    instance = _market(80, limit=10.0)
    solution = solve(instance, now=SettableClock(0.0), processes=1)
    assert solution.objective > 0
    assert all(e.kind == "cycle" and len(e.transfers) == 2 for e in solution.exchanges)
    assert validator.problems(as_dict(instance), as_dict(solution)) == []


@pytest.mark.usefixtures("small_pieces")
def test_in_worker_processes_the_answer_is_the_one_solved_here() -> None:
    # a limit long enough for the pool (POOL_MIN_LIMIT); pieces this small are solved to their
    # optimum, so the pool's answer is the one solved here with time standing still
    instance = _market(80, limit=10.0)
    pooled, messages = _solve_messages(instance, processes=2)
    assert "80 communities dealt into 4 pieces, 2 at a time" in messages
    here = solve(instance, now=SettableClock(0.0), processes=1)
    assert validator.problems(as_dict(instance), as_dict(pooled)) == []
    # dealt into 4 pieces either way (4 = 2 x 2 and 4 x 1 pieces of about 20)
    assert as_dict(pooled) | {"solve_seconds": 0} == as_dict(here) | {"solve_seconds": 0}
    assert pooled.solve_seconds <= instance.settings.time_limit_s


@pytest.mark.usefixtures("small_pieces")
def test_a_longer_limit_never_answers_less_in_pieces() -> None:
    # the counting clock makes each run depend on the limit only
    instance = _market(80, seed=2)
    objectives = []
    for limit in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0):
        settings_ = msgspec.structs.replace(instance.settings, time_limit_s=limit)
        solution, messages = _solve_messages(
            msgspec.structs.replace(instance, settings=settings_), now=SlowClock(0.01), processes=1
        )
        assert any("dealt into" in m for m in messages)
        assert solution.upper_bound >= solution.objective
        objectives.append(solution.objective)
    assert objectives == sorted(objectives)
    assert objectives[0] > 0
    assert objectives[-1] > objectives[0]


def test_a_market_below_the_size_is_solved_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "deal", lambda whole, k: pytest.fail("not dealt"))
    instance = _market(80, limit=10.0)
    solution, messages = _solve_messages(instance, now=SettableClock(0.0), processes=1)
    assert not any("dealt into" in m for m in messages)
    assert solution.objective > 0


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("whole_side", ["offers", "needs"])
def test_a_market_of_all_or_nothing_goods_is_solved_whole(
    whole_side: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a kidney pool or a TradeMaximizer list: its integer model is proved optimal whole
    monkeypatch.setattr(engine_module, "deal", lambda whole, k: pytest.fail("not dealt"))
    instance = _market(80, limit=10.0)
    assert pieces.divisible(instance)
    listings = [msgspec.structs.replace(x, min_lot=x.quantity) for x in getattr(instance, whole_side)]
    instance = msgspec.structs.replace(instance, **{whole_side: listings})
    assert not pieces.divisible(instance)
    solution, messages = _solve_messages(instance, now=SettableClock(0.0), processes=1)
    assert not any("dealt into" in m for m in messages)
    assert validator.problems(as_dict(instance), as_dict(solution)) == []
