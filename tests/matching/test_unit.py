from __future__ import annotations

import subprocess
import sys


def test_the_engine_loads_cp_sat_only_when_a_one_unit_market_needs_it() -> None:
    # CP-SAT's Python module brings pandas with it (0.2 s), which every `barter solve` of a
    # small kep file paid before solve_unit imported it itself
    code = "import sys, barter.matching.engine; print('pandas' in sys.modules, 'ortools.sat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]
