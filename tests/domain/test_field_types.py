"""msgspec's refusals named by code from the field's type and value, never from msgspec's English."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
import pytest
from msgspec import inspect

from barter.domain.field_types import CODES, refusal, refused
from barter.schemas.listings import DateIn, NeedCreate, OfferCreate

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
        (DateIn | None, "soon", "bad_date", {}),
        (Ids, [1, 2, 3], "too_many", {"limit": 2}),
        (Ids, [], "required", {}),
        (dict[str, int], 5, "invalid", {}),
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
