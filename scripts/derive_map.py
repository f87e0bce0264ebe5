"""Derive the console's offline map of Thailand from barter's own sub-district figures.

    python -m scripts.derive_map

No province outlines ship with the reference data, so the land is drawn as a mosaic: the country
is cut into cells of CELL degrees; a cell within REACH degrees of some sub-district's point is land
and belongs to the province of the nearest one. Each province becomes one SVG path of merged
horizontal runs, in the equirectangular projection written beside it (x east, y south, in map
units). The result, barter/reference/map.json, is what barter/console/maps.py draws; the service
never reads the source data.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "barter" / "reference" / "subdistricts.csv"
TARGET = ROOT / "barter" / "reference" / "map.json"
CELL = 0.06  # degrees (about 6.6 km)
REACH = 0.11  # degrees: how far from a sub-district's point a cell still counts as land
SCALE = 100.0  # map units per degree of latitude


def main() -> None:
    lats: list[float] = []
    lons: list[float] = []
    provinces: list[str] = []
    with SOURCE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["lat"] or not row["lon"]:
                continue  # a few sub-districts have no coordinates
            lats.append(float(row["lat"]))
            lons.append(float(row["lon"]))
            provinces.append(row["province_code"])
    lat = np.array(lats)
    lon = np.array(lons)
    lat0, lat1 = math.floor((lat.min() - REACH) / CELL) * CELL, math.ceil((lat.max() + REACH) / CELL) * CELL
    lon0, lon1 = math.floor((lon.min() - REACH) / CELL) * CELL, math.ceil((lon.max() + REACH) / CELL) * CELL
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    rows = round((lat1 - lat0) / CELL)
    cols = round((lon1 - lon0) / CELL)
    runs: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for r in range(rows):
        clat = lat1 - (r + 0.5) * CELL
        near = np.abs(lat - clat) <= REACH
        idx = np.nonzero(near)[0]
        owner: list[str | None] = [None] * cols
        if len(idx):
            for c in range(cols):
                clon = lon0 + (c + 0.5) * CELL
                d2 = (lat[idx] - clat) ** 2 + ((lon[idx] - clon) * kx) ** 2
                best = int(np.argmin(d2))
                if d2[best] <= REACH**2:
                    owner[c] = provinces[idx[best]]
        c = 0
        while c < cols:
            code = owner[c]
            start = c
            while c < cols and owner[c] == code:
                c += 1
            if code is not None:
                runs[code].append((r, start, c - start))
    unit = CELL * SCALE
    shapes = {
        code: "".join(
            f"M{round(start * unit * kx, 1):g} {round(r * unit, 1):g}h{round(n * unit * kx, 1):g}"
            f"v{round(unit, 1):g}h{-round(n * unit * kx, 1):g}z"
            for r, start, n in cells
        )
        for code, cells in sorted(runs.items())
    }
    figure = {
        "source": "barter/reference/subdistricts.csv, by scripts/derive_map.py",
        "projection": {"lon0": lon0, "lat1": lat1, "kx": kx, "scale": SCALE},
        "width": round(cols * unit * kx, 1),
        "height": round(rows * unit, 1),
        "provinces": shapes,
    }
    TARGET.write_text(json.dumps(figure, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(shapes)} provinces, {rows}x{cols} cells")


if __name__ == "__main__":
    main()
