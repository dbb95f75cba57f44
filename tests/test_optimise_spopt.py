"""On unconstrained instances the MILP's optimum equals PySAL spopt's MCLP optimum.

spopt is a test-only dependency (spopt==0.7.0 on Python 3.11; it solves with PuLP's CBC).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.model.problem import build_problem
from analysis.optimise.model.reduce import reduce_rows

spopt_locate = pytest.importorskip(
    "spopt.locate", reason="spopt (test-only, pip install spopt==0.7.0) is not installed"
)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3.x notices
pulp = pytest.importorskip("pulp", reason="PuLP (installed with spopt) is not available")


def _cbc_available() -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 3.x notice about CBC
        return bool(pulp.PULP_CBC_CMD(msg=False).available())


@pytest.mark.skipif(not _cbc_available(), reason="PuLP's bundled CBC solver cannot run here")
@pytest.mark.parametrize(
    ("seed", "k", "radius_m"), [(0, 3, 6_000.0), (1, 5, 4_000.0), (2, 8, 3_000.0)]
)
def test_milp_objective_equals_spopt_mclp(seed: int, k: int, radius_m: float) -> None:
    rng = np.random.default_rng(seed)
    n_demand, n_sites = 150, 40
    # clustered demand: three towns plus scattered villages
    centres = rng.uniform(5_000, 25_000, (3, 2))
    town = centres[rng.integers(0, 3, 90)] + rng.normal(0, 1_500, (90, 2))
    xy = np.vstack([town, rng.uniform(0, 30_000, (n_demand - 90, 2))])
    pop = np.round(rng.lognormal(6, 1, n_demand))
    sites_xy = xy[rng.choice(n_demand, n_sites, replace=False)]
    problem = build_problem(
        demand_xy_m=xy,
        weights=pop,
        population=pop,
        site_xy_m=sites_xy,
        site_county=np.zeros(n_sites, np.int64),
        county_names=("A",),
        counts={"rural": k},
        radius_m_by_type={"rural": radius_m},
    )
    ours = solve_milp(reduce_rows(problem)[0], time_limit_s=30)
    assert ours.status == "optimal"

    cost = np.hypot(*(xy[:, None, :] - sites_xy[None, :, :]).transpose(2, 0, 1))
    mclp = spopt_locate.MCLP.from_cost_matrix(cost, pop, radius_m, p_facilities=k)
    mclp.solve(pulp.PULP_CBC_CMD(msg=False))
    chosen = [j for j, var in enumerate(mclp.fac_vars) if var.value() > 0.5]
    spopt_value = float(pop[(cost[:, chosen] <= radius_m).any(axis=1)].sum())

    assert ours.objective == pytest.approx(spopt_value)
    assert problem.objective(ours.columns) == pytest.approx(spopt_value)
