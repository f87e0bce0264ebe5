"""A market too large to solve as one within its limit, dealt into pieces solved one by one.

On 5,000 synthetic communities at 120 s the whole market's LP is still far from its optimum when
the rounding must start (146.6 M after three rounds of arc generation, the whole-market LP being
173.6 M or more), and the answer follows the LP. A market of 1,000 communities, by contrast, gets
within about 3% of its own LP in 30 s. So a market of divisible goods of PIECES_FROM communities or
more, under a limit that leaves each piece PIECE_MIN_S, is dealt into pieces of about PIECE_COMMUNITIES
communities: every community goes to one piece at random (from the run's seed, so the same input
and seed deal the same pieces), each piece keeps its communities' offers and needs (a need's
`accept_offers` the offers in its piece), and each is solved as a market of its own
(components.sub_markets, the same cut that independent sub-markets use).

The measurements beside the constants below say where pieces pay.

An answer of the pieces is an answer of the market: the pieces share no community, so no offer or
need serves two of them. What is lost is every trade between pieces; dealing at random keeps each
region's goods in every piece (the fish of the coasts and the rice of the North and Northeast), so
a piece keeps most of the trades it needs: four random pieces of the bench's 5,000 communities,
two at a time for 57 s each, answered 164.2 M together, against 145.9 M from the whole market in
120 s (docs/benchmarks.md, twenty-fifth session).

A piece's own bound is not a bound of the market (the trades between pieces are left out), so the
bound reported is the whole market's, computed as before: the plain bound and the hub relaxation
over the whole market (engine.py). The two-way trades of the whole market (the engine's first
answer) still stand when they are worth more than the pieces' answer.
"""

from __future__ import annotations

import math

import numpy as np

from barter.matching.components import Part, sub_markets
from barter.matching.market import Acceptable
from barter.matching.model import Instance

# Measured on generate_market(n, seed=0), 2 cores, pool of 2 (twenty-fifth session), answer in
# pieces against the whole market solved as one, under the same limit:
#   5,000 at 120 s: 4 pieces of 1,250 164.2 M, 6 of 833 162.6 M, 10 of 500 154.9 M, 2 of 2,500
#   162.7 M; whole 145.9 M.  20,000 at 300 s: 20 pieces of 1,000 607.9 M; whole 360.6 M.
#   2,500 at 30 s: 78.5 M against 64.0 M.  2,000 at 60 s: 65.2 M against 64.9 M.
#   1,500 at 20 s: 48.1 M against 45.6 M; at 30 s 49.1 M against 49.0 M; at 60 s 49.5 M against
#   50.4 M.  1,000 at 30 s: 31.8 M against 33.8 M.
# So pieces pay from PIECES_FROM communities on under the limits people use; with a limit long
# enough the whole market does better (1,500 at 60 s, and likely 2,000 and more at some longer
# limit, not measured), but a switch back to the whole market at some limit would answer less
# just above it than pieces just below (2,000: 64.9 M at 62 s against 65.2 M at 60 s), and a
# longer limit must never answer less. So the whole market is never taken back.
PIECE_COMMUNITIES = 1_250  # about this many communities in a piece
PIECES_FROM = 2_000  # markets of this many communities or more are dealt into pieces ...
PIECE_MIN_S = 10.0  # ... when each piece would have at least this many seconds


def divisible(instance: Instance) -> bool:
    """Whether the market trades divisible goods: some offer and some need may move part of
    their quantity (a lot below it). Markets of all-or-nothing goods (kidney exchange pools,
    TradeMaximizer lists) are never dealt into pieces: their integer model is solved to a proved
    optimum whole (the UK NHS pool of 2,000 pairs and 200 altruists in 37 s; dealt into two
    pieces it answered 1,488 against the optimum 1,533)."""
    return any(o.min_lot < o.quantity for o in instance.offers) and any(
        n.min_lot < n.quantity for n in instance.needs
    )


def count(communities: int, processes: int, limit: float) -> int:
    """How many pieces a market of `communities` is dealt into under `limit` with `processes`
    worker processes: a multiple of the processes, each piece about PIECE_COMMUNITIES, or 0 (solve
    it whole) below PIECES_FROM or when a piece would have less than PIECE_MIN_S."""
    if communities < PIECES_FROM:
        return 0
    per_process = math.ceil(communities / (processes * PIECE_COMMUNITIES))
    if limit / per_process < PIECE_MIN_S:
        return 0
    return processes * per_process


def deal(whole: Acceptable, k: int) -> list[Part]:
    """The market's communities dealt at random into `k` pieces of (nearly) equal size, from the
    run's seed; each piece as a market of its own, sized by its listings (offers and needs)."""
    instance = whole.instance
    n = len(instance.communities)
    order = np.random.default_rng(instance.settings.seed).permutation(n)
    piece = np.empty(n, dtype=np.int64)
    piece[order] = np.arange(n, dtype=np.int64) % k
    subs = sub_markets(whole, piece, k)
    return [Part(sub, len(sub.offers) + len(sub.needs)) for sub in subs]
