"""The base of every input struct a channel hands to a service."""

from __future__ import annotations

import unicodedata

import msgspec


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
