"""Why a field's msgspec type refuses a value, as a stable code (barter.domain.refusals words it).

msgspec says what it refused in English for developers ("Expected `float` > 0.0"); a channel that
shows the refusal to people names the problem by code instead. The code comes from the field's
type and the value, never from msgspec's message: the JSON API's validation, the console's forms,
the LINE bot's posts, the spreadsheet import and the engine's settings all ask here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec
from msgspec import inspect

from barter.domain.errors import FieldError
from barter.domain.formats import SHAPES

# Every code `refusal` and `bound` give.
CODES = frozenset(
    {
        "required",
        "not_a_number",
        "whole_number",
        "gt",
        "ge",
        "lt",
        "le",
        "too_long",
        "too_short",
        "too_many",
        "unknown",
        "bad_date",
        "bad_format",
        "bad_point",
        "not_a_boolean",
        "not_a_string",
        "not_a_list",
        "not_an_object",
        "invalid",
    }
)
_AT = re.compile(r" - at `\$\.?(.*)`$")
# A number as a query parameter or a header may spell it (JSON's syntax, as Litestar reads it):
# not `+1`, `00001`, `1.`, `1_000` nor other scripts' digits (๑), which Python's float() would read.
_NUMBER_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE_TEXT = frozenset({"nan", "-nan", "inf", "-inf", "infinity", "-infinity"})
# A date as this API takes it (an ISO date): said so, not as a form's day/month/year.
ISO_DATE: Mapping[str, Any] = MappingProxyType({"shape": "iso_date"})
_NUMBERS = inspect.IntType | inspect.FloatType
_COLLECTIONS = inspect.ListType | inspect.SetType | inspect.FrozenSetType


def unwrapped(kind: inspect.Type) -> inspect.Type:
    """The field's own type: without `| None` and without its description."""
    kind = _without_none(kind)
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    return kind


def _without_none(kind: inspect.Type) -> inspect.Type:
    if isinstance(kind, inspect.UnionType):
        return next((m for m in kind.types if not isinstance(m, inspect.NoneType)), kind)
    return kind


def bound(kind: inspect.Type, value: Any) -> tuple[str, Mapping[str, Any]] | None:
    """Which of the field type's bounds `value` breaks (msgspec's own constraints), if any."""
    if isinstance(kind, _NUMBERS) and isinstance(value, int | float) and not isinstance(value, bool):
        broken = {
            "gt": kind.gt is not None and not value > kind.gt,
            "ge": kind.ge is not None and not value >= kind.ge,
            "lt": kind.lt is not None and not value < kind.lt,
            "le": kind.le is not None and not value <= kind.le,
        }
        for code, is_broken in broken.items():
            if is_broken:
                return code, {"limit": getattr(kind, code)}
    if isinstance(kind, inspect.StrType) and isinstance(value, str):
        if kind.max_length is not None and len(value) > kind.max_length:
            return "too_long", {"limit": kind.max_length}
        if kind.min_length is not None and len(value) < kind.min_length:
            return ("required", {}) if not value.strip() else ("too_short", {"limit": kind.min_length})
    return None


def refusal(kind: inspect.Type, value: Any) -> tuple[str, Mapping[str, Any]]:
    """The code (and its params) for `value`, which a field of type `kind` refused."""
    if value is None and not _nullable(kind):
        return "required", {}
    if _format(kind) in {"date", "date-time"}:  # a date written as text (`DateIn`: YYYY-MM-DD)
        return "bad_date", ISO_DATE
    kind = unwrapped(kind)
    if isinstance(kind, _NUMBERS) and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "not_a_number", {}
    if isinstance(kind, _NUMBERS) and isinstance(value, float) and not math.isfinite(value):
        # 1e400 (read as infinity) breaks the field's bound; NaN, or infinity where none is, is
        # no number the field could hold.
        return (None if math.isnan(value) else bound(kind, value)) or ("not_a_number", {})
    if isinstance(kind, inspect.IntType) and isinstance(value, float) and not value.is_integer():
        return "whole_number", {}
    wrong_type = _wrong_type(kind, value)
    if wrong_type is not None:
        return wrong_type, {}
    broken = bound(kind, value)
    if broken is not None:
        return broken
    if isinstance(kind, inspect.StrType) and isinstance(value, str) and not _matches(kind, value):
        return shape_refusal(kind.pattern)
    if isinstance(kind, inspect.LiteralType | inspect.EnumType):
        return "unknown", {}
    if isinstance(kind, inspect.DateType | inspect.DateTimeType):
        return "bad_date", ISO_DATE
    if isinstance(kind, _COLLECTIONS) and isinstance(value, list):
        if kind.max_length is not None and len(value) > kind.max_length:
            return "too_many", {"limit": kind.max_length}
        if kind.min_length is not None and not value:
            return "required", {}
    return "invalid", {}


def _wrong_type(kind: inspect.Type, value: Any) -> str | None:
    """The code for a value of another JSON type than the field takes (a number for a name, text
    for a list), or None: true or false, text, a list, an object, each said so."""
    if isinstance(kind, inspect.BoolType) and not isinstance(value, bool):
        return "not_a_boolean"
    if isinstance(kind, inspect.StrType) and not isinstance(value, str):
        return "not_a_string"
    if isinstance(kind, _COLLECTIONS) and not isinstance(value, list):
        return "not_a_list"
    if isinstance(kind, inspect.StructType | inspect.DictType) and not isinstance(value, dict):
        return "not_an_object"
    return None


def _matches(kind: inspect.StrType, value: str) -> bool:
    return kind.pattern is None or re.search(kind.pattern, value) is not None


def shape_refusal(pattern: str | None) -> tuple[str, Mapping[str, Any]]:
    """The code (and its params) for text that does not match `pattern`: `bad_format` naming the
    shape the pattern asks for (barter.domain.formats), so that its words say what to write, not
    the regular expression; a point and a date have codes of their own (`bad_point`, `bad_date`)."""
    shape = SHAPES.get(pattern or "")
    if shape == "point":
        return "bad_point", {}
    if shape == "date":
        return "bad_date", ISO_DATE
    return "bad_format", ({"shape": shape} if shape else {})


def refusal_of_text(kind: inspect.Type, text: str | None) -> tuple[str, Mapping[str, Any]]:
    """The code (and its params) for `text`, a value written as text (a query parameter, a
    header), which a parameter of type `kind` refused; None: the parameter was not given. Where
    the type is a number, the text is read as the number it spells first, so that `2.5` for a
    whole number is `whole_number` and `0` under a bound of 1 is `ge`, as in a JSON body."""
    if text is None:
        return "required", {}
    if isinstance(unwrapped(kind), _NUMBERS):
        if not _NUMBER_TEXT.fullmatch(text) and text.lower() not in _NOT_FINITE_TEXT:
            return "not_a_number", {}
        number = float(text)  # 1e400: infinity, refused by the bound it breaks
        return refusal(kind, int(number) if number.is_integer() else number)
    return refusal(kind, text)


def refused(exc: msgspec.ValidationError, values: Mapping[str, Any], into: type[Any]) -> FieldError:
    """msgspec's refusal of `values` as an `into` struct, by field and code: the field from the
    error's path, the code from that field's type and its value. A path deeper than a field of
    `into` (or none) gives the code `invalid`; the English message stays for API clients."""
    text = " ".join(str(exc).split())
    match = _AT.search(text)
    path = match.group(1) if match else ""
    message = text[: match.start()] if match else text
    code: str = "invalid"
    params: Mapping[str, Any] = {}
    info = inspect.type_info(into)
    if isinstance(info, inspect.StructType):
        field = next((f for f in info.fields if f.encode_name == path), None)
        if field is not None:
            code, params = refusal(field.type, values.get(field.name))
    return FieldError(path, message, code=code, params=params)


def _format(kind: inspect.Type) -> str | None:
    """The JSON Schema format a field's description gives it (`date`), if any."""
    kind = _without_none(kind)
    while isinstance(kind, inspect.Metadata):
        if kind.extra_json_schema and "format" in kind.extra_json_schema:
            return str(kind.extra_json_schema["format"])
        kind = kind.type
    return None


def _nullable(kind: inspect.Type) -> bool:
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    return isinstance(kind, inspect.NoneType | inspect.AnyType) or (
        isinstance(kind, inspect.UnionType) and any(isinstance(m, inspect.NoneType) for m in kind.types)
    )
