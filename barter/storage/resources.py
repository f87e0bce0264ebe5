"""Where the files the service reads at run time are: inside the wheel, or in the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def db_dir() -> Path:
    """The `db/` folder: `barter/_db` in an installed wheel, `db/` beside the package in a checkout."""
    for candidate in (_PACKAGE / "_db", _PACKAGE.parent / "db"):
        if (candidate / "migrations").is_dir():
            return candidate
    raise FileNotFoundError("barter's db/migrations folder is missing from this installation")


def migrations_dir() -> Path:
    return db_dir() / "migrations"
