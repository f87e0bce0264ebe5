"""Checks every request passes before anything else looks at it (issue 16).

- A JSON body (sent as JSON, or to a handler that takes JSON whatever it is sent as) nested deeper than
  MAX_JSON_DEPTH is a 400 `too_deeply_nested`, found by a linear scan of the raw bytes before any
  decoder (or the key lookup) runs: a 2 KB body of a thousand brackets
  must not reach a recursive decoder and fill the log with stack traces.
- A number no float holds (1e400) is refused at its field, by the bound it breaks, where the
  decoder would refuse the whole body without naming one (barter.api.validation.numbers_past_float).
- Query parameters may not hold NUL characters (PostgreSQL text cannot).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType

from barter.api.validation import data_type, is_json, numbers_past_float, refuse_nul_in_query
from barter.domain.errors import BarterError, ValidationFailed

# Bodies of this API nest four levels at most (a plan's settings); 32 leaves room and stays cheap.
MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TooDeeplyNested(BarterError):
    status = 400
    code = "too_deeply_nested"
    title = "JSON nested too deeply"


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the arrays and objects of a JSON text nest (strings skipped), stopping past `limit`.

    Malformed JSON still gets a depth; the decoder reports what else is wrong with it."""
    structure = _STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    depth = deepest = 0
    for byte in structure:
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def _decoded_as_json(request: Request[Any, Any, Any]) -> bool:
    """Whether anything may decode this body as JSON: a JSON content type, or a handler whose `data`
    is a JSON body (Litestar decodes those whatever the Content-Type says). Forms and uploads are not
    scanned."""
    if is_json(request.headers.get("content-type")):
        return True
    parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    if parameter is None:
        return False
    media_type = getattr(parameter.kwarg_definition, "media_type", None)
    return media_type is None or media_type == RequestEncodingType.JSON


async def guard_request(request: Request[Any, Any, Any]) -> None:
    """Litestar `before_request` hook: runs before authentication and before any body is decoded."""
    await refuse_nul_in_query(request)
    if request.method in _METHODS_WITH_BODY and _decoded_as_json(request):
        body = await request.body()
        if json_depth(body) > MAX_JSON_DEPTH:
            raise TooDeeplyNested(
                f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels; no request of this API needs that",
                extra={
                    "errors": [
                        {
                            "path": "body",
                            "message": f"nested deeper than {MAX_JSON_DEPTH} levels",
                            "code": "too_deep",
                        }
                    ]
                },
            )
        tp = data_type(request.route_handler)
        past_float = numbers_past_float(body, tp) if tp is not None else []
        if past_float:
            # Refused here, before the key is looked up, as the decoder would refuse the body:
            # but with its fields named, as the same number in a query parameter is.
            raise ValidationFailed(past_float)
