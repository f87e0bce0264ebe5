"""Named SQL queries, loaded once from `queries/*.sql`.

A file holds blocks that each start with a `-- name: query_name` line (procrastinate's layout);
the text up to the next such line is the query. Names are unique across files.

A block may include another block (a fragment, such as a column list) with `@@name@@`; those are
expanded at load. `query(name, sort=...)` fills the remaining `@@sort@@` holes with text that the
caller picks from its own fixed list (never from user input), for ORDER BY and keyset variants.
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


_HOLE = re.compile(r"@@([a-z_][a-z0-9_]*)@@")


@cache
def all_queries() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(_QUERIES_DIR.glob("*.sql")):
        for name, body in parse_queries(path.read_text(encoding="utf-8"), path.name).items():
            if name in merged:
                raise ValueError(f"{path.name}: query {name!r} is already defined in another file")
            merged[name] = body
    return {
        name: _HOLE.sub(lambda m: merged.get(m.group(1), m.group(0)), body) for name, body in merged.items()
    }


@cache
def query(name: str, **holes: str) -> str:
    """The SQL text of a named query, with `@@hole@@`s filled; KeyError names a missing query."""
    try:
        text = all_queries()[name]
    except KeyError:
        raise KeyError(f"no SQL query named {name!r} in barter/storage/queries") from None
    if holes:
        text = _HOLE.sub(lambda m: holes.get(m.group(1), m.group(0)), text)
    if _HOLE.search(text):
        raise KeyError(f"query {name!r} has unfilled holes: {sorted(set(_HOLE.findall(text)))}")
    return text


def contains_pattern(text: str | None) -> str | None:
    """A LIKE pattern matching `text` anywhere (lower-cased, NFC, wildcards escaped), or None."""
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFC", text).strip().lower()
    if not cleaned:
        return None
    escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
