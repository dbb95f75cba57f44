"""Optimiser: new contact points under the county rules, and collection sites (3-5 rule).

Public API (see docs/ARCHITECTURE.md)::

    propose(city, standards=None, request=None, *, progress=None, cancel=None) -> Proposal
    check_conflicts(city, standards=None, request=None) -> ConflictReport
    propose_tradeoff(city, standards=None, request=None, *, progress=None, cancel=None)
        -> Tradeoff
    propose_collection_sites(city, standards=None, *, time_limit_s=10, cancel=None)
        -> CollectionSitePlan

Objectives (row weights): :mod:`.objective`. Array core (numpy / scipy.sparse):
:mod:`.problem`, :mod:`.reduce`, :mod:`.greedy`
(+ :mod:`.swapsearch`), :mod:`.preview` (greedy + swap + LP dive), :mod:`.milp`
(+ :mod:`.milp_model`, :mod:`.colgen`, :mod:`.compact`, :mod:`.branch`),
:mod:`.conflicts`, :mod:`.curve`, :mod:`.second_tier`.
"""

from __future__ import annotations

from analysis.optimise.heuristics.curve import CurvePoint
from analysis.optimise.model.objective import DEFAULT_OBJECTIVE, OBJECTIVES
from analysis.optimise.model.request import SPEECH_COUNTS, ProposalRequest
from analysis.optimise.progress import SolveCancelled
from analysis.optimise.propose import (
    Proposal,
    ProposedPoint,
    RuleConflictError,
    check_conflicts,
    propose,
)
from analysis.optimise.rules.conflicts import ChangeOption, ConflictReport, RuleConflict
from analysis.optimise.sites.collection_sites import CollectionSitePlan, propose_collection_sites
from analysis.optimise.tradeoff import (
    Tradeoff,
    TradeoffPlan,
    propose_tradeoff,
    tradeoff_proposal,
)

__all__ = [
    "DEFAULT_OBJECTIVE",
    "OBJECTIVES",
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
    "Tradeoff",
    "TradeoffPlan",
    "check_conflicts",
    "propose",
    "propose_collection_sites",
    "propose_tradeoff",
    "tradeoff_proposal",
]
