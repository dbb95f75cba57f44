"""Why each proposed point stands where it does: the runner-up site it beat, and by how much.

For a point of the plan, every other column of the same type (and, for a point placed to
meet a county minimum, of the same county) is tried in its place with the rest of the plan
fixed; the best of them is the runner-up. The margin is what the plan would lose with the
runner-up instead: in the objective's own units and in people covered. A margin of 0 means
a tie (another site would have done as well).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.optimise.model.problem import CoverageProblem, FloatArray, IntArray


@dataclass(frozen=True)
class RunnerUp:
    """The best alternative to one point of a plan.

    Parameters
    ----------
    column
        Problem column of the runner-up (-1 when there was no alternative).
    objective_margin
        Objective of the plan minus the objective with the runner-up instead (>= 0 for an
        optimal plan).
    population_margin
        People covered by the plan minus people covered with the runner-up instead.
    """

    column: int
    objective_margin: float
    population_margin: float


def runner_ups(
    problem: CoverageProblem, columns: IntArray, same_county: list[bool] | None = None
) -> list[RunnerUp]:
    """The runner-up of each column of the plan ``columns`` (in that order).

    Parameters
    ----------
    problem
        The model the plan was chosen in.
    columns
        The plan.
    same_county
        Per plan column: restrict its rivals to its own county (a point placed for the
        county's minimum can only be replaced there).
    """
    cols = np.asarray(columns, np.int64)
    cover = problem.cover.tocsc().astype(np.float64)
    count = np.asarray(cover[:, cols].sum(axis=1)).ravel() if cols.size else np.zeros(0)
    used_sites = set(problem.column_site[cols].tolist())
    free = np.array([s not in used_sites for s in problem.column_site.tolist()], bool)
    out: list[RunnerUp] = []
    for i, c in enumerate(cols.tolist()):
        own = np.asarray(cover[:, c].todense()).ravel()
        alone_rows = (count - own) == 0  # rows no other point of the plan covers
        lose_w, lose_p = _value(problem, own * alone_rows)
        gain_w = cover.T @ (problem.weights * alone_rows)
        gain_p = cover.T @ (problem.population * alone_rows)
        rivals = free & (problem.column_type == problem.column_type[c])
        if same_county is not None and same_county[i]:
            rivals &= problem.column_county == problem.column_county[c]
        if not rivals.any():
            out.append(RunnerUp(-1, float("nan"), float("nan")))
            continue
        score = np.where(rivals, np.asarray(gain_w).ravel(), -np.inf)
        best = int(np.argmax(score))
        out.append(
            RunnerUp(best, lose_w - float(score[best]), lose_p - float(np.asarray(gain_p)[best]))
        )
    return out


def _value(problem: CoverageProblem, rows: FloatArray) -> tuple[float, float]:
    mask = rows > 0
    return float(problem.weights[mask].sum()), float(problem.population[mask].sum())
