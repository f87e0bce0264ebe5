from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from barter.reference import load_provinces
from barter.storage.migrations import MIGRATION_LOCK, Migration, MigrationError, load_migrations, migrate
from barter.storage.reference import REFERENCE_DIR, load_reference_data
from barter.storage.resources import migrations_dir
from tests.live import Overlap

SCHEMA_QUERY = """
SELECT 'column' AS kind, table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
       || ' ' || coalesce(column_default, '') || ' ' || coalesce(generation_expression, '') AS def
FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'constraint', conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = 'public'
ORDER BY 1, 2
"""


def test_files_are_numbered_in_order() -> None:
    migrations = load_migrations()
    versions = [m.version for m in migrations]
    assert versions[0] == 1
    assert versions == sorted(set(versions))
    assert all(m.sql.strip() for m in migrations)


def test_gaps_are_allowed_but_a_number_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    assert [m.version for m in load_migrations(tmp_path)] == [1, 3]  # 0002 lands from another branch
    (tmp_path / "0003_d.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="0003_c and 0003_d share a number"):
        load_migrations(tmp_path)


def test_the_first_must_be_one(tmp_path: Path) -> None:
    (tmp_path / "0002_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="0002_b is out of sequence"):
        load_migrations(tmp_path)


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_first.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        load_migrations(tmp_path)


async def _connect(url: str) -> asyncpg.Connection:
    conn: asyncpg.Connection = await asyncpg.connect(url)
    return conn


async def test_applies_in_order_once(empty_database_url: str) -> None:
    conn = await _connect(empty_database_url)
    try:
        applied = await migrate(conn)
        assert [m.version for m in applied] == [m.version for m in load_migrations()]
        assert await migrate(conn) == []
        rows = await conn.fetch("SELECT version, checksum FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["checksum"]) for r in rows] == [(m.version, m.checksum) for m in applied]
    finally:
        await conn.close()


async def test_changed_applied_migration_is_refused(empty_database_url: str) -> None:
    conn = await _connect(empty_database_url)
    try:
        original = load_migrations()
        await migrate(conn, original)
        tampered = [
            Migration(original[0].version, original[0].name, original[0].sql + "\n-- edited\n"),
            *original[1:],
        ]
        with pytest.raises(MigrationError, match="was changed after it was applied"):
            await migrate(conn, tampered)
    finally:
        await conn.close()


async def test_unknown_applied_migration_is_refused(empty_database_url: str) -> None:
    conn = await _connect(empty_database_url)
    try:
        await migrate(conn)
        await conn.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')"
        )
        with pytest.raises(MigrationError, match="0999 that this version of barter does not know"):
            await migrate(conn)
    finally:
        await conn.close()


async def test_failed_migration_leaves_nothing_behind(empty_database_url: str) -> None:
    conn = await _connect(empty_database_url)
    try:
        good = Migration(1, "good", "CREATE TABLE t1 (id int);")
        bad = Migration(2, "bad", "CREATE TABLE t2 (id int); SELECT 1/0;")
        with pytest.raises(asyncpg.DivisionByZeroError):
            await migrate(conn, [good, bad])
        assert await conn.fetchval("SELECT max(version) FROM schema_migrations") == 1
        assert await conn.fetchval("SELECT to_regclass('t2')") is None
    finally:
        await conn.close()


async def test_fresh_database_equals_the_sum_of_migrations(
    empty_database_url: str, database_url: str
) -> None:
    """Running the files by hand, in order, gives exactly the schema the runner gives."""
    by_hand = await _connect(empty_database_url)
    runner = await _connect(database_url)
    try:
        for migration in load_migrations():
            await by_hand.execute(migration.sql)
        expected = [tuple(r) for r in await by_hand.fetch(SCHEMA_QUERY)]
        actual = [tuple(r) for r in await runner.fetch(SCHEMA_QUERY) if "schema_migrations" not in r["def"]]
        assert actual == expected
    finally:
        await by_hand.close()
        await runner.close()


async def test_concurrent_migrations_apply_each_file_once(empty_database_url: str) -> None:
    """Four processes migrating at once: all four wait on the migration lock (held elsewhere)
    before any migrates."""
    conns = [await _connect(empty_database_url) for _ in range(5)]
    try:
        results = await Overlap(conns[4], empty_database_url).at_once(
            "SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK, calls=[migrate(c) for c in conns[:4]]
        )
        assert sorted(len(r) for r in results) == [0, 0, 0, len(load_migrations())]
    finally:
        for c in conns:
            await c.close()


async def test_reference_loading_is_idempotent(empty_database_url: str) -> None:
    conn = await _connect(empty_database_url)
    try:
        await migrate(conn)
        assert await load_reference_data(conn) == ["regions", "provinces", "subdistricts", "catalogue"]
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM provinces) p, (SELECT count(*) FROM subdistricts) s,"
            " (SELECT count(*) FROM items) i"
        )
        await conn.execute("UPDATE items SET reference_value = 999 WHERE id = 'rice-jasmine'")
        await conn.execute("DELETE FROM reference_loads")  # force a full reload
        assert await load_reference_data(conn) == ["regions", "provinces", "subdistricts", "catalogue"]
        assert await load_reference_data(conn) == []
        again = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM provinces) p, (SELECT count(*) FROM subdistricts) s,"
            " (SELECT count(*) FROM items) i"
        )
        assert again == counts
        # A coordinator's change to a reference value survives a reload.
        assert await conn.fetchval("SELECT reference_value FROM items WHERE id = 'rice-jasmine'") == 999
    finally:
        await conn.close()


def test_migrations_folder_ships_sql() -> None:
    assert sorted(p.name for p in migrations_dir().glob("*.sql"))


async def _reference_before_0022(conn: asyncpg.Connection) -> None:
    """The regions, provinces and catalogue as a database before 0022 held them (today's loader
    writes the columns 0022 added, so it cannot fill an older schema)."""
    regions = json.loads((REFERENCE_DIR / "regions.json").read_text(encoding="utf-8"))
    await conn.executemany(
        "INSERT INTO regions (code, name_th, name_en, position) VALUES ($1, $2, $3, $4)",
        [(r["code"], r["name_th"], r["name_en"], r["position"]) for r in regions],
    )
    await conn.executemany(
        "INSERT INTO provinces (code, name_th, name_en, region, lat, lon) VALUES ($1, $2, $3, $4, $5, $6)",
        [(p.code, p.name_th, p.name_en, p.region, p.lat, p.lon) for p in load_provinces()],
    )
    catalogue = json.loads((REFERENCE_DIR / "catalogue.json").read_text(encoding="utf-8"))
    await conn.executemany(
        "INSERT INTO categories (id, name_th, name_en, position) VALUES ($1, $2, $3, $4)",
        [(c["id"], c["name_th"], c["name_en"], c["position"]) for c in catalogue["categories"]],
    )
    await conn.executemany(
        "INSERT INTO items (id, category_id, name_th, name_en, unit, kg_per_unit, shelf_life_days,"
        " reference_value, quantity_step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            (
                i["id"],
                i["category_id"],
                i["name_th"],
                i["name_en"],
                i["unit"],
                i["kg_per_unit"],
                i["shelf_life_days"],
                i["reference_value"],
                i["quantity_step"],
            )
            for i in catalogue["items"]
        ],
    )


async def test_0017_gives_earlier_participants_their_distance_and_transport(empty_database_url: str) -> None:
    """Proposals made before 0017: each participant gets the road km of the transfers it gives and
    their transport at its run's cost per kg-km (0 for a run that had none, and for a receiver)."""
    conn = await _connect(empty_database_url)
    try:
        migrations = load_migrations()
        before = [m for m in migrations if m.version < 17]
        await migrate(conn, before)
        await _reference_before_0022(conn)
        a, b = [
            await conn.fetchval(
                "INSERT INTO communities (name_en, kind, province_code, lat, lon)"
                " VALUES ($1, 'fishing', '91', 6.62, 100.07) RETURNING id",
                name,
            )
            for name in ("Pak Bara fishers", "Kalasin rice group")
        ]
        offer = await conn.fetchval(
            "INSERT INTO offers (community_id, item_id, quantity) VALUES ($1, 'salted-fish', 100) RETURNING id",
            a,
        )
        need = await conn.fetchval(
            "INSERT INTO needs (community_id, item_id, unit, quantity) VALUES ($1, 'salted-fish', 'kg', 100)"
            " RETURNING id",
            b,
        )
        proposals = []
        for rate in (0.002, None):
            settings = json.dumps({} if rate is None else {"transport_cost_per_kg_km": rate})
            run = await conn.fetchval(
                "INSERT INTO matching_runs (regions, settings) VALUES ('{south}', $1::jsonb) RETURNING id",
                settings,
            )
            proposal = await conn.fetchval(
                "INSERT INTO proposals (run_id, kind, regions, total_value, hold_expires_at)"
                " VALUES ($1, 'chain', '{south}', 22000, now()) RETURNING id",
                run,
            )
            await conn.execute(
                "INSERT INTO proposal_transfers (proposal_id, position, offer_id, need_id, giver_id, receiver_id,"
                " item_id, unit, quantity, unit_value, value, distance_km)"
                " VALUES ($1, 0, $2, $3, $4, $5, 'salted-fish', 'kg', 100, 220, 22000, 1234.5)",
                proposal,
                offer,
                need,
                a,
                b,
            )
            for community, gives, receives in ((a, 22000, 0), (b, 0, 22000)):
                await conn.execute(
                    "INSERT INTO proposal_participants (proposal_id, community_id, region, gives_value,"
                    " receives_value, explanation_th, explanation_en) VALUES ($1, $2, 'south', $3, $4, '-', '-')",
                    proposal,
                    community,
                    gives,
                    receives,
                )
            proposals.append(proposal)
        await migrate(conn, migrations)
        rows = await conn.fetch(
            "SELECT proposal_id, community_id, distance_km::float8 AS km, transport_estimate::float8 AS baht"
            " FROM proposal_participants ORDER BY proposal_id, community_id"
        )
        assert [(r["proposal_id"], r["community_id"], r["km"], r["baht"]) for r in rows] == [
            (proposals[0], a, 1234.5, 246.9),  # 0.002 baht x 100 kg x 1,234.5 km
            (proposals[0], b, 0.0, 0.0),
            (proposals[1], a, 1234.5, 0.0),
            (proposals[1], b, 0.0, 0.0),
        ]
    finally:
        await conn.close()


SECRETS = {
    "/v1/keys": ("key", "bk_live_Zq3secretkeytext"),
    "/v1/communities/7/line-codes": ("code", "QW7R-K2PX"),
    "/v1/webhooks/": ("secret", "whsec_c2VjcmV0c2lnbmluZ2tleQ=="),
}
OFFER_BODY = b'{"id":5,"community_id":7,"item_id":"dried-fish","key":"not a secret here"}'


async def _before_0020(conn: asyncpg.Connection) -> None:
    """The schema before 0020, with the responses an earlier version stored for replay."""
    await migrate(conn, [m for m in load_migrations() if m.version < 20])
    key_id = await conn.fetchval(
        "INSERT INTO api_keys (role, prefix, hash) VALUES ('admin', 'bk_', '\\x01') RETURNING id"
    )
    for n, (path, (field, secret)) in enumerate(SECRETS.items()):
        body = json.dumps({"id": n, field: secret, "created_at": "2026-12-04T10:00:00Z"})
        await conn.execute(
            "INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash, status, body,"
            " headers) VALUES ($1, $2, 'POST', $3, 'h', 201, $4, '{}')",
            key_id,
            f"k{n}",
            path,
            body.encode(),
        )
    await conn.execute(
        "INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash, status, body, headers)"
        " VALUES ($1, 'offer', 'POST', '/v1/offers', 'h', 201, $2, '{}')",
        key_id,
        OFFER_BODY,
    )


async def _scrubbed(conn: asyncpg.Connection) -> None:
    rows = {
        r["path"]: r
        for r in await conn.fetch("SELECT path, body, withheld, t::text AS all FROM idempotency_keys t")
    }
    for n, (path, (field, secret)) in enumerate(SECRETS.items()):
        assert secret not in rows[path]["all"]
        assert json.loads(bytes(rows[path]["body"])) == {"id": n, "created_at": "2026-12-04T10:00:00Z"}
        assert rows[path]["withheld"] == [field]
    assert bytes(rows["/v1/offers"]["body"]) == OFFER_BODY
    assert rows["/v1/offers"]["withheld"] == []


async def test_0020_scrubs_one_time_secrets_from_idempotency_records(empty_database_url: str) -> None:
    """Responses stored for replay before 0020 lose their secret (an API key, a LINE link code, a
    webhook's signing secret) and name it in `withheld`; other responses stay byte for byte."""
    conn = await _connect(empty_database_url)
    try:
        await _before_0020(conn)
        await migrate(conn)
        await _scrubbed(conn)
    finally:
        await conn.close()


def _barter_migrate(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barter", "migrate"],
        env={**os.environ, "BARTER_DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_a_crash_inside_0020_leaves_every_secret_where_it_was_until_it_runs_again(
    empty_database_url: str,
) -> None:
    """`barter migrate` killed after 0020 has scrubbed, before it commits (a failpoint, as a
    SIGKILL or a power cut there): no record is half scrubbed, the schema is still the one before 0020, and
    the next start applies 0020 whole."""
    conn = await _connect(empty_database_url)
    try:
        await _before_0020(conn)
        before = [tuple(r) for r in await conn.fetch("SELECT key, body FROM idempotency_keys ORDER BY key")]
        crashed = await asyncio.to_thread(
            _barter_migrate, empty_database_url, BARTER_FAILPOINT="migrate.before_record"
        )
        assert crashed.returncode == 137, crashed.stderr
        last_before = max(m.version for m in load_migrations() if m.version < 20)
        assert await conn.fetchval("SELECT max(version) FROM schema_migrations") == last_before
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM information_schema.columns"
                " WHERE table_name = 'idempotency_keys' AND column_name = 'withheld'"
            )
            == 0
        )
        after = [tuple(r) for r in await conn.fetch("SELECT key, body FROM idempotency_keys ORDER BY key")]
        assert after == before
        again = await asyncio.to_thread(_barter_migrate, empty_database_url)
        assert again.returncode == 0, again.stderr
        assert "0020_idempotency_without_secrets" in again.stdout
        await _scrubbed(conn)
    finally:
        await conn.close()


async def test_0022_gives_the_shipped_items_their_thai_words(empty_database_url: str) -> None:
    """A database loaded before 0022 has its catalogue recorded as loaded; 0022 forgets that, so
    the next start fills the shipped items' other names and counting words (the LINE reader reads
    them from the table now) and keeps the reference values coordinators set."""
    conn = await _connect(empty_database_url)
    try:
        migrations = load_migrations()
        await migrate(conn, [m for m in migrations if m.version < 22])
        await _reference_before_0022(conn)
        await conn.execute("INSERT INTO reference_loads (name, checksum) VALUES ('catalogue', 'old')")
        await conn.execute("UPDATE items SET reference_value = 27 WHERE id = 'rice-white'")
        await migrate(conn, migrations)
        assert "catalogue" in await load_reference_data(conn)
        rows = {
            r["id"]: r
            for r in await conn.fetch(
                "SELECT id, synonyms_th, counted_th, reference_value::float8 AS v FROM items"
            )
        }
        assert rows["rice-white"]["synonyms_th"] == ["ข้าวสาร", "ข้าวเจ้า"]
        assert rows["rice-white"]["v"] == 27
        assert rows["eggs-chicken"]["counted_th"] == "ฟอง"
        assert rows["dried-fish"]["counted_th"] is None
    finally:
        await conn.close()
