"""`barter keys create|list|revoke`: manage API keys from the server's own shell."""

from __future__ import annotations

import argparse
from typing import Any

ROLES = ("admin", "coordinator", "community", "partner")
REGIONS = ("north", "northeast", "central", "east", "west", "south")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("keys", help="create, list and revoke API keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key; it is printed once, on the last line")
    create.add_argument("--role", choices=ROLES, help="the key's role (required unless --demo)")
    create.add_argument(
        "--demo",
        action="store_true",
        help="new keys for the demo market of `barter serve --demo` (made on first use): "
        "an admin, a coordinator per region and a partner",
    )
    create.add_argument(
        "--region",
        action="append",
        default=[],
        choices=REGIONS,
        dest="regions",
        help="a coordinator's region (repeat for several)",
    )
    create.add_argument("--community", type=int, dest="community_id", help="the community of a community key")
    create.add_argument("--name", default="", help="who holds the key")
    create.add_argument("--detail", action="store_true", help="partner keys: grant row-level detail")
    create.add_argument(
        "--phone", help="coordinator keys: the mobile number the SMS to its regions' communities says"
    )
    actions.add_parser("list", help="list keys (never the keys themselves)")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id", type=int)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    import msgspec

    from barter.cli import CommandError
    from barter.domain.errors import BarterError, ValidationFailed
    from barter.schemas.keys import KeyCreate
    from barter.services import keys as service
    from barter.settings import ensure_secret, load_settings
    from barter.storage.bootstrap import prepare_database
    from barter.storage.database import Database

    settings = ensure_secret(load_settings())
    assert settings.secret is not None
    secret = settings.secret
    if args.action == "create" and args.demo:
        from barter.demo_flow import demo_settings, renew_demo_keys

        keys = asyncio.run(renew_demo_keys(demo_settings(settings), write=print))
        for name, key in keys.items():
            print(f"{name}\t{key}")
        return 0
    if args.action == "create" and args.role is None:
        raise CommandError("give --role (or --demo for the demo's keys)")

    async def go() -> list[str]:
        database = await Database.open(settings)
        try:
            await prepare_database(database)
            conn = await database.connect()
            try:
                async with conn.transaction():
                    if args.action == "create":
                        data = msgspec.convert(
                            {
                                "role": args.role,
                                "regions": args.regions,
                                "community_id": args.community_id,
                                "name": args.name,
                                "partner_detail": args.detail,
                                "phone": args.phone,
                            },
                            KeyCreate,
                        )
                        created = await service.create(conn, None, secret, data)
                        scope = ", ".join(created.regions) or (
                            f"community {created.community_id}" if created.community_id else "all"
                        )
                        scope += f"; phone {created.phone}" if created.phone else ""
                        return [
                            f"created key {created.id} ({created.role}; {scope}); it is shown only once:",
                            created.key,
                        ]
                    if args.action == "list":
                        return [
                            f"{k.id}\t{k.prefix}…\t{k.role}\t{','.join(k.regions) or k.community_id or '-'}\t"
                            f"{k.name}\t{'revoked ' + k.revoked_at.isoformat() if k.revoked_at else 'active'}"
                            for k in await service.list_keys(conn, None)
                        ]
                    revoked = await service.revoke(conn, None, args.key_id)
                    return [f"revoked key {revoked.id} ({revoked.role})"]
            finally:
                await conn.close()
        finally:
            database.close()

    try:
        lines = asyncio.run(go())
    except ValidationFailed as exc:
        raise CommandError("; ".join(f"{e.path}: {e.message}" for e in exc.errors)) from exc
    except BarterError as exc:
        raise CommandError(exc.detail) from exc
    for line in lines:
        print(line)
    return 0
