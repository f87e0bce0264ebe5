"""Cut transfers too heavy for one vehicle into lots that fit (77 tonnes of rice become trucks).

The planner itself never splits a transfer: each is carried whole or listed as unplaced
("too_heavy"). A caller that accepts lots splits first and plans the lots; each lot keeps the
transfer's places and dates and gets the id `<transfer id>/<k>` (k from 1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import msgspec

from barter.logistics.model import Transfer


def split_into_lots(transfer: Transfer, max_kg: float) -> tuple[Transfer, ...]:
    """The transfer itself when it weighs at most `max_kg`; otherwise the fewest lots of whole units
    (as even as whole units allow) each at most `max_kg`. A single unit heavier than `max_kg`
    cannot be split: the transfer comes back whole."""
    if transfer.weight_kg <= max_kg:
        return (transfer,)
    per_lot = math.floor(max_kg / transfer.kg_per_unit)
    if per_lot < 1:
        return (transfer,)
    whole = math.floor(transfer.quantity)
    lots = math.ceil(transfer.quantity / per_lot)
    base, extra = divmod(whole, lots)
    quantities = [float(base + (1 if k < extra else 0)) for k in range(lots)]
    # A fractional remainder rides with the last lot, which has room: it holds `base` units and
    # base < per_lot (lots * per_lot >= quantity > whole >= lots * base).
    quantities[-1] += transfer.quantity - whole
    return tuple(
        msgspec.structs.replace(transfer, id=f"{transfer.id}/{k}", quantity=q)
        for k, q in enumerate(quantities, 1)
        if q > 0
    )


def split_heavy(transfers: Iterable[Transfer], max_kg: float) -> tuple[Transfer, ...]:
    """Every transfer, with those heavier than `max_kg` split into lots."""
    return tuple(lot for t in transfers for lot in split_into_lots(t, max_kg))
