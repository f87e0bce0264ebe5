"""`barter demo`: a demo market on its own embedded database, matched, approved and delivered.

The demo lives in `<BARTER_DATA_DIR>/demo` (never in the real data), so `barter serve --demo`
serves exactly what `barter demo` printed.
"""

from __future__ import annotations

import argparse
from typing import Any

DEMO_TIME_LIMIT_S = 20.0


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="load a demo market, match it, approve and deliver, and print what happened"
    )
    parser.add_argument("--time-limit", type=float, default=DEMO_TIME_LIMIT_S, help="matching time limit (s)")
    parser.add_argument("--show", type=int, default=12, help="how many proposals to print in full")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from barter.demo_flow import demo_settings, run_demo
    from barter.settings import load_settings

    settings = demo_settings(load_settings())
    asyncio.run(run_demo(settings, time_limit_s=args.time_limit, show=args.show, write=print))
    return 0
