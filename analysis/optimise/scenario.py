"""A proposal as a scenario: the base scenario's points plus the proposed ones.

Used by the dashboard's "adopt" button and by ``python -m analysis propose --save-as``, so
a plan saved either way has the same points, ids, names and reasons.
"""

from __future__ import annotations

import dataclasses

from analysis.optimise.proposal import Proposal
from analysis.plan.edits import add_point
from analysis.plan.scenarios import Scenario, copy_scenario

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
    lang: str = "zh",
    description: str | None = None,
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
    lang
        ``"zh"`` or ``"en"``: language of the ``reason`` column.
    description
        Default: "自动优化新增 N 个联系点（目标：…）".

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
        reasons[new_id] = p.reason_zh if lang == "zh" else p.reason
    cp = scn.layer("contact_points")
    old = cp["reason"].fillna("").astype(str) if "reason" in cp.columns else ""
    cp = cp.assign(reason=cp["id"].astype(str).map(reasons).fillna(old))  # earlier reasons stay
    if description is None:
        goal = OBJECTIVE_ZH.get(proposal.objective_kind, proposal.objective_kind)
        description = f"自动优化新增 {len(proposal.proposed)} 个联系点（目标：{goal}）"
    return dataclasses.replace(scn.with_layer("contact_points", cp), description=description)
