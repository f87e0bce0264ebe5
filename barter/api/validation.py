"""Request bodies are checked in full before a handler runs, so a 422 lists every bad field.

msgspec stops at the first error it meets; people filling a form on a slow phone should learn
about every mistake at once. `collect_errors` walks the body against the handler's `data` type,
field by field, and reports each problem with its path (`transfers[2].quantity`) and its code
(from the field's type and value: barter.domain.field_types), keeping msgspec's English message.
A whole number written with a point (`"priority": 2.0`) is read as that number first
(`whole_numbers`), as the spreadsheet import and the query parameters read it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import types
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
from litestar import Request
from litestar.di import Provide
from litestar.enums import ParamType
from litestar.exceptions import ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.params import ParameterKwarg
from msgspec import inspect

from barter.domain.errors import FieldError, MalformedRequest, UnsupportedMediaType, ValidationFailed
from barter.domain.field_types import refusal, refusal_of_text
from barter.domain.refusals import in_one_line, problem

_AT = re.compile(r" - at `\$(.*)`$")


def _join(path: str, suffix: str) -> str:
    if not suffix:
        return path or "body"
    if suffix.startswith("["):
        return f"{path}{suffix}"
    suffix = suffix.lstrip(".")
    return f"{path}.{suffix}" if path else suffix


def _key(path: str, key: object) -> str:
    """The path of a body's key under `path`: `quantity`, `receipts[0].quantity`; the empty key,
    which no dot can show, as JavaScript writes it: `[""]`, `receipts[0][""]`."""
    return f'{path}[""]' if key == "" else _join(path, str(key))


def _message(exc: msgspec.ValidationError, path: str, value: Any, tp: Any) -> FieldError:
    """msgspec's refusal of `value` (of type `tp`, at `path`): its English, and the code the type
    gives `value` (`invalid` where msgspec names a place deeper inside it)."""
    text = str(exc)
    match = _AT.search(text)
    if match and match.group(1):
        return FieldError(_join(path, match.group(1)), text[: match.start()], code="invalid")
    code, params = refusal(inspect.type_info(tp), value)
    message = text[: match.start()] if match else text
    if "matching regex" in message:
        # A pattern's regular expression tells nobody what to write: the shape's words do.
        message = problem(FieldError(path, message, code=code, params=params)).en
    return FieldError(path or "body", message, code=code, params=params)


def _strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def collect_errors(value: Any, tp: Any, path: str = "") -> list[FieldError]:
    """Every validation error of `value` against `tp`, with paths; empty when valid."""
    try:
        msgspec.convert(value, tp, strict=True)
    except msgspec.ValidationError as exc:
        first = exc
    else:
        return []
    bare = _strip_annotated(tp)
    origin = get_origin(bare)
    if isinstance(bare, type) and issubclass(bare, msgspec.Struct) and isinstance(value, dict):
        errors: list[FieldError] = []
        fields = msgspec.structs.fields(bare)
        by_name = {f.encode_name: f for f in fields}
        config = bare.__struct_config__
        if config.forbid_unknown_fields:
            errors.extend(
                FieldError(_key(path, key), "unknown field", code="unknown_field")
                for key in value
                if key not in by_name
            )
        for field in fields:
            if field.encode_name not in value:
                if field.required:
                    errors.append(
                        FieldError(
                            _join(path, field.encode_name), "required field is missing", code="required"
                        )
                    )
                continue
            errors.extend(
                collect_errors(value[field.encode_name], field.type, _join(path, field.encode_name))
            )
        if errors:
            return errors
        # Each field is fine alone: the struct's own cross-field check (__post_init__) failed.
        return [_message(first, path, value, tp)]
    if origin in (list, tuple, set, frozenset) and isinstance(value, list):
        args = get_args(bare)
        if args and origin is list:
            errors = []
            for index, element in enumerate(value):
                errors.extend(collect_errors(element, args[0], f"{path}[{index}]"))
            if errors:
                return errors
    if origin in (Union, types.UnionType):
        # Optional[Struct] given a dict: report the struct's errors, not "expected null".
        members = [m for m in get_args(bare) if m is not type(None)]
        if len(members) == 1:
            return collect_errors(value, members[0], path)
    return [_message(first, path, value, tp)]


def whole_numbers(value: Any, tp: Any) -> Any:
    """`value` (a decoded JSON body) with each float that is a whole number (2.0) read as that
    int where `tp` takes a whole number there and no fraction (`priority`, an id): JSON does not
    tell 2 from 2.0, nor do the spreadsheet import (a cell of 2.0 is priority 2) and the query
    parameters (`?limit=2.0` is 2). A fraction (2.5) stays as it is, refused as `whole_number`;
    so do infinities, which no whole number is."""
    return _whole(value, inspect.type_info(tp))


def _bare(kind: inspect.Type) -> inspect.Type:
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    return kind


def _members(kind: inspect.Type) -> list[inspect.Type]:
    """The types a value of `kind` may be: a union's members, else `kind`; without descriptions."""
    kind = _bare(kind)
    return [_bare(m) for m in kind.types] if isinstance(kind, inspect.UnionType) else [kind]


def _whole(value: Any, kind: inspect.Type) -> Any:
    members = _members(kind)
    if isinstance(value, float):
        takes_whole_only = any(isinstance(m, inspect.IntType) for m in members) and not any(
            isinstance(m, inspect.FloatType | inspect.AnyType) for m in members
        )
        if takes_whole_only and math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, dict):
        for member in members:
            if isinstance(member, inspect.StructType):
                fields = {f.encode_name: f.type for f in member.fields}
                return {k: _whole(v, fields[k]) if k in fields else v for k, v in value.items()}
            if isinstance(member, inspect.DictType):
                return {k: _whole(v, member.value_type) for k, v in value.items()}
        return value
    if isinstance(value, list):
        for member in members:
            if isinstance(member, inspect.ListType | inspect.SetType | inspect.FrozenSetType):
                return [_whole(v, member.item_type) for v in value]
            if isinstance(member, inspect.VarTupleType):
                return [_whole(v, member.item_type) for v in value]
            if isinstance(member, inspect.TupleType) and len(member.item_types) == len(value):
                return [_whole(v, t) for v, t in zip(value, member.item_types, strict=True)]
    return value


def numbers_past_float(body: bytes, tp: Any) -> list[FieldError]:
    """The fields of a JSON `body` (for a `data` of type `tp`) that hold a number no float holds
    (1e400), each refused as that number in a query parameter is: by the bound it breaks (`le`),
    else `not_a_number`; with the body's other refused fields, as `collect_errors` lists them.

    msgspec will not read such a number and names no field ("Number out of range - at `$[...]`"),
    so the body is read again by the standard library, which reads it as infinity (JSON's own
    NaN and Infinity are no JSON, and stay refused). Empty where msgspec reads the body, or where
    it is no JSON for another reason too: the decoder's 400 says so."""
    try:
        msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        if not str(exc).startswith("Number out of range"):
            return []
    else:
        return []
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return []
    value = whole_numbers(value, tp)
    errors = collect_errors(value, tp)
    said = [e.path for e in errors]
    errors.extend(
        FieldError(path, "Number out of range", code="not_a_number")
        for path in _infinities(value)
        if not any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in said)
    )
    return errors


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _infinities(value: Any, path: str = "") -> list[str]:
    """The paths of the infinities in a decoded body (numbers past any float, read as infinity)."""
    if isinstance(value, float) and math.isinf(value):
        return [path or "body"]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _infinities(item, _key(path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _infinities(item, f"{path}[{index}]")]
    return []


# Bidirectional embeddings, overrides and isolates (Unicode Bidi Algorithm, "explicit formatting").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"})


def text_problem(text: str) -> str | None:
    """Why a piece of text may not be stored, or None. PostgreSQL text cannot hold NUL; bidi
    overrides make a name display as something else; text made only of zero-width or format
    characters is invisible on every screen (whitespace alone is left to each field's rules)."""
    if "\x00" in text:
        return "must not contain NUL characters"
    if any(ch in BIDI_CONTROLS for ch in text):
        return "must not contain bidirectional override or isolate characters (U+202A-202E, U+2066-2069)"
    if (
        text
        and all(unicodedata.category(ch) in _INVISIBLE for ch in text)
        and not all(ch.isspace() for ch in text)
    ):
        return "has no visible characters (only zero-width or format characters)"
    return None


def nul_paths(value: Any, path: str = "") -> list[FieldError]:
    """Every string of a body that may not be stored (`text_problem`), with its path."""
    if isinstance(value, str):
        problem = text_problem(value)
        return [FieldError(path or "body", problem, code="bad_characters")] if problem else []
    if isinstance(value, dict):
        found: list[FieldError] = []
        for key, item in value.items():
            found.extend(nul_paths(item, _key(path, key)))
        return found
    if isinstance(value, list):
        return [error for index, item in enumerate(value) for error in nul_paths(item, f"{path}[{index}]")]
    return []


def _optional_of(tp: Any) -> Any:
    """`X | None` -> X (an optional body); anything else unchanged."""
    if get_origin(tp) in (Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        if len(members) == 1 and len(get_args(tp)) == 2:
            return _strip_annotated(members[0])
    return tp


def body_optional(handler: Any) -> bool:
    parameter = handler.parsed_fn_signature.parameters.get("data")
    return parameter is not None and _optional_of(
        _strip_annotated(parameter.annotation)
    ) is not _strip_annotated(parameter.annotation)


def data_type_of(handler: Any) -> Any | None:
    """The struct type of a route handler's `data` parameter (a msgspec struct), or None."""
    tp = data_type(handler)
    return tp if isinstance(tp, type) else None


def data_type(handler: Any) -> Any | None:
    """The annotated type of the handler's `data` parameter, when it is a msgspec struct (or list of)."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    if parameter is None:
        return None
    tp = _optional_of(_strip_annotated(parameter.annotation))
    inner = _strip_annotated(get_args(tp)[0]) if get_origin(tp) is list and get_args(tp) else tp
    if isinstance(inner, type) and issubclass(inner, msgspec.Struct):
        return tp
    return None


def parameter_error(name: str, code: str, params: Mapping[str, Any] | None = None) -> FieldError:
    r"""A refused parameter (a query parameter, a header, a part of the path) at the name the client
    writes it by, with its code and, as its message, the project's words for the code, Thai first
    with the English beside (barter.domain.refusals.in_one_line): never Litestar's or msgspec's
    English (`Expected \`int\`, got \`str\``), which speaks of types the client never wrote."""
    error = FieldError(name, "", code=code, params=dict(params or {}))
    return dataclasses.replace(error, message=in_one_line(error))


def _nul_in_query(request: Request[Any, Any, Any]) -> list[FieldError]:
    return [parameter_error(k, "bad_characters") for k, v in request.query_params.items() if "\x00" in v]


async def refuse_nul_in_query(request: Request[Any, Any, Any]) -> None:
    """Litestar `before_request` hook: PostgreSQL text cannot hold NUL, so no parameter may."""
    bad = _nul_in_query(request)
    if bad:
        raise ValidationFailed(bad)


def is_json(content_type: str | None) -> bool:
    """application/json or a +json type: the only bodies decoded as JSON (anything else is 415
    where a JSON body is expected)."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def validate_body(request: Request[Any, Any, Any]) -> None:
    """Refuse malformed or invalid bodies with every error listed (called once the caller is known)."""
    bad_params = _nul_in_query(request)
    if bad_params:
        raise ValidationFailed(bad_params)
    tp = data_type(request.route_handler)
    if tp is None:
        return
    body = await request.body()
    if not body.strip():
        if body_optional(request.route_handler):
            return
        raise MalformedRequest("The request body is empty; send a JSON object")
    content_type = request.headers.get("content-type", "")
    if not is_json(content_type):
        raise UnsupportedMediaType(
            f"Send the body as Content-Type: application/json (got {content_type or 'none'})",
            extra={
                "errors": [
                    {
                        "path": "Content-Type",
                        "message": parameter_error("Content-Type", "not_json").message,
                        "code": "not_json",
                    }
                ]
            },
        )
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedRequest(f"The request body is not valid JSON: {exc}") from None
    value = whole_numbers(value, tp)
    errors = nul_paths(value) or collect_errors(value, tp)
    if errors:
        raise ValidationFailed(errors)


# Litestar's words for a parameter it did not find (litestar/_kwargs/extractors.py).
_MISSING = re.compile(r"^Missing required (\w+) parameter '(.+)' for path ")


def _parameter(request: Request[Any, Any, Any], key: str) -> tuple[inspect.Type | None, str, str]:
    """The parameter `key` of the request's handler or of one of its dependencies (the listings'
    filters are): its type with its bounds (None if not found), the name the client writes it by
    (`state`, `If-Match`) and where it is written (query, header, path, cookie)."""
    handler = request.route_handler
    sources: tuple[BaseRouteHandler | Provide, ...] = (handler, *handler.resolve_dependencies().values())
    for source in sources:
        definition = source.parsed_fn_signature.parameters.get(key)
        if definition is None:
            continue
        info = inspect.type_info(source.signature_model)
        assert isinstance(info, inspect.StructType)
        kind = next((f.type for f in info.fields if f.name == key), None)
        kwarg = definition.kwarg_definition
        if isinstance(kwarg, ParameterKwarg):
            return kind, kwarg.name or key, kwarg.param_type.value
        place = ParamType.PATH if key in request.path_params else ParamType.QUERY
        return kind, key, place.value
    return None, key, ParamType.QUERY.value


def _given(request: Request[Any, Any, Any], name: str, place: str) -> Any:
    """What the client wrote for the parameter: text, or the number a path's `:int` already read."""
    if place == ParamType.PATH.value:
        return request.path_params.get(name)
    if place == ParamType.HEADER.value:
        return request.headers.get(name)
    if place == ParamType.COOKIE.value:
        return request.cookies.get(name)
    return request.query_params.get(name)


def parameter_errors(request: Request[Any, Any, Any], exc: ValidationException) -> list[FieldError]:
    """Litestar's refusal of a request's parameters (`?limit=abc`, a required one missing) as field
    errors: each at the parameter's name as the client writes it, with the code its type gives
    the value (barter.domain.field_types), as a body's fields get theirs, said in the code's
    words (`parameter_error`), not in Litestar's message. Litestar says what failed in `extra` (a
    list of {key, message, source}), or, for a missing one, in its detail."""
    missing = _MISSING.match(str(exc.detail))
    if missing:
        _, name = missing.groups()
        return [parameter_error(name, "required")]
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        key = str(item.get("key") or "")
        kind, name, place = _parameter(request, key)
        code: str = "invalid"
        params: Any = {}
        if kind is not None:
            value = _given(request, name, place)
            if isinstance(value, str) or value is None:
                code, params = refusal_of_text(kind, value)
            else:
                code, params = refusal(kind, value)
        errors.append(parameter_error(name or "request", code, params))
    # Litestar named nothing: the request as a whole.
    return errors or [FieldError("request", str(exc.detail), code="invalid")]
