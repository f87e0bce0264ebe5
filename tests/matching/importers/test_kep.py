"""Kidney-exchange files as barter instances, on small hand-written samples."""

from __future__ import annotations

import json

import pytest

from barter.matching.engine import solve
from barter.matching.importers.kep import parse_kep
from barter.matching.model import InstanceError, problems

# pairs 0,1,2 in a 3-cycle, pair 3 reachable from altruist 0
INPUT = "4 4\n0 1 1\n1 2 1\n2 0 1\n2 3 1\n-1 -1 -1\n"
NDDS = "1 1\n0 3 1\n-1 -1 -1\n"


def test_kidney_solver_pairs_and_altruists() -> None:
    instance = parse_kep("x.input", INPUT, NDDS)
    assert problems(instance) == []
    assert [c.id for c in instance.communities] == ["pair-0", "pair-1", "pair-2", "pair-3", "altruist-ndd-0"]
    gifts = [o.id for o in instance.offers if o.gift]
    assert gifts == ["ndd-0"]
    patient3 = next(n for n in instance.needs if n.id == "patient-3")
    assert patient3.accept_offers == ["donor-2", "ndd-0"]
    assert all(n.quantity == n.min_lot == 1 for n in instance.needs)
    solution = solve(instance)
    assert solution.objective == 4  # the 3-cycle and the altruist's gift to pair 3
    assert solution.status == "optimal"


def test_kep_solver_json_with_two_donors_for_one_recipient() -> None:
    data = {
        "data": {
            "1": {"sources": [1], "matches": [{"recipient": 2, "score": 1}]},
            "2": {"sources": [2], "matches": [{"recipient": 1, "score": 1}]},
            "3": {"sources": [1], "matches": [{"recipient": 3, "score": 1}]},
            "4": {"sources": [], "altruistic": True, "matches": [{"recipient": 3, "score": 1}]},
        },
        "recipients": {"1": {}, "2": {}, "3": {}},
    }
    instance = parse_kep("k.json", json.dumps(data))
    pair1 = [o.id for o in instance.offers if o.community == "pair-1"]
    assert pair1 == ["donor-1", "donor-3"]
    assert [o.id for o in instance.offers if o.gift] == ["donor-4"]
    solution = solve(instance)
    # pair 1 receives once, so it gives once: the 2-cycle 1<->2, and the altruist to 3
    assert solution.objective == 3


def test_kep_solver_json_refuses_a_donor_of_two_recipients() -> None:
    data = {"data": {"1": {"sources": [1, 2]}}, "recipients": {}}
    with pytest.raises(InstanceError, match=r"\$\.data\.1\.sources"):
        parse_kep("k.json", json.dumps(data))


WMD_NEW = """# FILE NAME: tiny.wmd
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Pair 1
# ALTERNATIVE NAME 2: Pair 2
# ALTERNATIVE NAME 3: Alturist 3
1,2,1.0
2,1,1.0
3,1,1.0
2,3,0.0
"""
WMD_OLD = """3,4
1,Pair 1
2,Pair 2
3,Alturist 3
0,1,1
1,0,1
2,0,1
1,2,0
"""


@pytest.mark.parametrize("text", [WMD_NEW, WMD_OLD])
def test_preflib_both_layouts_drop_arcs_into_altruists(text: str) -> None:
    instance = parse_kep("tiny.wmd", text)
    assert {c.id for c in instance.communities} == {"pair-1", "pair-2", "altruist-3"}
    accepts = {n.id: n.accept_offers for n in instance.needs}
    assert accepts == {"patient-1": ["donor-2", "donor-3"], "patient-2": ["donor-1"]}
    assert solve(instance).objective == 2


def test_malformed_lines_are_named() -> None:
    with pytest.raises(InstanceError, match=r"line 2"):
        parse_kep("x.input", "2 1\n0 x 1\n")
    with pytest.raises(InstanceError, match=r"outside"):
        parse_kep("x.input", "2 1\n0 5 1\n-1 -1 -1\n")
    with pytest.raises(InstanceError, match=r"unknown kep layout"):
        parse_kep("x.txt", "")
