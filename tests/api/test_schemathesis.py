"""Property-based tests of the whole API from its own OpenAPI document (schemathesis).

Every operation is called with generated valid and invalid data, as two tenants (an admin and
one community), and with no key at all: no 5xx, every response matches the documented schema,
status codes and content types, and routes with security refuse anonymous callers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from barter.api.app import create_app
from barter.api.openapi import openapi_document
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.settings import Settings
from barter.storage.database import init_connection
from barter.storage.repos import communities as communities_repo
from tests.conftest import TEST_LIMITS, TEST_SECRET
from tests.pg import PgTestServer

EXAMPLES = 12


@pytest.fixture(scope="module")
async def fuzz_target(
    pg_template: PgTestServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, Any]]:
    name = await pg_template.create_database()
    url = pg_template.url(name)
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    try:
        community = await communities_repo.insert(
            conn,
            name_th="บ้านปากบารา",
            name_en=None,
            kind="fishing",
            province_code="91",
            lat=6.8,
            lon=99.7,
            subdistrict_code=None,
            contact=None,
        )
        admin = await keys_service.create(conn, None, TEST_SECRET, KeyCreate(role="admin"))
        member = await keys_service.create(
            conn, None, TEST_SECRET, KeyCreate(role="community", community_id=community["id"])
        )
    finally:
        await conn.close()
    app = create_app(
        Settings(
            database_url=url,
            data_dir=Path(tmp_path_factory.mktemp("fuzz")),
            secret=TEST_SECRET,
            **TEST_LIMITS,
        )
    )
    try:
        yield {"app": app, "tenants": {"admin": admin.key, "community": member.key}}
    finally:
        await pg_template.drop_database(name)


def _document() -> dict[str, Any]:
    """The app's OpenAPI document (made without a database: it describes, it does not serve)."""
    app = create_app(
        Settings(database_url="postgresql://unused/", data_dir=Path("/nonexistent"), secret=TEST_SECRET)
    )
    return openapi_document(app)


schema = schemathesis.openapi.from_dict(_document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES, deterministic=True
)
# A schema cannot say that an item id must exist or that one of three targets is needed: such
# schema-valid requests get a 422 naming the field, which is the right answer, not a failure.
# And a well-formed If-Match may simply be stale (412).
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx",
    "401",
    "403",
    "404",
    "409",
    "412",
    "422",
]
# A missing If-Match is 428 Precondition Required (RFC 6585), the status the API promises.
schema.config.checks.missing_required_header.expected_statuses = [
    "400",
    "401",
    "403",
    "406",
    "415",
    "422",
    "428",
]


@schema.parametrize()
@settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
def test_api_holds_its_contract(case: Any, fuzz_target: dict[str, Any]) -> None:
    # Calls go in-process to the app under test (its lifespan runs in schemathesis's own thread).
    case.operation.schema.app = fuzz_target["app"]
    for key in fuzz_target["tenants"].values():
        case.call_and_validate(app=fuzz_target["app"], headers=_key_unless_left_out(case, key))


def _key_unless_left_out(case: Any, key: str) -> dict[str, str]:
    """The tenant's key, unless the case left Authorization out to break the schema (its headers
    generated negative): the key added then made a request the API must refuse one it rightly
    accepts, and the check failed now and then (GET /v1/shipments?=null with a key, 200)."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta is not None else None
    if (
        headers is not None
        and headers.mode == GenerationMode.NEGATIVE
        and "Authorization" not in (case.headers or {})
    ):
        return {}
    return {"Authorization": f"Bearer {key}"}
