"""Fixtures for the API tests (the world of personas lives in tests/world.py, the live server in
tests/live.py)."""

from tests.live import live, overlap
from tests.world import world

__all__ = ["live", "overlap", "world"]
