"""The listing and proposal use cases the LINE, notice and import use cases call, in one place.

(Written before the services move of issue 13 landed; it now only names what they use.)
"""

from __future__ import annotations

from barter.domain.proposals import Action, TransitionConflict
from barter.schemas.listings import NeedCreate, NeedOut, OfferCreate, OfferOut
from barter.schemas.proposals import ProposalOut, TransferOut
from barter.services.listings import create_need, create_offer
from barter.services.proposals import Outcome, transition
from barter.services.proposals import get as get_proposal
from barter.services.proposals import load as load_proposals

__all__ = [
    "Action",
    "NeedCreate",
    "NeedOut",
    "OfferCreate",
    "OfferOut",
    "Outcome",
    "ProposalOut",
    "TransferOut",
    "TransitionConflict",
    "create_need",
    "create_offer",
    "get_proposal",
    "load_proposals",
    "transition",
]
