"""Numbers as written in Thailand, the one way every message writes them (pure)."""

from __future__ import annotations


def figure(value: float) -> str:
    """Grouped thousands, at most four decimals, no trailing zeros: 1,500 · 12.5 · 0.001 (a gram
    in kilograms). Less than a ten-thousandth is 0."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
