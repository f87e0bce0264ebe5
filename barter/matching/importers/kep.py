"""Kidney-exchange instances as barter instances (no I/O: the caller reads the files).

Each patient-donor pair becomes a community: its donors are offers of one-unit items of their
own, its patient a one-unit need accepting the compatible donors (all-or-nothing: min lots of
one). A non-directed (altruistic) donor is a community with one gift offer. Values and
priorities are 1, so the objective counts transplants; balance tolerance is 0.

Formats (chosen by file name):
  *.json   kep_solver / Glasgow JSON: {"data": {donor: {"sources": [recipient], "matches":
           [{"recipient": r, "score": s}]}}, "recipients": {...}}; no sources: altruist.
  *.input  kidney_solver: "n_pairs n_arcs", then "src tgt weight" (0-based) ending "-1 -1 -1";
           altruists come from the matching *.ndds text ("n_ndds n_arcs", "ndd pair weight").
  *.wmd    PrefLib 00036: "#" headers naming "Pair i" / "Alturist i", then "src,tgt,weight"
           (1-based); or the older layout "n,m", n lines "i,Name", then 0-based arcs.
           Arcs into altruists are dummies and are dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from barter.matching.model import Community, Instance, InstanceError, Item, Need, Offer, Settings

KEP_SETTINGS = Settings(max_cycle_length=3, max_chain_length=2, balance_tolerance=0.0)


@dataclass
class _Pool:
    """Pairs and altruists under construction, in first-seen order."""

    pairs: dict[str, list[str]] = field(default_factory=dict)  # pair -> its donors
    altruists: list[tuple[str, str]] = field(default_factory=list)  # (name, donor id)
    compatible: dict[str, dict[str, None]] = field(default_factory=dict)  # pair -> donors it accepts

    def pair(self, name: str) -> None:
        if name not in self.pairs:
            self.pairs[name] = []
            self.compatible[name] = {}

    def arc(self, donor: str, pair: str) -> None:
        self.pair(pair)
        self.compatible[pair][donor] = None

    def instance(self, settings: Settings) -> Instance:
        communities: list[Community] = []
        items: list[Item] = []
        offers: list[Offer] = []
        needs: list[Need] = []

        def donor(d: str, community: str, gift: bool) -> None:
            items.append(Item(id=f"kidney-{d}", category="kidney", unit="kidney", value=1.0, kg_per_unit=0.0))
            offers.append(
                Offer(id=d, community=community, item=f"kidney-{d}", quantity=1, min_lot=1, gift=gift)
            )

        for p, donors in self.pairs.items():
            communities.append(Community(id=f"pair-{p}"))
            for d in donors:
                donor(d, f"pair-{p}", False)
            needs.append(
                Need(
                    id=f"patient-{p}",
                    community=f"pair-{p}",
                    accept_offers=list(self.compatible[p]),
                    quantity=1,
                    min_lot=1,
                )
            )
        for name, d in self.altruists:
            communities.append(Community(id=f"altruist-{name}"))
            donor(d, f"altruist-{name}", True)
        return Instance(settings=settings, communities=communities, items=items, offers=offers, needs=needs)


def parse_kep(name: str, text: str, ndds: str | None = None, settings: Settings = KEP_SETTINGS) -> Instance:
    """Read a kep file's text; `name` (the file name) chooses the layout."""
    lower = name.lower()
    if lower.endswith(".json"):
        return _kep_solver_json(text, settings)
    if lower.endswith(".input"):
        return _kidney_solver(text, ndds, settings)
    if lower.endswith(".wmd"):
        return _preflib(text, settings)
    raise InstanceError(f"{name}: unknown kep layout (expected .json, .input or .wmd)")


def _kep_solver_json(text: str, settings: Settings) -> Instance:
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
        raise InstanceError('$.data: expected an object of donors ({"data": {donor: {...}}})')
    pool = _Pool()
    matches: list[tuple[str, str]] = []
    for donor_id, info in raw["data"].items():
        where = f"$.data.{donor_id}"
        if not isinstance(info, dict):
            raise InstanceError(f"{where}: expected an object")
        sources = info.get("sources") or []
        if not isinstance(sources, list):
            raise InstanceError(f"{where}.sources: expected a list of recipient ids")
        d = f"donor-{donor_id}"
        if len(sources) == 0:
            pool.altruists.append((str(donor_id), d))
        elif len(sources) == 1:
            p = str(sources[0])
            pool.pair(p)
            pool.pairs[p].append(d)
        else:
            raise InstanceError(f"{where}.sources: a donor with more than one recipient")
        found = info.get("matches") or []
        if not isinstance(found, list):
            raise InstanceError(f"{where}.matches: expected a list")
        for i, match in enumerate(found):
            if not isinstance(match, dict) or "recipient" not in match:
                raise InstanceError(f"{where}.matches[{i}].recipient: missing")
            matches.append((d, str(match["recipient"])))
    recipients = raw.get("recipients") or {}
    if not isinstance(recipients, dict):
        raise InstanceError("$.recipients: expected an object")
    for rid in recipients:
        pool.pair(str(rid))
    for d, r in matches:
        pool.arc(d, r)
    return pool.instance(settings)


def _numbers(line: str, lineno: int, count: int, sep: str | None = None) -> list[str]:
    parts = line.split(sep) if sep else line.split()
    if len(parts) < count:
        raise InstanceError(f"line {lineno}: expected {count} fields, got {line.strip()!r}")
    return [p.strip() for p in parts[:count]]


def _int(text: str, lineno: int) -> int:
    try:
        return int(text)
    except ValueError:
        raise InstanceError(f"line {lineno}: expected a whole number, got {text!r}") from None


def _kidney_solver(text: str, ndds: str | None, settings: Settings) -> Instance:
    pool = _Pool()
    lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise InstanceError("line 1: empty file (expected 'n_pairs n_arcs')")
    lineno, head = lines[0]
    n_pairs = _int(_numbers(head, lineno, 2)[0], lineno)
    for p in range(n_pairs):
        pool.pair(str(p))
        pool.pairs[str(p)].append(f"donor-{p}")
    for lineno, line in lines[1:]:
        src, tgt, _ = _numbers(line, lineno, 3)
        s, t = _int(src, lineno), _int(tgt, lineno)
        if s < 0:
            break
        for v in (s, t):
            if not 0 <= v < n_pairs:
                raise InstanceError(f"line {lineno}: pair {v} outside 0..{n_pairs - 1}")
        pool.arc(f"donor-{s}", str(t))
    if ndds is not None:
        nlines = [(i, line) for i, line in enumerate(ndds.splitlines(), start=1) if line.strip()]
        if nlines:
            lineno, head = nlines[0]
            n_ndds = _int(_numbers(head, lineno, 2)[0], lineno)
            pool.altruists.extend((f"ndd-{j}", f"ndd-{j}") for j in range(n_ndds))
            for lineno, line in nlines[1:]:
                src, tgt, _ = _numbers(line, lineno, 3)
                s, t = _int(src, lineno), _int(tgt, lineno)
                if s < 0:
                    break
                if not 0 <= s < n_ndds or not 0 <= t < n_pairs:
                    raise InstanceError(f"ndds line {lineno}: arc {s} -> {t} outside the pool")
                pool.arc(f"ndd-{s}", str(t))
    return pool.instance(settings)


_NAME = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*)$", re.IGNORECASE)


def _preflib(text: str, settings: Settings) -> Instance:
    lines = [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]
    names: dict[int, str] = {}
    edges: list[tuple[int, str]] = []
    base = 1
    body = [(i, line) for i, line in lines if not line.startswith("#")]
    for _, line in lines:
        match = _NAME.match(line)
        if match:
            names[int(match.group(1))] = match.group(2).strip()
    if not names and body:
        # the older layout: "n,m", then n lines "i,Name" (1-based), then 0-based arcs
        lineno, head = body[0]
        n = _int(_numbers(head, lineno, 2, ",")[0], lineno)
        for lineno, line in body[1 : 1 + n]:
            index, label = line.split(",", 1) if "," in line else (line, "")
            names[_int(index.strip(), lineno)] = label.strip()
        edges = body[1 + n :]
        base = 0
    else:
        edges = body
    if not names:
        raise InstanceError("line 1: no alternatives named (expected '# ALTERNATIVE NAME i: Pair i')")
    first = min(names)  # names are 1-based in both layouts
    pool = _Pool()
    kind: dict[int, str] = {}
    for i in sorted(names):
        vertex = i - first + base  # the number arcs use
        if names[i].lower().startswith(("alturist", "altruist")):
            kind[vertex] = "altruist"
            pool.altruists.append((str(i), f"donor-{i}"))
        else:
            kind[vertex] = "pair"
            pool.pair(str(i))
            pool.pairs[str(i)].append(f"donor-{i}")
    offset = first - base
    for lineno, line in edges:
        src, tgt, _ = _numbers(line, lineno, 3, ",")
        s, t = _int(src, lineno), _int(tgt, lineno)
        if s not in kind or t not in kind:
            raise InstanceError(f"line {lineno}: arc {s} -> {t} names an unknown alternative")
        if kind[t] == "altruist":
            continue  # dummy arcs back to altruists
        pool.arc(f"donor-{s + offset}", str(t + offset))
    return pool.instance(settings)
