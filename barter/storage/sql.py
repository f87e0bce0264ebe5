"""Named SQL queries, loaded once from `queries/*.sql`.

A file holds blocks that each start with a `-- name: query_name` line (procrastinate's layout);
the text up to the next such line is the query. Names are unique across files.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

_QUERIES_DIR = Path(__file__).resolve().parent / "queries"
_HEADER = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def parse_queries(text: str, source: str = "<text>") -> dict[str, str]:
    queries: dict[str, str] = {}
    parts = _HEADER.split(text)
    # parts = [preamble, name1, body1, name2, body2, ...]
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{source}: query {name!r} is defined twice")
        queries[name] = body.strip()
    return queries


@cache
def all_queries() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(_QUERIES_DIR.glob("*.sql")):
        for name, body in parse_queries(path.read_text(encoding="utf-8"), path.name).items():
            if name in merged:
                raise ValueError(f"{path.name}: query {name!r} is already defined in another file")
            merged[name] = body
    return merged


def query(name: str) -> str:
    """The SQL text of a named query; KeyError names it when missing."""
    try:
        return all_queries()[name]
    except KeyError:
        raise KeyError(f"no SQL query named {name!r} in barter/storage/queries") from None


def contains_pattern(text: str | None) -> str | None:
    """A LIKE pattern matching `text` anywhere (lower-cased, NFC, wildcards escaped), or None."""
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFC", text).strip().lower()
    if not cleaned:
        return None
    escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
