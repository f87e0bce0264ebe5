"""One synthetic market solved several times at the same limit: how far one run's answer is from
the next.

    .venv/bin/python -m bench.repeat                  # 1,000 communities, 30 s, five runs
    .venv/bin/python -m bench.repeat 100 --runs 3 --no-write
    .venv/bin/python -m bench.repeat --busy 2         # beside two processes that only spin

The engine's path depends on the clock: whether a pricing round still fits before the LP's
deadline, how many columns the rounding has time for. So two runs of the same market at the same
limit can answer differently, and bench.engine's single run of each size may be a lucky or an
unlucky one. This solves `generate_market(n, seed=0)` (bench.engine's market) as `barter solve`
processes, one after the other, and gives every answer, their median and range, and each as a
share of the whole-market LP that bench.whole_lp proved (read from its cache, or computed, some
minutes for 1,000 communities, after the timed runs; not beyond bench.engine's WHOLE_LP_UP_TO
communities, where it would take hours: there the shares are left out).

`--busy K` runs K processes that only spin beside the timed runs, standing in for a slower or a
shared machine: the engine's main thread and the work it puts on the other cores then share them
with K more. The figures go to a section of their own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

import msgspec

from bench.engine import WHOLE_LP_UP_TO, solve
from bench.report import load_note, write_section
from bench.whole_lp import ROOT, cached, market

OUT = ROOT / "bench" / "out" / "repeat"
COMMAND = ".venv/bin/python -m bench.repeat"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, nargs="?", default=1_000, help="communities (default 1,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--busy", type=int, default=0, help="processes spinning beside the runs (default 0)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.busy < 0:
        parser.error("--busy must be at least 0")
    before = os.getloadavg()[0]
    instance = market(args.n)
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"market-{args.n}.json"
    source.write_bytes(msgspec.json.encode(instance))
    answers: list[tuple[float, float, float]] = []  # objective, bound, seconds
    spinning = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        for k in range(1, args.runs + 1):
            out = OUT / f"solution-{args.n}-{k}.json"
            out.unlink(missing_ok=True)
            result, solution = solve("barter", source, out, ["--time-limit", str(args.limit)])
            if solution is None:
                raise SystemExit(f"run {k}: barter solve failed: {result.stderr.strip()[-500:]}")
            answers.append((float(solution["objective"]), float(solution["upper_bound"]), result.seconds))
            objective, bound, seconds = answers[-1]
            print(f"run {k}: objective {objective:,.0f}, bound {bound:,.0f}, {seconds:.2f} s", flush=True)
    finally:
        for process in spinning:
            process.kill()
            process.wait()
    # after the timed runs, not beside them
    whole = cached(instance) if args.n <= WHOLE_LP_UP_TO else None
    lp = None if whole is None else float(whole["value"])

    def share(x: float) -> str:
        return "—" if lp is None else f"{x / lp:.2%}"

    objectives = [a[0] for a in answers]
    known = (
        f"Whole-market LP (bench.whole_lp, {'proved' if whole['proved'] else 'not proved'}): {lp:,.0f}."
        if whole is not None and lp is not None
        else f"No whole-market LP: bench.whole_lp is run up to {WHOLE_LP_UP_TO:,} communities."
    )
    spinning_ones = f"{args.busy} spinning process{'es' if args.busy > 1 else ''}"
    beside = f" Beside them, {spinning_ones} (this machine has {os.cpu_count()} cores)." if args.busy else ""
    lines = [
        f"`generate_market({args.n}, seed=0)` (bench.engine's market) solved {args.runs} times by "
        f"`barter solve --time-limit {args.limit:g}`, one process after the other.{beside} {known}",
        "",
        "| run | objective | of the whole-market LP | bound reported | seconds |",
        "|---:|---:|---:|---:|---:|",
    ]
    for k, (objective, bound, seconds) in enumerate(answers, start=1):
        lines.append(f"| {k} | {objective:,.0f} | {share(objective)} | {bound:,.0f} | {seconds:.2f} |")
    median = statistics.median(objectives)
    lines += [
        "",
        f"Median {median:,.0f} ({share(median)} of the whole-market LP); lowest {min(objectives):,.0f} "
        f"({share(min(objectives))}), highest {max(objectives):,.0f} ({share(max(objectives))}).",
        "",
        load_note(before),
    ]
    body = "\n".join(lines)
    print(body, flush=True)
    if not args.no_write:
        write_section(
            f"repeat-{args.n}" + (f"-busy{args.busy}" if args.busy else ""),
            f"Matching engine: {args.n:,} synthetic communities, run after run"
            + (f", beside {spinning_ones}" if args.busy else ""),
            COMMAND
            + ("" if args.n == 1_000 else f" {args.n}")
            + ("" if args.runs == 5 else f" --runs {args.runs}")
            + ("" if args.limit == 30.0 else f" --limit {args.limit:g}")
            + ("" if not args.busy else f" --busy {args.busy}"),
            body,
        )


if __name__ == "__main__":
    main()
