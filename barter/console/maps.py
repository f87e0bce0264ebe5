"""Offline maps: Thailand's provinces from barter/reference/map.json, with points and arrows on top.

Pure functions that return what the templates draw as inline SVG (no tiles, no network).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, TypeVar

from pythainlp.tokenize import subword_tokenize, word_tokenize

from barter.reference import DIR, load_provinces

REGION_FILL = {
    "north": "#dfe9d3",
    "northeast": "#efe4c8",
    "central": "#d9e4ef",
    "east": "#e6dcee",
    "west": "#f1dcd6",
    "south": "#d4ebe6",
}


@cache
def _figure() -> dict[str, Any]:
    figure: dict[str, Any] = json.loads((DIR / "map.json").read_text(encoding="utf-8"))
    return figure


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map units of map.json's projection (x east, y south)."""
    p = _figure()["projection"]
    return round((lon - p["lon0"]) * p["kx"] * p["scale"], 1), round((p["lat1"] - lat) * p["scale"], 1)


def unproject(x: float, y: float) -> tuple[float, float]:
    p = _figure()["projection"]
    return round(p["lat1"] - y / p["scale"], 5), round(p["lon0"] + x / (p["kx"] * p["scale"]), 5)


MARKERS = 70  # a point's radius is the zoomed view's width over this


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    kind: str = "community"
    community: int | None = None
    # where the point is not the community's own but its province's centre: says so
    # ("ตำแหน่งโดยประมาณ (จังหวัดยโสธร)"); drawn hollow
    approx: str = ""
    # where it is, finest first (its sub-district, its province), in the reader's language: what
    # a label adds where two places' labels would otherwise look alike (distinct_labels)
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass
class Map:
    """What one map shows: the provinces, and a view box around what matters."""

    width: float
    height: float
    provinces: list[tuple[str, str, str]]  # code, fill, path
    points: list[Point] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    highlight: set[str] = field(default_factory=set)
    box: tuple[float, float, float, float] | None = None  # x, y, width, height when zoomed

    @property
    def view_box(self) -> str:
        x, y, w, h = self.box or (0.0, 0.0, self.width, self.height)
        return f"{x:g} {y:g} {w:g} {h:g}"

    @property
    def _span(self) -> float:
        return self.box[2] if self.box else self.width

    @property
    def marker(self) -> float:
        """A point's radius: about the same on screen however far the map is zoomed."""
        return round(self._span / MARKERS, 2)

    @property
    def regions(self) -> list[tuple[str, str]]:
        """The regions and their colours, for the key of a map of the whole country (a zoomed map
        shows a region or two, whose names its points say)."""
        return [] if self.box else list(REGION_FILL.items())

    @property
    def approximate(self) -> list[Point]:
        return [p for p in self.points if p.approx]

    @property
    def places(self) -> int:
        """How many places the map shows: a shipment's stop visited twice is one (_place_key)."""
        return len({_place_key(p) for p in self.points})

    @property
    def font(self) -> float:
        return round(self._span / 24, 2)

    @property
    def stroke(self) -> float:
        return round(self._span / 220, 2)

    def labelled(self) -> list[tuple[Point, str]]:
        """Each point with its label, no two places' labels alike (distinct_labels)."""
        return list(zip(self.points, distinct_labels(self.points), strict=True))

    def placed(self) -> tuple[list[Label], list[tuple[Point, str]]]:
        """The labels as drawn (place_labels), and the points left unlabelled, each with its
        label, for the map's caption to name."""
        return place_labels(
            self.labelled(),
            self.box or (0.0, 0.0, self.width, self.height),
            marker=self.marker,
            font=self.font,
            lines=[(a.x1, a.y1, a.x2, a.y2) for a in self.lines()],
        )

    def lines(self) -> list[Arrow]:
        """The arrows as drawn: stopped short of the points, and moved aside so that goods going
        both ways between two places show as two arrows."""
        drawn: list[Arrow] = []
        for a in self.arrows:
            dx, dy = a.x2 - a.x1, a.y2 - a.y1
            length = math.hypot(dx, dy)
            cut, aside = 1.6 * self.marker, 0.7 * self.marker
            if length <= 2 * cut + self.marker:
                continue  # stopped short at both ends, it would point backwards or be a dot
            ux, uy = dx / length, dy / length
            drawn.append(
                Arrow(
                    round(a.x1 + ux * cut - uy * aside, 1),
                    round(a.y1 + uy * cut + ux * aside, 1),
                    round(a.x2 - ux * cut - uy * aside, 1),
                    round(a.y2 - uy * cut + ux * aside, 1),
                    a.label,
                )
            )
        return drawn


# map units (4 degrees of latitude): a zoomed map still shows its surroundings; at 1.6 degrees a
# village stood alone on a staircase of the map's 0.06-degree cells
MIN_SPAN = 400.0
PAD = 0.35  # a zoomed map's margin around what it shows, as a share of that


def _frame(xs: list[float], ys: list[float], pad: float) -> tuple[float, float, float]:
    """The centre and width of the 4:3 box that zoom() puts around these map units."""
    w = max(max(xs) - min(xs), (max(ys) - min(ys)) * 4 / 3, MIN_SPAN / (1 + 2 * pad)) * (1 + 2 * pad)
    return (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, w


def zoom(m: Map, pad: float = PAD) -> Map:
    """Frame the map around its points and arrows (a 4:3 box at least MIN_SPAN wide)."""
    xs = [p.x for p in m.points] + [a.x1 for a in m.arrows] + [a.x2 for a in m.arrows]
    ys = [p.y for p in m.points] + [a.y1 for a in m.arrows] + [a.y2 for a in m.arrows]
    if not xs:
        return m
    cx, cy, w = _frame(xs, ys, pad)
    h = w * 3 / 4
    m.box = (round(cx - w / 2, 1), round(cy - h / 2, 1), round(w, 1), round(h, 1))
    return m


K = TypeVar("K")
APART = 7.0  # markers between neighbours on a ring: room for an arrow (Map.lines) between them


def apart(spots: dict[K, tuple[float, float]], span: float | None = None) -> dict[K, tuple[float, float]]:
    """The same places (lat, lon), where several share one spot (two villages of a province, each
    drawn at its centre) set on a small ring around it, so that each shows and an arrow between
    them can be drawn; neighbours on a ring are APART markers apart on a map `span` map units wide
    (the whole country's width, unzoomed), by default the zoomed map around them (zoom())."""
    at = {key: project(*spot) for key, spot in spots.items()}
    shared: dict[tuple[float, float], list[K]] = {}
    for key, xy in at.items():
        shared.setdefault(xy, []).append(key)
    if all(len(keys) == 1 for keys in shared.values()):
        return dict(spots)
    w = span if span is not None else _frame([x for x, _ in at.values()], [y for _, y in at.values()], PAD)[2]
    moved = dict(spots)
    for (x, y), keys in shared.items():
        if len(keys) == 1:
            continue
        radius = APART * w / MARKERS / (2 * math.sin(math.pi / len(keys)))
        for i, key in enumerate(keys):
            turn = 2 * math.pi * i / len(keys) - math.pi / 2
            moved[key] = unproject(x + radius * math.cos(turn), y + radius * math.sin(turn))
    return moved


def base_map(highlight: set[str] | None = None) -> Map:
    figure = _figure()
    region = {p.code: p.region for p in load_provinces()}
    provinces = [
        (code, REGION_FILL.get(region.get(code, ""), "#e5e5e5"), path)
        for code, path in figure["provinces"].items()
    ]
    return Map(figure["width"], figure["height"], provinces, highlight=set(highlight or ()))


def with_points(m: Map, points: list[tuple[float, float, str]]) -> Map:
    for lat, lon, label in points:
        x, y = project(lat, lon)
        m.points.append(Point(x, y, label))
    return m


def with_arrows(m: Map, arrows: list[tuple[tuple[float, float], tuple[float, float], str]]) -> Map:
    for a, b, label in arrows:
        x1, y1 = project(*a)
        x2, y2 = project(*b)
        m.arrows.append(Arrow(x1, y1, x2, y2, label))
    return m


def projection() -> dict[str, float]:
    """The projection's parameters, for the map picker in the browser."""
    p: dict[str, float] = _figure()["projection"]
    return p


# --- labels ----------------------------------------------------------------------------------------

LABEL_WIDTH = 16  # characters as read (a consonant with its marks is one) beside a point
# Words that begin many communities' names and tell none apart: left off the label (the marker's
# tooltip keeps the whole name).
GENERIC_PREFIXES = ("วิสาหกิจชุมชน", "กลุ่ม")
# Words that start the place in a name (the village, sub-district, district or province), and
# how Thai abbreviates the administrative ones on signs and envelopes: ตำบลบางสัก -> ต.บางสัก.
# An English name says its place after "of" ("Small-scale fishers of Bang Sak"): the place is
# what follows, and the "of" is said only where the whole name fits (JOINED_BY).
PLACE_WORDS = {
    "ตำบล": "ต.",
    "อำเภอ": "อ.",
    "จังหวัด": "จ.",
    "หมู่บ้าน": "หมู่บ้าน",
    "บ้าน": "บ้าน",
    "of": "",
}
JOINED_BY = {"of": " of "}  # how what a name is and its place are joined (else by a space)
LEADING_VOWELS = "เแโใไ"  # written before the consonant they follow in speech


def _joins(ch: str) -> bool:
    """A character drawn on the one before it: a mark (Thai vowels above and below and tone marks
    are category Mn, though most have combining class 0) or SARA AM, which grapheme clusters keep
    with its consonant."""
    return unicodedata.category(ch).startswith("M") or ch in "\u0e33\u0eb3"


def width(text: str) -> int:
    """Characters as read: a consonant and its marks count once."""
    return sum(1 for ch in text if not _joins(ch))


def _parts(name: str) -> tuple[str, str, str]:
    """The name as a label says it, in two: what it is, with a generic first word left off
    (วิสาหกิจชุมชน, กลุ่ม), and its place from a word of PLACE_WORDS (PyThaiNLP's newmm words:
    the บ้าน of พื้นบ้าน is no place), abbreviated (ตำบลบางสัก -> ต.บางสัก), or ""; and what
    joins the two where both are said (JOINED_BY)."""
    text = " ".join(name.split())
    for prefix in GENERIC_PREFIXES:
        rest = text.removeprefix(prefix).lstrip()
        if rest != text and rest and not _joins(rest[0]):
            text = rest
            break
    words = word_tokenize(text, engine="newmm", keep_whitespace=True)
    for i, word in enumerate(words[1:-1], start=1):
        rest = "".join(words[i + 1 :]).lstrip()
        if word in PLACE_WORDS and rest and not _joins(rest[0]):
            return "".join(words[:i]).rstrip(), PLACE_WORDS[word] + rest, JOINED_BY.get(word, " ")
    return text, "", " "


def label_text(name: str) -> str:
    """The whole label before any cut ("ประมงพื้นบ้าน ต.บางสัก")."""
    return _joined(*_parts(name))


def _joined(head: str, place: str, joiner: str = " ") -> str:
    return f"{head}{joiner}{place}" if place else head


def _cut(text: str, room: int, *, whole_words: bool = False) -> str:
    """The longest start of `text` at most `room` wide that ends between Thai character clusters
    (PyThaiNLP's TCC: a consonant keeps its marks, a leading vowel its consonant), at a word's end
    when one leaves at least half the room (or, `whole_words`, always: maybe none)."""
    words, at = set(), 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        at += len(word)
        words.add(at)
    best = word_end = 0
    at = wide = 0
    for piece in subword_tokenize(text, engine="tcc"):
        wide += width(piece)
        if wide > room:
            break
        at += len(piece)
        if at < len(text) and (_joins(text[at]) or text[at - 1] in LEADING_VOWELS):
            continue  # TCC splits a malformed cluster (ก็ั) too: never there
        best = at
        if at in words:
            word_end = at
    end = word_end if whole_words or width(text[:word_end]) * 2 >= room else best
    return text[:end].rstrip()


def map_label(name: str) -> str:
    """A point's label, at most LABEL_WIDTH wide: cut (with …) only between character clusters,
    preferably after a word, keeping the place whole where the name has one (what tells a
    network's names apart): "กลุ่มประมงพื้นบ้านตำบลบางสัก" reads "ประมง… ต.บางสัก", and
    "กลุ่มประมงพื้นบ้านบ้านต้นหยงโป", with no room for the first word, "บ้านต้นหยงโป"."""
    head, place, joiner = _parts(name)
    text = _joined(head, place, joiner)
    if width(text) <= LABEL_WIDTH:
        return text
    if place and width(place) <= LABEL_WIDTH:
        room = LABEL_WIDTH - width(place) - 2  # "… " before the place
        cut = _cut(head, room, whole_words=True) if room > 0 else ""
        return f"{cut}… {place}" if cut else place
    return f"{_cut(text, LABEL_WIDTH - 1)}…"


PLACE_WIDTH = 16  # characters as read of the place a label adds to tell itself apart


# --- where labels go ---------------------------------------------------------------------------

# A character's width as read, in ems: what a label's length is estimated by (Sarabun and Noto
# Sans Thai draw Thai and Latin at about half an em; a little more, so that an estimate errs wide).
GLYPH_EM = 0.6
# A label's height above and below its baseline, in ems: the box the browser draws its text in
# (getBoundingClientRect), which holds Thai's marks above and below. Measured in chromium, the
# console's fonts' box is 1.05-1.07 above and 0.49-0.52 below; it was taken as 1.0 and 0.3, and
# labels stacked a line apart on the whole country's map of a plan (three places of the South
# within a few km) drew their boxes 2 px over each other on a phone.
ASCENT, DESCENT = 1.1, 0.55
ROW = 1.7  # a line's height, in ems (more than a label's): a label moved up or down beside its point


@dataclass(frozen=True)
class Label:
    """A point's label as drawn: its text, where its baseline starts, ends or is centred
    (`anchor`, SVG's text-anchor: start, end, middle)."""

    point: Point
    text: str
    x: float
    y: float
    anchor: str

    def box(self, font: float) -> tuple[float, float, float, float]:
        """Left, top, right, bottom, in map units (an estimate: GLYPH_EM)."""
        wide = width(self.text) * font * GLYPH_EM
        left = {"start": self.x, "end": self.x - wide}.get(self.anchor, self.x - wide / 2)
        return left, self.y - font * ASCENT, left + wide, self.y + font * DESCENT


Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, view: Box) -> bool:
    x, y, w, h = view
    return a[0] >= x and a[1] >= y and a[2] <= x + w and a[3] <= y + h


def _crosses(line: Box, box: Box) -> bool:
    """Whether the segment (x1, y1, x2, y2) passes through the box (left, top, right, bottom):
    the part of it within the box's sides (Liang-Barsky) is not empty."""
    x1, y1, x2, y2 = line
    start, end = 0.0, 1.0
    for step, room in (
        (x1 - x2, x1 - box[0]),
        (x2 - x1, box[2] - x1),
        (y1 - y2, y1 - box[1]),
        (y2 - y1, box[3] - y1),
    ):
        if step == 0:
            if room < 0:
                return False  # parallel to this side, and outside it
            continue
        at = room / step
        if step < 0:
            start = max(start, at)
        else:
            end = min(end, at)
        if start > end:
            return False
    return True


def _spots(p: Point, text: str, view: Box, marker: float, font: float) -> list[Label]:
    """Where `p`'s label may go, best first: beside it on the side toward the middle of the view
    (to its left in the right half), on the other side, above, below (moved sideways into the
    view where it would run past its edge), then beside it a line up or down."""
    gap, baseline = 1.6 * marker, font * (ASCENT - DESCENT) / 2  # the box's middle at the point's
    right = Label(p, text, round(p.x + gap, 1), round(p.y + baseline, 1), "start")
    left = Label(p, text, round(p.x - gap, 1), round(p.y + baseline, 1), "end")
    sides = [left, right] if p.x > view[0] + view[2] / 2 else [right, left]
    half = width(text) * font * GLYPH_EM / 2
    middle = round(min(max(p.x, view[0] + half), view[0] + view[2] - half), 1)
    above = Label(p, text, middle, round(p.y - marker - font * DESCENT - font * 0.1, 1), "middle")
    below = Label(p, text, middle, round(p.y + marker + font * ASCENT + font * 0.1, 1), "middle")
    rows = [replace(side, y=round(side.y + step * font * ROW, 1)) for side in sides for step in (-1, 1)]
    return [*sides, above, below, *rows]


def place_labels(
    labelled: Sequence[tuple[Point, str]],
    view: Box,
    *,
    marker: float,
    font: float,
    lines: Sequence[Box] = (),
) -> tuple[list[Label], list[tuple[Point, str]]]:
    """Each point's label where it covers no other label and no other point's marker: the first
    of its spots (`_spots`) that is free and within the view (x, y, width, height), which cuts
    off what runs past its edge; any spot only for a label that no spot holds within the view.
    Points come first to last; a label with no free spot is left off (the lesser: it came
    later), and returned with its point for the map to list, its name still the marker's
    tooltip. A place shown twice at one spot (a stop visited again) is labelled once. Of the free
    spots, one that no arrow (`lines`, each x1, y1, x2, y2) runs through comes first: a plan's
    depot was named across the arrow of the route beside it."""
    markers = [(p.x - marker, p.y - marker, p.x + marker, p.y + marker) for p, _ in labelled]
    placed: list[Label] = []
    left_off: list[tuple[Point, str]] = []
    done: set[tuple[float, float, str]] = set()
    for n, (p, text) in enumerate(labelled):
        if (p.x, p.y, text) in done:
            continue
        done.add((p.x, p.y, text))
        others = markers[:n] + markers[n + 1 :]  # its own is never under its label
        spots = _spots(p, text, view, marker, font)
        spots = [spot for spot in spots if _inside(spot.box(font), view)] or spots
        free = [
            spot
            for spot in spots
            if not any(_overlap(spot.box(font), box) for box in others)
            and not any(_overlap(spot.box(font), label.box(font)) for label in placed)
        ]
        if free:
            clear = [spot for spot in free if not any(_crosses(line, spot.box(font)) for line in lines)]
            placed.append((clear or free)[0])
        else:
            left_off.append((p, text))
    return placed, left_off


def _place_key(p: Point) -> Hashable:
    """What makes a point one place: its community, else (a hub, a depot) its spot and name. A
    shipment's stops at one community twice are one place, labelled once."""
    return ("community", p.community) if p.community is not None else (p.x, p.y, p.label)


def _alike(labels: dict[Hashable, str]) -> list[list[Hashable]]:
    """The places (in the order they come) that share a label, group by group."""
    by_label: dict[str, list[Hashable]] = {}
    for key, label in labels.items():
        by_label.setdefault(label, []).append(key)
    return [keys for keys in by_label.values() if len(keys) > 1]


def _numbered(label: str, n: int) -> str:
    """`label (n)`, cut (with …) to stay LABEL_WIDTH wide."""
    mark = f" ({n})"
    room = LABEL_WIDTH - width(mark)
    if width(label) <= room:
        return f"{label}{mark}"
    return f"{_cut(label, room - 1)}…{mark}"


def _with_place(label: str, place: str) -> str:
    """`label · place`, the place cut (with …) to PLACE_WIDTH."""
    if width(place) > PLACE_WIDTH:
        place = f"{_cut(place, PLACE_WIDTH - 1)}…"
    return f"{label} · {place}"


def distinct_labels(points: Sequence[Point]) -> list[str]:
    """Each point's label (map_label), made distinct where two places would look alike (two
    villages named บ้านหนองบัว, two English names cut to the same words): the first of its
    `places` (sub-district, then province) that tells every one of them apart is added
    ("บ้านหนองบัว · ยโสธร"); where none does (no place known, or the same), they are numbered in
    the order they come ("บ้านหนองบัว (1)", "(2)"). A place a map shows twice (a shipment's stop
    visited again) keeps one label; the marker's tooltip keeps each whole name."""
    first: dict[Hashable, Point] = {}
    for p in points:
        first.setdefault(_place_key(p), p)
    labels = {key: map_label(p.label) for key, p in first.items()}
    for keys in _alike(labels):
        told: list[str] | None = None
        for level in range(max(len(first[key].places) for key in keys)):
            wheres = [_place_of(first[key], level) for key in keys]
            added = [_with_place(labels[key], where) for key, where in zip(keys, wheres, strict=True)]
            if all(wheres) and len(set(added)) == len(keys):
                told = added
                break
        labels.update(
            zip(keys, told or [_numbered(labels[key], n) for n, key in enumerate(keys, 1)], strict=True)
        )
    # A label made above may be one another place already had: what is still alike is numbered
    # by the place's order on the map, a number no other place has.
    order = {key: n for n, key in enumerate(first, 1)}
    for _ in range(len(first)):
        alike = _alike(labels)
        if not alike:
            break
        for keys in alike:
            labels.update((key, _numbered(map_label(first[key].label), order[key])) for key in keys)
    return [labels[_place_key(p)] for p in points]


def _place_of(p: Point, level: int) -> str:
    return p.places[level].strip() if level < len(p.places) else ""
