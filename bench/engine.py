"""The matching engine against its peers' data and against synthetic Thai markets.

    .venv/bin/python -m bench.engine            # every row; rewrites the "engine" section
    .venv/bin/python -m bench.engine --quick    # a few rows, printed only

Every solve is `barter solve` as a whole process (Python start included), timed wall-clock, its
peak memory read from the kernel (wait4). The kep-solver peer (4.0.2, from PyPI, installed
here into bench/out/kep-solver-venv, never a barter dependency) runs on each kep_solver file
as a whole process in the same run; on those files each side runs three times and the run of median
time stands (a single run of about half a second moved by 0.1 s from one run to the next, and the
first run of a row reads files from disk that later ones find cached). Rows: every line of
../shared/benchmarks/kep/expected.csv and trademax/expected.csv, generated-600-5-0 with chains of
three, the UK 2022 pool of 2,000 pairs and 200 altruists (no verified optimum: judged against its own
proved bound), and synthetic markets of 100, 1,000, 5,000 and 20,000 communities (cycles of 3, chains
of 3).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
OUT = ROOT / "bench" / "out" / "engine"
PEER_VENV = ROOT / "bench" / "out" / "kep-solver-venv"
PEER_VERSION = "4.0.2"
UK_LARGE = "uk2022/uk2022-2000-1.json"
SYNTHETIC = ((100, 30.0), (1_000, 30.0), (5_000, 120.0), (20_000, 300.0))
T = TypeVar("T")
TIMED_RUNS = 3  # kep_solver files: runs of each side, the one of median time stands
WHOLE_LP_UP_TO = 1_000  # communities: the whole-market LP run to its end (bench.whole_lp) up to this
COMMAND = ".venv/bin/python -m bench.engine"
NOTES = f"""Every solve is `barter solve` as a whole process (Python start included): wall-clock seconds and
the peak resident memory of that process. The peer is kep-solver {PEER_VERSION} (`Programme` with
`TransplantCount`, cycle-and-chain model, PuLP/CBC), also a whole process, on the same file in the same
run (its chain length counts the altruist, so its 3 is our 2); on the kep_solver files both run
{TIMED_RUNS} times and each shows its run of median time. kep rows: expected = optimal transplants;
trademax rows: expected = items trading (the objective column counts the non-dummy transfers); synthetic
rows: up to 1,000 communities, the whole-market LP (every acceptable arc, however far, the cycle and
chain limits kept) is solved after the timed run by arc generation run to its end with no time limit
(bench/whole_lp.py, kept in bench/out/whole-lp): its last LP is a solution of the whole-market LP, so an
objective below 97% of it is below 97% of any bound ("of the solution": the most the share can be); on
larger markets the row shows it only when `.venv/bin/python -m bench.whole_lp N` was run before on this
machine (5,000 communities: stopped after its hour, so a solution of that LP but not its optimum). "best
whole-market bound": the smallest true bound known, bench.whole_lp's or the timed solve's own; the
solve's is the smallest of the working LP's bound plus what every excluded arc could still add, priced
against its duals (barter/matching/pricing.py), the hub relaxation, a flow of value offer -> item hub ->
need with each community's balance kept and cycle lengths and lots forgotten, distance limits kept to
0.1-degree zones up to 6,000 listings and forgotten beyond (barter/matching/relaxation.py), and up to 1,500
communities the same duals priced by community pairs (barter/matching/aggregate.py). A target is met only
against a bound ("of the bound"). The hub relaxation binds on the large markets; on 1,000 communities it
stands 3.6% above the whole-market LP (36.00 M against 34.75 M, proved by bench.whole_lp; 37.03 M, 6.6%
above, before its zones)."""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    stderr: str


@dataclass
class Row:
    group: str
    name: str
    expected: float | None  # expected objective (kep), items trading (trademax), or None
    objective: float | None
    bound: float | None
    status: str
    seconds: float
    peak_mb: float
    peer_seconds: float | None = None
    pairs: int | None = None
    note: str = ""
    whole_lp: dict[str, Any] | None = None  # bench.whole_lp: the whole-market LP, run to its end

    @property
    def best_bound(self) -> float | None:
        """The tightest true bound of the whole market known: the solve's own, or bench.whole_lp's."""
        bounds = [b for b in (self.bound, None if self.whole_lp is None else self.whole_lp["bound"]) if b]
        return min(bounds) if bounds else None

    @property
    def lp_share(self) -> float | None:
        """The objective as a share of that bound: at least this share of the whole-market LP."""
        best = self.best_bound
        return None if self.objective is None or not best else self.objective / best

    @property
    def lp_ceiling(self) -> float | None:
        """The objective as a share of an LP solution of the whole market (bench.whole_lp): at
        most this share of the whole-market LP's optimum, and so of any bound of it."""
        if self.objective is None or self.whole_lp is None or not self.whole_lp["value"]:
            return None
        return self.objective / float(self.whole_lp["value"])

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return (self.bound - self.objective) / abs(self.bound) if self.bound else 0.0


def median_run(runs: list[T], seconds: Callable[[T], float]) -> T:
    """The run of median time (the later one of the middle two for an even count)."""
    return sorted(runs, key=seconds)[len(runs) // 2]


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, stderr)


def barter() -> tuple[list[str], dict[str, str]]:
    """The command line of this checkout's CLI, and its environment. Not the venv's `barter`
    script: that runs the checkout the venv was installed from, which need not be this one (a
    second worktree sharing the venv measured the first's code, 2026-12-06)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-m", "barter"], {**os.environ, "PYTHONPATH": path}


def solve(fmt: str, path: Path, out: Path, extra: list[str]) -> tuple[Run, dict[str, Any] | None]:
    command, env = barter()
    result = run([*command, "solve", "--format", fmt, str(path), "-o", str(out), *extra], env)
    if result.code != 0 or not out.exists():
        return result, None
    return result, json.loads(out.read_text())


def peer_python() -> Path | None:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing kep-solver {PEER_VERSION} into {PEER_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"kep-solver=={PEER_VERSION}"], check=False
        )
        if done.returncode != 0:
            print("kep-solver could not be installed: the peer column stays empty", flush=True)
            return None
    return python


def pairs_of(path: Path) -> int:
    from barter.matching.importers.kep import parse_kep

    ndds = path.with_suffix(".ndds")
    text = ndds.read_text() if path.suffix == ".input" and ndds.exists() else None
    instance = parse_kep(path.name, path.read_text(encoding="utf-8"), text)
    return sum(1 for c in instance.communities if c.id.startswith("pair-"))


def kep_rows(quick: bool, peer: Path | None) -> list[Row]:
    rows: list[Row] = []
    with (SHARED / "kep" / "expected.csv").open(encoding="utf-8") as f:
        table = [
            (
                r["file"],
                int(r["max_cycle_length"]),
                int(r["max_chain_length"]),
                float(r["expected_objective"]),
            )
            for r in csv.DictReader(f)
        ]
    table.append(("generated_kidney_data/generated-600-5-0.input", 3, 3, float("nan")))
    # no verified optimum: issue 11 asks for 0.5% of a true bound in 60 s
    table.append((UK_LARGE, 3, 2, float("nan")))
    if quick:
        keep = {"kep_solver/medium-1.json", "kep_solver/large-5.json", "kidney_solver/300.input", UK_LARGE}
        table = [
            t for t in table if t[0] in keep or t[0].startswith("generated") or t[0].endswith("00100.wmd")
        ]
    peer_times: dict[str, float] = {}
    pairs: dict[str, int] = {}
    for name, cycles, chains, expected in table:
        path = SHARED / "kep" / name
        if name not in pairs:
            pairs[name] = pairs_of(path)
        out = OUT / "kep" / f"{name.replace('/', '_')}-{cycles}-{chains}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        limit = "60" if name.startswith("generated") or name == UK_LARGE else "30"
        args = ["--max-cycle-length", str(cycles), "--max-chain-length", str(chains), "--time-limit", limit]
        rival = peer if name.startswith("kep_solver/") else None  # the rows timed against the peer
        result, solution = median_run(
            [solve("kep", path, out, args) for _ in range(TIMED_RUNS if rival is not None else 1)],
            lambda r: r[0].seconds,
        )
        row = _row(
            "kep",
            f"{name} (L={cycles}, K={chains})",
            None if expected != expected else expected,
            result,
            solution,
        )
        row.pairs = pairs[name]
        if rival is not None:
            if name not in peer_times:
                # kep-solver counts the altruist in a chain's length: its 3 is our 2
                command = [
                    str(rival),
                    str(ROOT / "bench" / "engine_peer_kep.py"),
                    str(path),
                    "3",
                    str(chains + 1),
                ]
                peer_run = median_run([run(command) for _ in range(TIMED_RUNS)], lambda r: r.seconds)
                peer_times[name] = peer_run.seconds if peer_run.code == 0 else float("nan")
            row.peer_seconds = peer_times[name]
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def trademax_rows(quick: bool) -> list[Row]:
    rows: list[Row] = []
    with (SHARED / "trademax" / "expected.csv").open(encoding="utf-8") as f:
        table = [
            (r["file"], int(r["max_cycle_length"]), int(r["expected_items_trading"]))
            for r in csv.DictReader(f)
        ]
    if quick:
        table = [t for t in table if t[1] in (0, 3)]
    for name, cycles, expected in table:
        out = OUT / "trademax" / f"{name}-{cycles}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        result, solution = solve(
            "trademax", SHARED / "trademax" / name, out, ["--max-cycle-length", str(cycles)]
        )
        row = _row("trademax", f"{name} (L={cycles or 'none'})", float(expected), result, solution)
        if solution is not None:
            exchanges = solution["exchanges"]
            assert isinstance(exchanges, list)
            row.objective = float(
                sum(1 for e in exchanges for t in e["transfers"] if not str(t["offer"]).startswith("%"))
            )
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def synthetic_rows(quick: bool) -> list[Row]:
    import msgspec

    from barter.matching.synthetic import generate_market
    from barter.reference import load_catalogue, load_provinces

    rows: list[Row] = []
    for n, limit in SYNTHETIC[:2] if quick else SYNTHETIC:
        instance = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=0)
        source = OUT / "synthetic" / f"market-{n}.json"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(msgspec.json.encode(instance))
        out = source.with_name(f"solution-{n}.json")
        out.unlink(missing_ok=True)
        result, solution = solve("barter", source, out, ["--time-limit", str(limit)])
        row = _row(
            "synthetic", f"synthetic {n:,} communities (L=3, K=3, limit {limit:g} s)", None, result, solution
        )
        from bench.whole_lp import cached, stored

        # after the timed solve, not beside it; on larger markets only when `bench.whole_lp N`
        # was run before (5,000 communities: its hour ends before the LP is proved)
        row.whole_lp = cached(instance) if n <= WHOLE_LP_UP_TO else stored(instance)
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _row(group: str, name: str, expected: float | None, result: Run, solution: dict[str, Any] | None) -> Row:
    if solution is None:
        tail = result.stderr.strip().splitlines()[-1:] if result.stderr.strip() else ["no solution"]
        return Row(group, name, expected, None, None, "error", result.seconds, result.peak_mb, note=tail[0])
    return Row(
        group,
        name,
        expected,
        float(solution["objective"]),
        float(solution["upper_bound"]),
        str(solution["status"]),
        result.seconds,
        result.peak_mb,
    )


def _num(x: float | None, digits: int = 0) -> str:
    if x is None or x != x:
        return "—"
    return f"{x:,.{digits}f}"


def _line(row: Row) -> str:
    gap = "—" if row.gap is None else f"{row.gap:.2%}"
    peer = "" if row.peer_seconds is None else f" peer {row.peer_seconds:.2f}s"
    return (
        f"{row.name}: expected {_num(row.expected)} objective {_num(row.objective, 1)}"
        f" bound {_num(row.bound, 1)} gap {gap} {row.status}"
        f" {row.seconds:.2f}s {row.peak_mb:.0f}MB{peer} {row.note}"
        + ("" if row.lp_ceiling is None else f" at most {row.lp_ceiling:.2%} of the whole-market LP")
    )


def _table(rows: list[Row]) -> str:
    lines = [
        "| instance | expected or bound | objective | gap | status | seconds | peak MB | peer s | ratio |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        reference = r.expected if r.expected is not None else r.bound
        gap = "—" if r.gap is None else f"{r.gap:.2%}"
        peer = "—" if r.peer_seconds is None else f"{r.peer_seconds:.2f}"
        ratio = "—" if r.peer_seconds is None or not r.peer_seconds else f"{r.seconds / r.peer_seconds:.2f}"
        lines.append(
            f"| {r.name} | {_num(reference)} | {_num(r.objective)} | {gap} | {r.status} "
            f"| {r.seconds:.2f} | {r.peak_mb:.0f} | {peer} | {ratio} |"
        )
    return "\n".join(lines)


def _synthetic_table(rows: list[Row]) -> str:
    lines = [
        "| instance | whole-market LP: a solution | best whole-market bound | objective "
        "| of the solution | of the bound | status | seconds | peak MB |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lp = "—" if r.whole_lp is None else _num(r.whole_lp["value"])
        ceiling = "—" if r.lp_ceiling is None else f"{r.lp_ceiling:.2%}"
        share = "—" if r.lp_share is None else f"{r.lp_share:.2%}"
        lines.append(
            f"| {r.name} | {lp} | {_num(r.best_bound)} | {_num(r.objective)} | {ceiling} | {share} "
            f"| {r.status} | {r.seconds:.2f} | {r.peak_mb:.0f} |"
        )
    return "\n".join(lines)


def targets(kep: list[Row], trademax: list[Row], synthetic: list[Row]) -> list[tuple[str, bool, str]]:
    out: list[tuple[str, bool, str]] = []
    small = [r for r in kep if r.pairs is not None and r.pairs <= 300 and r.expected is not None]
    wrong = [r.name for r in small if r.objective != r.expected or r.status != "optimal"]
    out.append(
        (
            f"kep rows with <= 300 pairs ({len(small)}): expected objective, optimal",
            not wrong,
            ", ".join(wrong),
        )
    )
    peer_rows = [r for r in kep if r.peer_seconds is not None]
    slower = [
        f"{r.name} {r.seconds:.2f}s vs {r.peer_seconds:.2f}s"
        for r in peer_rows
        if r.seconds > (r.peer_seconds or 0)
    ]
    out.append(
        (f"kep_solver files ({len(peer_rows)}): no slower than kep-solver", not slower, "; ".join(slower))
    )
    # the UK NHS 2022 pools (1,000 pairs and more) have their own target: issue 11 asks to keep
    # the 1,000 + 100 pool's proved optimum in under 10 s (9.9 s at d666c1a)
    uk = [r for r in kep if r.name.startswith("uk2022/") and r.expected is not None]
    large = [r for r in kep if r.name.startswith(UK_LARGE)]
    others = [
        r
        for r in kep
        if r.peer_seconds is None and not r.name.startswith("generated") and r not in uk and r not in large
    ]
    slow = [f"{r.name} {r.seconds:.2f}s" for r in others if r.seconds > 2.0]
    worst = max((r.seconds for r in others), default=0.0)
    out.append(
        (f"other kep rows ({len(others)}): <= 2 s each (slowest {worst:.2f} s)", not slow, "; ".join(slow))
    )
    missed = [
        f"{r.name} {_num(r.objective)} {r.status} {r.seconds:.2f}s"
        for r in uk
        if r.objective != r.expected or r.status != "optimal" or r.seconds > 10.0
    ]
    out.append(
        (
            f"UK NHS 2022 pools ({len(uk)}): expected objective, optimal, <= 10 s each",
            bool(uk) and not missed,
            "; ".join(missed) or ", ".join(f"{r.name} {r.seconds:.2f} s" for r in uk),
        )
    )
    for r in large:
        uk_gap = r.gap if r.gap is not None else float("inf")
        out.append(
            (
                "UK NHS 2022 2,000 + 200 (L=3, K=2, limit 60 s): within 0.5% of its proved bound in <= 60 s",
                uk_gap <= 0.005 and r.seconds <= 60.0,
                f"{_num(r.objective)} / {_num(r.bound)} ({uk_gap:.2%}) {r.status} in {r.seconds:.2f} s",
            )
        )
    for cycles_chains, expected in (("(L=3, K=0)", 431.0), ("(L=3, K=1)", 460.0)):
        row = next(
            (
                r
                for r in kep
                if r.name.startswith("generated_kidney_data/generated-600") and cycles_chains in r.name
            ),
            None,
        )
        ok = row is not None and row.objective == expected and row.seconds <= 12.0
        detail = "" if row is None else f"{_num(row.objective)} in {row.seconds:.2f} s"
        out.append((f"generated-600-5-0 {cycles_chains}: {expected:.0f} in <= 12 s", ok, detail))
    row = next(
        (
            r
            for r in kep
            if r.name.startswith("generated_kidney_data/generated-600") and "(L=3, K=3)" in r.name
        ),
        None,
    )
    ok = (
        row is not None
        and row.objective is not None
        and row.bound is not None
        and row.seconds <= 60
        and row.peak_mb <= 8192
    )
    detail = (
        ""
        if row is None
        else f"{_num(row.objective)} (bound {_num(row.bound)}) in {row.seconds:.2f} s, {row.peak_mb:.0f} MB"
    )
    out.append(("generated-600-5-0 (L=3, K=3): a solution and a bound in <= 60 s, <= 8 GB", ok, detail))
    wrong = [
        f"{r.name} {_num(r.objective)} vs {_num(r.expected)}" for r in trademax if r.objective != r.expected
    ]
    out.append((f"trademax rows ({len(trademax)}): expected items trading", not wrong, "; ".join(wrong)))
    uncapped = [r for r in trademax if "L=none" in r.name]
    slow = [f"{r.name} {r.seconds:.2f}s" for r in uncapped if r.seconds > 1.5]
    worst = max((r.seconds for r in uncapped), default=0.0)
    out.append((f"trademax uncapped rows: <= 1.5 s each (slowest {worst:.2f} s)", not slow, "; ".join(slow)))
    for n, text, check in (
        (
            100,
            "at least 97% of the whole-market LP bound in <= 30 s",
            lambda r: _reaches(r, 0.97) and r.seconds <= 30,
        ),
        (
            1_000,
            "at least 97% of the whole-market LP bound in <= 30 s",
            lambda r: _reaches(r, 0.97) and r.seconds <= 30,
        ),
        (
            5_000,
            "a proved whole-market gap <= 3% in <= 120 s and <= 4 GB",
            lambda r: r.gap is not None and r.gap <= 0.03 and r.seconds <= 120 and r.peak_mb <= 4096,
        ),
        (20_000, "reports what it reached", lambda r: r.gap is not None),
    ):
        row = next((r for r in synthetic if f" {n:,} " in r.name), None)
        if row is None:
            continue
        gap = "—" if row.gap is None else f"{row.gap:.2%}"
        share = "" if row.lp_share is None else f"{row.lp_share:.2%} of the best whole-market bound, "
        if row.lp_ceiling is not None:
            share += f"at most {row.lp_ceiling:.2%} of the whole-market LP, "
        out.append(
            (
                f"synthetic {n:,}: {text}",
                check(row),
                f"{share}gap {gap} to its own bound in {row.seconds:.1f} s, {row.peak_mb:.0f} MB",
            )
        )
    return out


def _reaches(row: Row, share: float) -> bool:
    """The objective reaches `share` of a true bound of the whole-market LP (met only when proved
    so: an answer between that share of the LP's solution and of the bound is not met)."""
    return row.lp_share is not None and row.lp_share >= share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rows, printed, docs left alone")
    parser.add_argument("--no-peer", action="store_true", help="skip the kep-solver peer")
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"benchmark data not found at {SHARED}")
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    peer = None if args.no_peer else peer_python()
    kep = kep_rows(args.quick, peer)
    trademax = trademax_rows(args.quick)
    synthetic = synthetic_rows(args.quick)
    checks = targets(kep, trademax, synthetic)
    summary = "\n".join(
        f"- {'met' if ok else '**not met**'}: {text}" + (f" ({detail})" if detail else "")
        for text, ok, detail in checks
    )
    print(summary)
    if args.quick:
        return
    from bench.report import load_note, write_section

    body = (
        NOTES
        + "\n\n"
        + load_note(load_before)
        + "\n\n### Targets\n\n"
        + summary
        + "\n\n### kep\n\n"
        + _table(kep)
        + "\n\n### trademax\n\n"
        + _table(trademax)
        + "\n\n### synthetic Thai markets\n\n"
        + _synthetic_table(synthetic)
    )
    write_section("engine", "Matching engine", COMMAND, body)


if __name__ == "__main__":
    main()
