"""`barter solve`: files in, solutions out, one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from barter.cli import main
from tests.matching.conftest import three_regions
from tests.matching.validator import problems


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_solves_an_instance_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = three_regions()
    assert main(["solve", str(write(tmp_path / "i.json", instance))]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["status"] == "optimal"
    assert problems(instance, solution) == []


def test_flags_override_the_file_and_o_writes_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "i.json", three_regions())
    out = tmp_path / "s.json"
    assert main(["solve", str(source), "-o", str(out), "--max-cycle-length", "2", "--seed", "4"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["exchanges"] == []  # the only cycle has three communities


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("{not json", "JSON"),
        ({"format": "barter-instance/1", "offers": [{"id": "x"}]}, "$.offers[0]"),
        (
            {**three_regions(), "needs": [{"id": "n", "community": "nowhere", "item": "x", "quantity": 1}]},
            "needs[0]",
        ),
    ],
)
def test_a_malformed_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, named: str
) -> None:
    assert main(["solve", str(write(tmp_path / "bad.json", content))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("barter solve: ")
    assert named in err


def test_missing_file_and_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(tmp_path / "none.json")]) == 2
    assert "none.json" in capsys.readouterr().err
    source = write(tmp_path / "i.json", three_regions())
    assert main(["solve", str(source), "--max-cycle-length", "1"]) == 2
    assert main(["solve", str(source), "--time-limit", "-3"]) == 2
    assert "time_limit_s" in capsys.readouterr().err


def test_kep_files_with_their_altruists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "p.input", "3 3\n0 1 1\n1 2 1\n2 0 1\n-1 -1 -1\n")
    write(tmp_path / "p.ndds", "1 1\n0 0 1\n-1 -1 -1\n")
    assert main(["solve", "--format", "kep", str(tmp_path / "p.input"), "--max-chain-length", "2"]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["objective"] == 3  # the 3-cycle beats the altruist's chain into it


def test_long_solves_print_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import barter.matching.engine as engine

    clock = [100.0]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    real_solve = engine.solve

    def slow_solve(instance: Any, *, progress: Any = None) -> Any:
        clock[0] += 3.0  # three seconds pass
        progress(0.5, "LP iteration 7")
        return real_solve(instance)

    monkeypatch.setattr(engine, "solve", slow_solve)
    assert main(["solve", str(write(tmp_path / "i.json", three_regions()))]) == 0
    err = capsys.readouterr().err
    assert "barter solve:" in err
    assert "LP iteration 7" in err
    assert "50%" in err


def test_starting_solve_does_not_load_the_web_stack() -> None:
    code = (
        "import sys; from barter.cli import build_parser; build_parser(); "
        "heavy = ('litestar', 'asyncpg', 'uvicorn', 'ortools', 'numpy'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
