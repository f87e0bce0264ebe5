"""What the error responses look like in the OpenAPI document: RFC 9457 problem+json."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from barter.api.problems import PROBLEM_JSON
from barter.api.validation import data_type_of


class ProblemFieldError(msgspec.Struct):
    path: str
    message: str
    # The problem's stable name (e.g. `in_the_past`, `off_step`) where the service names one.
    code: str | None = None


class Problem(msgspec.Struct, kw_only=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[ProblemFieldError] | None = None
    state: str | None = None


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


PUBLIC = problems(400, 422)
READ = problems(400, 401, 422)
READ_ONE = problems(400, 401, 404, 422)
CREATE = problems(400, 401, 403, 404, 409, 413, 422)
CHANGE = problems(400, 401, 403, 404, 409, 412, 413, 422, 428)


def install_precise_schemas(app: Litestar) -> None:
    """Describe request bodies with msgspec's own JSON Schema.

    Litestar's generator drops some constraints (exclusiveMinimum, bounds on list items, bounds
    inside unions); clients and schemathesis should see exactly what the service enforces.
    """
    bodies: set[type[msgspec.Struct]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            tp = data_type_of(handler)
            if tp is not None:
                bodies.add(tp)
    document: dict[str, Any] = app.plugins.get("OpenAPIPlugin").provide_openapi_schema()
    _exact_integer_bounds(document)
    _limits(document)
    if not bodies:
        return
    _, components = msgspec.json.schema_components(
        sorted(bodies, key=lambda t: t.__name__), ref_template="#/components/schemas/{name}"
    )
    document.setdefault("components", {}).setdefault("schemas", {}).update(components)


def _limits(document: dict[str, Any]) -> None:
    """Answers any operation may give (issue 16): 429 on every route behind a key (rate limits),
    415 and 400 `too_deeply_nested` on every route that takes a body."""
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault(
                    "429",
                    {
                        "description": "Too many requests (Retry-After says when to try again)",
                        "content": problem,
                    },
                )
            if "requestBody" in operation:
                responses.setdefault("415", {"description": "Send application/json", "content": problem})
                responses.setdefault(
                    "400", {"description": "Malformed or too deeply nested", "content": problem}
                )


def _exact_integer_bounds(document: dict[str, Any]) -> None:
    """Litestar writes the bounds of integer parameters as floats (2**62 as 4.611686018427388e+18):
    state them as the exact integers the service enforces."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema") or {}
                if schema.get("type") == "integer":
                    for bound in ("minimum", "maximum"):
                        if isinstance(schema.get(bound), float):
                            schema[bound] = int(schema[bound])


# Litestar builds the document from every route, and the steps below finish it: some 0.25 s an
# app. Every app a process makes has the same routes (settings change none), and a test suite
# makes one an HTTP test: the document finished for the first app is given to the next, as a copy.
_FINISHED: dict[tuple[tuple[str, ...], ...], bytes] = {}


def install_document(app: Litestar, *steps: Callable[[Litestar], None]) -> None:
    """Build the app's OpenAPI document and finish it with `steps` (each edits it in place), or
    give it the one already finished for an app with the same routes."""
    plugin = app.plugins.get(OpenAPIPlugin)
    key = tuple(sorted((route.path, *sorted(getattr(route, "methods", ()))) for route in app.routes))
    finished = _FINISHED.get(key)
    if finished is not None:
        # (the plugin answers /schema from this dict once it holds one; it has no public setter)
        plugin._openapi_schema = msgspec.json.decode(finished)
        return
    for step in steps:
        step(app)
    _FINISHED[key] = msgspec.json.encode(plugin.provide_openapi_schema())


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The document the app serves at /schema/openapi.json."""
    document: dict[str, Any] = app.plugins.get("OpenAPIPlugin").provide_openapi_schema()
    return document
