"""The `barter` command.

Each subcommand lives in its own module with `register(subparsers)`; modules keep their heavy
imports inside the command function so that `barter solve` does not pay for the web stack.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# One line per subcommand module (barter.cli.<name>).
COMMANDS: tuple[str, ...] = (
    "serve",
    "migrate",
    "keys",
    "solve",
    "convert",
    "demo",
    "relay",
)


class CommandError(Exception):
    """A command failed in a way the user can fix; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="barter", description="Moneyless trade for community networks.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"barter.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from barter.settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (CommandError, SettingsError) as exc:
        print(f"barter {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result
