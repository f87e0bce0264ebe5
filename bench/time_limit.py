"""How closely the engine keeps short time limits on large synthetic markets.

    .venv/bin/python -m bench.time_limit [--no-write]

Each market (`generate_market(n, seed=1)`, cycles of 3, chains of 3) is solved in this process
with limits of 1, 5 and 20 s; the table gives the wall time, the objective, the proved bound and
the gap, and writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import time

import msgspec

from barter.matching.engine import TWO_WAY_LIMIT, solve
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from bench.report import load_note, write_section

SIZES = (1_500, 5_000)
LIMITS = (1.0, 5.0, 20.0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    rows = [
        "| communities | limit | wall time | objective | bound | gap |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    results: list[tuple[int, float, float, float]] = []  # (communities, limit, wall, objective)
    for n in SIZES:
        market = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=1)
        for limit in LIMITS:
            settings = msgspec.structs.replace(market.settings, time_limit_s=limit)
            instance = msgspec.structs.replace(market, settings=settings)
            started = time.perf_counter()
            solution = solve(instance)
            wall = time.perf_counter() - started
            bound = solution.upper_bound
            gap = f"{(bound - solution.objective) / bound:.1%}" if bound > 0 else "0.0%"
            row = f"| {n:,} | {limit:g} s | {wall:.2f} s | {solution.objective:,.0f} | {bound:,.0f} | {gap} |"
            print(row, flush=True)
            rows.append(row)
            results.append((n, limit, wall, solution.objective))
    empty = [f"{n:,} at {limit:g} s" for n, limit, _, objective in results if objective <= 0]
    lower = [
        f"{n:,}: {limit:g} s below {shorter:g} s"
        for (n, limit, _, objective), (m, shorter, _, before) in zip(results[1:], results, strict=False)
        if n == m and objective < before
    ]
    over = [f"{n:,} at {lim:g} s: {wall:.2f} s" for n, lim, wall, _ in results if wall > 1.1 * lim + 1.0]
    checks = [
        ("no empty answer", empty),
        ("objectives non-decreasing in the limit", lower),
        ("wall time within 10% (plus 1 s) of the limit", over),
    ]
    summary = "\n".join(
        f"- {'met' if not bad else '**not met**'}: {text}" + (f" ({'; '.join(bad)})" if bad else "")
        for text, bad in checks
    )
    print(summary)
    body = (
        "\n".join(rows)
        + "\n\n"
        + summary
        + (
            "\n\nEvery answer carries a proved bound of the whole market (every acceptable arc; "
            "barter/matching/pricing.py). The engine holds a first answer of two-way trades from before its "
            f"LP (chosen greedily and, past {TWO_WAY_LIMIT:,} of them, by an LP over all of them when there "
            "is time: engine.two_way_lp), so no answer is empty when the market has one; when the LP could "
            "not be built in the time left (its flow arcs go in one by one), that answer is the answer, "
            "under the plain bound. " + load_note(load_before)
        )
    )
    if not args.no_write:
        write_section("time-limit", "Matching engine: short time limits", "python -m bench.time_limit", body)


if __name__ == "__main__":
    main()
