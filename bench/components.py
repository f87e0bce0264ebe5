"""Independent sub-markets solved in worker processes, one after another, and as one market.

    .venv/bin/python -m bench.components [--communities 300] [--limit 20] [--no-write]

The market: six synthetic regional markets (`generate_market(n, seed=1..6)`) set far apart
(`synthetic.apart`: every need within 2,500 road km, so no acceptable arc joins two regions).
It is solved three ways at the same time limit, in this process:
  * pool: `solve(instance)`, independent sub-markets in spawned worker processes, as many as the
    cores this process may use (components.plan);
  * one after another: `solve(instance, processes=1)` (what BARTER_ENGINE_PROCESSES=1 does),
    the same sub-markets solved here in turn, each with its share of the time;
  * as one market: `solve_market(instance)`, the engine without the split (one LP for all).
The table gives wall time, objective, bound and gap; the note gives the time to start a
spawned worker able to solve (importing the engine and OR-Tools), and the machine's load.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import os
import time
from collections.abc import Callable

import msgspec

from barter.matching.components import split
from barter.matching.engine import solve, solve_market
from barter.matching.market import acceptable
from barter.matching.model import Instance, Solution
from barter.matching.synthetic import apart, generate_market
from barter.matching.unit import workers
from barter.reference import load_catalogue, load_provinces
from bench.report import load_note, write_section

REGIONS = 6


def ready() -> float:
    """In a fresh worker: what a sub-market's solve imports first; when it was done."""
    from ortools.sat.python import cp_model  # noqa: F401

    import barter.matching.engine  # noqa: F401

    return time.monotonic()


def spawn_seconds(n: int) -> float:
    """Seconds from asking for `n` spawned workers to the last being able to solve."""
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
        done = [f.result() for f in [pool.submit(ready) for _ in range(n)]]
    return max(done) - started


def market(communities: int, limit: float) -> Instance:
    provinces, catalogue = load_provinces(), load_catalogue()
    regions = [
        generate_market(communities, provinces=provinces, catalogue=catalogue, seed=r + 1)
        for r in range(REGIONS)
    ]
    instance = apart(regions)
    return msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=limit)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communities", type=int, default=300, help="communities in each of the six regions")
    parser.add_argument("--limit", type=float, default=20.0, help="time limit of each solve, seconds")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    instance = market(args.communities, args.limit)
    parts = split(acceptable(instance))
    sizes = ", ".join(f"{len(p.instance.communities)}/{p.arcs:,}" for p in parts)
    print(f"{len(instance.communities):,} communities; sub-markets (communities/arcs): {sizes}", flush=True)
    spawn = [spawn_seconds(n) for n in (1, workers())]
    print(f"spawned workers ready after {spawn[0]:.2f} s (1), {spawn[1]:.2f} s ({workers()})", flush=True)

    runs: list[tuple[str, Solution, float, float]] = []
    ways: list[tuple[str, Callable[[], Solution]]] = [
        (f"pool ({workers()} processes)", lambda: solve(instance)),
        ("one after another", lambda: solve(instance, processes=1)),
        ("as one market", lambda: solve_market(instance)),
    ]
    for name, run in ways:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        solution = run()
        wall = time.perf_counter() - started
        runs.append((name, solution, wall, load))
        print(f"{name}: {wall:.2f} s, objective {solution.objective:,.0f}, bound {solution.upper_bound:,.0f}")

    rows = [
        "| solved | wall time | objective | bound | gap | status | load at start |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for name, s, wall, load in runs:
        gap = (s.upper_bound - s.objective) / s.upper_bound if s.upper_bound > 0 else 0.0
        rows.append(
            f"| {name} | {wall:.2f} s | {s.objective:,.0f} | {s.upper_bound:,.0f} | {gap:.2%} "
            f"| {s.status} | {load:.1f} |"
        )
    over = [f"{name}: {wall:.2f} s" for name, _, wall, _ in runs if wall > 1.1 * args.limit + 1.0]
    pool, seq, whole = (r[1] for r in runs)
    body = (
        f"{len(instance.communities):,} communities in {REGIONS} regions far apart "
        f"(`synthetic.apart` of `generate_market({args.communities}, seed=1..{REGIONS})`), "
        f"time limit {args.limit:g} s, {workers()} cores.\n"
        f"Sub-markets (communities/acceptable arcs): {sizes}.\n\n"
        + "\n".join(rows)
        + "\n\n"
        + f"- pool against one after another: objective {_ratio(pool.objective, seq.objective)}, "
        f"bound {_ratio(pool.upper_bound, seq.upper_bound)}\n"
        + f"- split (pool) against as one market: objective {_ratio(pool.objective, whole.objective)}, "
        f"bound {_ratio(pool.upper_bound, whole.upper_bound)}\n"
        + f"- {'met' if not over else '**not met**'}: wall time within 10% (plus 1 s) of the limit"
        + (f" ({'; '.join(over)})" if over else "")
        + f"\n- a spawned worker able to solve (engine and OR-Tools imported) is ready after "
        f"{spawn[0]:.2f} s alone, {spawn[1]:.2f} s for {workers()} at once: that is spent from each "
        "worker's own share of the limit (components.py, SPAWN_S).\n\n"
        "The wall time is the limit either way: what worker processes buy is time for each sub-market "
        "(P processes give each about P times its share of the limit), which the engine spends on its "
        "bound and its answer. "
        "Every bound is a bound of the whole market: the sum of the sub-markets' bounds, each over "
        "every acceptable arc of its sub-market. " + load_note(load_before)
    )
    print(body)
    if not args.no_write:
        write_section(
            "components",
            "Matching engine: independent sub-markets in worker processes",
            "python -m bench.components",
            body,
        )


def _ratio(a: float, b: float) -> str:
    return f"{a / b - 1:+.2%}" if b > 0 else "n/a"


if __name__ == "__main__":
    main()
