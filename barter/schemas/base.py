"""The base of every input struct a channel hands to a service."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from msgspec import inspect

from barter.domain.errors import FieldError, ValidationFailed
from barter.domain.field_types import bound, refused, unwrapped

T = TypeVar("T")


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request body: unknown fields are refused and text is NFC-normalised."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, unicodedata.normalize("NFC", value))
            elif isinstance(value, list) and value and isinstance(value[0], str):
                setattr(self, name, [unicodedata.normalize("NFC", v) for v in value])


def secret_fields(value: object) -> tuple[str, ...]:
    """The fields of a response that carry a one-time secret, shown to its caller once and kept
    nowhere in plain text. A response type declares them as `shown_once: ClassVar[tuple[str, ...]]`;
    idempotency records leave them out (barter/api/http.py)."""
    return tuple(getattr(type(value), "shown_once", ()))


def checked(values: Mapping[str, Any], into: type[Any]) -> list[FieldError]:
    """What `into` would refuse in `values`, by field and code: a required field left empty, a
    number or text outside the field's bounds. msgspec checks the bounds only when it decodes; a
    channel that builds an input from what people typed (a console form, a LINE message) asks here
    first, and says the codes in words (barter.domain.refusals). The codes are
    barter.domain.field_types's, the ones every refusal of msgspec's is named by."""
    info = inspect.type_info(into)
    assert isinstance(info, inspect.StructType)
    errors: list[FieldError] = []
    for f in info.fields:
        value = values.get(f.name)
        if value is None:
            if f.required:
                errors.append(FieldError(f.name, "required", code="required"))
            continue
        broken = bound(unwrapped(f.type), value)
        if broken is not None:
            code, params = broken
            errors.append(FieldError(f.name, f"breaks {code}", code=code, params=params))
    return errors


def converted(values: Mapping[str, Any], into: type[T]) -> T:
    """`values` (as people typed them: a form, a spreadsheet's row) as an `into`, or
    ValidationFailed naming each refused field by code: what `checked` finds, else what msgspec
    still refuses (a type it cannot take, barter.domain.field_types)."""
    errors = checked(values, into)
    if errors:
        raise ValidationFailed(errors)
    try:
        return msgspec.convert(values, into, from_attributes=False)
    except msgspec.ValidationError as exc:
        raise ValidationFailed([refused(exc, values, into)]) from None
