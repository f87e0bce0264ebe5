"""Readers for the peer formats (kidney exchange, TradeMaximizer): text in, Instance out."""

from __future__ import annotations

from barter.matching.importers.kep import parse_kep
from barter.matching.importers.trademax import parse_trademax

__all__ = ["parse_kep", "parse_trademax"]
