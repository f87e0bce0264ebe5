"""Run the kep-solver peer on one kep_solver JSON file (inside the peer's own venv).

Usage: python engine_peer_kep.py FILE MAX_CYCLE MAX_CHAIN
Prints one JSON line: {"objective": ..., "altruists_used": ...}. kep-solver counts chains in
donors including the altruist and credits the donation to the last donor, so its value is
ours plus one per chain.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from kep_solver.fileio import read_json
    from kep_solver.model import TransplantCount
    from kep_solver.programme import Programme

    path, cycles, chains = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    instance = read_json(path)
    programme = Programme(
        [TransplantCount()], maxCycleLength=cycles, maxChainLength=chains, description="bench"
    )
    solution, _ = programme.solve_single(instance)
    if solution is None:
        print(json.dumps({"objective": None}))
        return
    value = solution.values[0]
    chains_used = sum(1 for exchange in solution.selected if exchange.exchange.chain)
    print(json.dumps({"objective": value, "chains": chains_used}))


if __name__ == "__main__":
    main()
