"""msgspec's refusals named by code from the field's type and value, never from msgspec's English."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
import pytest
from msgspec import inspect

from barter.domain import field_types, formats, refusals
from barter.domain.errors import FieldError
from barter.domain.field_types import CODES, refusal, refused
from barter.domain.formats import POINT
from barter.schemas.communities import ProvinceCode, SubdistrictCode
from barter.schemas.listings import DateIn, InputUnit, NeedCreate, OfferCreate

Priority = Annotated[int, msgspec.Meta(ge=1, le=5)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=10)]
Ids = Annotated[list[int], msgspec.Meta(min_length=1, max_length=2)]


@pytest.mark.parametrize(
    ("tp", "value", "code", "params"),
    [
        (Priority, None, "required", {}),
        (Priority | None, "x", "not_a_number", {}),
        (Priority, True, "not_a_number", {}),
        (Priority, 2.5, "whole_number", {}),
        (Priority, 9, "le", {"limit": 5}),
        (Priority, 0, "ge", {"limit": 1}),
        (Annotated[float, msgspec.Meta(gt=0)], -1.0, "gt", {"limit": 0}),
        (Name, "x" * 11, "too_long", {"limit": 10}),
        (Name, "", "required", {}),
        (Literal["week", "month"], "day", "unknown", {}),
        (DateIn | None, "soon", "bad_date", {"shape": "iso_date"}),
        (Ids, [1, 2, 3], "too_many", {"limit": 2}),
        (Ids, [], "required", {}),
        (dict[str, int], 5, "not_an_object", {}),
        (ProvinceCode, "9", "bad_format", {"shape": "province_code"}),
        (SubdistrictCode | None, "91010", "bad_format", {"shape": "subdistrict_code"}),
        (InputUnit, "ton", "bad_format", {"shape": "unit"}),
        (Annotated[str, msgspec.Meta(pattern=POINT)], "here", "bad_point", {}),
        (Annotated[str, msgspec.Meta(pattern="^x$")], "y", "bad_format", {}),  # a shape of no name
        (ProvinceCode, 91, "not_a_string", {}),  # not text at all: no shape to name
        (Annotated[bool, msgspec.Meta(description="x")] | None, "yes", "not_a_boolean", {}),
        (Ids, "1,2", "not_a_list", {}),
        (Priority, float("nan"), "not_a_number", {}),
        (Priority, float("inf"), "le", {"limit": 5}),  # 1e400 in JSON
        (Priority, float("-inf"), "ge", {"limit": 1}),
        (int, float("inf"), "not_a_number", {}),  # no bound to break
    ],
)
def test_a_refused_value_is_named_by_its_fields_type(
    tp: Any, value: Any, code: str, params: dict[str, Any]
) -> None:
    assert code in CODES
    assert refusal(inspect.type_info(tp), value) == (code, params)


def test_msgspecs_refusal_of_a_struct_names_the_field_and_its_code() -> None:
    values = {"community_id": 1, "item_id": "dried-fish", "quantity": -4}
    with pytest.raises(msgspec.ValidationError) as raised:
        msgspec.convert(values, OfferCreate)
    error = refused(raised.value, values, OfferCreate)
    assert (error.path, error.code, dict(error.params)) == ("quantity", "gt", {"limit": 0})
    assert error.message.startswith("Expected `float` > 0")  # the English stays for API clients
    need = {"community_id": 1, "item_id": "rice-white", "quantity": 5, "priority": "high"}
    with pytest.raises(msgspec.ValidationError) as raised:
        msgspec.convert(need, NeedCreate)
    assert refused(raised.value, need, NeedCreate).code == "not_a_number"


def test_every_shape_a_pattern_asks_for_is_said_in_thai_and_english() -> None:
    """A pattern's refusal says what to write (barter.domain.refusals.SHAPES), never the regular
    expression; a point and a date are said by codes of their own."""
    for pattern, shape in formats.SHAPES.items():
        code, params = field_types.shape_refusal(pattern)
        if shape == "point":
            assert (code, params) == ("bad_point", {})
            continue
        if shape == "date":
            assert (code, params) == ("bad_date", {"shape": "iso_date"})
            continue
        assert (code, params) == ("bad_format", {"shape": shape})
        words = refusals.problem(FieldError("x", "regex", code=code, params=params))
        assert words == refusals.SHAPES[shape]
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in words.th), words
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in words.en), words
    generic = refusals.problem(FieldError("x", "regex", code="bad_format"))
    assert generic == refusals.PROBLEMS["bad_format"]
