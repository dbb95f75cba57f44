"""Plans: scenarios (the point layers with a status) and edits with undo and redo."""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "EditHistory": "analysis.plan.edits",
    "Scenario": "analysis.plan.scenarios",
    "apply_scenario": "analysis.plan.scenarios",
    "baseline_scenario": "analysis.plan.scenarios",
    "compare_scenarios": "analysis.plan.scenarios",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
