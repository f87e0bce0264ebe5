"""Fixtures the service tests share with the API tests of the same feature."""

from tests.api.logistics.conftest import towns
from tests.world import world

__all__ = ["towns", "world"]
