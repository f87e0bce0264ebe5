"""Schema migrations: `db/migrations/NNNN_name.sql`, applied in order, each in its own transaction.

Each applied migration is recorded with the SHA-256 of its text. Changing a migration that a
database has already applied is refused: write a new migration instead. A session-level advisory
lock makes concurrent starts apply each migration exactly once.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from barter.failpoints import failpoint
from barter.storage.resources import migrations_dir

MIGRATION_LOCK = 0x62617274_00000001  # "bart" + 1: one advisory lock id for migrations
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The migrations on disk and in the database disagree."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def load_migrations(folder: Path | None = None) -> list[Migration]:
    folder = migrations_dir() if folder is None else folder
    found: list[Migration] = []
    for path in sorted(folder.iterdir()):
        if path.suffix != ".sql":
            continue
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    # Numbers are handed out per branch before the branches merge, so a gap is allowed (a migration
    # of a lower number may come later and is applied then); the same number twice never is.
    for before, migration in itertools.pairwise(found):
        if migration.version == before.version:
            raise MigrationError(f"migrations {before.label} and {migration.label} share a number")
    if found and found[0].version != 1:
        raise MigrationError(f"migration {found[0].label} is out of sequence (expected 0001)")
    return found


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply what is missing; return the migrations applied now."""
    migrations = load_migrations() if migrations is None else migrations
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(_CREATE_TABLE)
        rows = await conn.fetch("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        applied = {row["version"]: row for row in rows}
        known = {m.version for m in migrations}
        unknown = sorted(set(applied) - known)
        if unknown:
            raise MigrationError(
                f"the database has migration {unknown[0]:04d} that this version of barter does not know; "
                "run a newer barter"
            )
        done: list[Migration] = []
        for migration in migrations:
            row = applied.get(migration.version)
            if row is not None:
                if row["checksum"] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.label} was changed after it was applied "
                        "(checksum differs); put the change in a new migration"
                    )
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                failpoint("migrate.before_record")  # crash tests: the migration's work, not committed
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            done.append(migration)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
