"""A non-editable install must carry everything the service reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_migrations_queries_and_reference_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("barter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for migration in (ROOT / "db" / "migrations").glob("*.sql"):
        assert f"barter/_db/migrations/{migration.name}" in names
    for sql in (ROOT / "barter" / "storage" / "queries").glob("*.sql"):
        assert f"barter/storage/queries/{sql.name}" in names
    for data in ("provinces.json", "subdistricts.csv", "catalogue.json", "regions.json", "map.json"):
        assert f"barter/reference/{data}" in names
    # The console: templates, the Thai catalogue and every file it serves (no CDN to fall back on).
    console = ROOT / "barter" / "console"
    for folder in ("templates", "static", "locale"):
        for path in (console / folder).rglob("*"):
            if path.is_file():
                assert path.relative_to(ROOT).as_posix() in names, path
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "barter = barter.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
