"""Every named SQL query is used: by name in the code, or as a fragment (`@@name@@`) of another.

Names are found in the code as string literals, and f-strings (`f"list_{kind}s"`) count for every
name they can spell. A query nobody runs is dead weight that a reader still has to understand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import barter
from barter.storage.sql import _QUERIES_DIR, parse_queries

ROOT = Path(barter.__file__).resolve().parent


def _defined() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(_QUERIES_DIR.glob("*.sql")):
        found |= parse_queries(path.read_text(encoding="utf-8"), path.name)
    return found


def _spelled_in_code() -> tuple[set[str], list[re.Pattern[str]]]:
    literals: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                fixed = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
                if not re.fullmatch(r"[a-z_]{3,}", fixed):
                    continue  # not a query name with a part filled in (f"{a} {b}", messages, ...)
                parts = [
                    re.escape(str(v.value)) if isinstance(v, ast.Constant) else "[a-z0-9_]+"
                    for v in node.values
                ]
                patterns.append(re.compile("".join(parts)))
    return literals, patterns


def test_every_named_query_is_used() -> None:
    queries = _defined()
    literals, patterns = _spelled_in_code()
    fragments = {m for body in queries.values() for m in re.findall(r"@@([a-z_][a-z0-9_]*)@@", body)}
    unused = sorted(
        name
        for name in queries
        if name not in literals and name not in fragments and not any(p.fullmatch(name) for p in patterns)
    )
    assert unused == []


def test_the_check_sees_an_unused_query() -> None:
    literals, patterns = _spelled_in_code()
    assert "get_proposal" in literals  # used by name
    assert any(p.fullmatch("list_offers") for p in patterns)  # query(f"list_{kind}s")
    assert "no_such_query_anywhere" not in literals
    assert not any(p.fullmatch("no_such_query_anywhere") for p in patterns)
