"""TradeMaximizer want lists as barter instances (no I/O: the caller reads the file).

Read the way TradeMaximizer 1.3 reads them: `#!` option lines, `#` comments, an optional
`!BEGIN-OFFICIAL-NAMES` ... `!END-OFFICIAL-NAMES` block, then one want list per line,
`[(user)] ITEM [:] WANT1 WANT2 ; WANT3 ...`, case-insensitive unless CASE-SENSITIVE.
Dummy items (`%NAME`, with ALLOW-DUMMIES) belong to the user who declares them and resolve
against that user's wants. Wants that TradeMaximizer skips (unknown items, the item itself,
repeats, another item of the same user) are skipped too. Options it does not know are reported
as warnings, never errors.

Each item becomes a community with one one-unit offer and one one-unit need accepting its
wants in want-list order (explicit priorities `ITEM=n` order them by n). A dummy's id is
`%user-NAME` (community, offer and need alike) and its need has priority 0, so the objective
counts the items that trade, as TradeMaximizer does. Cycles only, no cycle limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from barter.matching.model import Community, Instance, InstanceError, Item, Need, Offer, Settings

TRADEMAX_SETTINGS = Settings(max_cycle_length=0, max_chain_length=0, balance_tolerance=0.0)

FLAGS = {
    "CASE-SENSITIVE",
    "REQUIRE-COLONS",
    "REQUIRE-USERNAMES",
    "HIDE-ERRORS",
    "HIDE-REPEATS",
    "HIDE-LOOPS",
    "HIDE-SUMMARY",
    "HIDE-NONTRADES",
    "HIDE-STATS",
    "SHOW-MISSING",
    "SORT-BY-ITEM",
    "ALLOW-DUMMIES",
    "SHOW-ELAPSED-TIME",
    "LINEAR-PRIORITIES",
    "TRIANGLE-PRIORITIES",
    "SQUARE-PRIORITIES",
    "EXPLICIT-PRIORITIES",
    "SHRINK-VERBOSE",
}
BREAK = ";"  # a want-list token that ranks the wants after it lower
VALUED = {"SMALL-STEP", "BIG-STEP", "NONTRADE-COST", "ITERATIONS", "SEED", "SHRINK"}


@dataclass
class _Vertex:
    ident: str  # id in the barter instance
    user: str | None  # upper-cased "(USER)" key, or None
    dummy: bool
    wants: list[str]  # raw want tokens (";" included)


@dataclass
class Parsed:
    instance: Instance
    warnings: list[str] = field(default_factory=list)


def parse_trademax(text: str, settings: Settings = TRADEMAX_SETTINGS) -> Parsed:
    warnings: list[str] = []
    options: set[str] = set()
    steps = {"SMALL-STEP": 1, "BIG-STEP": 9}
    official: set[str] | None = None
    reading_official = False
    lists: list[tuple[int, str | None, str | None, list[str]]] = []  # line, user, user_display, tokens
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#!"):
            if lists:
                warnings.append(f"line {lineno}: options after the first want list")
            for option in line[2:].upper().split():
                name = option.split("=", 1)[0]
                if option in FLAGS:
                    options.add(option)
                elif name in VALUED and "=" in option:
                    if name in steps:
                        value = option.split("=", 1)[1]
                        if not value.isdigit():
                            raise InstanceError(f"line {lineno}: {name} needs a whole number")
                        steps[name] = int(value)
                else:
                    warnings.append(f"line {lineno}: unknown option {option} ignored")
            continue
        if line.startswith("#"):
            continue
        if line.upper() == "!BEGIN-OFFICIAL-NAMES":
            official = set() if official is None else official
            reading_official = True
            continue
        if line.upper() == "!END-OFFICIAL-NAMES":
            reading_official = False
            continue
        if reading_official:
            name = re.split(r"[:\s]", line, maxsplit=1)[0]
            official.add(name if "CASE-SENSITIVE" in options else name.upper())  # type: ignore[union-attr]
            continue
        if "#" in line:
            warnings.append(f"line {lineno}: text after '#' ignored")
            line = line[: line.index("#")].strip()
            if not line:
                continue
        user: str | None = None
        user_display: str | None = None
        if line.startswith("("):
            close = line.find(")")
            if close == -1:
                raise InstanceError(f"line {lineno}: missing ')' after the user name")
            if close == 1:
                raise InstanceError(f"line {lineno}: empty user name")
            user_display = line[1:close].strip()
            user = user_display if "CASE-SENSITIVE" in options else user_display.upper()
            line = line[close + 1 :].strip()
            if not line:
                raise InstanceError(f"line {lineno}: a user name alone on a line")
        elif "REQUIRE-USERNAMES" in options:
            raise InstanceError(f"line {lineno}: missing (user name) with REQUIRE-USERNAMES")
        line = line.replace(";", " ; ")
        if ":" in line:
            if line.count(":") > 1:
                raise InstanceError(f"line {lineno}: more than one ':'")
            head, rest = line.split(":", 1)
            if len(head.split()) != 1:
                raise InstanceError(f"line {lineno}: exactly one item must come before ':'")
            line = head + " " + rest
        elif "REQUIRE-COLONS" in options:
            raise InstanceError(f"line {lineno}: missing ':' with REQUIRE-COLONS")
        tokens = line.split()
        if tokens[0] == ";":
            raise InstanceError(f"line {lineno}: ';' before the first item")
        lists.append((lineno, user, user_display, tokens))
    instance = _build(lists, options, steps, official, warnings, settings)
    return Parsed(instance, warnings)


def _build(
    lists: list[tuple[int, str | None, str | None, list[str]]],
    options: set[str],
    steps: dict[str, int],
    official: set[str] | None,
    warnings: list[str],
    settings: Settings,
) -> Instance:
    sensitive = "CASE-SENSITIVE" in options

    def key(token: str) -> str:
        return token if sensitive else token.upper()

    vertices: dict[str, _Vertex] = {}  # TradeMaximizer's vertex name -> vertex
    for lineno, user, user_display, tokens in lists:
        name = tokens[0]
        dummy = name.startswith("%")
        if dummy:
            if user is None:
                warnings.append(f"line {lineno}: dummy item {name} without a user name ignored")
                continue
            if "ALLOW-DUMMIES" not in options:
                warnings.append(f"line {lineno}: dummy item {name} ignored (no ALLOW-DUMMIES)")
                continue
            vname = f"{key(name)} for user {user}"
            ident = f"%{user_display}-{name[1:]}"
        else:
            vname = key(name)
            ident = name
            if official is not None and vname not in official:
                warnings.append(f"line {lineno}: {name} is not an official name; its want list is ignored")
                continue
        if vname in vertices:
            warnings.append(f"line {lineno}: {name} has more than one want list; all but the first ignored")
            continue
        vertices[vname] = _Vertex(ident=ident, user=user, dummy=dummy, wants=tokens[1:])

    explicit = "EXPLICIT-PRIORITIES" in options
    communities: list[Community] = []
    items: list[Item] = []
    offers: list[Offer] = []
    needs: list[Need] = []
    for vname, v in vertices.items():
        ranked: list[tuple[int, int, str]] = []  # rank, position, offer id
        seen: set[str] = set()
        rank = 1
        for token in v.wants:
            if token == BREAK:
                rank += steps["BIG-STEP"]
                continue
            want = token
            if "=" in want:
                if not explicit:
                    warnings.append(f"{v.ident}: '{token}' needs EXPLICIT-PRIORITIES; skipped")
                    continue
                want, _, number = want.partition("=")
                if not number.isdigit() or int(number) < 1:
                    warnings.append(f"{v.ident}: '{token}' must be name=positive number; skipped")
                    continue
                rank = int(number)
            if want.startswith("%"):
                if v.user is None:
                    continue
                target_name = f"{key(want)} for user {v.user}"
            else:
                target_name = key(want)
            target = vertices.get(target_name)
            if target is None:
                if official is not None and target_name in official:
                    rank += steps["SMALL-STEP"]
                continue
            if target_name == vname or target_name in seen:
                continue
            if not target.dummy and v.user is not None and v.user == target.user:
                continue
            seen.add(target_name)
            ranked.append((rank, len(ranked), target.ident))
            rank += steps["SMALL-STEP"]
        ranked.sort()
        communities.append(Community(id=v.ident))
        items.append(Item(id=v.ident, category="dummy" if v.dummy else "item", value=1.0, kg_per_unit=0.0))
        offers.append(Offer(id=v.ident, community=v.ident, item=v.ident, quantity=1, min_lot=1))
        needs.append(
            Need(
                id=v.ident,
                community=v.ident,
                accept_offers=[ident for _, _, ident in ranked],
                quantity=1,
                min_lot=1,
                priority=0.0 if v.dummy else 1.0,
            )
        )
    return Instance(settings=settings, communities=communities, items=items, offers=offers, needs=needs)
