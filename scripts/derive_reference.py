"""Derive barter's geographic reference figures from ../shared/data/thailand-geodata (MIT).

Run from the repository root when the source data changes:

    python scripts/derive_reference.py ../shared/data/thailand-geodata

It writes barter/reference/provinces.json (official code, Thai and English names, region and the
centroid, taken as the mean of the province's sub-district coordinates) and
barter/reference/subdistricts.csv (code, province, names, coordinates, the district's names: two
sub-districts of one province may share a name). The service reads only
these committed files, never the source folder.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# The six-region system of the National Geographical Committee (1977), by official province code.
REGIONS: dict[str, tuple[str, ...]] = {
    "north": ("50", "51", "52", "53", "54", "55", "56", "57", "58"),
    "northeast": tuple(str(code) for code in range(30, 50)),
    "central": (
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "26",
        "60",
        "61",
        "62",
        "64",
        "65",
        "66",
        "67",
        "72",
        "73",
        "74",
        "75",
    ),
    "east": ("20", "21", "22", "23", "24", "25", "27"),
    "west": ("63", "70", "71", "76", "77"),
    "south": ("80", "81", "82", "83", "84", "85", "86", "90", "91", "92", "93", "94", "95", "96"),
}
OUT = Path(__file__).resolve().parent.parent / "barter" / "reference"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _coordinate(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def main(source: Path) -> None:
    region_of = {code: region for region, codes in REGIONS.items() for code in codes}
    provinces = {row["PROVINCE_ID"]: row for row in _read(source / "provinces.csv")}
    districts = {row["DISTRICT_ID"]: row for row in _read(source / "districts.csv")}
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    subdistricts: list[list[str]] = []
    for row in _read(source / "sub_districts.csv"):
        province = provinces[districts[row["DISTRICT_ID"]]["PROVINCE_ID"]]
        lat, lon = _coordinate(row["LATITUDE"]), _coordinate(row["LONGITUDE"])
        inside = lat is not None and lon is not None and 5.5 <= lat <= 20.5 and 97.3 <= lon <= 105.7
        if inside and lat is not None and lon is not None:
            points[province["CODE"]].append((lat, lon))
        subdistricts.append(
            [
                row["SUB_DISTRICT_CODE"],
                province["CODE"],
                row["SUB_DISTRICT_THAI"].strip(),
                row["SUB_DISTRICT_ENGLISH"].strip(),
                f"{lat:.4f}" if inside and lat is not None else "",
                f"{lon:.4f}" if inside and lon is not None else "",
                districts[row["DISTRICT_ID"]]["DISTRICT_THAI"].strip(),
                districts[row["DISTRICT_ID"]]["DISTRICT_ENGLISH"].strip(),
            ]
        )
    out = []
    for province in sorted(provinces.values(), key=lambda p: p["CODE"]):
        code = province["CODE"]
        pts = points[code]
        out.append(
            {
                "code": code,
                "name_th": province["PROVINCE_THAI"].strip(),
                "name_en": province["PROVINCE_ENGLISH"].strip(),
                "region": region_of[code],
                "lat": round(statistics.fmean(p[0] for p in pts), 4),
                "lon": round(statistics.fmean(p[1] for p in pts), 4),
            }
        )
    assert len(out) == 77 and set(region_of) == {p["code"] for p in out}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "provinces.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with (OUT / "subdistricts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["code", "province_code", "name_th", "name_en", "lat", "lon", "district_th", "district_en"]
        )
        writer.writerows(sorted(subdistricts))
    print(f"wrote {len(out)} provinces and {len(subdistricts)} sub-districts to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/thailand-geodata"))
