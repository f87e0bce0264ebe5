"""The coordinator console's wiring: templates, static files, CSRF, language and error pages.

`console_parts(secret)` gives create_app what to register; the pages are in
barter/console/views.py and call the use cases only through barter/console/uses.py.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from litestar import Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import AfterExceptionHookHandler, ControllerRouterHandler, Scope
from litestar.utils.scope.state import ScopeState
from litestar_htmx import ClientRedirect, HTMXRequest
from markupsafe import Markup, escape

from barter.console import errors, i18n, maps
from barter.console.i18n import _
from barter.console.session import SignInRequired, find_viewer, provide_viewer, signed_in
from barter.domain import phone, thaidate
from barter.domain.access import ENGLISH_REGIONS, THAI_REGIONS
from barter.domain.errors import BarterError, ValidationFailed
from barter.domain.proposals import STATUS_WORDS
from barter.domain.units import UNIT_NAMES, counting_words, known_goods
from barter.reference import BANGKOK, Subdistrict, load_provinces, subdistricts_by_code

log = logging.getLogger("barter.console")

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PREFIX = "/console"
# Console routes that need no signed-in viewer (a test walks the route table to keep it so).
CONSOLE_PUBLIC = frozenset({"/console/signin", "/console/signout", "/console/lang/{code:str}"})
CSRF_COOKIE = "barter_csrf"
HTMX_JS = "/static/vendor/htmx-2.0.11/htmx.min.js"
SWAGGER = "/static/vendor/swagger-ui-5.35.0"


def region_name(code: str) -> str:
    return i18n.pick(THAI_REGIONS.get(code, code), ENGLISH_REGIONS.get(code, code))


def province_name(code: str) -> str:
    for place in load_provinces():
        if place.code == code:
            return i18n.pick(place.name_th, place.name_en)
    return code


def _thai_words(sub: Subdistrict) -> tuple[str, str]:
    """What Thai calls a sub-district and a district: แขวง and เขต in Bangkok, ต. and อ. elsewhere."""
    return ("แขวง", "เขต") if sub.province_code == BANGKOK else ("ต.", "อ.")


def subdistrict_label(sub: Subdistrict) -> str:
    """A sub-district as a list names it, with its district: a province may have two of one name
    (Nakhon Si Thammarat's ปากแพรก of อ.ทุ่งสง and of อ.ปากพนัง)."""
    if i18n.current() == "th":
        return f"{sub.name_th} ({_thai_words(sub)[1]}{sub.district_th})"
    return f"{sub.name_en} ({sub.district_en})"


def district_label(sub: Subdistrict) -> str:
    """A sub-district's district, as a list's heading names it ("อ.ทุ่งสง", "เขตพระนคร")."""
    if i18n.current() == "th":
        return f"{_thai_words(sub)[1]}{sub.district_th}"
    return f"{sub.district_en} district"


def subdistrict_name(code: str) -> str:
    sub = subdistricts_by_code().get(code)
    return code if sub is None else subdistrict_label(sub)


def place_of(province_code: str, subdistrict_code: str | None) -> str:
    """Where a community is, for a driver: its sub-district, district and province where the
    reader may know them ("ต.บ่อพลอย อ.บ่อพลอย จ.กาญจนบุรี"), else its province."""
    province = province_name(province_code)
    sub = subdistricts_by_code().get(subdistrict_code or "")
    if i18n.current() == "th":
        named = province if province_code == BANGKOK else f"จ.{province}"
        if sub is None:
            return named
        subdistrict, district = _thai_words(sub)
        return f"{subdistrict}{sub.name_th} {district}{sub.district_th} {named}"
    return province if sub is None else f"{sub.name_en}, {sub.district_en}, {province}"


def _names() -> dict[str, dict[str, str]]:
    """Names of the codes pages show (written here so the catalogue extractor finds them)."""
    return {
        "role": {
            "admin": _("administrator"),
            "coordinator": _("coordinator"),
            "community": _("community"),
            "partner": _("partner"),
        },
        "status": {
            # an exchange's states are worded once, for every channel, in barter.domain.proposals
            **{status: i18n.words(said) for status, said in STATUS_WORDS.items()},
            "queued": _("queued"),
            "running": _("running"),
            "succeeded": _("finished"),
            "failed": _("failed"),
            "planned": _("planned"),
            "loading": _("loading"),
            "on_the_road": _("on the road"),
            "delivered": _("delivered"),
            "active": _("active"),
            "pending": _("waiting for consent"),
            "started": _("started"),
            "declined": _("declined"),
        },
        "kind": {
            "fishing": _("fishing community"),
            "farming": _("farming community"),
            "urban": _("urban community"),
            "mixed": _("mixed"),
            "other": _("other"),
        },
        "stop": {
            "depot": _("vehicle base"),  # a depot's name says "depot" already
            "pickup": _("pick up"),
            "dropoff": _("drop off"),
            "pickup_dropoff": _("pick up and drop off"),
            "hub": _("hub"),
        },
        # the default fleet's vehicle kinds (barter/logistics/fleet.py), and a hub-to-hub plane
        "vehicle": {
            "pickup": _("pickup truck"),
            "six-wheel": _("six-wheel truck"),
            "ten-wheel": _("ten-wheel truck"),
            "plane": _("plane"),
        },
        # the engine's own word for its answer (the run's technical details)
        "engine": {
            "optimal": _("the best answer there is, proved"),
            "feasible": _("a good answer, not proved the best"),
            "none": _("no answer found"),
            "infeasible_input": _("the market given could not be read"),
        },
    }


def _run_stage(run: Any) -> str:
    """Where a matching run is, in words (the engine's own notes are for developers)."""
    if run.status == "queued":
        return i18n.gettext("Waiting for its turn")
    if run.status == "running":
        if run.progress < 0.1:
            return i18n.gettext("Reading the open offers and needs")
        return i18n.gettext("Looking for exchanges")
    if run.status == "succeeded":  # the badge beside it already says it finished
        found = int(run.counts.get("proposals", 0))
        return i18n.gettext("Exchanges found: {n}").format(n=found)
    return i18n.gettext("The run did not finish")


def run_stage(run: Any) -> errors.Said:
    return errors.bilingual("", lambda: _run_stage(run))


@dataclass(frozen=True)
class Measure:
    """One line of how good a run's answer is: what it measures and its figure (or words), in the
    reader's language with the English beside for a Thai reader, and what that means (the page
    says it in the reader's language alone: beside, it doubled the card's length on a phone)."""

    key: str
    label: errors.Said
    value: errors.Said
    meaning: errors.Said


def _percent_at_least(share: float) -> str:
    """`share` as a percentage cut down, never rounded up, to one decimal: 0.99996 is 99.9%, so a
    figure that is "at least" stays true and reads 100% only where it is."""
    return i18n.number(math.floor(max(0.0, min(share, 1.0)) * 1000) / 10, 1)


def run_measures(run: Any) -> list[Measure]:
    """How good a finished run's answer is, in a coordinator's words (the engine's objective,
    bound and gap are for the technical details). The bound is a ceiling over the whole market of
    the run's regions, so the answer is "at least" a share of the best one; it is the best only
    where the engine proved it (engine status `optimal`)."""
    if run.objective is None:
        return []

    def said(words: Callable[[], str]) -> errors.Said:
        return errors.bilingual("", words)

    def figure(value: float) -> errors.Said:
        return errors.Said("", i18n.number(value, 0), None)  # the same in either language

    measures = [
        Measure(
            "score",
            said(lambda: _("This answer's score")),
            figure(run.objective),
            said(
                lambda: _(
                    "The reference value of the goods that reach those who need them (an urgent "
                    "need counts for more), less the cost of carrying them."
                )
            ),
        )
    ]
    proved = run.engine_status == "optimal"
    ceiling = run.upper_bound is not None and run.upper_bound > 0
    if ceiling:
        measures.append(
            Measure(
                "ceiling",
                said(lambda: _("The most any answer could score")),
                figure(run.upper_bound),
                said(
                    lambda: _(
                        "A ceiling worked out over the whole market of this run's regions: no "
                        "answer scores more, and the best one may score less."
                    )
                ),
            )
        )
    if proved:
        closeness = (
            said(lambda: _("the best answer there is (proved)")),
            said(lambda: _("The engine proved that no answer scores more.")),
        )
    elif ceiling:
        share = _percent_at_least(run.objective / run.upper_bound)
        closeness = (
            said(lambda: _("at least %(percent)s%% of the best answer") % {"percent": share}),
            said(
                lambda: _(
                    "Measured against the ceiling above: the best answer may score less "
                    "than the ceiling, so this one may be closer still."
                )
            ),
        )
    else:
        return measures
    measures.append(Measure("closeness", said(lambda: _("How close to the best answer")), *closeness))
    return measures


def exchange_number(proposal_id: int) -> str:
    """`การแลกเปลี่ยน #7 / exchange #7` (English beside the Thai, as on the driver's sheet), or
    `exchange #7` in English: what a bare "#7" beside goods travelling for it stands for."""
    said = errors.bilingual("", lambda: i18n.gettext("exchange #{n}").format(n=proposal_id))
    text = f"{said.text} / {said.english}" if said.english else said.text
    return text.replace(" #", "\u00a0#")  # a narrow column wraps between the words, not before "#7"


def unbroken(text: str) -> Markup:
    """`text` that no line break parts (an amount and its unit). The no-break space between them
    is not enough on its own: the page's `overflow-wrap: anywhere` lets a squeezed table cell break
    inside any word, so the two are also set `white-space: nowrap` (console.css `.nobr`)."""
    return Markup('<span class="nobr">%s</span>') % text


# The units a figure is written with in text barter.domain writes (the explanations of an
# exchange): the catalogue's units in Thai and English, the counting words of its piece items (300
# ฟอง; an added ไก่ย่าง's ตัว: barter.domain.units.counting_words, the goods this process knows),
# reference values (บาท) and road distances (กม.); longest first, so that "packs" is not read as
# "pack".
_FIXED_UNITS = (*(name for named in UNIT_NAMES.values() for name in named), "บาท", "กม.", "baht", "km")
_FIGURE = r"\d[\d,]*(?:\.\d+)?"


@cache
def _figures(counted: frozenset[str]) -> re.Pattern[str]:
    """ "20 กก.", "1,500 บาท", "12.5 litres", "5 ตัว" (a counting word in `counted`), and a date as the
    domain writes it, "10 ธ.ค. 2569"; an English unit only as a whole word ("km", not "kmz")."""
    units = sorted({*_FIXED_UNITS, *counted}, key=len, reverse=True)
    return re.compile(
        rf"{_FIGURE}[ \u00a0](?:(?:{'|'.join(map(re.escape, units))})(?![A-Za-z])"
        rf"|(?:{'|'.join(map(re.escape, thaidate.MONTHS_TH + thaidate.MONTHS_EN))})[ \u00a0]\d{{4}}(?!\d))"
    )


def _kept_whole(pattern: re.Pattern[str], text: str | None) -> Markup:
    """`text`, escaped, with what `pattern` finds in it set on one line (`unbroken`)."""
    text = text or ""
    out, at = [], 0
    for found in pattern.finditer(text):
        out += [escape(text[at : found.start()]), unbroken(found.group())]
        at = found.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def figures(text: str | None) -> Markup:
    """Text barter.domain wrote (an exchange's explanation, shared with LINE), escaped, with each
    figure and its unit ("20 กก.", "79 บาท") and each date ("10 ธ.ค. 2569") set on one line as
    the console's own `quantity` and `baht` set theirs (`unbroken`). The text is unchanged."""
    return _kept_whole(_figures(frozenset(counting_words().values())), text)


# Words a Thai reader reads as one that Chromium's dictionary parts at a line's end, seen on
# phones: "ผู้|ประสานงาน", "ได้|รับ", "เครือ|ข่าย", "ลง|ทะเบียน", "ไม่|ตอบ", and the withdraw
# question's "…ใช่|ไหม?". With them, the Thai name of every goods the console knows (the catalogue
# and what the network added: "ข้าว|หอม|มะลิ" stood on three lines of a table's column). A word
# found here is added to this list, not marked in the string that says it.
KEPT_TOGETHER = ("ผู้ประสานงาน", "ได้รับ", "เครือข่าย", "ลงทะเบียน", "ไม่ตอบ", "ใช่ไหม")
# Where a page's text is not HTML text to mark: a map's labels and titles (SVG), a choice's words
# (<option>: no markup inside), a form's typed text, the page's title.
_NOT_MARKED = ("svg", "select", "datalist", "textarea", "script", "style", "title")
_KEEPS, _KEPT_END = '<span class="keeps">', "</span>"


@cache
def _together(goods: frozenset[str]) -> re.Pattern[str]:
    """A tag of _NOT_MARKED (its closing slash, its name), or one of the words (the longest at a
    place first)."""
    words = sorted({*KEPT_TOGETHER, *goods}, key=len, reverse=True)
    return re.compile(
        rf"<(/?)({'|'.join(_NOT_MARKED)})\b[^>]*>|{'|'.join(map(re.escape, words))}", re.IGNORECASE
    )


@cache
def _kept(word: str) -> str:
    return f'<span class="kept">{escape(word)}</span>'


def kept_together(html: Markup) -> Markup:
    """A page's HTML (`{% filter kept_together %}` in base.html) with each word of KEPT_TOGETHER
    and each goods name in its text set on one line (`<span class="kept">`, console.css), the text
    it is in wrapped (`<span class="keeps">`) so that a flex box sees one item, as before. Not a
    WORD JOINER (U+2060) in the Thai: a span leaves the text as it was, for a reader's copy and
    paste into LINE or a search (which a joiner would silently fail), for find in page, for a
    screen reader and for the catalogue's msgids and msgstrs, which stay as written. Tags and what
    _NOT_MARKED holds are left as they are."""
    page, out = str(html), []  # as a str: a Markup's every slice and join escapes, 30 times slower
    at, inside, keeps_end = 0, 0, -1  # copied up to; in _NOT_MARKED; where the open "keeps" closes
    for found in _together(frozenset(item.name_th for item in known_goods())).finditer(page):
        start, end = found.span()
        if found.group(2):
            if not found.group().endswith("/>"):
                inside = max(inside - 1, 0) if found.group(1) else inside + 1
            continue
        if inside or page.rfind("<", 0, start) > page.rfind(">", 0, start):
            continue  # in a choice, a map...; or in a tag (an attribute's value)
        if start >= keeps_end:  # the first word of its text: the text, tag to tag, in one span
            if keeps_end >= 0:  # (a flex box, a button or a tab, sees each span as an item)
                out += [page[at:keeps_end], _KEPT_END]
                at = keeps_end
            text = page.rfind(">", 0, start) + 1
            keeps_end = page.find("<", end) % (len(page) + 1)  # the page's end if no tag follows
            out += [page[at:text], _KEEPS]
            at = text
        out += [page[at:start], _kept(found.group())]
        at = end
    if keeps_end >= 0:
        out += [page[at:keeps_end], _KEPT_END]
        at = keeps_end
    out.append(page[at:])
    # safe: the page's own HTML, with only the fixed spans above added around words of its text
    return Markup("".join(out))  # noqa: S704


# A short name a refusal quotes ("ไข่ไก่" already names goods); a long one may wrap as text does.
QUOTED = re.compile(r'"[^"\n]{1,20}"')


def quoted(text: str | None) -> Markup:
    """A refusal's words, escaped, with each short name it quotes set on one line: on a 320 px
    phone "ไข่ไก่" was parted between its two words, "ไข่ at a line's end and ไก่" on the next."""
    return _kept_whole(QUOTED, text)


def quantity(value: float | None, unit: str, item: str | None = None) -> Markup:
    """`1,500 กก.`, `300 ฟอง` (eggs, the `item`) on one line (i18n.quantity)."""
    return unbroken(i18n.quantity(value, unit, item))


def _counted_in(category_id: str, unit: str) -> tuple[str, ...]:
    """The items of the category that are counted in `unit`: the shipped catalogue's and those the
    network added (barter.domain.units.known_goods)."""
    return tuple(i.id for i in known_goods() if i.category_id == category_id and i.unit == unit)


def category_quantity(value: float | None, unit: str, category_id: str) -> Markup:
    """An amount of a category's goods summed (the today page's open supply and demand), on one
    line: in Thai in the counting word all its items counted in `unit` share (ไข่ 600 ฟอง), else in
    the unit's (ชิ้น: the crafts count cloth in ผืน, baskets in ใบ); in English, pieces."""
    return unbroken(i18n.summed(value, unit, _counted_in(category_id, unit)))


def measured(value: float | None, word: str, digits: int = 0) -> Markup:
    """`6,000 กก.` or `420 กม.`: a figure and the word for its unit, on one line."""
    return unbroken(f"{i18n.number(value, digits)}{i18n.NBSP}{word}")


def baht(value: float | None) -> Markup:
    """`104,500 บาท` on one line (i18n.baht)."""
    return unbroken(i18n.baht(value))


def dial(text: str | None) -> Markup:
    """A contact's free text as written, each Thai phone number in it a tel: link that a phone
    dials (the printed sheet prints the text unchanged)."""
    text = text or ""
    out, at = [], 0
    for number in phone.numbers_in(text):
        out += [
            escape(text[at : number.start]),
            Markup('<a href="%s">%s</a>') % (number.tel, text[number.start : number.end]),
        ]
        at = number.end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _namer(kind: str) -> Any:
    def name(code: str) -> str:
        return _names()[kind].get(code, code)

    return name


def thai_date(value: date | datetime | None, *, time: bool = False) -> Markup:
    """`10 ธ.ค. 2569 14:00` (i18n.thai_date) on one line: a phone's narrow line parted day, month
    and year, or the date from its time."""
    return unbroken(i18n.thai_date(value, time=time))


def month_name(month: str) -> Markup | str:
    """`2026-12` as `ธ.ค. 2569` / `Dec 2026`, on one line."""
    try:
        year, number = (int(part) for part in month.split("-"))
    except ValueError:
        return month
    return unbroken(i18n.thai_date(date(year, number, 1)).split(" ", 1)[1])


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)  # type: ignore[attr-defined]
    env.filters.update(
        thai_date=thai_date,
        thai_slash=i18n.slash_date,
        number=i18n.number,
        baht=baht,
        quantity=quantity,
        category_quantity=category_quantity,
        measured=measured,
        figures=figures,
        quoted=quoted,
        dial=dial,
        mobile=phone.written,
        exchange=exchange_number,
        unit=i18n.unit_name,
        region=region_name,
        province=province_name,
        subdistrict=subdistrict_name,
        tambon=subdistrict_label,
        district=district_label,
        role=_namer("role"),
        status=_namer("status"),
        kind=_namer("kind"),
        stop=_namer("stop"),
        vehicle=_namer("vehicle"),
        engine=_namer("engine"),
        month=month_name,
        category=i18n.category_name,
        any_of=i18n.any_of,
        listed=i18n.listed,
        kept_together=kept_together,
    )
    env.globals.update(
        pick=i18n.pick,
        named=i18n.named,
        place=place_of,
        field=i18n.field_name,
        lang=i18n.current,
        other_lang=i18n.other,
        run_stage=run_stage,
        run_measures=run_measures,
        htmx_js=HTMX_JS,
        prefix=PREFIX,
        projection=maps.projection,
    )
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine(engine_instance=environment()))


# --- errors as pages ----------------------------------------------------------------------------


def _sign_in_again(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    target = f"{PREFIX}/signin?next={request.url.path}"
    if isinstance(request, HTMXRequest) and request.htmx:
        return ClientRedirect(redirect_to=target)
    return Redirect(path=target)


def error_page(
    request: Request[Any, Any, Any], status: int, message: str | Callable[[], str], english: str | None = None
) -> Template:
    """The console's error page, with the navigation and sign-out when the viewer is known; a
    `message` given as words to say (`lambda: i18n.gettext(...)`) is said, to a Thai reader,
    with the English beside."""
    if callable(message):
        said = errors.bilingual("", message)
        message, english = said.text, said.english
    viewer = request.state.get("console_viewer")
    return Template(
        template_name="error.html",
        context={"status": status, "message": message, "english": english, "viewer": viewer, "nav": ""},
        status_code=status,
    )


HttpErrorHandler = Callable[[Request[Any, Any, Any], HTTPException], Response[Any]]


def unrouted(api_handler: HttpErrorHandler) -> HttpErrorHandler:
    """The app's handler of HTTP errors, but a path under /console/ that no page answers (or whose
    number is not a number) gets the console's page in Thai, not the API's problem+json."""

    def handle(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if request.url.path.startswith(f"{PREFIX}/") and exc.status_code in (404, 405):
            i18n.use(request.cookies.get("lang"))
            return error_page(request, 404, lambda: i18n.gettext("Not found, or not yours to see."))
        return api_handler(request, exc)

    return handle


async def know_the_viewer(exc: Exception, scope: Scope) -> None:
    """An app `after_exception` hook: for a path under /console/ that no page answers (or whose
    number is not a number), find who is signed in, so that `unrouted`'s page keeps the navigation
    and sign-out. Litestar refuses such a path before any console dependency (or the console's
    CSRF middleware) runs, and its error handlers cannot wait for the database; its exception hooks
    can. The sign-out form needs the CSRF token the middleware would have given the page: the
    browser's CSRF cookie, as the middleware does for a GET; without one, no navigation. Never
    raises: at worst the page is answered without the navigation."""
    if not isinstance(exc, HTTPException) or exc.status_code not in (404, 405):
        return
    request: Request[Any, Any, Any] = Request(scope)
    if not request.url.path.startswith(f"{PREFIX}/") or request.state.get("console_viewer"):
        return
    csrf = request.cookies.get(CSRF_COOKIE)
    if not csrf:
        return
    ScopeState.from_scope(scope).csrf_token = csrf
    try:
        await find_viewer(request, scope["litestar_app"].state)  # keeps it in request.state
    except SignInRequired:
        return
    except Exception:
        log.exception("console: who is signed in, for the page of %s", request.url.path)


def _barter_error(request: Request[Any, Any, Any], exc: BarterError) -> Response[Any]:
    messages: dict[int, Callable[[], str]] = {
        401: lambda: i18n.gettext("Please sign in again."),
        403: lambda: i18n.gettext("Your key does not allow this."),
        404: lambda: i18n.gettext("Not found, or not yours to see."),
        409: lambda: i18n.gettext("This has changed meanwhile; reload the page and try again."),
        412: lambda: i18n.gettext("This has changed meanwhile; reload the page and try again."),
        422: lambda: i18n.gettext("Some of what you entered is not valid."),
    }
    said = errors.bilingual("", messages.get(exc.status, lambda: i18n.gettext("Something went wrong.")))
    message, english = said.text, said.english
    if isinstance(exc, ValidationFailed):
        message += " " + errors.plain(exc.errors)
    elif exc.status in (403, 409):
        said = errors.of_detail(exc)
        if exc.status == 409 and exc.detail_th:
            # it says what happened (nothing waits for a plan), which is not always "changed meanwhile"
            message = said.text
        else:
            message += f" ({said.text})" if said.text else ""
        english = said.english
    return error_page(request, exc.status, message, english)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        return error_page(
            request,
            403,
            lambda: i18n.gettext("The form expired. Go back, reload the page and send it again."),
        )
    if exc.status_code == 404:
        return error_page(request, 404, lambda: i18n.gettext("Not found, or not yours to see."))
    return error_page(request, exc.status_code, lambda: i18n.gettext("Something went wrong."))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("console page failed: %s", request.url.path, exc_info=exc)
    return error_page(request, 500, lambda: i18n.gettext("Something went wrong."))


async def _language(request: Request[Any, Any, Any]) -> None:
    i18n.use(request.cookies.get("lang"))


# --- assembly -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleParts:
    route_handlers: list[ControllerRouterHandler]
    template_config: TemplateConfig[JinjaTemplateEngine]
    unrouted: Callable[[HttpErrorHandler], HttpErrorHandler]
    after_exception: list[AfterExceptionHookHandler[Exception]]


@get("/", include_in_schema=False, sync_to_thread=False)
def root() -> Redirect:
    """The service's front door is the console."""
    return Redirect(path=f"{PREFIX}/")


def console_parts(secret: str, connection: Provide) -> ConsoleParts:
    """What the app registers for the console. `connection` provides the request's pooled
    connection (a transaction for anything but GET): the app factory's, so that the console
    imports nothing from the JSON API."""
    from barter.console import views

    csrf = CSRFConfig(
        secret=secret + ":console-csrf",
        cookie_name=CSRF_COOKIE,
        cookie_path=PREFIX,
        cookie_httponly=True,
        cookie_samesite="strict",
        header_name="x-csrftoken",
    )
    router = Router(
        path=PREFIX,
        route_handlers=views.HANDLERS,
        dependencies={
            "conn": connection,
            "viewer": Provide(provide_viewer, sync_to_thread=False),
        },
        guards=[signed_in],  # the viewer before any dependency: see session.signed_in
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf)],
        exception_handlers={
            SignInRequired: _sign_in_again,
            BarterError: _barter_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        before_request=_language,
        request_class=HTMXRequest,
        include_in_schema=False,
    )
    static = create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)
    return ConsoleParts(
        route_handlers=[root, router, static],
        template_config=template_config(),
        unrouted=unrouted,
        after_exception=[know_the_viewer],
    )
