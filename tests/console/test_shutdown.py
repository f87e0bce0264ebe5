"""The console under a real server: a visit refused at the door leaves no connection generator
suspended, so nothing is left for the event loop to close at shutdown.

The screenshot script (scripts/console_screenshots.py) ended with asyncio's "an error occurred
during closing of asynchronous generator ... generator didn't stop after athrow()". A visit before
signing in (the front door, /console/) had the request's connection opened beside the viewer; the
viewer refused it (SignInRequired), and Litestar, whose dependency resolution had failed, never
closed the connection's generator. The app's middleware released the connection, but the
generator stayed suspended at its yield, in a reference cycle, until the server's event loop
shut down and closed every generator left, its inner context manager's (contextlib) first. The
console now refuses such a visit in a guard (barter.console.session.signed_in), before any
dependency is resolved.
"""

from __future__ import annotations

import gc
import logging
import types

import httpx
import pytest

from barter.api.app import create_app
from barter.domain.clock import SystemClock
from barter.settings import Settings
from tests.live import serve


def _suspended_connections() -> list[types.AsyncGeneratorType[object, None]]:
    """Connection generators of a request that started and never finished (the server's thread
    runs in this process)."""
    return [
        o
        for o in gc.get_objects()
        if isinstance(o, types.AsyncGeneratorType)
        and o.ag_code.co_name.endswith("connection")
        and o.ag_frame is not None
        and not o.ag_running
    ]


async def test_strangers_at_the_door_leave_nothing_open_when_the_server_stops(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, clock=SystemClock(), run_in_process=False, relay=False)
    before = {id(g) for g in _suspended_connections()}  # another test's, in this process
    with caplog.at_level(logging.ERROR), serve(app) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for path in ("/console/", "/console/matching/", "/console/communities/1", "/console/proposals/"):
                for _ in range(5):
                    answer = await client.get(path, follow_redirects=False)
                    assert answer.status_code == 302, (path, answer.status_code)
                    assert answer.headers["location"].startswith("/console/signin"), path
            # before the fix, several of these visits' generators were still suspended here
            assert {id(g) for g in _suspended_connections()} <= before
            signin = await client.get("/console/signin")  # a public page opens one and closes it
            assert signin.status_code == 200
            assert {id(g) for g in _suspended_connections()} <= before
    assert [r.getMessage() for r in caplog.records if "generator" in r.getMessage()] == []
