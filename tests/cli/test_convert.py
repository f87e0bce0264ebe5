"""`barter convert`: peer formats to the barter-instance/1 that `barter solve` would solve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from barter.cli import main
from barter.matching.model import decode_instance


def test_trademax_to_an_instance_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "wants.txt"
    source.write_text("#! VERBOSE\nA : B\nB : A\n", encoding="utf-8")
    out = tmp_path / "i.json"
    assert main(["convert", "--from", "trademax", str(source), "-o", str(out)]) == 0
    instance = decode_instance(out.read_bytes())
    assert [o.id for o in instance.offers] == ["A", "B"]
    assert instance.settings.max_cycle_length == 0
    assert "unknown option VERBOSE ignored" in capsys.readouterr().err


def test_kep_to_standard_output_and_back_through_solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "pool.input"
    source.write_text("2 2\n0 1 1\n1 0 1\n-1 -1 -1\n", encoding="utf-8")
    assert main(["convert", "--from", "kep", str(source)]) == 0
    converted = tmp_path / "pool.json"
    converted.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["solve", str(converted)]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == 2


def test_a_bad_peer_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "wants.txt"
    source.write_text("#! REQUIRE-COLONS\nA B\n", encoding="utf-8")
    assert main(["convert", "--from", "trademax", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "line 2" in err
