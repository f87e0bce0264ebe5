"""OPTIONS answers with every method of the path.

Litestar 2.x's automatic OPTIONS handler lists only the first handler registered on a path
(litestar-org/litestar#4169, fixed in 3.x), so `OPTIONS /v1/offers/1` said `GET, OPTIONS` although
PATCH and DELETE exist. This middleware rewrites the Allow header from the route table.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import ScopeType
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def allow_header_middleware(app: ASGIApp) -> ASGIApp:
    methods_by_path: dict[str, str] = {}

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return
        if not methods_by_path:
            litestar_app: Any = scope["litestar_app"]
            for route in litestar_app.routes:
                if isinstance(route, HTTPRoute):
                    methods = set(route.methods) | {"OPTIONS"}
                    methods_by_path[route.path] = ", ".join(sorted(methods))
        paths = getattr(scope.get("route_handler"), "paths", ())
        allow = next((methods_by_path[p] for p in paths if p in methods_by_path), None)

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and allow is not None:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow.encode())]}
            await send(message)

        await app(scope, receive, send_with_allow)

    return middleware
