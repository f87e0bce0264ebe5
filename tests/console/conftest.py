"""Fixtures for the console: the API tests' world of personas, and signing in as one of them."""

from __future__ import annotations

import re
from typing import Any

from tests.world import Client, world

__all__ = ["sign_in", "start_run", "unkept", "world"]

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
KEPT = re.compile(r'<span class="kept">([^<]*)</span>')
KEEPS = re.compile(r'<span class="keeps">([^<]*)</span>')


def unkept(html: str) -> str:
    """A page's HTML without the spans that keep a word or a goods name on one line, and the span
    around their text (barter.console.web.kept_together): its text and other markup as written."""
    return KEEPS.sub(r"\1", KEPT.sub(r"\1", html))


async def csrf_of(client: Client, path: str = "/console/signin") -> str:
    page = await client.get(path)
    found = CSRF_INPUT.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def sign_in(client: Client, key: str) -> None:
    """Sign the client in through the form, as a browser would (its cookies then carry the session)."""
    client.cookies.clear()
    token = await csrf_of(client)
    response = await client.post(
        "/console/signin",
        data={"key": key, "_csrf_token": token, "next": "/console/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console/"


async def start_run(client: Client, time_limit_s: str) -> Any:
    """Start a run over the south from the matching page's form, as a coordinator would."""
    token = await csrf_of(client, "/console/matching/")
    return await client.post(
        "/console/matching/runs",
        data={"regions": "south", "time_limit_s": time_limit_s, "_csrf_token": token},
        follow_redirects=False,
    )
