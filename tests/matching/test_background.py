"""A computation in a process of its own (barter/matching/background.py)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import msgspec
import pytest

from barter.matching import engine
from barter.matching import market as market_module
from barter.matching.background import Background
from barter.matching.market import build_market
from barter.matching.relaxation import hub_bound
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from tests.matching.conftest import as_dict
from tests.matching.validator import problems


def _wait_forever(release: str) -> int:
    threading.Event().wait()  # never set: only the kill ends this
    return len(release)


def _fail() -> int:
    raise ValueError("no answer")


def test_the_answer_comes_from_another_process() -> None:
    job = Background(os.getpid)
    answer = job.result(60.0)
    assert isinstance(answer, int)
    assert answer != os.getpid()
    assert not job._process.is_alive()


def test_an_answer_not_there_in_time_is_none_and_the_process_is_killed() -> None:
    job = Background(_wait_forever, "x")
    assert job.result(0.2) is None
    assert not job._process.is_alive()
    assert job._process.exitcode is not None
    assert job._process.exitcode < 0  # killed


def test_poll_never_waits_nor_stops_and_keeps_the_answer_for_result() -> None:
    job = Background(_wait_forever, "x")
    assert job.poll() is None
    assert job._process.is_alive()  # polling leaves it running
    job.stop()
    job = Background(os.getpid)
    deadline = time.monotonic() + 60.0
    while (answer := job.poll()) is None and time.monotonic() < deadline:
        job._receive.poll(0.1)  # wait on the pipe itself, bounded
    assert isinstance(answer, int)
    assert answer != os.getpid()
    assert job.poll() == answer
    assert job.result(0.0) == answer  # kept, not read twice


def test_a_failed_computation_is_none() -> None:
    job = Background(_fail)
    assert job.result(60.0) is None
    assert job._process.exitcode != 0


def test_the_hub_bound_beside_the_lp_is_the_one_computed_here() -> None:
    """What the engine asks the other process for is the hub relaxation of the instance itself."""
    instance = generate_market(150, provinces=load_provinces(), catalogue=load_catalogue(), seed=4)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=60.0)
    )
    market = build_market(instance)
    here = hub_bound(market, exact_gains=True, time_limit_s=60.0)
    plain = hub_bound(market, exact_gains=True, time_limit_s=60.0, zones=False)
    # the bound without zones first, then the one with them, tighter on this market
    assert list(engine.hub_of(instance, True, 60.0)) == [plain, here]
    assert here < plain
    job = Background(engine.hub_of, instance, True, 60.0)
    job._process.join(60.0)  # both steps done
    assert job.result(0.0) == here


def _one_then_forever(first: int) -> Iterator[int]:
    yield first
    threading.Event().wait()  # never set: only the kill ends this
    yield first + 1


def _steps(n: int) -> Iterator[int]:
    yield from range(n)


def test_answers_given_in_steps_replace_one_another() -> None:
    job = Background(_steps, 3)
    job._process.join(60.0)
    assert job.poll() == 2
    assert job.result(0.0) == 2


def test_once_an_answer_is_in_result_takes_it_without_waiting_for_a_better_one() -> None:
    job = Background(_one_then_forever, 7)
    deadline = time.monotonic() + 60.0
    while job.poll() is None and time.monotonic() < deadline:
        job._receive.poll(0.1)  # wait on the pipe itself, bounded
    started = time.monotonic()
    assert job.result(600.0) == 7
    assert time.monotonic() - started < 60.0  # not the 600 s it was allowed
    assert not job._process.is_alive()


class NoProcess:
    """Background's stand-in: records what the engine would start (exact gains, time limit)
    and never answers."""

    started: list[tuple[bool, float]]

    def __init__(self, target: object, instance: object, exact: bool, time_limit_s: float) -> None:
        NoProcess.started.append((exact, time_limit_s))

    def poll(self) -> None:
        return None

    def result(self, timeout_s: float) -> None:
        return None

    def stop(self) -> None:
        pass


def no_process(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, float]]:
    """Background replaced by NoProcess; returns the list of what was started."""
    monkeypatch.setattr(NoProcess, "started", [], raising=False)
    monkeypatch.setattr(engine, "Background", NoProcess)
    return NoProcess.started


def test_a_large_market_takes_its_hub_bound_from_beside_the_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two cores, the hub relaxation runs in a process of its own while the LP runs here;
    the bound reported is no looser than it, and the answer is still sound."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market is
    monkeypatch.setattr(engine, "HUB_BESIDE_S", 0.0)
    monkeypatch.setattr(engine, "workers", lambda: 2)
    instance = generate_market(80, provinces=load_provinces(), catalogue=load_catalogue(), seed=7)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=20.0)
    )
    messages: list[str] = []
    solution = engine.solve(instance, progress=lambda _, message: messages.append(message))
    assert any("beside the LP" in message for message in messages)
    hub = hub_bound(build_market(instance), exact_gains=True, time_limit_s=60.0)
    assert solution.upper_bound <= hub + 1e-6 * hub
    assert problems(as_dict(instance), as_dict(solution)) == []
    assert solution.objective > 0


@pytest.mark.parametrize("limit", [1.0, 20.0])
def test_the_hub_relaxation_is_not_started_beside_under_a_limit_too_short_for_it(
    limit: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It needs HUB_BESIDE_S at least: under a shorter limit its answer would come too late, and
    starting its process would hold the engine up (0.3-0.45 s at a 1 s limit)."""
    started = no_process(monkeypatch)
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)
    monkeypatch.setattr(engine, "HUB_SECONDS_PER_LISTING", 1.0)  # as a large market would need
    monkeypatch.setattr(engine, "workers", lambda: 2)
    instance = generate_market(80, provinces=load_provinces(), catalogue=load_catalogue(), seed=7)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=limit)
    )
    solution = engine.solve(instance)
    assert problems(as_dict(instance), as_dict(solution)) == []
    assert [time_limit_s for _, time_limit_s in started] == ([] if limit < engine.HUB_BESIDE_S else [limit])


@pytest.mark.parametrize("most", [0, 10_000_000])
def test_beside_the_lp_the_hub_takes_its_gains_from_the_arcs_up_to_its_own_size(
    most: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a core of its own the hub can afford each need's acceptable arcs (a tighter bound) on
    markets far larger than when it runs after the LP; beyond HUB_EXACT_BESIDE_ARCS it takes the
    needs' rules alone."""
    started = no_process(monkeypatch)
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)
    monkeypatch.setattr(engine, "HUB_SECONDS_PER_LISTING", 1.0)
    monkeypatch.setattr(engine, "HUB_EXACT_ARCS", 0)  # after the LP, this market would not be exact
    monkeypatch.setattr(engine, "HUB_EXACT_BESIDE_ARCS", most)
    monkeypatch.setattr(engine, "workers", lambda: 2)
    instance = generate_market(80, provinces=load_provinces(), catalogue=load_catalogue(), seed=7)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=10.0)
    )
    engine.solve(instance)
    assert [exact for exact, _ in started] == [most > 0]
