"""What the optimiser's solve said about an adopted plan, kept as fields of its scenario.

A scenario adopted from an optimiser's plan (the dashboard's 采用为新方案, ``propose
--save-as``) carries :class:`SolveFacts`: the solve's status and proven gap, objective,
solver time and time limit, the counts asked for, the capacities and township minimum in
force, and when it was adopted. The brief, the CSV/XLSX overview, the GeoPackage and the UI
render them in their own language; nothing is written into the free-text description.

A plan edited by hand after adoption is no longer the plan the solve proved: every edit
of :mod:`analysis.plan.edits` appends what it did to :attr:`SolveFacts.edits` (the facts
are kept, not cleared, so the brief can still say where the plan came from, and say that
the proof is about the plan as adopted). An undo gives back the scenario of before the
edit, facts included. Stored as JSON in the ``solve_facts`` column of both workspace
stores (:func:`facts_to_json`, :func:`facts_from_json`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from geodata.schema import POINT_TYPES

_V = TypeVar("_V", int, float)
#: The edits a plan can get after adoption (the functions of :mod:`analysis.plan.edits`).
EDIT_KINDS: tuple[str, ...] = ("add", "move", "remove", "restore", "update")
#: Solve statuses that come with a plan.
SOLVE_STATUSES: tuple[str, ...] = ("optimal", "time_limit", "cancelled", "heuristic")


@dataclass(frozen=True)
class EditNote:
    """One hand edit after adoption: ``kind`` (:data:`EDIT_KINDS`), layer and point id."""

    kind: str
    layer: str
    point_id: str


@dataclass(frozen=True)
class SolveFacts:
    """The solve behind an adopted plan.

    Parameters
    ----------
    status
        ``"optimal"`` (proven within the app's gap), ``"time_limit"``, ``"cancelled"`` or
        ``"heuristic"`` (the instant preview).
    proven_gap
        Relative gap the solve proved (``inf`` when it proved none).
    objective
        The solve's objective value (weighted, of ``objective_kind``).
    objective_kind
        What was maximised (``"balanced"``, ``"population"`` ...).
    method
        The solver's method name (``"highs"``, ``"greedy+swap"`` ...).
    solver_seconds
        How long the solve took.
    time_limit_s
        The time limit it was given (``None``: not known, e.g. a plan of an older caller).
    counts
        New points asked for, by type.
    compliant
        The plan meets every county minimum and must-cover township.
    capacity_population
        People a point of each type could serve (empty: no capacity).
    capacity_sites
        Villages a point could serve through its collection sites (0: unlimited).
    township_min_share
        Share of each township's people the plan had to cover or serve (0: off).
    proposed_ids
        Ids of the points the plan added, as adopted.
    adopted_at
        ISO 8601 UTC time of the adoption.
    edits
        Hand edits after adoption, in order (empty: the plan is the one solved).
    """

    status: str
    proven_gap: float
    objective: float
    objective_kind: str
    method: str
    solver_seconds: float
    time_limit_s: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    compliant: bool = True
    capacity_population: dict[str, float] = field(default_factory=dict)
    capacity_sites: int = 0
    township_min_share: float = 0.0
    proposed_ids: tuple[str, ...] = ()
    adopted_at: str = ""
    edits: tuple[EditNote, ...] = ()

    @property
    def edited(self) -> bool:
        """The plan was edited by hand after adoption (the solve's status is not its own)."""
        return bool(self.edits)

    @property
    def proven_optimal(self) -> bool:
        """The solve proved the plan as adopted optimal (within the app's gap)."""
        return self.status == "optimal"

    @property
    def capacitated(self) -> bool:
        """A capacity (people or collection sites) was in force."""
        return bool(self.capacity_population) or self.capacity_sites > 0

    @property
    def constrained(self) -> bool:
        """A capacity or a township minimum was in force."""
        return self.capacitated or self.township_min_share > 0

    def edit_counts(self) -> dict[tuple[str, str], int]:
        """``(layer, kind) -> number`` of the edits after adoption, in first-seen order."""
        return dict(Counter((e.layer, e.kind) for e in self.edits))


def with_edit(facts: SolveFacts | None, kind: str, layer: str, point_id: str) -> SolveFacts | None:
    """``facts`` with one more hand edit noted (``None`` stays ``None``: no solve behind)."""
    if facts is None:
        return None
    note = EditNote(str(kind), str(layer), str(point_id))
    return dataclasses.replace(facts, edits=(*facts.edits, note))


def facts_to_json(facts: SolveFacts | None) -> str:
    """``facts`` as JSON text (``""`` for ``None``); an infinite gap is written as ``null``."""
    if facts is None:
        return ""
    data = dataclasses.asdict(facts)
    data["proven_gap"] = facts.proven_gap if math.isfinite(facts.proven_gap) else None
    data["edits"] = [[e.kind, e.layer, e.point_id] for e in facts.edits]
    return json.dumps(data, ensure_ascii=False)


def facts_from_json(text: str | None) -> SolveFacts | None:
    """The facts of :func:`facts_to_json`'s text (``None`` for ``""``/``NULL``).

    Unknown keys (of a newer version) are ignored and missing ones take their defaults,
    so a workspace can be read by the version before or after.
    """
    if not text:
        return None
    data: dict[str, Any] = json.loads(text)
    known = {f.name for f in dataclasses.fields(SolveFacts)}
    data = {k: v for k, v in data.items() if k in known}
    gap = data.get("proven_gap")
    limit = data.get("time_limit_s")
    return SolveFacts(
        status=str(data.get("status", "")),
        proven_gap=math.inf if gap is None else float(gap),
        objective=float(data.get("objective", math.nan)),
        objective_kind=str(data.get("objective_kind", "")),
        method=str(data.get("method", "")),
        solver_seconds=float(data.get("solver_seconds", math.nan)),
        time_limit_s=None if limit is None else float(limit),
        counts=_by_type({str(k): int(v) for k, v in (data.get("counts") or {}).items()}),
        compliant=bool(data.get("compliant", True)),
        capacity_population=_by_type(
            {str(k): float(v) for k, v in (data.get("capacity_population") or {}).items()}
        ),
        capacity_sites=int(data.get("capacity_sites", 0) or 0),
        township_min_share=float(data.get("township_min_share", 0.0) or 0.0),
        proposed_ids=tuple(str(i) for i in data.get("proposed_ids") or ()),
        adopted_at=str(data.get("adopted_at", "")),
        edits=tuple(EditNote(str(k), str(la), str(p)) for k, la, p in data.get("edits") or ()),
    )


def _by_type(values: dict[str, _V]) -> dict[str, _V]:
    """``values`` in the usual order of the point types (others after them, as they came)."""
    order = {t: i for i, t in enumerate(POINT_TYPES)}
    return dict(sorted(values.items(), key=lambda kv: order.get(kv[0], len(order))))
