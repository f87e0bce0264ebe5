"""Column generation (barter/matching/lp.py): what it leaves readable when time runs out, the
warm start a later round of arc generation begins from, and the devices that make its solves
cheaper (parked columns, smoothed prices) without moving its optimum."""

from __future__ import annotations

import itertools
import math

import msgspec
import numpy as np
import pytest

from barter.matching import lp as lp_module
from barter.matching.columns import Duals, arc_reduced, arc_rows, cycle_column, cycle_reduced
from barter.matching.engine import Clock, build_model
from barter.matching.lp import IN_USE, Column, LpResult, Master, carried_columns
from barter.matching.lpsolvers import HighsLp
from barter.matching.market import acceptable, build_market
from barter.matching.pricing import price_whole
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces


def test_out_of_time_after_adding_columns_still_gives_readable_values(
    capfd: pytest.CaptureFixture[str],
) -> None:
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    instance = msgspec.structs.replace(
        instance, settings=msgspec.structs.replace(instance.settings, time_limit_s=60.0)
    )
    market = build_market(instance)
    model = build_model(market, Clock(60.0, None))
    master = Master(model, instance.settings.balance_tolerance)
    # plenty of time through the first iteration (so it adds columns), none from then on
    readings = itertools.chain([10.0, 9.0], itertools.repeat(-1.0))
    result = master.run(deadline=lambda: next(readings))
    assert result.iterations >= 2  # the changed model was solved again, not read stale
    assert result.cycle_values or result.chain_values
    assert all(v >= -1e-9 for v in result.cycle_values.values())
    assert "changed since the solution was last computed" not in capfd.readouterr().err


def test_a_stretch_moves_the_deadline_before_it_is_read() -> None:
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    model = build_model(build_market(instance), Clock(60.0, None))
    tolerance = instance.settings.balance_tolerance

    def run(stretch: bool) -> tuple[int, list[LpResult]]:
        # a counting clock: each look at the deadline is a second, and 4 s are left at first
        end, clock = [4.0], itertools.count(1)
        seen: list[LpResult] = []

        def later(lp: LpResult) -> None:
            seen.append(lp)
            end[0] = 40.0

        result = Master(model, tolerance).run(
            deadline=lambda: end[0] - next(clock), stretch=later if stretch else None
        )
        return result.iterations, seen

    plain, none = run(False)
    assert plain == 2
    assert none == []
    stretched, seen = run(True)
    assert stretched > plain
    # asked after every iteration with the LP as it stands (but one that ends it: converged, or
    # the last allowed), its values readable
    assert stretched - 1 <= len(seen) <= stretched
    assert all(lp.cycle_values or lp.chain_values for lp in seen)
    assert [lp.iterations for lp in seen] == list(range(1, len(seen) + 1))


def test_a_later_round_starts_from_the_last_lps_columns() -> None:
    """Round 2 of arc generation is a model over more arcs: the columns the first LP used are
    carried over (the same arcs, cycles and value patterns), so its first solve already holds the
    first LP's value, where a cold start begins from a handful of columns."""
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    whole = acceptable(instance)
    small = build_market(instance, whole=whole)
    assert small.n_excluded > 0  # a market priced in rounds
    first = build_model(small, Clock(60.0, None))
    lp = Master(first, instance.settings.balance_tolerance).run(deadline=lambda: 30.0)
    assert lp.converged
    priced = price_whole(first, lp.duals, budget=2000)
    assert priced.improving
    wider = build_model(build_market(instance, extra=priced.improving, whole=whole), Clock(60.0, None))
    assert wider.market.n_arcs > small.n_arcs
    warm = carried_columns(first, lp, wider)
    used = sum(v > IN_USE for v in lp.cycle_values.values()) + sum(
        v > IN_USE for v in lp.chain_values.values()
    )
    assert len(warm) == used  # every column the first LP used exists in the wider model
    for key, row, _ in warm:
        if key[0] != "position":
            arcs = wider.families[key].arcs[row]
            assert set(wider.market.arc_to[arcs]) == set(wider.market.arc_from[arcs])  # still a cycle

    def one_solve(warm_start: bool) -> float:
        # a model of its own each time: a master marks the columns it holds in the model
        model = build_model(build_market(instance, extra=priced.improving, whole=whole), Clock(60.0, None))
        initial = carried_columns(first, lp, model) if warm_start else []
        result = Master(model, instance.settings.balance_tolerance).run(
            deadline=lambda: 30.0, initial=initial, max_iterations=1
        )
        return result.value * model.market.scale

    first_value = lp.value * small.scale
    assert one_solve(True) >= first_value * (1 - 1e-6)
    assert one_solve(False) < 0.9 * first_value


def _converged_master(
    monkeypatch: pytest.MonkeyPatch, *, parking: bool, smoothing: float, crossover: bool = False
) -> tuple[Master, float]:
    """The LP of a 300-community market's working arcs, solved until no column improves."""
    monkeypatch.setattr(lp_module, "PARKING", parking)
    monkeypatch.setattr(lp_module, "SMOOTHING", smoothing)
    monkeypatch.setattr(lp_module, "MASTER_CROSSOVER", crossover)
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    model = build_model(build_market(instance), Clock(60.0, None))
    master = Master(model, instance.settings.balance_tolerance)
    assert isinstance(master.lp, HighsLp)  # divisible goods of this size: parking applies
    result = master.run(deadline=lambda: 60.0)
    assert result.converged
    return master, result.value * model.market.scale


def test_the_interior_points_prices_lead_to_the_same_lp_optimum_as_crossovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without crossover the master's solves end inside the optimal face, and column generation
    follows those prices instead of a vertex's: converged, it reaches the same LP optimum. The
    columns left in use are those above IN_USE, and they alone hold that value."""
    _, vertex = _converged_master(monkeypatch, parking=True, smoothing=0.5, crossover=True)
    master, interior = _converged_master(monkeypatch, parking=True, smoothing=0.5, crossover=False)
    assert interior == pytest.approx(vertex, rel=1e-5)
    x = master.lp.column_values()
    assert (x > 1e-12).sum() > (x > IN_USE).sum()  # an interior point: columns barely above 0
    assert isinstance(master.lp, HighsLp)
    objective = np.asarray(master.lp.highs.getLp().col_cost_)
    in_use = np.where(x > IN_USE, x, 0.0)
    scale = master.model.market.scale
    assert float(objective @ in_use) * scale == pytest.approx(interior, rel=1e-5)


def test_parked_columns_and_smoothed_prices_leave_the_lp_optimum_where_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Parking (columns pricing clearly negative held at 0, so HiGHS's presolve leaves them out)
    and Wentges smoothing only change how column generation gets there: converged, the LP over the
    same columns has the same optimum, and no parked column could still improve it."""
    _, plain = _converged_master(monkeypatch, parking=False, smoothing=0.0)
    master, value = _converged_master(monkeypatch, parking=True, smoothing=0.5)
    assert value == pytest.approx(plain, rel=1e-6)
    assert master.parked  # the market is large enough for columns to leave the solves
    assert isinstance(master.lp, HighsLp)
    x = master.lp.column_values()
    assert all(x[j] <= 1e-9 for j in master.parked)
    # at the final prices no parked column prices positive (it would have been released)
    master.price(master.duals(), 0, park=x)
    assert not master._unpark
    upper = master.lp.highs.getLp().col_upper_
    assert all(upper[j] == 0.0 for j in master.parked)
    assert any(upper[j] > 0.0 for j in range(len(upper)) if j not in master.parked)


def test_a_parked_column_that_prices_positive_again_is_released(monkeypatch: pytest.MonkeyPatch) -> None:
    master, _ = _converged_master(monkeypatch, parking=True, smoothing=0.0)
    parked = sorted(master.parked)
    # prices at zero: every column with a positive objective prices positive again
    zero = Duals.zero(master.model)
    master.price(zero, 0, park=master.lp.column_values())
    released = set(master._unpark) & set(parked)
    assert released
    # only parked columns wait to be released: the others pricing positive (at zero prices, every
    # column in the master) would otherwise keep the LP from ever being called converged
    assert set(master._unpark) <= set(parked)
    master._flush()
    assert isinstance(master.lp, HighsLp)
    upper = master.lp.highs.getLp().col_upper_
    for j in released:
        assert j not in master.parked
        own = master._upper[j]
        assert upper[j] == own if math.isfinite(own) else upper[j] >= 1e30  # its own bound again
    # a column released twice stays in the solves: a degenerate LP has several optimal duals, and
    # columns parked at one of them and released at the next would otherwise go back and forth
    # for ever (1,000 synthetic communities, the first LP)
    for turn in (1, 2):
        assert master.lp.solve(60.0)
        master.price(master.duals(), 0, park=master.lp.column_values())
        again = set(master._park) & released
        assert again  # at the LP's own prices they would be parked again
        master._flush()
        if turn == 1:
            # released once (here or while the LP was solved), a column may still be parked again
            assert again & master.parked == again - master.released
            released = again & master.parked
            assert released
            master.price(zero, 0, park=master.lp.column_values())
            master._flush()  # ... and released a second time
    assert not master.parked & released


def test_smoothed_columns_that_leave_the_lp_where_it_was_give_way_to_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mis-pricing: columns found at the smoothed prices need not improve the LP. Here every
    smoothed pricing finds only columns that price negative at the LP's own duals, so adding them
    changes nothing (1,000 synthetic communities met this for real: 33 iterations at one value).
    Column generation must still reach the plain optimum, in not many more iterations."""
    monkeypatch.setattr(lp_module, "PARKING", False)
    monkeypatch.setattr(lp_module, "SMOOTHING", 0.0)
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    model = build_model(build_market(instance), Clock(60.0, None))
    plain_lp = Master(model, instance.settings.balance_tolerance).run(deadline=lambda: 60.0)
    assert plain_lp.converged
    plain = plain_lp.value * model.market.scale
    blended: dict[int, Duals] = {}  # held, so that no other object takes their ids
    original = Duals.blend

    def blend(self: Duals, other: Duals, weight: float) -> Duals:
        out = original(self, other, weight)
        blended[id(out)] = out
        return out

    monkeypatch.setattr(Duals, "blend", blend)

    class MisPricing(Master):
        own: Duals | None = None
        useless = 0

        def price(
            self, d: Duals, want: int, *, penalties: bool = True, park: lp_module.FloatArray | None = None
        ) -> tuple[float, list[Column]]:
            excess, new = super().price(d, want, penalties=penalties, park=park)
            if id(d) not in blended or self.own is None:
                self.own = d
                return excess, new
            # one such column at a time, so that they last (a market this small has few)
            g = arc_reduced(self.model, self.own)
            for key, fam in self.model.families.items():
                rc, _ = cycle_reduced(self.model, fam, g, self.own)
                rows, cols = ((rc < -1e-6) & ~fam.in_master).nonzero()
                if len(rows):
                    self.useless += 1
                    return excess, [(key, int(rows[0]), int(cols[0]))]
            return excess, new

    monkeypatch.setattr(lp_module, "SMOOTHING", 0.5)
    model = build_model(build_market(instance), Clock(60.0, None))
    master = MisPricing(model, instance.settings.balance_tolerance)
    result = master.run(deadline=lambda: 60.0, max_iterations=80)
    assert master.useless > 0  # the smoothed point did mislead it
    assert result.converged
    # each misleading step costs one iteration at most (without the rule: 80 and not converged)
    assert result.iterations <= 2 * plain_lp.iterations + 2
    assert result.value * model.market.scale == pytest.approx(plain, rel=1e-6)


def test_duals_blend_field_by_field() -> None:
    instance = generate_market(30, provinces=load_provinces(), catalogue=load_catalogue(), seed=1)
    model = build_model(build_market(instance), Clock(60.0, None))
    a, b = Duals.zero(model), Duals.zero(model)
    a.offer[:] = 4.0
    b.offer[:] = 2.0
    b.need[:] = 1.0
    a.balance_lo[:] = 3.0
    mixed = a.blend(b, 0.25)
    assert mixed.offer == pytest.approx([2.5] * len(a.offer))
    assert mixed.need == pytest.approx([0.75] * len(a.need))
    assert mixed.balance_lo == pytest.approx([0.75] * len(a.balance_lo))
    assert a.offer[0] == 4.0  # neither input changed


def test_column_upper_bounds_are_computed_once_per_family_and_match_their_patterns() -> None:
    """cycle_reduced keeps each family's column upper bounds (they depend on capacities and
    patterns, never on prices): the same array at any prices, equal to the most each pattern can
    carry within every hop's capacity, and read-only so no caller can change what others read."""
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    model = build_model(build_market(instance), Clock(60.0, None))
    m = model.market
    zero = Duals.zero(model)
    some = Duals.zero(model)
    some.offer[:] = np.linspace(0.0, 2.0, len(some.offer))
    assert model.families
    for fam in model.families.values():
        assert fam.upper is None  # nothing priced yet
        rc0, ub0 = cycle_reduced(model, fam, arc_reduced(model, zero), zero)
        rc1, ub1 = cycle_reduced(model, fam, arc_reduced(model, some), some)
        assert ub1 is ub0  # kept, not computed again
        assert not ub0.flags.writeable
        assert not np.array_equal(rc0[np.isfinite(rc0)], rc1[np.isfinite(rc1)])  # prices did matter
        caps = m.arc_cap[fam.arcs]
        for row in range(0, fam.n, max(1, fam.n // 50)):
            if fam.fixed[row]:
                assert ub0[row, 0] == 1.0
                assert np.all(ub0[row, 1:] == 0.0)
                continue
            for p in range(fam.n_rays):
                assert ub0[row, p] == float((caps[row] / fam.pattern(row, p)).min())
                assert cycle_column(model, fam, row, p)[2] == ub0[row, p]  # one rule for both


def test_the_best_candidates_come_in_the_order_a_stable_sort_by_reduced_cost_gives() -> None:
    """price() keeps its candidates as arrays and turns only the best `want` into columns: the
    same columns, in the same order (ties in the order found), as sorting every candidate tuple."""
    rng = np.random.default_rng(5)
    for want in (1, 7, 40, 500):
        found_rc, found_at = [], []
        tuples: list[tuple[float, Column]] = []
        for s in range(4):
            n = int(rng.integers(0, 60))
            rc = rng.choice([0.5, 1.0, 2.0, 3.25], size=n) + rng.choice([0.0, 1e-3], size=n)  # many ties
            rows = rng.integers(0, 1000, size=n)
            cols = rng.integers(0, 4, size=n)
            key = ("position", s) if s == 3 else ("cycle", s + 2)
            found_rc.append(rc)
            found_at.append((key, rows, cols))
            tuples.extend((float(v), (key, int(r), int(c))) for v, r, c in zip(rc, rows, cols, strict=True))
        tuples.sort(key=lambda item: -item[0])
        assert lp_module._best(found_rc, found_at, want) == [key for _, key in tuples[:want]]
    assert lp_module._best([], [], 10) == []


def test_a_columns_coefficients_are_those_of_the_rule_with_tail_and_share_rows() -> None:
    """Master._arc_coefficients writes an offer row and a need row for most hops and returns
    early; a hop that is short, or whose offer or need has share rows, adds its tail and share
    rows after them. Compared with the rule written out plainly, entry by entry and in order."""
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=3)
    model = build_model(build_market(instance), Clock(60.0, None))
    master = Master(model, instance.settings.balance_tolerance)
    plain = Master(model, instance.settings.balance_tolerance)
    assert len(model.tail_offers)  # the market has share rows to test
    assert len(model.tail_needs)
    m = model.market

    def by_the_rule(entries: dict[int, float], arc: int, amount: float, so: bool, sn: bool) -> None:
        offer_term, need_term = arc_rows(m, arc, 1.0)
        o, n = offer_term.index, need_term.index
        given, received = offer_term.coef * amount, need_term.coef * amount

        def add(row: int, coef: float) -> None:
            entries[row] = entries.get(row, 0.0) + coef

        add(plain.offer_row[o], given)
        add(plain.need_row[n], received)
        if so:
            row = plain.tail_offer_row.get(o)
            if row is None:
                row = plain.tail_offer_row[o] = plain._new_row(float(plain.tail_offer_cap[o]))
            add(row, given)
        if o in plain.share_offer_row:
            add(plain.share_offer_row[o], ((1.0 if so else 0.0) - float(model.offer_share[o])) * given)
        if n in plain.share_need_row:
            add(plain.share_need_row[n], ((1.0 if sn else 0.0) - float(model.need_share[n])) * received)
        if sn:
            row = plain.tail_need_row.get(n)
            if row is None:
                row = plain.tail_need_row[n] = plain._new_row(float(plain.tail_need_cap[n]))
            add(row, received)

    rng = np.random.default_rng(4)
    used = np.unique(np.concatenate([fam.arcs.ravel() for fam in model.families.values()]))
    tails = set(model.tail_offers.tolist()) | {-1 - n for n in model.tail_needs.tolist()}
    arcs = [a for a in used.tolist() if {int(m.arc_offer[a]), -1 - int(m.arc_need[a])} & tails][:200]
    arcs += rng.choice(used, size=200).tolist()
    kinds = set()
    for arc in arcs:
        for so, sn in itertools.product((False, True), repeat=2):
            amount = float(rng.uniform(0.1, 5.0))
            fast: dict[int, float] = {}
            slow: dict[int, float] = {}
            master._arc_coefficients(fast, int(arc), amount, so, sn)
            by_the_rule(slow, int(arc), amount, so, sn)
            assert list(fast.items()) == list(slow.items())
            kinds.add(len(fast))
    assert master._row_upper == plain._row_upper  # tail rows made in the same order
    assert 2 in kinds  # plain hops ...
    assert max(kinds) >= 4  # ... and hops with tail and share rows
