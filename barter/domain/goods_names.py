"""Goods' Thai names as they are kept and compared, and what a community typed for goods as a name
to add (pure): the catalogue's names (barter.services.catalogue) and the goods communities named that
it lacks (barter.services.unknown_goods) are tidied and compared alike."""

from __future__ import annotations

import re
import unicodedata

from barter.domain.thai_text import CATEGORY_WORDS, sara_am_joined

THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")  # a consonant: Thai digits or marks alone name nothing
# Control characters, zero-width and other format characters, line and paragraph separators: a
# goods' name is what the LINE reader matches typed words against, and no one types these (a
# community's name may keep a zero-width space; goods' names may not).
_UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp"})
WORD_MAX = 60  # a goods' Thai name at most (schemas.reference.NameTh): what the add form takes


def tidy_name(text: str) -> str:
    """A name as it is kept: no spaces around it, one space where there were several, sara am as
    one character (ำ), as the LINE reader reads it (`thai_text.sara_am_joined`)."""
    return sara_am_joined(" ".join(text.split()))


def name_key(text: str) -> str:
    """A name as names are compared (and as the LINE reader matches them): tidied, without spaces."""
    return tidy_name(text).replace(" ", "")


def unseen(text: str) -> bool:
    """The text holds a character no one types in a name (control, zero-width, a line separator)."""
    return any(unicodedata.category(ch) in _UNSEEN for ch in text)


def goods_word(text: str) -> str | None:
    """What a community typed for goods, kept as goods' names are (`tidy_name`), or None where no
    goods could be added by that name: blank, longer than a name, with control or invisible
    characters, without a Thai letter, or a whole category's word (ข้าว, ปลา)."""
    word = tidy_name(text)
    if (
        not word
        or len(word) > WORD_MAX
        or unseen(word)
        or not THAI_LETTER.search(word)
        or name_key(word) in CATEGORY_WORDS
    ):
        return None
    return word
