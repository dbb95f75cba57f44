"""Optimiser: new contact points under the county rules, and collection sites (3-5 rule).

Public API (see the README)::

    propose(city, standards=None, request=None, *, progress=None, cancel=None) -> Proposal
    check_conflicts(city, standards=None, request=None) -> ConflictReport
    propose_collection_sites(city, standards=None, *, time_limit_s=10, cancel=None)
        -> CollectionSitePlan

Array core (numpy / scipy.sparse): :mod:`.problem`, :mod:`.reduce`, :mod:`.greedy`
(+ :mod:`.swapsearch`), :mod:`.preview` (greedy + swap + LP dive), :mod:`.milp`
(+ :mod:`.milp_model`, :mod:`.colgen`, :mod:`.compact`, :mod:`.branch`),
:mod:`.conflicts`, :mod:`.curve`, :mod:`.second_tier`.
"""

from __future__ import annotations

from analysis.optimise.conflicts import ChangeOption, ConflictReport, RuleConflict
from analysis.optimise.curve import CurvePoint
from analysis.optimise.progress import SolveCancelled
from analysis.optimise.propose import (
    Proposal,
    ProposedPoint,
    RuleConflictError,
    check_conflicts,
    propose,
)
from analysis.optimise.request import SPEECH_COUNTS, ProposalRequest
from analysis.optimise.sites import CollectionSitePlan, propose_collection_sites

__all__ = [
    "SPEECH_COUNTS",
    "ChangeOption",
    "CollectionSitePlan",
    "ConflictReport",
    "CurvePoint",
    "Proposal",
    "ProposalRequest",
    "ProposedPoint",
    "RuleConflict",
    "RuleConflictError",
    "SolveCancelled",
    "check_conflicts",
    "propose",
    "propose_collection_sites",
]
