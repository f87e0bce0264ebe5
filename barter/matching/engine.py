"""The matching engine: `solve(instance) -> Solution`.

1. Working arcs (market.py): every acceptable arc of a small market; in a large one each need's
   nearest (best net of transport) and two-way partners, however far. Pricing (pricing.py) prices
   every excluded acceptable arc against the LP duals, brings in those that could improve the LP
   (delayed arc generation, while time allows; each round's LP starts from the columns the last
   one used) and turns the working LP's bound into a bound of the whole market: the bound
   reported is never one over the working arcs alone. On a large market the hub relaxation
   (relaxation.py), a second whole-market bound that needs no duals, runs beside the LP in a
   process of its own when there is a core for it (background.py), else after it.
2. Independent sub-markets (components.py): the weakly connected components of the community
   graph over every acceptable arc, gifts included (strongly connected ones are not independent:
   chains cross them). When at least two have POOL_MIN_ARCS arcs or more, each is solved as a
   market of its own, in parallel where it pays: spawned worker processes, as many as the cores
   this process may use (or `processes`), each batch ending by the run's deadline, CP-SAT in each
   with the cores left; the answers are merged in component order (objective and bound summed,
   optimal only if every part is). A market of one piece takes the path below unchanged.
   A market of divisible goods too large to solve as one in its limit (pieces.py: 2,000
   communities or more, with 10 s or more for each piece) is dealt at random into pieces of about
   1,250 communities, solved the same way (_solve_pieces); meanwhile this process finds the
   whole market's two-way trades (kept when worth more) and its bound, the hub relaxation's or
   the plain one: a piece's own bound leaves out the trades between pieces.
   Inside a market, the community graph is split into strongly connected components: cycles of up to
   `max_cycle_length` communities are enumerated inside them (graph.py), or, with no limit, a
   circulation runs over their arcs. Chains start from gift offers and cross components freely;
   they are enumerated when few enough, otherwise modelled by position (PICEF style).
3. The LP relaxation by column generation gives a proved upper bound at every step (lp.py);
   a first answer of two-way trades is held from before the LP (two_way).
   A market's strongly connected components share one LP (block-diagonal anyway); the MIPs
   below are small.
4. A feasible answer:
   * all-or-nothing goods (kidney exchange, TradeMaximizer): HiGHS over the columns whose
     reduced cost allows them in a better answer, so the answer is proved optimal against the
     LP bound (_prove); in one-unit markets (kidney exchange) CP-SAT over the LP's columns and
     the next best by reduced cost where HiGHS finds no optimum in time, or over the LP's
     columns when the LP was cut short (unit.py); with no
     cycle limit, an exact min-cost circulation (circulation.py);
   * divisible goods: rounding the LP by dropping or pushing up exchanges that break a min lot
     (repair.py), then, for small markets, HiGHS over the exchanges in play.
5. Flows become exchanges, rounded to their items' steps (whole pieces, kilograms to a step; an
   exchange no rounding keeps within the rules is left out, a chain cut short) and checked against
   every rule, the run's smallest transfer value included, before they are returned (exchanges.py).

Own terms (terms.py): each community balances by its own values where its listings set them.
Cycles and chains touching such listings get patterns of their own (columns.families_for), chain
and balance rows weigh each arc as its communities see it, two-way trades and the final check use
both sides' terms, and every bound widens by how far own values can move a balance (pricing.drift,
aggregate.py, relaxation.py). Without own terms every factor is 1 and nothing changes.

Pure and deterministic for (instance, seed): no I/O, no global state, a monotonic clock only for
the time limit (a stage cut short by the clock depends on the machine's speed). Safe to call from
any thread: a split market's worker processes are spawned, never forked (a script that calls
`solve` needs the `if __name__ == "__main__":` guard, since a spawned worker imports its main
module).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from barter.matching.aggregate import aggregate_bound
from barter.matching.background import Background
from barter.matching.circulation import solve_unit_circulation, unit_circulation_applies
from barter.matching.columns import (
    Family,
    FamilyKey,
    Model,
    RowTerm,
    arc_reduced,
    arc_rows,
    chain_reduced,
    cycle_reduced,
    families_for,
    need_tail,
    need_tail_share,
    offer_tail,
    offer_tail_share,
)
from barter.matching.components import (
    MERGE_S,
    POOL_MIN_LIMIT,
    Part,
    batches,
    independent,
    merge,
    plan,
    rounded,
    solve_batch,
)
from barter.matching.exchanges import Draft, Finisher, chains_from_positions, cycles_from_circulation, prefer
from barter.matching.graph import (
    ChainLayers,
    chain_layers,
    community_cycles,
    count_chains,
    expand_cycles,
    positioned_chains,
    strongly_connected_components,
    unique,
)
from barter.matching.lp import IN_USE, Column, LpResult, Master, carried_columns
from barter.matching.lpsolvers import HighsLp
from barter.matching.market import Acceptable, Market, acceptable, build_market
from barter.matching.model import Exchange, Instance, Solution, Transfer, problems
from barter.matching.pieces import count as count_pieces
from barter.matching.pieces import deal, divisible
from barter.matching.pricing import WholePricing, price_whole
from barter.matching.primal import PrimalResult, Selection, solve_primal
from barter.matching.relaxation import hub_bound, zones_pay
from barter.matching.repair import repair
from barter.matching.unit import dive, is_unit, solve_unit, workers
from barter.processes import follow_parent

Progress = Callable[[float, str], None]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

CYCLE_LIMIT = 3_000_000
ENUMERATION_SHARE = 0.3  # cycles and chains not enumerated by then are relaxed (see build_model)
# the LP stops by then; the primal model has the rest. 0.6 until the rounding solved in HiGHS
# (repair.py), which rounds 1,000 synthetic communities in 6-8 s where GLOP took 10-11 s; 0.7
# until the rounding took 1.5 columns per row instead of 3 (ROUND_PER_ROW), in 4-6.5 s
LP_SHARE = 0.77
UNIT_LP_SHARE = 0.75  # the same in one-unit markets (the primal model searches the LP's columns)
UNIT_HIGHS_COLUMNS = 1000  # one-unit markets: HiGHS over the LP's columns up to this many ...
UNIT_HIGHS_SHARE = 0.15  # ... with this share of the time left (2,000 UK pairs, 1,437 columns:
# nothing in 20 s, and through pywraplp HiGHS returns nothing when its time runs out)
UNIT_DIVE_SHARE = 0.3  # one-unit markets: of the time left, at most, the dives' on the LP ...
# ... each over (this many columns: the LP's and the best by reduced cost, the share of
# fractional columns fixed each round); the best answer stands (2,000 UK pairs, one LP: 20,001
# columns at 0.05, 1,533; 40,001 at 0.1, 1,531; 30,001 at 0.2, 1,532; 15,001 at 0.05, 1,526)
UNIT_DIVES = ((20_000, 0.05), (40_000, 0.1), (30_000, 0.2))
UNIT_SAT_SHARE = 0.9  # ... and then CP-SAT's, if the dive did not reach the bound
UNIT_SAT_COLUMNS = 3000  # the columns CP-SAT searches: the LP's and the best by reduced cost
UNIT_RESERVE_SHARE = 0.08  # one-unit markets: of the time left after the LP, kept for rounding
FINISH_SHARE = 0.05  # kept back from rounding for checking and writing the answer ...
# ... or, rounding divisible goods, at most FINISH_S and FINISH_PER_LISTING per offer and need:
# checking and rounding the answer to steps (emit) took 0.24 s for 1,000 synthetic communities
# (3,648 listings), 0.85 s for 5,000 (18,036) and 2.1 s for 20,000 (71,848), where 5% of 30, 120
# and 300 s held back 1.5, 6 and 15 s, and the rounding was often still going at its deadline
FINISH_S = 0.6
FINISH_PER_LISTING = 1e-4
MIN_CALL = 0.05  # seconds
LP_GAP = 1e-3  # divisible goods: column generation stops this close to its bound
CHAIN_LIMIT = 50_000  # chains listed as columns when positions could let one revisit a community
CHAIN_PATHS = 300_000  # divisible goods: chain columns rounding may use (a chain: one per balance pattern)
EXACT_TIES = 500  # primal models up to this many columns break preference ties exactly
POLISH_LIMIT = 250  # divisible goods: exchanges the final MIP may reconsider
MAX_PRICING_ROUNDS = 12  # delayed arc generation: LP solves over a growing working set
# another round of arc generation only while its LP could still run this share of the time the
# last round took before the LP's deadline (it starts warm from the last LP's columns, so even
# cut short it holds the last LP's value). 1,000 synthetic communities at 30 s: 1.0 left 9 s of
# the limit unused and answered 26.1 M twice; 0.5 answered 29.9 M twice. With the LP's faster
# solves (parked columns, smoothed prices: lp.py) and the rounding in HiGHS, 0.25 and
# PRICING_SHARE 0.65 let a third round run there: 33.0 M, against 32.2 M from two rounds
ROUND_FACTOR = 0.25
PRICING_SHARE = 0.65  # no new round of arc generation after this share of the time limit
# the LP's own stopping gap in the first rounds: duals that good point at the arcs worth pricing in,
# and the round ends sooner (1,000 synthetic communities at 30 s: 30.8 and 31.3 M, against 30.7
# and 26.1 M at 1e-2, when the first round's last LP iterations left no time for a second round).
# At 0.05 the second round's LP ran to about 17.5 s and the third, begun, was cut off after one or
# two iterations; at 0.25 the second ends near 12 s and the third runs 4-7 iterations, to 33.0-33.7
# M (its arcs hold an LP of 34.37 M, reached in about 16 s more). Fresh processes taken in turn
# (docs/benchmarks.md, twelfth session): median 33.22 M over 16 runs (32.78-33.40 M) against 32.89
# M over 7 (32.46-33.14 M); 0.12: 32.93-33.27 M, 0.35: 33.07-33.11 M, 0.5: 32.87 M. But how
# many iterations the third round gets before the LP's deadline follows the clock (4: 32.78 M, 5:
# 32.95 M, 7: 33.3 M), and bench.repeat's five runs gave a median of 32.95 M against 32.89 M before.
# 5,000 communities at 120 s: 127.2, 128.4, 130.8 M against 127.0, 130.0, 130.2 M, within noise
PRICING_LP_GAP = 0.25
PRICING_ARCS = 4000  # at least this many excluded arcs brought in per round, the best first ...
PRICING_PER_NEED = 10  # ... and this many per need (1,000 synthetic communities at 30 s: 2 per need
# gave a second round of 1,600 new arcs and 24.2 M; 10 per need, 11,000 arcs and 29.1 M)
PRICING_MAX_ARCS = 30_000_000  # acceptable arcs beyond which no arc is priced (memory)
PRICING_GAP = 1e-4  # stop bringing arcs in once what they could add is this small (relative)
PRICING_RATE = 100_000  # acceptable arcs priced per second (measured: 74,000-111,000, loaded)
HUB_EXACT_ARCS = 2_000_000  # up to this many acceptable arcs, hub gains come from the arcs themselves
# ... and beside the LP, on a core of its own, up to this many: 5,000 synthetic communities (4.6
# million arcs) 181.5 M in 5.8 s, against 182.4 M in 6.3 s from the needs' rules alone; 20,000
# (some 90 million) 721.4 M in 63 s against 724.4 M in 48 s, too slow for its shorter limits
HUB_EXACT_BESIDE_ARCS = 30_000_000
HUB_SHARE = 0.5  # of the time left, at most, for the hub relaxation
HUB_SECONDS_PER_LISTING = 1e-3  # what it needs, about (busy machine: 1,000 communities 1 s, 20,000 110 s)
# from this need on, with two cores or more, it runs beside the LP (background.py). 1,000
# synthetic communities (an estimated 3.4 s) ran it after the LP, in 0.5 s of the rounding's time;
# after an LP that ends at 0.77 of the limit its estimate barely fits in HUB_SHARE of what is left
HUB_BESIDE_S = 2.0
LP_FLOW_RATE = 20_000  # flow arcs the LP adds per second (measured in solves: 26,000-31,000 with the
# hub beside it on two busy cores; 55,000-60,000 alone), before it can give anything
TWO_WAY_LIMIT = 5_000  # two-way trades the first answer tries; all of them besides (the better of
# the two answers kept) when that takes at most TWO_WAY_SHARE of the time left: the bench's 5,000
# synthetic communities try all 21,204 in 0.45 s, 45.6 M -> 59.8 M; 20,000 all 71,523 in 2.2-2.6 s,
# 99.2 M -> 186.7 M. (Under a short limit on a large market no LP fits after it, so the time is not
# the LP's.)
TWO_WAY_RATE = 40_000  # two-way trades tried a second (measured: 60,000)
TWO_WAY_SHARE = 0.5
TWO_WAY_LP_RATE = 12_000  # two-way trades a second two_way_lp takes (measured: 5,000 synthetic
# communities, 21,000 in 1.5-1.8 s; 20,000, 72,000 in about 6 s)
TWO_WAY_LP_SHARE = 0.8  # of the time left after the greedy answers, where under a short limit
# nothing after it fits (no LP). bench.time_limit's 5,000 communities at 5 s get there with 3.5 s
# left (20,196 trades: 1.7 s by TWO_WAY_LP_RATE, 2.1 s in this share); at half, a slightly slower
# machine would miss it (the bench's market-5000.json as a whole `barter solve`: 21,204 trades)
TWO_WAY_LOT_ROUNDS = 12  # LPs solved again, trades below a lot left out (5,000 communities, before
# the LP saw fixed costs: 64.7 M after the first, 67.1 M after 4 more, 67.4 M after 12)
ROUNDING_RATE = 10_000  # columns the rounding builds and solves per second of time left (measured)
# ... the repair rounding (repair.py) of divisible goods: small rounding LPs go at ROUNDING_RATE
# (1,500 synthetic communities at 5 s: 12,000-14,000 columns in 1.4 s), large ones at REPAIR_RATE
# (1,000 communities, 21,299 columns in 5.3 s; 5,000, 145,287 in 33 s), so the budget is the larger
# of ROUNDING_RATE for the first REPAIR_FAST_S of the time left and REPAIR_RATE for all of it.
# At ROUNDING_RATE throughout, the room it left for chains made 5,000 communities at 120 s round
# up to 145,287 columns, with a first solve of 17-19 s. Replayed from one LP (132.86 M) with the
# same time left: 125.95 M at 10,000 a second, 130.8 M at 4,000, 126.5 M at 3,000 and 120.1 M at
# 2,000 (61,218 columns, done 22 s early: the rounding lacks columns). Over whole runs the
# answers at 120 s vary more than that: medians 129.9 M over six runs with it, 130.0 M over six
# of the code before it. At 20 s (seed 1) it decides the answer: 89.8 M and 89.0 M, where 63,000
# columns never finished rounding and the two-way trades answered (43.9 M) twice. And 4,000 a
# second for all of 1.2 s left (1,500 communities at 5 s): 4,800 columns, 29.7 M against 30.8-31.1 M
REPAIR_RATE = 4_000
# columns the rounding of divisible goods builds and solves per second, both dives beside each
# other, measured to the end: 1,000 synthetic communities 19,910 in 5.1-6.5 s, 5,000 41,314 in
# 13.7 s, 20,000 193,899 in 31 s. An LP that LP_SHARE would stop goes on while the rounding of it
# at this speed still fits (relax)
ROUNDING_SPEED = 3_000
ROUNDING_MARGIN = 1.15
REPAIR_FAST_S = 2.0
# the rounding's cycle columns, at most, per offer and need row (the chains through the positions
# they point to come on top). One LP of 1,000 synthetic communities (3,432 rows) rounded with 3
# per row to 33.36 M in 6.7 s, with 2 to 33.27 M in 5.2 s and with 1.5 to 33.22 M in 4.2 s; with
# 1.5 the LP runs about 2 s longer (LP_SHARE 0.77), where it gains some 0.15 M a second
ROUND_PER_ROW = 1.5
# with a core to spare, a second rounding goes on from the first's first solve in a thread (the
# LP solves leave Python's lock), pushing up the exchanges carrying 0.6 of their lots instead of
# repair.FORCE_AT's 0.5, and the better answer stands. Run alone to their end on four LPs of
# 1,000 synthetic communities, 0.6 gave +5,164, +148,602, -14,305 and -15,893 baht against 0.5
# (0.7: -42,265, +107,946, +46,001, -57,497); beside the second, the first ended 0.07-0.25 s
# later than alone (three LPs). (An earlier try that solved the second's LP from scratch lost
# its first 1.1 s solve.)
SECOND_FORCE_AT = 0.6
CIRCULATION_RATE = 30_000  # flow arcs a circulation model builds and solves per second (34,000 measured)


class Clock:
    def __init__(
        self, limit: float, progress: Progress | None, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.now = now
        self.start = now()
        self.limit = limit
        self.progress = progress

    def elapsed(self) -> float:
        return self.now() - self.start

    def remaining(self) -> float:
        return self.limit - self.elapsed()

    def left(self) -> float:
        """Time for one more solver call: what remains, but never less than a moment."""
        return max(MIN_CALL, self.remaining())

    def report(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(min(1.0, max(0.0, fraction)), message)


def solve(
    instance: Instance,
    *,
    progress: Progress | None = None,
    now: Callable[[], float] = time.monotonic,
    processes: int | None = None,
) -> Solution:
    """Find value-balanced cycles and gift chains; return the best answer found and a bound.

    `now` is the clock the time limit is read from (seconds, monotonic); tests pass their own.
    `processes`: how many worker processes independent sub-markets may use (None: the cores this
    process may use, unit.workers(); 1: none, the sub-markets are solved one after another here).
    A market of one piece (components.independent) is solved as one, in this process. Under a
    caller's own `now`, which cannot cross processes, independent sub-markets are solved one
    after another here, on that clock. Progress is reported from this process only: per
    sub-market when the market is split.
    """
    clock = Clock(instance.settings.time_limit_s, progress, now)
    if problems(instance):
        return Solution(
            status="infeasible_input", objective=0.0, upper_bound=0.0, solve_seconds=clock.elapsed()
        )
    clock.report(0.0, "reading the market")
    whole = acceptable(instance)
    parts = independent(whole)
    processes = workers() if processes is None else max(1, processes)
    if parts:
        return _solve_parts(parts, clock, processes)
    pooled = processes if _pool_pays(clock) else 1
    k = count_pieces(len(instance.communities), pooled, clock.limit)
    if k and divisible(instance):
        return _solve_pieces(instance, whole, deal(whole, k), clock, pooled)
    return _solve_market(instance, whole, clock)


def solve_market(
    instance: Instance,
    sat_workers: int | None = None,
    now: Callable[[], float] = time.monotonic,
) -> Solution:
    """The market solved as one, never split (a sound instance: see model.problems); CP-SAT with
    `sat_workers` workers (None: the cores this process may use). Independent sub-markets are
    solved by this, each in its own process or one after another."""
    clock = Clock(instance.settings.time_limit_s, None, now)
    return _solve_market(instance, acceptable(instance), clock, sat_workers)


def _solve_parts(parts: list[Part], clock: Clock, processes: int) -> Solution:
    """Independent sub-markets, each solved as a market of its own, merged in their order.

    With worker processes (`processes` > 1, the system's clock, a limit long enough to pay for
    starting them: POOL_MIN_LIMIT), the parts of POOL_MIN_ARCS arcs or more go in nearly equal
    batches (components.batches), one per process (a spawned one: the engine runs in threads of
    a server, where fork is unsafe); the small ones are solved here meanwhile. Every batch ends
    by one deadline, the limit less MERGE_S for returning and merging, measured from this call's
    start on the system's monotonic clock: a worker's start-up (SPAWN_S) is spent from its own
    batch's time. In a batch each part has the time left in proportion to its size among the
    parts still to solve (components.solve_batch), so with more parts than processes the batch
    holding the most work still ends by the deadline; with as many processes as large parts,
    each has the whole time. CP-SAT in each process gets the cores left: cores // processes, at
    least one.
    Otherwise all parts are solved one after another here, on the caller's clock, the same way.
    """
    sizes = [p.arcs for p in parts]
    instances = [p.instance for p in parts]
    n = len(parts)
    deadline = clock.start + clock.limit - MERGE_S
    planned = plan(sizes, processes, clock.limit) if clock.now is time.monotonic else None
    solutions: list[Solution | None] = [None] * n

    def done(i: int, solution: Solution) -> None:
        solutions[i] = solution
        finished = sum(s is not None for s in solutions)
        clock.report(
            finished / n,
            f"sub-market {i + 1} of {n} ({sizes[i]} arcs): objective {solution.objective:.6g}, "
            f"bound {solution.upper_bound:.6g}",
        )

    if planned is None:
        clock.report(0.0, f"{n} independent sub-markets, solved one after another")
        solve_batch(_solve_part, instances, sizes, deadline, None, clock.now, done)
    else:
        groups, small = planned
        sat_workers = max(1, workers() // len(groups))
        clock.report(
            0.0,
            f"{n} independent sub-markets: {n - len(small)} in {len(groups)} processes "
            f"({sat_workers} CP-SAT workers each), {len(small)} small ones here",
        )

        def small_ones_here() -> None:
            solve_batch(
                _solve_part,
                [instances[i] for i in small],
                [sizes[i] for i in small],
                deadline,
                1,
                clock.now,
                lambda k, s: done(small[k], s),
            )

        _in_workers(groups, instances, sizes, deadline, sat_workers, small_ones_here, done)
    merged = merge([s for s in solutions if s is not None], clock.elapsed())
    clock.report(1.0, f"objective {merged.objective:.6g}, bound {merged.upper_bound:.6g}")
    return merged


def _in_workers(
    groups: list[list[int]],
    instances: list[Instance],
    sizes: list[int],
    deadline: float,
    sat_workers: int,
    meanwhile: Callable[[], None],
    done: Callable[[int, Solution], None],
) -> None:
    """Each group of parts (by index) solved by `deadline` in a worker process of its own, while
    this process does `meanwhile`; `done` is told of each part's answer as its group comes in."""
    with _executor(len(groups)) as executor:
        futures = {
            executor.submit(
                solve_batch,
                _solve_part,
                [instances[i] for i in g],
                [sizes[i] for i in g],
                deadline,
                sat_workers,
            ): g
            for g in groups
        }
        meanwhile()
        for future in concurrent.futures.as_completed(futures):
            for i, solution in zip(futures[future], future.result(), strict=True):
                done(i, solution)


def _pool_pays(clock: Clock) -> bool:
    """Whether parts may go to worker processes: on the system's clock (a caller's own clock
    cannot cross processes) and under a limit long enough to pay for starting them."""
    return clock.now is time.monotonic and clock.limit >= POOL_MIN_LIMIT


def _solve_pieces(
    instance: Instance, whole: Acceptable, pieces: list[Part], clock: Clock, processes: int
) -> Solution:
    """A market dealt into pieces (pieces.py), each solved as a market of its own by one deadline
    as independent sub-markets are (in `processes` worker processes, or one after another here
    when that is 1), their answers merged; meanwhile, here, the whole market's two-way trades
    (kept when worth more) and its bound: the plain bound and the hub relaxation, never the
    pieces' own bounds, which leave out the trades between pieces."""
    sizes = [p.arcs for p in pieces]
    instances = [p.instance for p in pieces]
    n = len(pieces)
    deadline = clock.start + clock.limit - MERGE_S
    solutions: list[Solution | None] = [None] * n

    def done(i: int, solution: Solution) -> None:
        solutions[i] = solution
        finished = sum(s is not None for s in solutions)
        clock.report(
            0.1 + 0.9 * finished / n,
            f"piece {i + 1} of {n} ({len(instances[i].communities)} communities): "
            f"objective {solution.objective:.6g}",
        )

    clock.report(0.0, f"{len(instance.communities)} communities dealt into {n} pieces, {processes} at a time")
    if processes > 1:
        groups = batches(sizes, processes)
        sat_workers = max(1, workers() // len(groups))
        floor: list[tuple[tuple[list[Exchange], float], float]] = []

        def whole_market_here() -> None:
            floor.append(_whole_market_floor(instance, whole, clock, deadline - clock.now()))

        _in_workers(groups, instances, sizes, deadline, sat_workers, whole_market_here, done)
        first, bound = floor[0]
    else:
        first, bound = _whole_market_floor(instance, whole, clock, HUB_SHARE * clock.remaining())
        solve_batch(_solve_part, instances, sizes, deadline, None, clock.now, done)
    merged = merge([s for s in solutions if s is not None], clock.elapsed())
    exchanges, objective = merged.exchanges, merged.objective
    if first[1] > objective:
        exchanges, objective = first
    return _solution(clock, objective, max(bound, objective), objective >= bound - 1e-6, exchanges)


def _whole_market_floor(
    instance: Instance, whole: Acceptable, clock: Clock, hub_budget: float
) -> tuple[tuple[list[Exchange], float], float]:
    """The whole market's first answer (its two-way trades: _first_answer) and its bound: the
    plain bound, or the hub relaxation's when it is smaller and there is `hub_budget` for it."""
    market = build_market(instance, whole=whole)
    pairs = two_way_pairs(market) if market.settings.max_cycle_length != 1 else []
    first = _first_answer(market, pairs, clock)
    clock.report(0.05, f"first answer: {len(first[0])} two-way trades, objective {first[1]:.6g}")
    bound = _plain_bound(market)
    listings = len(market.offer_qty) + len(market.need_qty)
    if hub_budget >= HUB_SECONDS_PER_LISTING * listings:
        exact = whole.size_bound() <= HUB_EXACT_BESIDE_ARCS
        bound = min(bound, *hub_steps(market, exact, hub_budget))
        clock.report(0.1, f"hub relaxation bound {bound:.6g}")
    if market.integral:
        bound = math.floor(bound + 1e-6)
    return first, bound


def _executor(processes: int) -> concurrent.futures.ProcessPoolExecutor:
    """The worker processes of one solve, spawned (tests replace this to see whether it is used)."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=follow_parent,
        initargs=(os.getpid(),),
    )


def _solve_part(instance: Instance, sat_workers: int | None, now: Callable[[], float]) -> Solution:
    """One sub-market (components.SolveOne), in a worker process or here."""
    return solve_market(instance, sat_workers, now)


def _solve_market(
    instance: Instance, whole: Acceptable, clock: Clock, sat_workers: int | None = None
) -> Solution:
    """The market as one (solve's own path for a market of one piece)."""
    market = build_market(instance, whole=whole)
    if market.n_arcs == 0:
        return Solution(status="optimal", objective=0.0, upper_bound=0.0, solve_seconds=clock.elapsed())
    listings = len(market.offer_qty) + len(market.need_qty)
    beside: Background | None = None
    if (
        market.n_excluded
        and _core_to_spare(clock, sat_workers)  # (a caller's clock cannot cross processes)
        and HUB_SECONDS_PER_LISTING * listings >= HUB_BESIDE_S
        # it needs HUB_BESIDE_S at least: under a shorter limit it could not answer in time, and
        # starting its process holds this one up (0.3-0.45 s: the child reads the instance)
        and clock.limit >= HUB_BESIDE_S
    ):
        # the hub relaxation needs no LP duals: on a core of its own, beside the LP
        exact = whole.size_bound() <= HUB_EXACT_BESIDE_ARCS
        beside = Background(hub_of, instance, exact, clock.limit)
    try:
        return _solve_built(instance, whole, market, clock, sat_workers, beside)
    finally:
        if beside is not None:
            beside.stop()


def _core_to_spare(clock: Clock, sat_workers: int | None) -> bool:
    """Whether work may run beside this solve on another core: two cores or more, not inside a
    pool's worker (`sat_workers` set: the other cores are the pool's), and on the wall clock."""
    return sat_workers is None and clock.now is time.monotonic and workers() >= 2


def hub_of(instance: Instance, exact: bool, time_limit_s: float) -> Iterator[float]:
    """The hub relaxation's bounds of `instance` (hub_steps), from the instance alone (what a
    process of its own is given)."""
    return hub_steps(build_market(instance), exact, time_limit_s)


def hub_steps(market: Market, exact: bool, time_limit_s: float) -> Iterator[float]:
    """The hub relaxation's bound (relaxation.py) without zones first, then, where the market is
    small enough for them, the smaller of that and the bound with zones, in what is left of
    `time_limit_s` (some times slower to solve: 1,500 synthetic communities at 5 s had no time
    to wait for it beside the LP)."""
    start = time.monotonic()
    plain = hub_bound(market, exact_gains=exact, time_limit_s=time_limit_s, zones=False)
    yield plain
    left = time_limit_s - (time.monotonic() - start)
    if exact and zones_pay(market) and left > 0:
        yield min(plain, hub_bound(market, exact_gains=exact, time_limit_s=left, zones=True))


def _solve_built(
    instance: Instance,
    whole: Acceptable,
    market: Market,
    clock: Clock,
    sat_workers: int | None,
    beside: Background | None,
) -> Solution:
    pairs = two_way_pairs(market) if market.settings.max_cycle_length != 1 else []
    first = _first_answer(market, pairs, clock)
    if first[1] > 0:
        clock.report(0.05, f"first answer: {len(first[0])} two-way trades, objective {first[1]:.6g}")
    if clock.remaining() <= 0 and first[1] > 0:
        # out of time already (a short limit on a large market): the first answer, with the
        # plain whole-market bound, rather than overrunning the limit by the model and its LP
        clock.report(0.1, f"{market.n_arcs} candidate arcs, no time left for the LP")
        return _finish_first(clock, first, _plain_bound(market))
    model = build_model(market, clock)
    clock.report(0.1, f"{market.n_arcs} candidate arcs, {_count(model)} cycles")
    if first[1] > 0 and model.flow_arcs.size > LP_FLOW_RATE * clock.remaining():
        # out of time before any LP, or too little left to build it (its flow arcs go in one by
        # one: 5,000 synthetic communities at a 5 s limit spent 5.4 s there, ending at 7.7 s with
        # nothing better than the first answer): the first answer, with the plain whole-market
        # bound, rather than overrunning the limit by an LP and pricing
        return _finish_first(clock, first, _plain_bound(market))
    circulation = model.flow_arcs.size and not model.families and model.layers.depth == 0
    if circulation and market.n_excluded == 0 and unit_circulation_applies(market, model.flow_arcs):
        flows, total = solve_unit_circulation(market, model.flow_arcs)
        primal = PrimalResult("optimal", total / market.scale, total / market.scale)
        primal.flows = flows
        exchanges, objective = finish(model, primal)
        return _solution(clock, objective, max(total, objective), objective >= total - 1e-6, exchanges)
    threads = workers() if sat_workers is None else sat_workers
    # the LP may take what the rounding will not need, unless the hub relaxation runs after it
    stretch = beside is not None or market.n_excluded == 0
    model, lp, bound = price_and_relax(
        instance,
        whole,
        model,
        clock,
        threads=threads,
        stretch=stretch,
        known=beside.poll if beside is not None else None,
    )
    market = model.market
    budget = HUB_SHARE * clock.remaining()
    listings = len(market.offer_qty) + len(market.need_qty)
    if beside is not None and market.n_excluded:
        # computed beside the LP since the market was read: wait for it no longer than the
        # hub would have had here
        hub = beside.result(budget)
        if hub is not None:
            clock.report(0.5, f"hub relaxation bound {hub:.6g}, beside the LP (priced LP bound {bound:.6g})")
            bound = min(bound, hub)
    elif market.n_excluded and budget >= HUB_SECONDS_PER_LISTING * listings:
        # the priced bound is loose while many excluded arcs still price positive; the hub
        # relaxation (relaxation.py) bounds the whole market another way: keep the smaller.
        # (Skipped when the time left could not build and solve it: its model is built before
        # the solver's own limit applies.)
        exact = whole.size_bound() <= HUB_EXACT_ARCS
        hub = min(hub_steps(market, exact, budget))
        clock.report(0.5, f"hub relaxation bound {hub:.6g} (priced LP bound {bound:.6g})")
        bound = min(bound, hub)
    if market.integral:
        bound = math.floor(bound + 1e-6)
    clock.report(0.5, f"LP bound {bound:.6g} after {lp.iterations} iterations")
    if clock.remaining() <= 0 and first[1] > 0:
        return _finish_first(clock, first, bound)
    primal, proved = improve(model, lp, bound, clock, sat_workers)
    if proved is not None and market.n_excluded == 0:
        # (a proof over the working columns holds for the whole market only when it is the market)
        bound = proved
    exchanges, objective = finish(model, primal, bound)
    if first[1] > objective:
        exchanges, objective = first
    bound = max(bound, objective)
    optimal = objective >= bound - (0.5 if market.integral else 1e-6 * max(1.0, abs(bound)))
    return _solution(clock, objective, bound, optimal, exchanges)


def _finish_first(clock: Clock, first: tuple[list[Exchange], float], bound: float) -> Solution:
    """The first answer (two-way trades) as the solution, under a whole-market `bound`."""
    exchanges, objective = first
    return _solution(clock, objective, max(bound, objective), objective >= bound - 1e-6, exchanges)


def _solution(
    clock: Clock, objective: float, bound: float, optimal: bool, exchanges: list[Exchange]
) -> Solution:
    clock.report(1.0, f"objective {objective:.6g}, bound {bound:.6g}")
    return Solution(
        status="optimal" if optimal else "feasible",
        objective=rounded(objective),
        upper_bound=rounded(bound),
        solve_seconds=round(clock.elapsed(), 3),
        exchanges=exchanges,
    )


def _count(model: Model) -> int:
    return sum(f.n for f in model.families.values() if f.kind == "cycle")


def build_model(market: Market, clock: Clock, *, enumerate_until: float | None = None) -> Model:
    """The columns of `market`. Cycles are enumerated until `enumerate_until` (seconds on the
    clock; by default ENUMERATION_SHARE of the limit); those not enumerated by then are relaxed
    by circulation flows (the model is then not `complete`)."""
    m = market
    until = ENUMERATION_SHARE * m.settings.time_limit_s if enumerate_until is None else enumerate_until
    s = m.settings
    n = m.n_communities
    tolerance = s.balance_tolerance
    ordinary = np.nonzero(~m.arc_gift & (m.arc_cap > 0))[0]
    # community pairs with an arc, grouped by giver (numpy: 319,083 arcs for 2,000 UK pairs)
    pair_keys = unique(m.arc_from[ordinary] * n + m.arc_to[ordinary])
    givers, receivers = pair_keys // n, pair_keys % n
    cuts = np.searchsorted(givers, np.arange(n + 1))
    adjacency = [receivers[cuts[u] : cuts[u + 1]].tolist() for u in range(n)]
    comp = np.array(strongly_connected_components(n, adjacency), dtype=np.int64)
    inner = ordinary[comp[m.arc_from[ordinary]] == comp[m.arc_to[ordinary]]]
    inner_keys = m.arc_from[inner] * n + m.arc_to[inner]
    order = np.argsort(inner_keys, kind="stable")
    sorted_keys = inner_keys[order]
    starts = np.nonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])[0][: len(inner)]
    ends = np.r_[starts[1:], len(sorted_keys)][: len(starts)]
    inner_succ: list[set[int]] = [set() for _ in range(n)]
    parallel: dict[tuple[int, int], list[int]] = {}
    grouped = inner[order].tolist()
    for key, lo, hi in zip(sorted_keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        u, v = divmod(key, n)
        inner_succ[u].add(v)
        parallel[(u, v)] = grouped[lo:hi]

    families: dict[FamilyKey, Family] = {}
    flow_arcs = np.zeros(0, dtype=np.int64)
    complete = True
    length = s.max_cycle_length
    if length >= 2:

        def in_time() -> bool:
            return clock.elapsed() <= until

        found, complete = community_cycles(n, inner_succ, length, limit=CYCLE_LIMIT, check=in_time)
        by_len, expanded = expand_cycles(found, parallel, n, limit=CYCLE_LIMIT)
        complete = complete and expanded
        for hops, arcs in sorted(by_len.items()):
            families.update(families_for(m, "cycle", hops, arcs, tolerance))
        if not complete:
            # the cycles found still serve the answer; the bound relaxes the length limit
            flow_arcs = inner
    elif length == 0:
        flow_arcs = inner

    out_arcs: list[IntArray] = [np.zeros(0, dtype=np.int64) for _ in range(n)]
    if s.max_chain_length > 0:
        by_giver: dict[int, list[int]] = {}
        for a in ordinary:
            by_giver.setdefault(int(m.arc_from[a]), []).append(int(a))
        for c, arcs_c in by_giver.items():
            out_arcs[c] = np.array(arcs_c, dtype=np.int64)
    gift_arcs = np.nonzero(m.arc_gift & (m.arc_cap > 0))[0]
    # chains by position (PICEF). That is exact for one-unit goods where no chain can come back
    # to a community (see _positions_exact), as in kidney exchange. Otherwise, and only when
    # there are few chains, they are listed as columns instead; large markets keep positions
    # (see _chains_as_columns for the rounding).
    layers = chain_layers(s.max_chain_length, gift_arcs, out_arcs, m.arc_to)
    if layers.depth > 1 and not _positions_exact(m):
        few = count_chains(s.max_chain_length, gift_arcs, ordinary, m.arc_from, m.arc_to, n) <= CHAIN_LIMIT
        if few:
            allowed = list(layers.arcs)
            for hops, arcs in sorted(
                positioned_chains(allowed, m.arc_from, m.arc_to, limit=CHAIN_LIMIT).items()
            ):
                families.update(families_for(m, "chain", hops, arcs, tolerance))
            layers = ChainLayers([])
    chain_rows = [unique(m.arc_from[layers.arcs[k]]) for k in range(1, layers.depth)]

    used: list[IntArray] = [fam.arcs.ravel() for fam in families.values()]
    used += list(layers.arcs)
    used.append(flow_arcs)
    all_used = unique(np.concatenate(used)) if used else np.zeros(0, dtype=np.int64)
    arc_short_offer = m.arc_cap < offer_tail(m)[m.arc_offer] * (1 - 1e-9)
    arc_short_need = m.arc_cap / m.arc_val < need_tail(m)[m.arc_need] * (1 - 1e-9)
    short_offers = [m.arc_offer[fam.arcs[fam.short_offer]] for fam in families.values()]
    short_needs = [m.arc_need[fam.arcs[fam.short_need]] for fam in families.values()]
    loose = np.concatenate([*layers.arcs, flow_arcs]) if layers.arcs or flow_arcs.size else flow_arcs
    short_offers.append(m.arc_offer[loose[arc_short_offer[loose]]])
    short_needs.append(m.arc_need[loose[arc_short_need[loose]]])
    return Model(
        market=m,
        families=families,
        layers=layers,
        chain_in_master=[np.zeros(len(arcs), dtype=np.bool_) for arcs in layers.arcs],
        flow_arcs=flow_arcs,
        kappa=1.0 / (1.0 - tolerance),
        fixed_cost=s.exchange_fixed_cost / m.scale,
        offer_rows=unique(m.arc_offer[all_used]),
        need_rows=unique(m.arc_need[all_used]),
        chain_rows=chain_rows,
        balance_rows=unique(np.concatenate([m.arc_from[flow_arcs], m.arc_to[flow_arcs]])),
        arc_short_offer=arc_short_offer,
        arc_short_need=arc_short_need,
        tail_offers=unique(np.concatenate(short_offers)),
        tail_needs=unique(np.concatenate(short_needs)),
        offer_share=offer_tail_share(m),
        need_share=need_tail_share(m),
        complete=complete,
    )


def _positions_exact(m: Market) -> bool:
    """Chains by position are exactly the chains: no own terms, every arc moves the same
    all-or-nothing value (so giving on what was received keeps the balance), each community has at most one
    need with candidate arcs (so no chain comes back to it), and no giver of a gift has one."""
    caps = m.arc_cap
    if m.terms or not bool(m.arc_fixed.all()) or float(np.ptp(caps)) > 1e-9 * float(caps.max()):
        return False
    needs = unique(m.arc_need)
    if not bool(np.all(m.need_lot[needs] >= m.need_qty[needs])):
        return False
    receivers = m.need_comm[needs]
    if len(unique(receivers)) != len(receivers):
        return False
    givers = unique(m.offer_comm[m.offer_gift])
    return not bool(np.isin(givers, receivers).any())


def price_and_relax(
    instance: Instance,
    whole: Acceptable,
    model: Model,
    clock: Clock,
    *,
    threads: int = 1,
    stretch: bool = False,
    known: Callable[[], float | None] | None = None,
) -> tuple[Model, LpResult, float]:
    """The LP over the working arcs, priced against the whole market (pricing.py); while
    excluded arcs price positive and time allows, bring the best of them in and solve again
    (delayed arc generation). Returns the last model, its LP, and the whole-market bound (baht):
    the best over the rounds of the LP's bound plus what excluded arcs could still add. The
    pricing may use `threads` threads. With `stretch` (only the rounding follows), an LP that no
    pricing follows may run on past LP_SHARE while its rounding still fits (relax). `known`: a
    whole-market bound found elsewhere (the hub relaxation beside), or None while there is none
    yet; the pricing does not work out a bound that could not beat it."""
    if whole.size_bound() > PRICING_MAX_ARCS:
        # too many arcs to price one by one in this process (20,000 communities: some 90
        # million): the bound is the plain one every answer meets, each need filled at its
        # priority with its dearest acceptable item, transport free. True, but loose.
        return model, relax(model, clock, stretch=stretch), _plain_bound(model.market)
    extra: dict[int, IntArray] = {}
    limit = clock.limit
    # the plain bound is a whole-market bound too, and sometimes the tighter one (synthetic
    # markets of 1,500 communities at a 5 s limit: 1.9e8 against 5.3e8 from pricing)
    plain = _plain_bound(model.market)
    best = plain
    settled: tuple[Model, LpResult] | None = None
    round_ = 0
    warm: list[Column] = []
    tighten = False
    while True:
        round_ += 1
        started = clock.elapsed()
        # early rounds only need duals good enough to point at the arcs worth bringing in (a
        # market with no arc left out has no arc to point at)
        loose = not tighten and round_ < 3 and model.market.n_excluded > 0
        gap = PRICING_LP_GAP if loose else LP_GAP
        # (the first round's LP is priced even when cut short, so it keeps LP_SHARE's deadline)
        lp = relax(model, clock, gap=gap, warm=warm, stretch=stretch and settled is not None)
        market = model.market
        if stretch and settled is not None and clock.elapsed() > LP_SHARE * limit:
            # stretched past LP_SHARE (relax): its time is the rounding's, not the pricing's
            kept, kept_lp = _fuller(settled, (model, lp))
            return kept, kept_lp, best
        if not lp.converged and settled is not None:
            # a later round's LP cut short by its deadline: no round follows, and its duals, not
            # yet settled, would price the whole market loosely at the cost of the rounding's time
            # (5,000 communities: 20 s for a bound of 1.07e9, beside the hub relaxation's 1.8e8)
            kept, kept_lp = _fuller(settled, (model, lp))
            return kept, kept_lp, best
        if settled is None and whole.size_bound() > PRICING_RATE * clock.remaining():
            # no time left to price every acceptable arc (5,000 communities: 63 s for 4.6 million
            # on a loaded machine, with a 20 s limit): the plain bound, and the limit is kept
            return model, lp, plain
        scale = market.scale
        lp_bound = working_bound(model, lp)
        # a correction that leaves the bound above one already held, or one too large to stop
        # arc generation (PRICING_GAP), is of no use: the pricing need not work it out
        elsewhere = known() if known is not None else None
        if elsewhere is not None:
            best = min(best, elsewhere)  # (a bound of the whole market too)
        beat = max(best - lp_bound, PRICING_GAP * max(abs(lp_bound), 1e-9)) / scale
        priced = price_whole(
            model,
            lp.duals,
            budget=max(PRICING_ARCS, PRICING_PER_NEED * len(market.need_qty)),
            threads=threads,
            beat=beat,
        )
        best = min(best, lp_bound + priced.correction * scale)
        # the same duals priced by community pairs, keeping the cycle limit (aggregate.py)
        # (only when arcs are left out: otherwise the LP's own bound is already the market's)
        agg = aggregate_bound(model, lp.duals) if market.n_excluded else None
        if agg is not None:
            best = min(best, agg.bound * scale)
        added = f"{priced.correction * scale:.6g}" if priced.bounded else f"more than {beat * scale:.6g}"
        clock.report(
            0.45,
            f"pricing round {round_}: {'at least ' if not priced.bounded else ''}"
            f"{priced.n_improving} excluded arcs could improve the LP (bound {lp_bound:.6g} + {added}"
            + (f"; by community pairs {agg.bound * scale:.6g})" if agg is not None else ")"),
        )
        settled = (model, lp)
        small = priced.correction * scale <= PRICING_GAP * max(abs(lp_bound), 1e-9)
        took = clock.elapsed() - started
        if (
            not lp.converged
            or round_ >= MAX_PRICING_ROUNDS
            # another round only while its LP could run a share of what this round took before
            # the LP's deadline (ROUND_FACTOR)
            or clock.elapsed() + ROUND_FACTOR * took > LP_SHARE * limit
        ):
            return model, lp, best
        if priced.n_improving == 0 or small:
            if gap <= LP_GAP or market.integral or lp.bound - lp.value <= LP_GAP * abs(lp.bound):
                # (whole-number objectives stop by their own rule, not the gap: see relax)
                return model, lp, best
            # nothing more to bring in, but this LP stopped at the pricing rounds' looser gap: the
            # same arcs again, solved to LP_GAP from this LP's columns, and priced again (synthetic
            # 100 communities at 30 s: a bound 0.7% above the answer instead of 2.1% without this)
            tighten = True
            warm = carried_columns(model, lp, model)
            continue
        bring_in(extra, priced)
        # a later round's model is enumerated afresh, past ENUMERATION_SHARE of the limit: it
        # may take until pricing stops (the demo, 360 communities at 10 s: round 6 began at
        # 3.3 s, enumerated no cycle, and its LP and primal ran over circulation flows that
        # ignore the cycle limit; the answer fell to the two-way trades). After a complete model,
        # which only a complete one may follow, it may also take until the time that still
        # leaves its LP ROUND_FACTOR of this round's time, the rule this round was let in by
        # (5,000 synthetic communities at 120 s: a second round priced by 80 s had its third
        # round's cycles cut at PRICING_SHARE's 78 s, and the answer fell from 144-146 M to 133 M)
        until = max(ENUMERATION_SHARE, PRICING_SHARE) * limit
        if model.complete:
            until = max(until, LP_SHARE * limit - ROUND_FACTOR * took)
        wider = build_model(build_market(instance, extra=extra, whole=whole), clock, enumerate_until=until)
        if model.complete and not wider.complete:
            # cycles left out would turn the next LP into another problem (a relaxation of the
            # cycle limit) and leave the integer step nothing to round: keep the last model
            return model, lp, best
        # the next LP starts from the columns this one uses (all still there: arcs only grow)
        warm = carried_columns(model, lp, wider)
        clock.report(
            0.45,
            f"pricing round {round_ + 1}: {wider.market.n_arcs} working arcs, {_count(wider)} cycles, "
            f"{len(warm)} columns carried over",
        )
        model = wider


def working_bound(model: Model, lp: LpResult) -> float:
    """The LP's bound over the working arcs (baht): the smaller of its Lagrangian bound with
    tie-break penalties (and their slack) and the one without."""
    scale = model.market.scale
    return min(lp.bound * scale + model.penalty_slack, lp.plain_bound * scale)


def bring_in(extra: dict[int, IntArray], priced: WholePricing) -> None:
    """Add the excluded arcs `priced` names as improving to `extra` (need -> offers)."""
    for j, offers in priced.improving.items():
        known = extra.get(j)
        extra[j] = offers if known is None else np.union1d(known, offers)


def _fuller(settled: tuple[Model, LpResult], last: tuple[Model, LpResult]) -> tuple[Model, LpResult]:
    """Of the last converged round and a larger one cut short, the LP holding more value (an
    unfinished LP's values are feasible: 1,000 synthetic communities at 30 s, the second round's
    LP stood at 28.6 M against the first's 21.5 M when the clock stopped it)."""
    if last[1].value * last[0].market.scale >= settled[1].value * settled[0].market.scale:
        return last
    return settled


def _plain_bound(m: Market) -> float:
    """sum over needs of priority * quantity * the most valuable item it accepts (baht)."""
    items = {it.id: it for it in m.instance.items}
    dearest: dict[str, float] = {}
    for it in m.instance.items:
        dearest[it.category] = max(dearest.get(it.category, 0.0), it.value)
    offer_value = {o.id: items[o.item].value for o in m.instance.offers}
    total = 0.0
    for need in m.instance.needs:
        if need.accept_offers is not None:
            value = max((offer_value[x] for x in need.accept_offers), default=0.0)
        elif need.item is not None:
            value = items[need.item].value if need.item in items else 0.0
        else:
            value = dearest.get(need.category or "", 0.0)
        total += need.priority * need.quantity * value
    return total


def relax(
    model: Model, clock: Clock, gap: float = LP_GAP, warm: Sequence[Column] = (), *, stretch: bool = False
) -> LpResult:
    """The LP over `model`'s columns by column generation, starting from the columns `warm`.
    With `stretch` (nothing but the rounding follows this LP), a rounding of divisible goods that
    needs less than the time LP_SHARE leaves it gives the rest to the LP."""
    m = model.market
    master = Master(model, m.settings.balance_tolerance)
    budget = clock.limit

    # the LP stops at LP_SHARE of the time limit, leaving the rest for the primal model; in
    # one-unit markets the primal model searches the LP's own columns, so the LP has longer
    share = UNIT_LP_SHARE if is_unit(m) else LP_SHARE
    earliest = end = share * budget

    def deadline() -> float:
        return end - clock.elapsed()

    divisible = not is_unit(m) and not bool(m.arc_fixed.all()) and bool(model.families)
    keep = _finish_reserve(m, budget)
    last = clock.elapsed()

    def stretched(lp: LpResult) -> None:
        # the LP about to stop: as long as the rounding of it as it stands would take (its
        # columns at ROUNDING_SPEED, with ROUNDING_MARGIN), asked again at each iteration, as
        # more columns price near the bound while the LP is short of it (5,000 synthetic
        # communities at 120 s rounded 41,314 columns in 13.7 s of the 26 s LP_SHARE left it)
        nonlocal end, last
        now = clock.elapsed()
        step, last = now - last, now
        if now + step < earliest:
            return  # LP_SHARE does not stop it yet
        own = dataclasses.replace(model, families=dict(model.families))  # chains go in a copy
        columns = _rounding_selection(own, lp, budget - keep - earliest).size()
        need = ROUNDING_MARGIN * columns / ROUNDING_SPEED
        end = max(earliest, budget - keep - need)
        clock.report(0.5, f"the LP until {end:.1f} s: {columns} columns to round, about {need:.1f} s")

    def progress(iteration: int, value: float, bound: float) -> None:
        clock.report(
            0.1 + 0.4 * min(1.0, clock.elapsed() / max(1e-9, budget * 2 / 3)),
            f"LP iteration {iteration}: {value * m.scale:.6g} (bound {bound * m.scale:.6g})",
        )

    def enough(value: float, bound: float) -> bool:
        if not m.integral:
            # divisible goods: the rounding loses more than this anyway
            return bound - value <= gap * abs(bound)
        # whole-number objectives: stop once the bound cannot round any lower
        top = math.floor(bound * m.scale + model.penalty_slack + 1e-6)
        return top <= math.floor(value * m.scale + model.penalty_slack + 1e-6)

    return master.run(
        deadline=deadline,
        progress=progress,
        enough=enough,
        initial=warm,
        stretch=stretched if stretch and divisible else None,
    )


def _column_levels(
    model: Model, lp: LpResult, *, penalties: bool = True
) -> tuple[dict[FamilyKey, tuple[FloatArray, FloatArray]], list[FloatArray]]:
    """Reduced cost times the smallest level a used column runs at, per family and chain layer
    (scaled objective units; <= 0 at LP convergence); without `penalties`, for the objective
    without tie-breaks (the one lp.plain_bound bounds)."""
    m = model.market
    g = arc_reduced(model, lp.duals, penalties=penalties)
    families: dict[FamilyKey, tuple[FloatArray, FloatArray]] = {}
    for key, fam in model.families.items():
        families[key] = cycle_reduced(model, fam, g, lp.duals)
    chains = []
    for k in range(1, model.layers.depth + 1):
        rc = chain_reduced(model, k, g, lp.duals)
        chains.append(rc * m.arc_cap[model.layers.arcs[k - 1]])
    return families, chains


def select(model: Model, lp: LpResult, loss: float, *, penalties: bool = True) -> Selection:
    """Columns whose use costs at most `loss` (scaled) against the LP bound, plus the LP's own
    (a negative `loss` keeps only columns pricing above -loss)."""
    # circulation flows answer only for unlimited cycles; next to enumerated cycles they only bound
    selection = Selection(flows=bool(model.flow_arcs.size) and not model.families)
    families, chains = _column_levels(model, lp, penalties=penalties)
    for key in model.families:
        rc, _ = families[key]
        rows, cols = np.nonzero(rc >= -loss)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            selection.cycles.setdefault((key, r), []).append(c)
    for (key, r, p), v in lp.cycle_values.items():
        if v > IN_USE:
            patterns = selection.cycles.setdefault((key, r), [])
            if p not in patterns:
                patterns.append(p)
    for (key, r), patterns in selection.cycles.items():
        if not model.families[key].fixed[r] and 0 not in patterns:
            patterns.append(0)
        patterns.sort()
    for k, loss_k in enumerate(chains, start=1):
        idx = set(np.nonzero(loss_k >= -loss)[0].tolist())
        arcs_k = model.layers.arcs[k - 1]
        position = {int(a): i for i, a in enumerate(arcs_k)}
        for (kk, arc), v in lp.chain_values.items():
            if kk == k and v > IN_USE:
                idx.add(position[arc])
        if idx:
            selection.chains[k] = sorted(idx)
    return selection


def _chains_as_columns(model: Model, selection: Selection, limit: int = CHAIN_PATHS) -> None:
    """Divisible goods round better with whole chains as columns (each with its balance
    patterns and lots) than with chain flows by position. So the chains through the promising
    positions (the position columns selected) become families, and replace the position columns
    in `selection`: up to `limit` columns, each chain counted with its balance patterns (counting
    chains instead, 5,000 communities at 20 s rounded 327,903 columns for a room of 72,396 and
    ended 6 s past the limit). Never every chain: only those the LP points to, shortest first."""
    if not selection.chains:
        return
    m = model.market
    tolerance = m.settings.balance_tolerance
    allowed = [
        model.layers.arcs[k - 1][selection.chains.get(k, [])] for k in range(1, model.layers.depth + 1)
    ]
    added = 0
    for hops, arcs in sorted(positioned_chains(allowed, m.arc_from, m.arc_to, limit=limit).items()):
        for key, fam in families_for(m, "chain", hops, arcs, tolerance).items():
            model.families[key] = fam
            every = list(range(fam.n_rays))
            for row in range(fam.n):
                if added >= limit:
                    break
                patterns = [0] if fam.fixed[row] else list(every)
                selection.cycles[(key, row)] = patterns
                added += len(patterns)
    selection.chains = {}


def _loss_for_budget(model: Model, lp: LpResult, budget: int) -> float:
    """The loss threshold that selects about `budget` columns, best reduced costs first
    (before the LP converges many columns still price positive: they count too)."""
    families, chains = _column_levels(model, lp)
    losses = [-rc[np.isfinite(rc)].ravel() for rc, _ in families.values()]
    losses += [-c for c in chains]
    if not losses:
        return 0.0
    allv = np.concatenate(losses)
    if len(allv) <= budget:
        return float(allv.max()) if len(allv) else 0.0
    return float(np.partition(allv, budget)[budget])


def improve(
    model: Model, lp: LpResult, bound: float, clock: Clock, sat_workers: int | None = None
) -> tuple[PrimalResult, float | None]:
    """Solve the primal model. Returns its result and, for whole-number objectives, the bound it
    proved (None when it proved nothing beyond the LP). CP-SAT, where it runs, has `sat_workers`
    workers (None: the cores this process may use)."""
    m = model.market
    seed = m.settings.seed
    if is_unit(m) and not model.flow_arcs.size and not lp.converged:
        # one-unit markets (unit.py) with the LP cut short by the clock (2,000 UK pairs): the
        # time left goes to CP-SAT over the columns the LP uses
        keep = FINISH_SHARE * clock.limit
        clock.limit -= keep
        try:
            return _search_unit(model, lp, clock, sat_workers), None
        finally:
            clock.limit += keep
    if lp.converged and bool(m.arc_fixed.all()):
        # anytime: a rounded answer first, so that a proof cut short by the clock (HiGHS then
        # returns nothing) still leaves one (2,000 UK pairs at 300 s answered nothing before)
        # the proof first, with a quarter of the time held back; if it ends without an answer
        # proved optimal, the rounding uses what is left
        # (one-unit markets hold back less: CP-SAT returns its best answer when time runs out,
        # and 2,000 UK pairs ended 7.5 s early with the rounding's 1,355 unused beside 1,488)
        share = UNIT_RESERVE_SHARE if is_unit(m) else 0.25
        reserve = max(FINISH_SHARE * clock.limit, share * clock.remaining())
        clock.limit -= reserve
        try:
            result, proved = _prove(model, lp, bound, clock, sat_workers)
        finally:
            clock.limit += reserve
        if result.status != "none" and proved is not None and _main_objective(model, result) >= proved:
            # an answer worth a bound of the whole market is optimal, however it was found
            return result, proved
        quick = _rounded(model, lp, clock, FINISH_SHARE * clock.limit, chains_as_columns=False)
        if result.status == "none" or _main_objective(model, quick) > _main_objective(model, result):
            return quick, proved
        return result, proved
    if model.flow_arcs.size and not model.families:
        selection = Selection(flows=True)
        selection.chains = {
            k: list(range(len(model.layers.arcs[k - 1]))) for k in range(1, model.layers.depth + 1)
        }
        if selection.size() > ROUNDING_RATE * clock.remaining():
            # too little time to build, let alone solve, a model deciding the chains' lots
            # (11 s for 95,485 columns; 5,000 communities at a 5 s limit: 164,859 columns with
            # 1.2 s left took 20 s); the circulation alone is a plain LP
            selection.chains = {}
        if model.flow_arcs.size > CIRCULATION_RATE * clock.remaining():
            # nor the circulation (5,000 communities, 104,382 flow arcs, 0.9 s left: 3.1 s to
            # build and solve): the first answer stands, within the limit
            clock.report(0.6, f"no time for a circulation over {model.flow_arcs.size} arcs")
            return PrimalResult("none", 0.0, np.inf), None
        clock.report(0.6, f"primal model over {selection.size()} columns")
        result = solve_primal(model, selection, seed=seed, time_limit=0.7 * clock.left(), gap=1e-4)
        if result.status == "none" and selection.chains:
            # out of time with chains' lots to decide: the circulation alone is a plain LP
            selection.chains = {}
            result = solve_primal(model, selection, seed=seed, time_limit=clock.left(), gap=1e-4)
        return result, None
    # a second rounding beside the first only with a core to spare (and on the wall clock: a
    # caller's counting clock read from two threads would no longer give the same answer twice)
    keep = _finish_reserve(m, clock.limit)
    also_at = SECOND_FORCE_AT if _core_to_spare(clock, sat_workers) else None
    best = _rounded(model, lp, clock, keep, also_at=also_at)
    # polish: the MIP over what the LP and the rounding used, while time remains
    polish = Selection()
    for (key, r, p), v in lp.cycle_values.items():
        if v > IN_USE:
            polish.cycles.setdefault((key, r), []).append(p)
    for group in best.cycles:
        polish.cycles.setdefault(group, [])
    for group, patterns in polish.cycles.items():
        if not model.families[group[0]].fixed[group[1]] and 0 not in patterns:
            patterns.append(0)
        patterns.sort()
    # HiGHS (through pywraplp) returns nothing when its time runs out, so only small models
    if (
        clock.remaining() > 1.0
        and 0 < len(polish.cycles) + sum(map(len, polish.chains.values())) <= POLISH_LIMIT
    ):
        clock.report(0.8, f"polishing over {polish.size()} columns")
        limit = min(0.5 * clock.remaining(), 5.0 + 2.0 * clock.elapsed())
        result = solve_primal(model, polish, seed=seed, time_limit=limit, gap=1e-3)
        if result.status != "none" and result.objective > best.objective:
            best = result
    keep = FINISH_SHARE * clock.limit
    if bool(m.arc_fixed.all()) and clock.remaining() - keep > 2.0:
        # all-or-nothing goods with the LP cut short by the clock (2,000 UK pairs): the time
        # left goes to the MIP over the columns the LP points to; the rounding stands if the
        # MIP runs out of time (HiGHS then returns nothing)
        budget = max(2000, 3 * (len(model.offer_rows) + len(model.need_rows)))
        selection = select(model, lp, _loss_for_budget(model, lp, budget))
        clock.report(0.8, f"searching over {selection.size()} columns")
        result = solve_primal(
            model, selection, seed=seed, time_limit=clock.remaining() - keep, gap=1e-4, penalties=False
        )
        if result.status != "none" and _main_objective(model, result) > _main_objective(model, best):
            best = result
    return best, None


def _finish_reserve(m: Market, limit: float) -> float:
    """Seconds the divisible rounding leaves for checking and writing the answer (FINISH_S)."""
    listings = len(m.offer_qty) + len(m.need_qty)
    return min(FINISH_SHARE * limit, FINISH_S + FINISH_PER_LISTING * listings)


def _rounded(
    model: Model,
    lp: LpResult,
    clock: Clock,
    keep: float,
    *,
    chains_as_columns: bool = True,
    also_at: float | None = None,
) -> PrimalResult:
    """Round the LP (repair.py) over as many columns as there is time for, leaving `keep` s."""
    selection = _rounding_selection(model, lp, clock.remaining() - keep, chains_as_columns=chains_as_columns)
    clock.report(0.6, f"rounding over {selection.size()} columns")
    return repair(model, selection, remaining=lambda: clock.remaining() - keep, also_at=also_at)


def _rounding_selection(
    model: Model, lp: LpResult, left: float, *, chains_as_columns: bool = True
) -> Selection:
    """The columns the rounding of `lp` takes with `left` seconds (chains as columns are added
    to `model.families`)."""
    n_rows = len(model.offer_rows) + len(model.need_rows)
    # as many columns as the rounding can build and solve in the time left: with a short limit on
    # a large market, building every column first left no time to solve and the answer empty
    # (5,000 communities at 5 s: 144,704 columns, objective 0; with the budget: 6,885, 12.4 M)
    room = max(2000, int(max(ROUNDING_RATE * min(left, REPAIR_FAST_S), REPAIR_RATE * left)))
    budget = min(max(2000, int(ROUND_PER_ROW * n_rows)), room)
    loss = _loss_for_budget(model, lp, budget)
    selection = select(model, lp, loss)
    if chains_as_columns:
        # no more chains than there is time to round (5,000 communities at 20 s: 206,673
        # columns to round, built in 19 s past the limit)
        cycles = sum(map(len, selection.cycles.values()))
        room = max(1, min(CHAIN_PATHS, room - cycles))
        _chains_as_columns(model, selection, limit=room)
    return selection


def _prove(
    model: Model, lp: LpResult, bound: float, clock: Clock, sat_workers: int | None = None
) -> tuple[PrimalResult, float | None]:
    """Whole-number objectives: find an answer worth `target` = floor(LP bound) using only columns
    that can be part of such an answer (reduced cost at least LP - target); when the best over
    them falls short, no answer reaches `target`, so lower it by one and widen the columns.
    Preferences enter the search only on small models: elsewhere an all-integer objective solves
    much faster, and ties are broken afterwards by swapping in preferred offers (exchanges.prefer)."""
    m = model.market
    from_lp = _lp_as_primal(model, lp)
    if from_lp is not None and _main_objective(model, from_lp) >= bound - 1e-6:
        return from_lp, bound
    lp_obj = lp.bound * m.scale + model.penalty_slack
    target = bound
    best = from_lp
    if m.integral:
        # the columns the LP uses often hold an answer worth the bound already: a small model
        support = _support(model, lp)
        if support.size():
            if is_unit(m):
                result = _search_unit(model, lp, clock, sat_workers, at_most=target)
            else:
                result = solve_primal(
                    model, support, seed=m.settings.seed, time_limit=clock.left(), penalties=False
                )
            if result.status != "none" and _main_objective(model, result) >= target - 1e-6:
                return result, target
            if result.status != "none":
                best = result
    # a dive next: keep the columns the LP already uses whole, complete the rest
    dive = select(model, lp, (lp_obj - target + 1e-6) / m.scale)
    dive.forced = {
        (key, r)
        for (key, r, _), v in lp.cycle_values.items()
        if v >= 1 - 1e-6 and model.families[key].fixed[r]
    }
    dive.forced_chains = {
        (k, arc) for (k, arc), v in lp.chain_values.items() if m.arc_fixed[arc] and v >= m.arc_cap[arc] - 1e-6
    }
    _leave_out_clashes(model, dive)
    first = bool(dive.forced or dive.forced_chains)
    proved: float | None = None
    if not m.integral:
        return _prove_by_reduced_cost(model, lp, dive if first else None, best, clock)
    while clock.remaining() > 0:
        selection = dive if first else select(model, lp, (lp_obj - target + 1e-6) / m.scale)
        if selection.size() > ROUNDING_RATE * clock.remaining():
            # more columns than the time left can build, let alone solve (2,000 UK pairs at load
            # 7: 251,348 columns with 5 s left ran 25 s past the limit); the rounding has the rest
            break
        clock.report(0.6, f"proving {target:g}: {selection.size()} columns")
        result = solve_primal(
            model,
            selection,
            seed=m.settings.seed,
            time_limit=clock.left(),
            penalties=selection.size() <= EXACT_TIES,
        )
        if result.status == "none" and first:
            first = False
            continue
        if result.status == "none":
            break
        main = _main_objective(model, result)
        if best is None or main > _main_objective(model, best):
            best = result
        if result.status != "optimal":
            break
        if main >= target - 1e-6:
            proved = target
            break
        if first:
            first = False
            continue
        # nothing reaches target, so the optimum is at most target - 1
        target -= 1
        if main >= target - 1e-6:
            proved = target
            break
    if best is None:
        return PrimalResult("none", 0.0, np.inf), None
    return best, proved if proved is not None else target


def _search_unit(
    model: Model, lp: LpResult, clock: Clock, sat_workers: int | None, at_most: float | None = None
) -> PrimalResult:
    """One-unit markets (unit.py): HiGHS over the columns the LP uses if they are few; if it
    cannot finish, dives on the LP over the columns it uses and the best by reduced cost
    (UNIT_DIVES), then, unless one reached `at_most` (a bound), CP-SAT over the columns the LP
    uses, the next best and the best dive's, starting from that dive's answer.

    2,000 UK pairs, one LP: a dive over 20,001-40,001 columns found 1,526-1,533 (the LP bound:
    1,533) in 2-4 s.
    Before them, HiGHS over the LP's 1,437 columns had 15% of the time and never answered (through
    pywraplp, HiGHS returns nothing when its time runs out: or-tools issue 5016), and CP-SAT
    alone over 4,412 columns found 1,514-1,520 in 25 s."""
    m = model.market
    support = _support(model, lp)
    result = PrimalResult("none", 0.0, np.inf)
    if support.size() <= UNIT_HIGHS_COLUMNS:
        # small: HiGHS over the columns the LP uses. When it finishes (UK 1,000 pairs: 513
        # columns, 723 in 0.7 s), _prove widens the columns by reduced cost and proves the
        # optimum (725) with HiGHS again; dives and CP-SAT are for what HiGHS cannot finish
        result = solve_primal(
            model, support, seed=m.settings.seed, time_limit=UNIT_HIGHS_SHARE * clock.left(), penalties=False
        )
        if result.status == "optimal":
            return result
    until = clock.elapsed() + UNIT_DIVE_SHARE * clock.left()
    tried: set[int] = set()
    for budget, share in UNIT_DIVES:
        if until - clock.elapsed() <= 0:
            break
        columns = select(model, lp, _loss_for_budget(model, lp, budget))
        if columns.size() in tried:
            continue  # every column already (a small market): the same set again
        tried.add(columns.size())
        clock.report(0.65, f"diving over {columns.size()} columns")
        found = dive(model, columns, deadline=lambda: until - clock.elapsed(), share=share)
        clock.report(0.7, f"the dive found {_main_objective(model, found):g}")
        if _main_objective(model, found) > _main_objective(model, result):
            result = found
        if at_most is not None and _main_objective(model, result) >= at_most - 1e-6:
            return result
    # over the columns the LP uses and the next best by reduced cost: 2,000 UK pairs at 20 s,
    # 1,489 over the LP's 1,437 columns, 1,507 over 4,412, 1,484 over 20,001 (too many)
    wider = select(model, lp, _loss_for_budget(model, lp, UNIT_SAT_COLUMNS))
    if wider.size() < support.size():
        wider = support
    _add_columns(model, wider, result)  # so that CP-SAT starts from the dive's answer
    clock.report(0.7, f"CP-SAT over {wider.size()} columns")
    sat = solve_unit(
        model,
        wider,
        seed=m.settings.seed,
        time_limit=UNIT_SAT_SHARE * clock.left(),
        hint=result if result.cycles or result.chains else None,
        n_workers=sat_workers,
        at_most=at_most,
    )
    if sat.status != "none" and _main_objective(model, sat) > _main_objective(model, result):
        return sat
    return result


def _add_columns(model: Model, selection: Selection, result: PrimalResult) -> None:
    """Add to `selection` the columns `result` uses (all-or-nothing ones: pattern 0)."""
    for group in result.cycles:
        patterns = selection.cycles.setdefault(group, [])
        if 0 not in patterns:
            patterns.append(0)
    for k, arc in result.chains:
        indexes = selection.chains.setdefault(k, [])
        at = int(np.nonzero(model.layers.arcs[k - 1] == arc)[0][0])
        if at not in indexes:
            indexes.append(at)


def _support(model: Model, lp: LpResult) -> Selection:
    """The columns the LP uses."""
    support = Selection()
    for (key, r, p), v in lp.cycle_values.items():
        if v > 1e-6:
            support.cycles.setdefault((key, r), []).append(p)
    positions = [{int(a): i for i, a in enumerate(arcs)} for arcs in model.layers.arcs]
    for (k, arc), v in lp.chain_values.items():
        if v > 1e-6:
            support.chains.setdefault(k, []).append(positions[k - 1][arc])
    return support


def _leave_out_clashes(model: Model, dive: Selection) -> None:
    """Drop from a dive the all-or-nothing columns that share an offer or a need with a forced
    one: they could only be zero, and a smaller model solves faster."""
    m = model.market
    taken_o: set[int] = set()
    taken_n: set[int] = set()
    for key, r in dive.forced:
        arcs = model.families[key].arcs[r]
        taken_o.update(m.arc_offer[arcs].tolist())
        taken_n.update(m.arc_need[arcs].tolist())
    for _, arc in dive.forced_chains:
        taken_o.add(int(m.arc_offer[arc]))
        taken_n.add(int(m.arc_need[arc]))
    if not taken_o and not taken_n:
        return
    for group in list(dive.cycles):
        if group in dive.forced:
            continue
        arcs = model.families[group[0]].arcs[group[1]]
        if taken_o.intersection(m.arc_offer[arcs].tolist()) or taken_n.intersection(
            m.arc_need[arcs].tolist()
        ):
            del dive.cycles[group]
    for k, indexes in list(dive.chains.items()):
        arcs_k = model.layers.arcs[k - 1]
        dive.chains[k] = [
            i
            for i in indexes
            if (k, int(arcs_k[i])) in dive.forced_chains
            or (int(m.arc_offer[arcs_k[i]]) not in taken_o and int(m.arc_need[arcs_k[i]]) not in taken_n)
        ]


def _prove_by_reduced_cost(
    model: Model, lp: LpResult, dive: Selection | None, best: PrimalResult | None, clock: Clock
) -> tuple[PrimalResult, float | None]:
    """All-or-nothing goods with any objective: take the best answer known (worth z), then solve
    over every column whose reduced cost is above -(LP - z): any better answer uses only those,
    so the optimum over them is the optimum."""
    m = model.market
    seed = m.settings.seed
    if dive is not None:
        result = solve_primal(model, dive, seed=seed, time_limit=0.5 * clock.left())
        if result.status != "none" and (best is None or result.objective > best.objective):
            best = result
    known = _main_objective(model, best) if best is not None else 0.0
    lp_obj = lp.bound * m.scale + model.penalty_slack
    selection = select(model, lp, (lp_obj - known) / m.scale + 1e-9)
    clock.report(0.6, f"proving over {selection.size()} columns")
    if selection.size() == 0:
        # no column can lift an answer above `known`: it is optimal
        return best or PrimalResult("none", 0.0, np.inf), known
    if selection.size() > ROUNDING_RATE * clock.remaining():
        # more columns than the time left can build and solve: the answer so far stands
        return best or PrimalResult("none", 0.0, np.inf), None
    # preferences stay out (a bound on the plain objective); exchanges.prefer breaks ties
    result = solve_primal(model, selection, seed=seed, time_limit=clock.left(), gap=1e-9, penalties=False)
    if result.status == "none":
        return best or PrimalResult("none", 0.0, np.inf), None
    if best is None or result.objective > best.objective:
        best = result
    if result.status != "optimal":
        return best, None
    # the solver's own bound over these columns holds for every answer better than `known`
    return best, max(known, result.bound * m.scale)


def _lp_as_primal(model: Model, lp: LpResult) -> PrimalResult | None:
    """The LP answer itself, when every column it uses is whole (all-or-nothing at 0 or 1)."""
    m = model.market
    if model.families and any(v > 1e-6 for v in lp.flow_values.values()):
        return None  # circulation flows here only relax the cycle length
    result = PrimalResult("optimal", lp.value, lp.value)
    for (key, r, _), v in lp.cycle_values.items():
        if v <= 1e-6:
            continue
        fam = model.families[key]
        if not fam.fixed[r] or abs(v - 1) > 1e-6:
            return None
        result.cycles[(key, r)] = m.arc_cap[fam.arcs[r]].copy()
    for (k, arc), v in lp.chain_values.items():
        if v <= 1e-6:
            continue
        if not m.arc_fixed[arc] or abs(v - m.arc_cap[arc]) > 1e-6:
            return None
        result.chains[(k, arc)] = float(m.arc_cap[arc])
    for arc, v in lp.flow_values.items():
        if v <= 1e-6:
            continue
        if not m.arc_fixed[arc] or abs(v - m.arc_cap[arc]) > 1e-6:
            return None
        result.flows[arc] = float(m.arc_cap[arc])
    return result


def _main_objective(model: Model, result: PrimalResult) -> float:
    """Objective in baht of a primal result, tie-break penalties removed (rounded for integers)."""
    m = model.market
    value = result.objective * m.scale
    if m.integral:
        return float(round(value))
    return value


def finish(model: Model, primal: PrimalResult, bound: float = math.inf) -> tuple[list[Exchange], float]:
    """Exchanges from the solver's values, checked and rounded to their items' steps (emit); in
    whole units where that costs little, unless the exact quantities already reach `bound`
    (then they stay, and stay optimal)."""
    m = model.market
    drafts: list[Draft] = []
    for (key, row), hops in sorted(primal.cycles.items()):
        fam = model.families[key]
        drafts.append(Draft(fam.kind, [int(a) for a in fam.arcs[row]], [float(x) for x in hops]))
    drafts += cycles_from_circulation(m, primal.flows)
    drafts += chains_from_positions(m, primal.chains)
    return emit(m, prefer(m, drafts), bound)


def emit(m: Market, drafts: list[Draft], bound: float = math.inf) -> tuple[list[Exchange], float]:
    """Drafts as checked exchanges in whole steps (those breaking a rule, or that no rounding to
    steps keeps within the rules, are left out), and their objective."""
    finisher = Finisher(m)
    kept: list[tuple[Draft, list[float]]] = []
    for draft in drafts:
        qty = finisher.take(draft)
        if qty is not None:
            kept.append((draft, qty))
    exact = sum(finisher.value(list(zip(d.arcs, q, strict=True))) for d, q in kept)
    rounding = exact < bound - 1e-6 * max(1.0, abs(bound))
    exchanges: list[Exchange] = []
    objective = 0.0
    offers, needs = m.instance.offers, m.instance.needs
    # whole steps; an exchange that cannot be rounded (nor a chain cut short) is tried again once
    # the others are (their rounding down may leave it the room it lacked), else not proposed
    stepped: list[tuple[Draft, list[float]]] = []
    failed: list[tuple[Draft, list[float]]] = []
    for draft, exact_qty in kept:
        settled = finisher.settle(draft, exact_qty)
        if settled is None:
            failed.append((draft, exact_qty))
        else:
            stepped.append(settled)
    for draft, exact_qty in failed:
        settled = finisher.settle(draft, exact_qty, booked=False)
        if settled is not None:
            stepped.append(settled)
    for draft, qty in stepped:
        moved = list(zip(draft.arcs, finisher.whole(draft, qty) if rounding else qty, strict=True))
        objective += finisher.value(moved)
        transfers = [
            Transfer(offer=offers[int(m.arc_offer[a])].id, need=needs[int(m.arc_need[a])].id, quantity=x)
            for a, x in moved
        ]
        exchanges.append(Exchange(kind=draft.kind, transfers=transfers))  # type: ignore[arg-type]
    return exchanges, objective


def _first_answer(
    m: Market, pairs: list[tuple[float, int, int]], clock: Clock
) -> tuple[list[Exchange], float]:
    """The two-way trades of `pairs` (two_way_pairs): the TWO_WAY_LIMIT most valuable; past that,
    the best of those, all of them when trying all takes at most TWO_WAY_SHARE of the time left,
    and the LP over all of them (two_way_lp) when it takes at most TWO_WAY_LP_SHARE of what is
    left then. Which answers are tried depends only on the market and the time left, never on an
    answer, so a longer limit never answers less here (more trades can give less: each takes
    room the next could have used)."""
    first = two_way(m, pairs[:TWO_WAY_LIMIT])
    if TWO_WAY_LIMIT < len(pairs) <= TWO_WAY_RATE * TWO_WAY_SHARE * clock.remaining():
        every = two_way(m, pairs)
        first = every if every[1] > first[1] else first
    if TWO_WAY_LIMIT < len(pairs) <= TWO_WAY_LP_RATE * TWO_WAY_LP_SHARE * clock.remaining():
        chosen = two_way_lp(m, clock)
        first = chosen if chosen[1] > first[1] else first
    return first


def _two_way_arcs(m: Market) -> Iterator[tuple[int, IntArray]]:
    """Each ordinary arc a (A gives B, A numbered before B) that has arcs back (B gives A), with
    those arcs back."""
    ordinary = np.nonzero(~m.arc_gift & (m.arc_cap > 0))[0]
    if len(ordinary) == 0:
        return
    n = m.n_communities
    key = m.arc_from[ordinary] * n + m.arc_to[ordinary]
    back_key = m.arc_to[ordinary] * n + m.arc_from[ordinary]
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    lo = np.searchsorted(sorted_keys, back_key, side="left")
    hi = np.searchsorted(sorted_keys, back_key, side="right")
    for i in np.nonzero((hi > lo) & (m.arc_from[ordinary] < m.arc_to[ordinary]))[0].tolist():
        yield int(ordinary[i]), ordinary[order[lo[i] : hi[i]]]


def two_way_pairs(m: Market) -> list[tuple[float, int, int]]:
    """Every two-way trade (A gives B, B gives A) as (-worth, arc, arc back), the most valuable
    first: per pair of communities, each arc with the most valuable arc back."""
    worth = m.arc_gain * m.arc_cap
    pairs: list[tuple[float, int, int]] = []
    for a, partners in _two_way_arcs(m):
        b = int(partners[np.argmax(worth[partners])])
        value = min(float(m.arc_cap[a]), float(m.arc_cap[b]))
        score = value * float(m.arc_gain[a] + m.arc_gain[b])
        pairs.append((-score, a, b))
    pairs.sort()
    return pairs


def two_way(m: Market, pairs: list[tuple[float, int, int]]) -> tuple[list[Exchange], float]:
    """A first answer in a moment: the two-way trades `pairs` (from two_way_pairs), each as large
    as both arcs allow, kept when every rule holds. The engine holds it from the start and
    returns it whenever its own answer is not better (anytime: a 2-cycle in the market never
    leaves the answer empty, however short the limit)."""
    first = np.array([a for _, a, _ in pairs], dtype=np.int64)
    back = np.array([b for _, _, b in pairs], dtype=np.int64)
    per, ok = _two_way_ratio(m, first, back)  # 1 and True without own terms
    drafts = []
    for (_, a, b), r, good in zip(pairs, per.tolist(), ok.tolist(), strict=True):
        if good:
            value = min(float(m.arc_cap[a]), float(m.arc_cap[b]) / r)
            drafts.append(Draft("cycle", [a, b], [value, value * r]))
    exchanges, objective = emit(m, drafts)
    if objective <= 0:
        return [], 0.0
    return exchanges, objective


def two_way_lp(m: Market, clock: Clock) -> tuple[list[Exchange], float]:
    """The two-way trades an LP chooses among all of them: every arc with every arc back, each
    carrying what the offers and needs they share leave it (the greedy two_way gives each pair
    of communities its one best trade, as large as its arcs allow, first come first served).
    Each trade's fixed cost is spread over the most it can carry, as the master LP does (a trade
    that cannot pay it is not chosen). Trades the LP sets below a lot cannot be kept, so they are
    left out and the LP solved again from its last basis, up to TWO_WAY_LOT_ROUNDS times; the
    last LP's trades are then emitted.

    The answer depends on the market only. The time left when it starts, on the wall clock, is
    only a safety net for HiGHS, which _first_answer's estimate keeps it from meeting (the clock
    is read once: a counting clock moves at each reading). The bench's synthetic markets, 100
    baht a trade: 5,000 communities 59.8 M greedy, 67.4 M by the LP in about 1 s; 20,000,
    186.7 M and 211.4 M in about 4.6 s."""
    found = list(_two_way_arcs(m))
    if not found:
        return [], 0.0
    first = np.concatenate([np.full(len(p), a, dtype=np.int64) for a, p in found])
    back = np.concatenate([p for _, p in found])
    # hop 2 carries `per` times hop 1: 1, or the ratio both communities' own terms accept
    per, ok = _two_way_ratio(m, first, back)
    first, back, per = first[ok], back[ok], per[ok]
    if len(first) == 0:
        return [], 0.0
    rows: dict[tuple[str, int], int] = {}
    upper: list[float] = []
    terms: dict[int, tuple[RowTerm, RowTerm]] = {}
    for arc in np.unique(np.concatenate([first, back])).tolist():
        terms[arc] = arc_rows(m, arc, 1.0)
        for term in terms[arc]:
            if (term.kind, term.index) not in rows:
                rows[(term.kind, term.index)] = len(upper)
                upper.append(term.rhs)
    entries: list[dict[int, float]] = []
    for a, b, r in zip(first.tolist(), back.tolist(), per.tolist(), strict=True):
        column: dict[int, float] = {}
        for arc, amount in ((a, 1.0), (b, r)):
            for term in terms[arc]:
                row = rows[(term.kind, term.index)]
                column[row] = column.get(row, 0.0) + term.coef * amount
        entries.append(column)
    cap = np.minimum(m.arc_cap[first], m.arc_cap[back] / per)
    cost = m.arc_gain[first] + per * m.arc_gain[back] - m.settings.exchange_fixed_cost / m.scale / cap
    lot = np.maximum(m.arc_lot[first], m.arc_lot[back] / per)
    stop = time.monotonic() + clock.left()
    lp = HighsLp()
    lp.warm_from_here()
    lp.add_rows(upper)
    lp.add_columns(cost.tolist(), cap.tolist(), entries)
    if not lp.solve(stop - time.monotonic()):
        return [], 0.0
    carried = lp.column_values()
    for _ in range(TWO_WAY_LOT_ROUNDS):
        small = np.nonzero((carried > IN_USE) & (carried < lot * (1 - 1e-9)))[0]
        if len(small) == 0:
            break
        lp.set_upper(small.tolist(), [0.0] * len(small))
        if not lp.solve(stop - time.monotonic()):
            break  # the last LP's values still keep every row
        carried = lp.column_values()
    used = np.nonzero(carried > IN_USE)[0]
    used = used[np.argsort(-carried[used] * cost[used], kind="stable")]
    drafts = [
        Draft("cycle", [int(first[j]), int(back[j])], [float(carried[j]), float(carried[j] * per[j])])
        for j in used.tolist()
    ]
    exchanges, objective = emit(m, drafts)
    if objective <= 0:
        return [], 0.0
    return exchanges, objective


def _two_way_ratio(m: Market, a: IntArray, b: IntArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Per two-way trade (a, b), the value on b per value on a when both communities see the same
    ratio s = sqrt(sigma_a * sigma_b) of received to given by their own terms (terms.py), and
    whether s keeps both within the tolerance (always, and a ratio of exactly 1, without own
    terms). The greedy two_way and two_way_lp both size their trades by it."""
    t = m.settings.balance_tolerance
    sigma_a = m.arc_rho[a] / m.arc_gamma[b]  # b's giver receives a, gives b
    sigma_b = m.arc_rho[b] / m.arc_gamma[a]
    s = np.sqrt(sigma_a * sigma_b)
    ok = ((1 - t) * (1 - 1e-12) <= s) & (s <= (1 + t) * (1 + 1e-12))
    return sigma_a / s, ok
