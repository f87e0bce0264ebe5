"""The console's language: gettext catalogues (Babel), Buddhist-era dates, Thai numbers and units.

Messages are written in English in the code and templates and translated to Thai in
barter/console/locale/th/LC_MESSAGES/messages.po (compiled beside it to messages.mo; a test keeps
the two in step and checks that every message has its Thai). Thai is the default; a `lang` cookie
switches to English. The request's catalogue lives in a context variable, so Python code and
Jinja templates translate through the same `gettext`.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations
from markupsafe import Markup, escape
from pythainlp.util import collate

from barter.domain import thaidate
from barter.domain.clock import THAI_TIME
from barter.domain.errors import BarterError
from barter.domain.refusals import FIELDS, Words
from barter.domain.units import english_unit, thai_unit_for, thai_unit_of_all

T = TypeVar("T")
Lang = Literal["th", "en"]
LANGS: tuple[Lang, ...] = ("th", "en")
DEFAULT_LANG: Lang = "th"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
NBSP = "\u00a0"  # a no-break space: a line is never broken at it (an amount and its unit)


@cache
def catalogue(lang: Lang) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()  # the messages are written in English
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


_current: ContextVar[Lang] = ContextVar("console_lang", default=DEFAULT_LANG)


def use(lang: str | None) -> Lang:
    """Make `lang` the language of the current request (anything unknown is Thai)."""
    chosen: Lang = "en" if lang == "en" else "th"
    _current.set(chosen)
    return chosen


def current() -> Lang:
    return _current.get()


def other() -> Lang:
    """The language the reader is not reading: the one written beside, smaller (`.en`)."""
    return "en" if _current.get() == "th" else "th"


@contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """Translate in `lang` for a moment (the English written beside a Thai message)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as said in `context` (a msgctxt): the same English, a different Thai, as the
    navigation's short "แลกเปลี่ยน" beside the page's heading "การแลกเปลี่ยน"."""
    return catalogue(_current.get()).pgettext(context, message)


_ = gettext


def thai_date(value: date | datetime | None, *, time: bool = False) -> str:
    """`3 ธ.ค. 2569` in Thai (Buddhist era), `3 Dec 2026` in English; times in Thai time."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        local = value.astimezone(THAI_TIME) if value.tzinfo else value
        day: date = local.date()
        clock = f" {local:%H:%M}" if time else ""
    else:
        day, clock = value, ""
    if _current.get() == "th":
        return f"{thaidate.thai_short(day)}{clock}"
    return f"{day.day} {thaidate.MONTHS_EN[day.month - 1]} {day.year}{clock}"


def number(value: float | int | None, digits: int = 2) -> str:
    """Grouped thousands, at most `digits` decimals, as written in Thailand (1,234.5)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="th_TH")


def unit_name(unit: str, quantity: float | None = None, item: str | None = None) -> str:
    """The unit in the reader's language: in Thai, the `item`'s counting word where it is known
    and counted in pieces (ฟอง for eggs, else ชิ้น); in English, one or many as `quantity` says (a
    label's unit, with no quantity, is plural: "(pieces)")."""
    return thai_unit_for(unit, item) if _current.get() == "th" else english_unit(unit, quantity)


def baht(value: float | None) -> str:
    """A reference value: `104,500 บาท` / `104,500 baht` (the network's values, not money)."""
    said = gettext("%(value)s baht") % {"value": number(value, 0)}
    return said.replace(" ", NBSP)  # a narrow line wraps before the figure, not after it


def words(said: Words) -> str:
    """Words worded once for every channel (barter.domain), in the reader's language."""
    return said.th if _current.get() == "th" else said.en


def field_name(name: str) -> str:
    """A form field's label, the name its errors give it (barter.domain.refusals.FIELDS)."""
    return words(FIELDS[name])


def quantity(value: float | None, unit: str, item: str | None = None) -> str:
    """`200 กก.` / `200 kg`, `300 ฟอง` (eggs, the `item`) / `300 pieces`, `1 piece`, the amount and
    its unit joined by a no-break space, so that a narrow column never leaves "1,500" on one line
    and "กก." on the next."""
    return f"{number(value)}{NBSP}{unit_name(unit, value, item)}"


def summed(value: float | None, unit: str, items: Iterable[str]) -> str:
    """`600 ฟอง` / `600 pieces`: an amount summed over several `items` (a category's, counted in
    `unit`), in Thai in the counting word they all share, else the unit's word (ชิ้น)."""
    word = thai_unit_of_all(unit, items) if _current.get() == "th" else english_unit(unit, value)
    return f"{number(value)}{NBSP}{word}"


def detail(exc: BarterError) -> str:
    """An error's detail in the reader's language (the Thai one where it was written)."""
    return exc.detail_th if _current.get() == "th" and exc.detail_th else exc.detail


def in_order(
    items: Iterable[T], th: Callable[[T], tuple[str, ...]], en: Callable[[T], tuple[str, ...]]
) -> list[T]:
    """The items in the reader's alphabetical order of their names (`th` or `en`: a name, or a name
    and what comes after it, as the district then the sub-district): in Thai, dictionary order
    (PyThaiNLP's `collate`, which reads past a leading vowel: เกาะ after กาญจนบุรี, not after ฮ);
    in English, by letters whatever their case. A list in the order of its codes (a province's 10,
    11, ...) left a reader scanning all 77 for สตูล."""
    listed = list(items)
    if _current.get() == "th":
        rank = {word: n for n, word in enumerate(collate({word for item in listed for word in th(item)}))}
        return sorted(listed, key=lambda item: tuple(rank[word] for word in th(item)))
    return sorted(listed, key=lambda item: tuple(word.casefold() for word in en(item)))


def pick(th: str | None, en: str | None) -> str:
    """A name in the reader's language, falling back to the other one."""
    first, second = (th, en) if _current.get() == "th" else (en, th)
    return first or second or "–"


def named(th: str | None, en: str | None) -> Markup:
    """A name as `pick` gives it, for text: where it has none in the reader's language, the other
    one is marked as its language (`<span lang="th">`, escaped within), so that a screen reader
    reads a Thai name in an English sentence in a Thai voice. Not for an attribute, a page's title
    or an option, which hold no markup: `pick` there."""
    first, second, lang = (th, en, "en") if _current.get() == "th" else (en, th, "th")
    if first or not second:
        return escape(first or "–")
    return Markup('<span lang="%s">%s</span>') % (lang, second)


def category_name(category_id: str, categories: list[dict[str, Any]]) -> str:
    for c in categories:
        if c["id"] == category_id:
            return pick(c["name_th"], c["name_en"])
    return category_id


def any_of(category: str) -> str:
    """A need for anything in a category: "อะไรก็ได้ในหมวด ข้าว", "any rice" (an English
    category's name is a title, "Rice", and reads lower-case inside the phrase)."""
    name = category if _current.get() == "th" else category.lower()
    return gettext("any %(category)s") % {"category": name}


def listed(names: Iterable[str]) -> str:
    """Names joined as the language joins a list: "ภาคเหนือ ภาคกลาง และภาคใต้" (Thai parts
    names with spaces and joins the last with และ, not commas), "North, Central, and South"."""
    return format_list(list(names), locale=_current.get())


def slash_date(value: date) -> str:
    """A date as typed in the console's forms: d/m/yyyy, Buddhist era."""
    return thaidate.slash(value)


def parse_thai_date(text: str) -> date | None:
    """A date typed in a form: ISO (from a date picker), or d/m/yyyy with a Buddhist-era year
    (a year above 2400 is taken as Buddhist era)."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        d, m, y = (int(part) for part in text.split("/"))
    else:
        y, m, d = (int(part) for part in text.split("-"))
    return thaidate.from_parts(y, m, d)
