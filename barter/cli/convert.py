"""`barter convert`: write the barter-instance/1 that `barter solve --format ...` would solve."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "convert", help="convert a kep or trademax file to a barter instance"
    )
    parser.add_argument(
        "--from", dest="source", choices=("kep", "trademax"), required=True, help="input format"
    )
    parser.add_argument("file", type=Path, help="the file to convert")
    parser.add_argument(
        "-o", "--output", type=Path, help="write the instance here (default: standard output)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import msgspec

    from barter.cli.solve import load_instance, write_output

    instance = load_instance(args.file, args.source)
    write_output(args.output, msgspec.json.format(msgspec.json.encode(instance), indent=1))
    return 0
