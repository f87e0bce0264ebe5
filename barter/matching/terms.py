"""A community's own terms, and how balance reads them.

A listing may carry its community's own terms: an offer's `own_value` (what one unit of what it
gives is worth to it) or `min_ratio` ("at least `ratio` units of item X for each unit of mine",
read as an own value of `ratio` times X's reference value over (1 - tolerance), so that
balance never gives it less than the ratio; with both, the larger), and a need's
`own_value` (what one unit of what it receives is worth to it). Each community balances by its
own view: what it receives, at its needs' own values (else the reference values), within the
run's tolerance of what it gives, at its offers' own values (else the reference values). Both
sides' terms then hold at once, and the run's tolerance is not changed.

The engine keeps moving reference value (objective, capacities and reporting are unchanged). On
an arc carrying w (reference value) the giver sees gamma * w and the receiver rho * w (gamma, rho:
own value over reference value, 1 without terms). A community k+1 between hops k and k+1 must
have |rho_k w_k - gamma_k+1 w_k+1| <= t * gamma_k+1 w_k+1, that is

    s_k = sigma_k * w_k / w_k+1  in  [1 - t, 1 + t],      sigma_k = rho_k / gamma_k+1

(its *skew*: both factors are its own). Without own terms every sigma is 1 and these are the
balance rules of graph.balance_rays and graph.chain_rays exactly. Around a cycle the s_k
multiply to the product of the sigma_k, so a cycle can balance only when that product lies in
[(1 - t)^L, (1 + t)^L]; the cone of its balanced flows is spanned by the patterns where every
ratio but one sits on a bound (as for sigma = 1) and a central one (all s_k equal).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from barter.matching.model import Instance, Offer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EXACT = 1e-9  # relative: a cycle this close to balancing keeps its rays (more columns: still a relaxation)


def own_offer_value(offer: Offer, values: Mapping[str, float], tolerance: float) -> float | None:
    """An offer's own value of one unit: its own_value, or `ratio` units of the min_ratio item
    at that item's reference value (`values`) over (1 - tolerance), the larger when both; None
    without terms. A minimum ratio is a floor the community set, not a value to balance around:
    balance lets what it receives fall to (1 - tolerance) of what it gives, so the ratio's value
    is raised by that much, and it receives at least `ratio` units of X's worth for each unit."""
    own = offer.own_value
    if offer.min_ratio is not None and offer.min_ratio.item in values:
        by_ratio = offer.min_ratio.ratio * values[offer.min_ratio.item] / (1.0 - tolerance)
        own = by_ratio if own is None else max(own, by_ratio)
    return own


def offer_factors(instance: Instance, offer_val: FloatArray) -> FloatArray:
    """Per offer: its own value of one unit over its reference value (1 without terms)."""
    values = {it.id: it.value for it in instance.items}
    out = np.ones(len(instance.offers), dtype=np.float64)
    for i, o in enumerate(instance.offers):
        own = own_offer_value(o, values, instance.settings.balance_tolerance)
        if own is not None:
            out[i] = own / float(offer_val[i])
    return out


def need_own_values(instance: Instance) -> FloatArray:
    """Per need: its own value of one unit received (nan without terms)."""
    return np.array(
        [np.nan if n.own_value is None else n.own_value for n in instance.needs], dtype=np.float64
    )


def receiver_factors(need_own: FloatArray, val: FloatArray) -> FloatArray:
    """rho per arc: the need's own value of a unit over the unit's reference value (1 without)."""
    return np.where(np.isnan(need_own), 1.0, need_own / val)


def hop_skews(arc_gamma: FloatArray, arc_rho: FloatArray, arcs: IntArray, kind: str) -> FloatArray:
    """(n, L): sigma_k of the community receiving hop k and giving hop k+1 (cycles close; a
    chain's last receiver gives nothing: 1)."""
    rho = arc_rho[arcs]
    gamma_next = np.roll(arc_gamma[arcs], -1, axis=1)
    sigma: FloatArray = rho / gamma_next
    if kind == "chain" and arcs.shape[1]:
        sigma[:, -1] = 1.0
    return sigma


def skewed_rays(kind: str, sigma: FloatArray, tolerance: float) -> FloatArray:
    """Value patterns (max 1) spanning every flow of one cycle (or chain) that balances by its
    communities' own terms (module docstring), each once, row 0 the central one. Empty (0, L)
    when no flow balances."""
    rays, ok = row_rays(kind, sigma[None, :], tolerance)
    if not ok[0]:
        return np.zeros((0, len(sigma)), dtype=np.float64)
    central = tuple(np.round(rays[0, 0], 12).tolist())
    rest = sorted({tuple(np.round(r, 12).tolist()) for r in rays[0, 1:]} - {central})
    return np.array([rays[0, 0], *rest], dtype=np.float64)


def row_rays(kind: str, sigma: FloatArray, tolerance: float) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """skewed_rays for many rows at once: (n, C, L) patterns and which rows can balance at all.
    Every row gets the same number C of patterns: the central one first, then one per extreme
    combination (a combination infeasible for a row repeats its central pattern)."""
    n, length = sigma.shape
    lo, hi = 1.0 - tolerance, 1.0 + tolerance
    if kind == "chain":
        combos = [np.ones(max(0, length - 1))]
        if tolerance > 0 and length > 1:
            combos += [np.array(signs) for signs in itertools.product((lo, hi), repeat=length - 1)]
        ok = np.ones(n, dtype=np.bool_)
        ratios = [np.broadcast_to(c, (n, length - 1)) for c in combos]
    else:
        total = np.prod(sigma, axis=1)
        central = np.where(total > 0, total, 0.0) ** (1.0 / length)
        ok = (lo * (1 - EXACT) <= central) & (central <= hi * (1 + EXACT))
        ratios = [np.repeat(central[:, None], length - 1, axis=1)]
        if tolerance > 0:
            for free in range(length):
                for signs in itertools.product((lo, hi), repeat=length - 1):
                    fixed = np.array(signs)
                    last = total / float(np.prod(fixed))
                    fits = (lo * (1 - EXACT) <= last) & (last <= hi * (1 + EXACT))
                    full = np.insert(np.broadcast_to(fixed, (n, length - 1)), free, last, axis=1)
                    # only the first L - 1 ratios shape the pattern; an infeasible one repeats the central
                    ratios.append(np.where(fits[:, None], full[:, : length - 1], ratios[0]))
    out = np.empty((n, len(ratios), length))
    for c, r in enumerate(ratios):
        w = np.ones((n, length))
        for k in range(length - 1):
            w[:, k + 1] = w[:, k] * sigma[:, k] / r[:, k]
        out[:, c] = w / w.max(axis=1, keepdims=True)
    return out, ok


def community_factors(
    instance: Instance,
    offer_comm: IntArray,
    need_comm: IntArray,
    offer_gamma: FloatArray,
    need_own: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per community, (least gamma, largest gamma, least rho, largest rho) any of its hops can
    have: gamma over its offers, rho over its needs and the items they accept; 1 is always
    within (a listing without terms). All 1 without own terms. The bounds (pricing, aggregate,
    relaxation) weigh arcs they do not see one by one with these."""
    n = len(instance.communities)
    values = {it.id: it.value for it in instance.items}
    by_category: dict[str, list[float]] = {}
    for it in instance.items:
        by_category.setdefault(it.category, []).append(it.value)
    offer_item = {o.id: o.item for o in instance.offers}
    g_lo, g_hi = np.ones(n), np.ones(n)
    if len(offer_gamma):
        np.minimum.at(g_lo, offer_comm, offer_gamma)
        np.maximum.at(g_hi, offer_comm, offer_gamma)
    r_lo, r_hi = np.ones(n), np.ones(n)
    for j, need in enumerate(instance.needs):
        own = float(need_own[j])
        if np.isnan(own):
            continue
        if need.item is not None:
            refs = [values.get(need.item, own)]
        elif need.category is not None:
            refs = by_category.get(need.category, [own])
        else:
            refs = [values[offer_item[x]] for x in need.accept_offers or ()] or [own]
        c = int(need_comm[j])
        r_lo[c] = min(r_lo[c], own / max(refs))
        r_hi[c] = max(r_hi[c], own / min(refs))
    return g_lo, g_hi, r_lo, r_hi


def skew_bound(lo: FloatArray, hi: FloatArray) -> float:
    """P >= 1: no community's skew sigma = rho / gamma (lo: least rho / largest gamma, hi: the
    other way) is above P or below 1 / P."""
    top = float(hi.max()) if len(hi) else 1.0
    bottom = float(lo.min()) if len(lo) else 1.0
    return max(1.0, top, 1.0 / bottom)
