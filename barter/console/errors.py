"""Input errors as the console says them: plain Thai naming the field, with the English beside.

A `FieldError` carries its field's path and a stable `code` (with `params`); the words come from
barter.domain.refusals (the one wording the LINE bot says too), never from the English `message`
the API sends. Form values the use case's input struct refuses are explained from the struct's
own bounds (`barter.schemas.base.checked`, else `barter.domain.field_types.refused`), so the
console never shows msgspec's words either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from barter.console import i18n
from barter.domain import refusals
from barter.domain.errors import BarterError, FieldError


@dataclass(frozen=True)
class Said:
    """One problem as shown: `text` in the reader's language, `english` beside it for Thai readers;
    `short` (with `short_english`): the same without the field's name, said under the field itself,
    whose label names it (empty: `text` says it there too)."""

    field: str
    text: str
    english: str | None
    short: str = ""
    short_english: str | None = None

    @property
    def input(self) -> str:
        """The name of the form's input it is about: its path's first part (`receipts[0].quantity`
        is `receipts`), as refusals.FIELDS names fields."""
        return self.field.split(".", 1)[0].split("[", 1)[0]

    @property
    def at_field(self) -> tuple[str, str | None]:
        """What is said under the field: the short words, else the whole; the English beside."""
        return (self.short, self.short_english) if self.short else (self.text, self.english)


def _words(error: FieldError) -> Said:
    """The error in the page's language (Thai, with the English beside; or English alone)."""
    words = refusals.field_error(error)
    short = refusals.problem(error)
    if i18n.current() == "en":
        return Said(error.path, words.en, None, short.en)
    return Said(error.path, words.th, words.en, short.th, short.en)


def bilingual(field: str, words: Callable[[], str]) -> Said:
    """`words()` in the reader's language and, for a Thai reader, in English beside it."""
    text = words()
    with i18n.speaking("en"):
        english = words()
    return Said(field, text, english if i18n.current() == "th" else None)


def said(errors: list[FieldError]) -> list[Said]:
    """The errors in the reader's language, one each, with the English beside for Thai readers."""
    return [_words(error) for error in errors]


def of_detail(exc: BarterError) -> Said:
    """An error's detail as written for people: the Thai where one is written, with the English
    beside; where only the English is written, it stands beside, never inside, the Thai."""
    if i18n.current() == "en":
        return Said("", exc.detail, None)
    return Said("", exc.detail_th or "", exc.detail)


def plain(errors: list[FieldError]) -> str:
    """The errors as one line (for a page that has no form to show them on)."""
    return "; ".join(f"{s.text} ({s.english})" if s.english else s.text for s in said(errors))
