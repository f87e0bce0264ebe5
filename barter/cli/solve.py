"""`barter solve`: run the matching engine on an instance file, no database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("barter", "kep", "trademax")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "solve", help="find swap cycles and gift chains in an instance file"
    )
    parser.add_argument("instance", type=Path, help="instance file (barter-instance/1, or see --format)")
    parser.add_argument(
        "-o", "--output", type=Path, help="write the solution here (default: standard output)"
    )
    parser.add_argument("--format", choices=FORMATS, default="barter", help="input format (default: barter)")
    parser.add_argument("--time-limit", type=float, metavar="S", help="seconds (overrides the file)")
    parser.add_argument("--seed", type=int, metavar="N", help="random seed (overrides the file)")
    parser.add_argument("--max-cycle-length", type=int, metavar="L", help="2 to 8, or 0 for no limit")
    parser.add_argument("--max-chain-length", type=int, metavar="K", help="transfers per chain, 0 for none")
    parser.set_defaults(func=run)


def load_instance(path: Path, fmt: str) -> Any:
    """Read `path` in format `fmt` as a barter Instance; CommandError on any problem."""
    from barter.cli import CommandError
    from barter.matching.model import InstanceError, decode_instance

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    try:
        if fmt == "barter":
            return decode_instance(data)
        text = data.decode("utf-8", errors="replace")
        if fmt == "kep":
            from barter.matching.importers.kep import parse_kep

            ndds_path = path.with_suffix(".ndds")
            ndds = (
                ndds_path.read_text(encoding="utf-8")
                if path.suffix == ".input" and ndds_path.exists()
                else None
            )
            return parse_kep(path.name, text, ndds)
        from barter.matching.importers.trademax import parse_trademax

        parsed = parse_trademax(text)
    except InstanceError as exc:
        raise CommandError(f"{path}: {exc}") from None
    for warning in parsed.warnings[:20]:
        print(f"barter: {path.name}: warning: {warning}", file=sys.stderr)
    if len(parsed.warnings) > 20:
        print(f"barter: {path.name}: ... and {len(parsed.warnings) - 20} more warnings", file=sys.stderr)
    return parsed.instance


def run(args: argparse.Namespace) -> int:
    import time

    import msgspec

    from barter.cli import CommandError
    from barter.matching.model import Settings, encode

    instance = load_instance(args.instance, args.format)
    overrides = {
        name: value
        for name, value in (
            ("time_limit_s", args.time_limit),
            ("seed", args.seed),
            ("max_cycle_length", args.max_cycle_length),
            ("max_chain_length", args.max_chain_length),
        )
        if value is not None
    }
    if overrides:
        merged = msgspec.structs.asdict(instance.settings) | overrides
        try:
            settings = msgspec.convert(merged, Settings)
        except msgspec.ValidationError as exc:
            raise CommandError(" ".join(str(exc).split())) from None
        if settings.max_cycle_length == 1:
            raise CommandError("--max-cycle-length: must be 0 (no limit) or 2 to 8")
        instance = msgspec.structs.replace(instance, settings=settings)

    from barter.matching.engine import solve

    started = time.monotonic()
    last = [started]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - started >= 2.0 and now - last[0] >= 2.0:
            last[0] = now
            print(
                f"barter solve: {fraction:4.0%} {now - started:6.1f}s  {message}", file=sys.stderr, flush=True
            )

    solution = solve(instance, progress=progress)
    write_output(args.output, encode(solution))
    return 0


def write_output(path: Path | None, payload: bytes) -> None:
    """`payload` and a newline to `path`, or to standard output when there is none."""
    from barter.cli import CommandError

    if path is None:
        sys.stdout.buffer.write(payload + b"\n")
        sys.stdout.flush()
        return
    try:
        path.write_bytes(payload + b"\n")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
