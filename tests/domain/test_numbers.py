from __future__ import annotations

import pytest

from barter.domain.numbers import figure


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (148.0, "148"),
        (1500.0, "1,500"),
        (916.7, "916.7"),
        (0.001, "0.001"),  # "มีปลาเค็ม 1 กรัม": was written "0."
        (12.3456, "12.3456"),
        (0.00001, "0"),
        (-0.00001, "0"),
        (1_000_000_000.0, "1,000,000,000"),
    ],
)
def test_a_number_is_written_as_in_thailand(value: float, written: str) -> None:
    assert figure(value) == written
