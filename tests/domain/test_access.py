"""Access rules' refusals: what a Thai reader is told."""

from __future__ import annotations

import pytest

from barter.domain.access import Caller, require_region
from barter.domain.errors import Forbidden


def test_a_region_outside_the_key_is_named_in_thai() -> None:
    caller = Caller(key_id=1, role="coordinator", regions=frozenset({"south"}))
    with pytest.raises(Forbidden) as refused:
        require_region(caller, "north")
    assert refused.value.detail_th == "รหัสของคุณไม่ครอบคลุมภาคเหนือ"
    assert refused.value.detail == "Your key does not cover the north region"
    require_region(caller, "south")
