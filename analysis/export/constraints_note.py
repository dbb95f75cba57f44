"""The brief's and the workbook's note on capacities and township minimums (only when used).

The capacities and the township minimum are planning assumptions of the optimiser
(``[capacity]`` and ``[township_minimum]`` of the standards, off by default). When the
standards of an export set one, the brief and the workbook say which, with the
assumption behind it, and the plan's figures under it: the people the network serves
when each point serves its nearest people first up to its capacity
(:func:`analysis.optimise.constrained.existing.existing_load`, the same rule the
optimiser applies to existing points), and the townships below the minimum.
"""

from __future__ import annotations

import numpy as np

from analysis.coverage.api import CoverageResult
from analysis.optimise.constrained.existing import existing_load
from analysis.optimise.constrained.settings import Constraints, constraints_of
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.rules.conflict_report import TYPE_ZH
from analysis.standards.load import Standards


def constraints_note(standards: Standards, after: object, before: object = None) -> str:
    """Chinese note on the capacities and township minimum in force ("" when both are off).

    ``after`` and ``before`` are :class:`~analysis.coverage.api.CoverageResult` (the note
    is empty for other coverage-like objects, which lack the demand rows).
    """
    c = constraints_of(standards, ProposalRequest())
    if not c.active or not isinstance(after, CoverageResult):
        return ""
    if not isinstance(before, CoverageResult):
        before = None
    parts: list[str] = []
    if c.capacitated:
        parts.append(_capacity_text(c, after, before))
    if c.township_min_share > 0:
        parts.append(_township_text(c, after))
    return "".join(parts)


def _capacity_text(c: Constraints, after: CoverageResult, before: CoverageResult | None) -> str:
    values = set(c.population_by_type.values())
    caps = "、".join(f"{TYPE_ZH.get(t, t)}{v:,.0f}人" for t, v in c.population_by_type.items())
    if len(values) == 1 and len(c.population_by_type) == len(TYPE_ZH):
        caps = f"{values.pop():,.0f}人"
    limits = []
    if caps:
        limits.append(f"每个联系点最多服务{caps}")
    if c.sites_per_point:
        limits.append(f"每点最多服务{c.sites_per_point}个村（社区，每村一个采集点）")
    served_after = float(existing_load(after, c).served.sum())
    figure = (
        f"按容量封顶的服务人口{served_after:,.0f}人（覆盖人口{after.kpis.population_covered:,}人）"
    )
    if before is not None:
        served_before = float(existing_load(before, c).served.sum())
        figure = (
            f"按容量封顶的服务人口{served_before:,.0f} → {served_after:,.0f}人（覆盖人口"
            f"{before.kpis.population_covered:,} → {after.kpis.population_covered:,}人）"
        )
    return (
        f"容量假设（规划假设，非讲话要求）：{'；'.join(limits)}；超出容量的人口计为未服务，"
        f"各联系点先服务离它最近的人口。{figure}。"
    )


def _township_text(c: Constraints, after: CoverageResult) -> str:
    load = existing_load(after, c)
    demand = after.demand
    served = (
        demand.assign(_served=load.served)
        .groupby(demand["township_code"].astype(str))["_served"]
        .sum()
    )
    towns = after.townships[after.townships["population"] > 0]
    share = served.reindex(towns["code"].astype(str)).fillna(0).to_numpy() / towns[
        "population"
    ].to_numpy(float)
    below = towns[np.asarray(share) < c.township_min_share - 1e-9]
    names = "、".join(f"{r.county}{r.name}" for r in below.head(10).itertuples(index=False))
    more = f"等{len(below)}个" if len(below) > 10 else ""
    verdict = f"未达到的乡镇{len(below)}个：{names}{more}" if len(below) else "各乡镇均已达到"
    basis = "服务" if c.capacitated else "覆盖"
    return (
        f"乡镇最低覆盖（规划假设）：每个有人口的乡镇至少{c.township_min_share:.0%}的人口得到{basis}；"
        f"{verdict}。"
    )
