"""The one place the LINE, notification and import use cases reach the listing and proposal ones.

Those live in barter/api/<feature>/service.py and barter/workflow/ today and move to
barter/services/ (issue 13); when they do, only the imports below change.
"""

from __future__ import annotations

from barter.api.listings.schemas import NeedCreate, NeedOut, OfferCreate, OfferOut
from barter.api.listings.service import create_need, create_offer
from barter.domain.proposals import Action, TransitionConflict
from barter.workflow.proposals import Outcome, transition
from barter.workflow.proposals import get as get_proposal
from barter.workflow.schemas import ProposalOut

__all__ = [
    "Action",
    "NeedCreate",
    "NeedOut",
    "OfferCreate",
    "OfferOut",
    "Outcome",
    "ProposalOut",
    "TransitionConflict",
    "create_need",
    "create_offer",
    "get_proposal",
    "transition",
]
