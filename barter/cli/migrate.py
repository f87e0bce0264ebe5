"""`barter migrate`: apply migrations and load reference data, then exit."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("migrate", help="apply database migrations and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from barter.cli import CommandError
    from barter.settings import load_settings
    from barter.storage.bootstrap import prepare_database
    from barter.storage.database import Database
    from barter.storage.migrations import MigrationError

    settings = load_settings()

    async def go() -> list[str]:
        database = await Database.open(settings)
        try:
            return [m.label for m in await prepare_database(database)]
        finally:
            database.close()

    try:
        applied = asyncio.run(go())
    except MigrationError as exc:
        raise CommandError(str(exc)) from exc
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; up to date"))
    return 0
