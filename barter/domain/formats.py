"""The shapes text must have where a pattern checks it, each pattern with the name of its shape.

The request bodies' schemas and the API's parameters take their patterns from here. A value that
does not match is refused as `bad_format` with `{"shape": name}` (barter.domain.field_types), and
barter.domain.refusals says what the shape is (`a two-digit province code, e.g. 91`), never the
regular expression: every pattern here has a shape, and every shape has its words there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from barter.domain.units import ALIASES, INPUT_UNITS

PROVINCE_CODE = r"^[1-9][0-9]$"
SUBDISTRICT_CODE = r"^[1-9][0-9]{5}$"
# A category's or an item's id as the catalogue writes them (rice-sticky); in a path an item id
# may begin with a digit too.
CATALOGUE_ID = r"^[a-z][a-z0-9-]{0,63}$"
ITEM_ID_IN_PATH = r"^[a-z0-9][a-z0-9-]{0,63}$"
# An ETag of this API ("v3", weak or not) or `*`, as If-Match carries it.
ETAG = r'^(\*|(W/)?"v[0-9]{1,9}")$'
# A plan by its id, or its id with .geojson for its map (/v1/logistics/plans/7.geojson).
PLAN_REF = r"^[1-9][0-9]{0,17}(\.geojson)?$"
# A point as lat,lon in degrees (near=6.62,100.07); its range is checked where it is read.
POINT = r"^-?[0-9.]+,-?[0-9.]+$"
# A unit as the API takes it: one of INPUT_UNITS, or as written in Thai (กก., กิโล, ลิตร, ...).
UNIT = (
    r"^\s*("
    + "|".join(re.escape(u) for u in sorted({*INPUT_UNITS, *ALIASES}, key=len, reverse=True))
    + r")\s*$"
)
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The shape each pattern asks for, by the pattern (a field type's `pattern`).
SHAPES: Mapping[str, str] = {
    PROVINCE_CODE: "province_code",
    SUBDISTRICT_CODE: "subdistrict_code",
    CATALOGUE_ID: "catalogue_id",
    ITEM_ID_IN_PATH: "catalogue_id",
    ETAG: "etag",
    PLAN_REF: "plan_ref",
    POINT: "point",
    UNIT: "unit",
    DATE: "date",
}
