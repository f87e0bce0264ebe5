"""Response shapes shared by every feature."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class ListOf(msgspec.Struct, Generic[T]):
    data: list[T]


class Page(msgspec.Struct, Generic[T]):
    data: list[T]
    next_cursor: str | None = None
