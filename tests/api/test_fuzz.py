"""Hostile input to every route: no 5xx, and every refusal is problem+json (issue 16).

Bounded: a fixed battery per route (nested, huge, non-UTF-8, NUL-laden, forged cursors, ids past
64 bits, foreign content types) plus Hypothesis drawing mixtures of them, as an admin (so requests
get past authentication into the handlers), a community and nobody.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_role_matrix import app_routes
from tests.world import ADMIN, ANON, OWNER, World

FUZZ_EXAMPLES = 150
# Names only a query parameter, a header or a path's part goes by, never a body's field.
PARAMETERS_ONLY = frozenset(
    {"If-Match", "Idempotency-Key", "Content-Type", "limit", "cursor", "near", "within_km", "sort", "plan"}
)
THAI = re.compile(r"^[\u0e00-\u0e7f]")


def _cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    _cursor("id", 2**64, 2**64),
    _cursor("-remaining", 1e308, -(2**70)),
    _cursor("-created_at", "0001-01-01T00:00:00+14:00", 1),
    _cursor("created_at", "9999-12-31T23:59:59-14:00", 1),
    _cursor("id", None, "x"),
    "%%%%",
    "\u0e01" * 50,
    base64.urlsafe_b64encode(b"\xff\xfe\x00\x01").decode(),
]
BODIES: list[bytes] = [
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b"\xff\xfe\xfd" * 100,
    b'{"name_th":"\x00","community_id":1,"item_id":"dried-fish","quantity":1}',
    b'{"name_th":"\\u0000","quantity":1e400,"community_id":18446744073709551616}',
    b'{"quantity":-0.0,"community_id":-9223372036854775809,"note":"\\ud800"}',
    b'{"regions":["south"],"time_limit_s":1e308,"seed":-1}',
    b'"' + b"x" * (2 * 1024 * 1024) + b'"',
    b"",
    b"null",
    # every field of the wrong JSON type
    b'{"community_id":"1","item_id":5,"quantity":"x","regions":"south","preview":"yes","receipts":[1],'
    b'"name_th":7,"consent":"true","events":{},"kind":[],"answer":false}',
]
PATH_VALUES = [
    "1",
    "0",
    "-1",
    str(2**63),
    str(2**64),
    "99999999999999999999999",
    "1.geojson",
    "abc",
    "%00",
    "%ff",
]
QUERIES: list[dict[str, str]] = [{"cursor": c} for c in FORGED_CURSORS] + [
    {"community_id": str(2**63)},
    {"limit": "100000000000000000000"},
    {"limit": "2.5"},
    {"limit": "abc", "region": "mars"},
    {"since": "0001-01-01", "until": "9999-12-31"},
    {"near": "1e308,1e308", "within_km": "1e-300"},
    {"q": "\x00"},
    {"plan": str(2**64)},
    {"sort": "-remaining", "cursor": FORGED_CURSORS[1]},
    # numbers Python reads and Litestar does not, numbers past any bound, and not-quite booleans
    {"limit": "\u0e51", "community_id": "+1", "run_id": "00001"},
    {"limit": "nan", "near": "6.6,100.1", "within_km": "1e400"},
    {"bom": "maybe", "dry_run": "perhaps", "preview": "", "since": "2027-1-1"},
]
# ETags as If-Match carries them, and text that is none (refused at the header as bad_format).
IF_MATCHES = ['"v1"', "v1", "*", 'W/"v1"', '"v' + "9" * 30 + '"', "'v1'", "", '"v1", "v2"']
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "image/png", ""]


def _fill(path: str, value: str) -> str:
    return "/".join(value if part.startswith("{") else part for part in path.split("/"))


async def _send(
    w: World,
    method: str,
    path: str,
    persona: str,
    body: bytes,
    query: dict[str, str],
    content_type: str,
    if_match: str = '"v1"',
) -> None:
    headers = w.headers(persona)
    if content_type:
        headers["Content-Type"] = content_type
    if method in ("PATCH", "DELETE", "POST"):
        headers["If-Match"] = if_match
    response = await w.client.request(
        method, path, content=body if method != "GET" else None, params=query, headers=headers
    )
    assert response.status_code < 500, (method, path, query, body[:80], response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), (method, path)
        assert response.json()["code"]
        # Each refused field or parameter too: its path and a code (Litestar's own refusals of
        # parameters included), never an entry a client cannot tell apart.
        for error in response.json().get("errors", []):
            assert error.get("path"), (method, path, query, error)
            assert error.get("code"), (method, path, query, error)
            # ... and one that names the problem: a wrong type, a shape, a bound, never the
            # catch-all `invalid` nor a regular expression.
            assert error["code"] != "invalid", (method, path, query, error)
            assert "regex" not in error["message"], (method, path, query, error)
            # A refused parameter (never a body's field) is said in the project's words, Thai
            # first: no Litestar or msgspec English about types the client never wrote.
            if error["path"] in PARAMETERS_ONLY:
                assert THAI.match(error["message"]), (method, path, error)
                assert " / " in error["message"], (method, path, error)


def _routes(w: World) -> list[tuple[str, str]]:
    return sorted(app_routes(w.client.app))


async def test_every_route_survives_the_battery(world: World) -> None:
    for method, path in _routes(world):
        for index, body in enumerate(BODIES if method != "GET" else [b""]):
            target = _fill(path, PATH_VALUES[index % len(PATH_VALUES)])
            query = QUERIES[index % len(QUERIES)]
            content_type = CONTENT_TYPES[index % len(CONTENT_TYPES)]
            if_match = IF_MATCHES[index % len(IF_MATCHES)]
            await _send(world, method, target, ADMIN, body, query, content_type, if_match)
        if method == "GET":
            for query in QUERIES:
                await _send(world, method, _fill(path, "1"), ADMIN, b"", query, "")


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def hostile_body(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["json", "nested", "bytes", "nul", "listed"]))
    if kind == "json":
        return json.dumps(draw(json_value)).encode()
    if kind == "nested":
        depth = draw(st.integers(min_value=20, max_value=3000))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        middle = b"1" if opener.startswith(b"{") else b""
        return opener * depth + middle + closer * depth
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "nul":
        return json.dumps({draw(st.sampled_from(["name_th", "note", "reason", "url"])): "a\x00b"}).encode()
    return BODIES[draw(st.integers(min_value=0, max_value=len(BODIES) - 1))]


@pytest.fixture
def routes(world: World) -> list[tuple[str, str]]:
    return _routes(world)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_hypothesis_mixtures_never_reach_a_5xx(
    world: World, routes: list[tuple[str, str]], data: st.DataObject
) -> None:
    method, path = data.draw(st.sampled_from(routes))
    target = _fill(path, data.draw(st.sampled_from(PATH_VALUES)))
    persona = data.draw(st.sampled_from([ADMIN, OWNER, ANON]))
    query = data.draw(st.sampled_from(QUERIES)) if data.draw(st.booleans()) else {}
    body = data.draw(hostile_body()) if method != "GET" else b""
    content_type = data.draw(st.sampled_from(CONTENT_TYPES))
    if_match = data.draw(st.sampled_from(IF_MATCHES))
    await _send(world, method, target, persona, body, query, content_type, if_match)
