from __future__ import annotations

from tests.world import Client


async def test_the_line_webhook_is_off_without_its_settings(client: Client) -> None:
    response = await client.post("/line/webhook", content=b'{"destination":"U","events":[]}')
    assert response.status_code == 404
