"""The community graph: strongly connected components, bounded cycles, chain positions, and the
value patterns a balanced cycle can carry.

Cycles are found per strongly connected component by a depth-first search that starts from each
community in index order and only visits higher-indexed ones, pruned by the distance back to
the start (so each cycle is found once, from its lowest community). Community cycles are then
expanded into arc cycles: one candidate arc (offer -> need) per hop.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def unique(a: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """np.unique of a 1-D integer array, by sorting (NumPy 2.4's hashing np.unique took 2.9 s
    where this takes 0.5 s: 1.4 million arc ids)."""
    b = np.sort(np.asarray(a, dtype=np.int64).ravel())
    if len(b) == 0:
        return b
    return b[np.r_[True, b[1:] != b[:-1]]]


def strongly_connected_components(n: int, succ: Sequence[Sequence[int]]) -> list[int]:
    """Component number of every node (iterative Tarjan; numbers in reverse topological order)."""
    index = [-1] * n
    low = [0] * n
    comp = [-1] * n
    on_stack = [False] * n
    stack: list[int] = []
    counter = 0
    n_comp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            nexts = succ[node]
            recurse = False
            while child < len(nexts):
                w = nexts[child]
                child += 1
                if index[w] == -1:
                    work.append((node, child))
                    work.append((w, 0))
                    recurse = True
                    break
                if on_stack[w]:
                    low[node] = min(low[node], index[w])
            if recurse:
                continue
            if low[node] == index[node]:
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp[w] = n_comp
                    if w == node:
                        break
                n_comp += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


def community_cycles(
    n: int,
    succ: Sequence[set[int]],
    max_len: int,
    *,
    limit: int,
    check: Callable[[], bool] | None = None,
) -> tuple[list[tuple[int, ...]], bool]:
    """All simple cycles of 2..max_len nodes, each once, starting from its lowest node, and
    whether the list is complete: enumeration stops past `limit` cycles or when `check()`
    (called now and then) says time is up.

    `succ` must already be restricted to arcs inside strongly connected components.
    """
    pred: list[set[int]] = [set() for _ in range(n)]
    for u in range(n):
        for v in succ[u]:
            pred[v].add(u)
    out: list[tuple[int, ...]] = []
    for s in range(n):
        if not succ[s]:
            continue
        if check is not None and s % 16 == 0 and not check():
            return out, False
        if max_len <= 3:
            _short_cycles(s, succ, pred, max_len, out)
        else:
            _long_cycles(s, succ, pred, max_len, out)
        if len(out) > limit:
            return out[:limit], False
    return out, True


def _short_cycles(
    s: int, succ: Sequence[set[int]], pred: Sequence[set[int]], max_len: int, out: list[tuple[int, ...]]
) -> None:
    back = pred[s]
    for v in sorted(succ[s]):
        if v <= s:
            continue
        if v in back:
            out.append((s, v))
        if max_len >= 3:
            out.extend((s, v, w) for w in sorted(succ[v] & back) if w > s and w != v)


def _long_cycles(
    s: int, succ: Sequence[set[int]], pred: Sequence[set[int]], max_len: int, out: list[tuple[int, ...]]
) -> None:
    # distance (in arcs) from each node back to s, through nodes above s, up to max_len - 1
    dist = {s: 0}
    frontier = [s]
    for d in range(1, max_len):
        nxt = []
        for u in frontier:
            for p in pred[u]:
                if p > s and p not in dist:
                    dist[p] = d
                    nxt.append(p)
        frontier = nxt
    succ_sorted = {u: sorted(v for v in succ[u] if v > s and v in dist) for u in dist}
    closes = pred[s]
    path = [s]
    on_path = {s}

    def extend(u: int) -> None:
        depth = len(path)
        if depth >= 2 and u in closes:
            out.append(tuple(path))
        if depth == max_len:
            return
        for v in succ_sorted[u]:
            if v in on_path or dist[v] > max_len - depth:
                continue
            path.append(v)
            on_path.add(v)
            extend(v)
            path.pop()
            on_path.discard(v)

    for v in succ_sorted[s]:
        path.append(v)
        on_path.add(v)
        extend(v)
        path.pop()
        on_path.discard(v)


def expand_cycles(
    cycles: Sequence[tuple[int, ...]],
    parallel: dict[tuple[int, int], list[int]],
    n: int,
    *,
    limit: int,
) -> tuple[dict[int, IntArray], bool]:
    """Arc cycles by length (row i lists the arc of each hop: community k gives to k+1), and
    whether all of them fit under `limit`."""
    by_len: dict[int, list[tuple[int, ...]]] = {}
    for cyc in cycles:
        by_len.setdefault(len(cyc), []).append(cyc)
    single_keys = np.array(
        sorted(u * n + v for (u, v), arcs in parallel.items() if len(arcs) == 1), dtype=np.int64
    )
    single_arcs = np.array([parallel[(int(k) // n, int(k) % n)][0] for k in single_keys], dtype=np.int64)
    out: dict[int, IntArray] = {}
    total = 0
    complete = True
    for length, rows in sorted(by_len.items()):
        comm = np.array(rows, dtype=np.int64).reshape(-1, length)
        keys = comm * n + np.roll(comm, -1, axis=1)
        pos = np.searchsorted(single_keys, keys)
        pos = np.minimum(pos, max(0, len(single_keys) - 1))
        simple = (single_keys[pos] == keys) if len(single_keys) else np.zeros(keys.shape, dtype=np.bool_)
        easy = simple.all(axis=1)
        parts = [single_arcs[pos[easy]]]
        total += int(easy.sum())
        extra: list[tuple[int, ...]] = []
        for cyc in comm[~easy].tolist():
            hops = [parallel[(cyc[k], cyc[(k + 1) % length])] for k in range(length)]
            extra.extend(itertools.product(*hops))
            if total + len(extra) > limit:
                complete = False
                break
        if extra:
            parts.append(np.array(extra, dtype=np.int64).reshape(-1, length))
        total += len(extra)
        out[length] = np.concatenate(parts).reshape(-1, length)
        if not complete:
            break
    return out, complete


def chain_rays(length: int, tolerance: float) -> FloatArray:
    """Value patterns (max 1) spanning every balanced chain of `length` hops: the communities
    between the gift's giver and the last receiver have |w[k-1] - w[k]| <= tolerance * w[k]."""
    rows: list[tuple[float, ...]] = [tuple([1.0] * length)]
    if tolerance > 0 and length > 1:
        for signs in itertools.product((1.0 - tolerance, 1.0 + tolerance), repeat=length - 1):
            w = [1.0]
            for ratio in signs:  # ratio = w[k] / w[k+1]
                w.append(w[-1] / ratio)
            top = max(w)
            rows.append(tuple(x / top for x in w))
    return np.array(rows, dtype=np.float64)


def count_chains(
    max_chain: int, gift_arcs: IntArray, ordinary: IntArray, arc_from: IntArray, arc_to: IntArray, n: int
) -> int:
    """An upper bound on the number of chains (walks from a gift, up to max_chain arcs)."""
    if max_chain <= 0 or len(gift_arcs) == 0:
        return 0
    at = np.bincount(arc_to[gift_arcs], minlength=n).astype(np.float64)
    total = float(at.sum())
    for _ in range(1, max_chain):
        at = np.bincount(arc_to[ordinary], weights=at[arc_from[ordinary]], minlength=n).astype(np.float64)
        total += float(at.sum())
        if total > 1e12:
            break
    return int(min(total, 1e12))


def positioned_chains(
    allowed: Sequence[IntArray], arc_from: IntArray, arc_to: IntArray, *, limit: int
) -> dict[int, IntArray]:
    """Chains whose k-th arc is among `allowed[k-1]` (position 1: gift arcs), communities
    distinct, every prefix included, by length; at most `limit` of them, in the order given."""
    depth = len(allowed)
    by_len: dict[int, list[tuple[int, ...]]] = {k: [] for k in range(1, depth + 1)}
    outs: list[dict[int, list[int]]] = [{} for _ in range(depth)]
    for k in range(1, depth):
        for a in allowed[k].tolist():
            outs[k].setdefault(int(arc_from[a]), []).append(a)
    to = arc_to.tolist()
    count = 0

    def extend(path: list[int], seen: set[int]) -> bool:
        nonlocal count
        by_len[len(path)].append(tuple(path))
        count += 1
        if count >= limit:
            return False
        if len(path) == depth:
            return True
        for a in outs[len(path)].get(to[path[-1]], []):
            c = to[a]
            if c in seen:
                continue
            path.append(a)
            seen.add(c)
            going = extend(path, seen)
            path.pop()
            seen.discard(c)
            if not going:
                return False
        return True

    for g in allowed[0].tolist() if depth else []:
        if not extend([g], {int(arc_from[g]), to[g]}):
            break
    return {k: np.array(v, dtype=np.int64).reshape(-1, k) for k, v in by_len.items() if v}


def balance_rays(length: int, tolerance: float) -> FloatArray:
    """Value patterns w (max 1) spanning every balanced cycle of `length` hops.

    Hop k carries w[k] from community k to k+1; community k+1 receives w[k] and gives w[k+1],
    and must have |w[k] - w[k+1]| <= tolerance * w[k+1]. These cones are spanned by the exact
    pattern (all ones) and the extreme rays where every ratio but one sits on a bound.
    """
    rows: list[tuple[float, ...]] = [tuple([1.0] * length)]
    if tolerance > 0:
        lo, hi = 1.0 - tolerance, 1.0 + tolerance
        for free in range(length):
            for signs in itertools.product((lo, hi), repeat=length - 1):
                ratios = list(signs)
                product = float(np.prod(ratios))
                last = 1.0 / product
                if not lo - 1e-12 <= last <= hi + 1e-12:
                    continue
                ratios.insert(free, last)
                # ratios[k] = w[k] / w[k+1]
                w = [1.0]
                for k in range(length - 1):
                    w.append(w[k] / ratios[k])
                top = max(w)
                rows.append(tuple(x / top for x in w))
    unique = sorted({tuple(round(x, 12) for x in r) for r in rows[1:]})
    return np.array([rows[0], *unique], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class ChainLayers:
    """For chains of up to K transfers: which arcs may sit at position k (1-based)."""

    arcs: list[IntArray]  # arcs[k-1]: arc ids usable at position k

    @property
    def depth(self) -> int:
        return len(self.arcs)


def chain_layers(
    max_chain: int,
    gift_arcs: IntArray,
    out_arcs: Sequence[IntArray],
    arc_to: IntArray,
) -> ChainLayers:
    """Arcs by chain position: position 1 = gift arcs, position k+1 = arcs leaving a community
    reached at position k (`out_arcs[c]`: non-gift arcs leaving community c)."""
    layers: list[IntArray] = []
    if max_chain <= 0 or len(gift_arcs) == 0:
        return ChainLayers(layers)
    current = np.asarray(gift_arcs, dtype=np.int64)
    layers.append(current)
    for _ in range(1, max_chain):
        reached = unique(arc_to[current])
        parts = [out_arcs[c] for c in reached if len(out_arcs[c])]
        if not parts:
            break
        current = unique(np.concatenate(parts))
        layers.append(current)
    return ChainLayers(layers)
