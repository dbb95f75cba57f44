"""A proposal as a scenario: the base scenario's points plus the proposed ones.

Used by the dashboard's "adopt" button and by ``python -m analysis propose --save-as``, so
a plan saved either way has the same points, ids, names and reasons.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

from analysis.optimise.model.request import PROVEN_REL_GAP, ProposalRequest
from analysis.optimise.proposal import Proposal
from analysis.plan.edits import add_point
from analysis.plan.scenarios import Scenario, copy_scenario, utc_now_iso
from analysis.plan.solvefacts import SolveFacts
from geodata.schema import POINT_TYPES

#: Chinese names of the objectives (descriptions, brief, UI).
OBJECTIVE_ZH: dict[str, str] = {
    "balanced": "均衡（总覆盖+农村覆盖+乡镇覆盖）",
    "population": "覆盖人口最多",
    "rural": "农村覆盖人口最多",
    "townships": "盲区乡镇最少",
    "tradeoff": "总覆盖与农村覆盖权衡",
}


def proposal_scenario(
    base: Scenario,
    proposal: Proposal,
    name: str,
    *,
    author: str | None = None,
    description: str | None = None,
    request: ProposalRequest | None = None,
) -> Scenario:
    """A new scenario ``name``: ``base``'s points and the proposal's, ``status`` proposed.

    Parameters
    ----------
    base
        The scenario the proposal was computed on (its points stay as they are).
    proposal
        The plan; its points keep their ids (``NEW-01`` ...) unless taken in ``base``.
    name
        Name of the new scenario.
    author
        Author (default ``base``'s).
    description
        Default: "自动优化新增 N 个联系点（目标：…）". The solve's status, proven gap and
        settings are not written into it: they are the scenario's ``solve_facts``
        (:func:`solve_facts`), which the brief, the exports and the UI render.
    request
        The request solved (its time limit and counts go into the facts); ``None``: the
        counts are those of the plan and the time limit is not known.

    Raises
    ------
    AnalysisError
        A bad name or a point the edits refuse.
    """
    scn = copy_scenario(base, name, author)
    taken = set(scn.layer("contact_points")["id"].astype(str))
    reasons: dict[str, str] = {}
    for p in proposal.proposed:
        extra = {"id": p.id} if p.id not in taken else {}
        scn = add_point(
            scn,
            "contact_points",
            lon=p.lon,
            lat=p.lat,
            type=p.type,
            name=p.name,
            county=p.county,
            **extra,
        )
        new_id = str(scn.layer("contact_points")["id"].iloc[-1])
        # The layer's 选址理由 is data, read by the Chinese brief and exports whatever the
        # language of the UI that adopted the plan.
        reasons[new_id] = p.reason_zh
    cp = scn.layer("contact_points")
    old = cp["reason"].fillna("").astype(str) if "reason" in cp.columns else ""
    cp = cp.assign(reason=cp["id"].astype(str).map(reasons).fillna(old))  # earlier reasons stay
    if description is None:
        goal = OBJECTIVE_ZH.get(proposal.objective_kind, proposal.objective_kind)
        description = f"自动优化新增 {len(proposal.proposed)} 个联系点（目标：{goal}）"
    facts = solve_facts(proposal, request, tuple(reasons))
    return dataclasses.replace(
        scn.with_layer("contact_points", cp), description=description, solve_facts=facts
    )


def solve_facts(
    proposal: Proposal, request: ProposalRequest | None = None, ids: tuple[str, ...] = ()
) -> SolveFacts:
    """The facts of ``proposal``'s solve, adopted now (``ids``: the points as adopted)."""
    counts = Counter(p.type for p in proposal.proposed)
    if request is not None:
        counts = Counter({k: int(v) for k, v in request.counts.items() if int(v) > 0})
    order = {t: i for i, t in enumerate(POINT_TYPES)}  # the types in their usual order
    counts = Counter(dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))))
    used = proposal.constrained.constraints if proposal.constrained is not None else None
    return SolveFacts(
        status=proposal.status,
        proven_gap=float(proposal.gap),
        objective=float(proposal.objective),
        objective_kind=proposal.objective_kind,
        method=proposal.method,
        solver_seconds=float(proposal.seconds),
        time_limit_s=None if request is None else float(request.time_limit_s),
        counts=dict(counts),
        compliant=bool(proposal.compliant),
        capacity_population=dict(used.population_by_type) if used is not None else {},
        capacity_sites=used.sites_per_point if used is not None else 0,
        township_min_share=used.township_min_share if used is not None else 0.0,
        proposed_ids=ids or tuple(p.id for p in proposal.proposed),
        adopted_at=utc_now_iso(),
    )


def solve_note_zh(status: str, gap: float) -> str:
    """A solve's status and proven relative gap in Chinese ("" for a status without a plan).

    Said of the plan as adopted (the brief's 求解说明, :mod:`analysis.export.solve_note`).

    "已证明最优" is the app's proven gap (:data:`PROVEN_REL_GAP`, 0.01 %); a solve stopped
    at its time limit or cancelled says the gap it proved; a preview says the gap its LP
    bound proves, when it has one.
    """
    shown = _percent(gap)
    if status == "optimal":
        within = _percent(max(PROVEN_REL_GAP, gap))
        return (
            f"采纳时的求解状态：已证明最优（已证明与最好的可能方案相差不超过{within}，"
            f"本方案的已证明差距为{shown}）"
        )
    stopped = {
        "time_limit": "达到求解时限后停止",
        "cancelled": "求解被取消，取目前最好的方案",
        "heuristic": "即时预览（启发式）",
    }
    if status not in stopped:
        return ""
    bound = f"；已证明与最好的可能方案相差不超过{shown}" if math.isfinite(gap) else ""
    return f"采纳时的求解状态：{stopped[status]}，未证明最优{bound}"


def _percent(gap: float) -> str:
    """A relative gap as a percentage: "0%", "<0.0001%", "0.0059%", "0.52%"."""
    if gap <= 0:
        return "0%"
    if gap < 1e-6:
        return "<0.0001%"
    return f"{gap * 100:.2g}%"
