"""Fixtures for the API tests (the world of personas lives in tests/world.py)."""

from tests.world import world

__all__ = ["world"]
