"""``propose --save-as NAME``: store a proposal as a scenario of the workspace.

The scenario is the base data's points plus the proposed ones
(:func:`analysis.optimise.scenario.proposal_scenario`, as the dashboard's "adopt"). Its
base dataset is the demo city (``"demo"``) or the input files, stored in the workspace
under an id made from their contents (``cli-<hash>``) so that
``python -m analysis export --scenario NAME`` finds them after the command has ended.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.proposal import Proposal
from analysis.optimise.scenario import proposal_scenario
from analysis.plan.scenarios import (
    DEMO_DATASET_ID,
    Scenario,
    baseline_scenario,
    validate_scenario_name,
)
from analysis.workspace.api import open_store
from geodata.city import CityData
from geodata.errors import Problem

#: Input options whose files make up a dataset.
_FILES = (
    "townships",
    "villages",
    "points",
    "sites",
    "homes",
    "population",
    "population_raster",
    "roads",
)


def dataset_id_of_files(paths: list[Path], marks: Sequence[str] = ()) -> str:
    """``cli-<hash>``: the same files (by content, in the same roles) give the same id.

    ``marks``: options that change what is made of the files (``raster-demand``: the
    raster's cells are kept as demand), so that they give another dataset.
    """
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for mark in marks:
        h.update(f"--{mark}".encode())
    return "cli-" + h.hexdigest()[:16]


def dataset_id_of_args(args: argparse.Namespace) -> str:
    """The id of the input files a command was given (roads and ``--raster-demand`` count).

    Raises
    ------
    AnalysisError
        Code ``input_unreadable`` when a file cannot be read again.
    """
    given = [getattr(args, f, None) for f in _FILES]
    marks = ["raster-demand"] if getattr(args, "raster_demand", False) else []
    try:
        return dataset_id_of_files([Path(p) for p in given if p is not None], marks)
    except OSError as exc:
        raise AnalysisError(
            [Problem("input_unreadable", f"Cannot read the input files again: {exc}")]
        ) from None


def check_name_free(args: argparse.Namespace) -> None:
    """Refuse (before any solve) a ``--save-as`` name already taken in the workspace.

    Raises
    ------
    AnalysisError
        Code ``scenario_exists``, or a bad name.
    """
    store = open_store(args.workspace)
    name = validate_scenario_name(str(args.save_as))
    if store.exists(name):
        raise AnalysisError(
            [
                Problem(
                    "scenario_exists",
                    f"A scenario called {name!r} already exists in {store.location}; choose "
                    "another --save-as name (nothing was overwritten).",
                    value=name,
                )
            ]
        )


def save_proposal(
    args: argparse.Namespace,
    city: CityData,
    proposal: Proposal,
    request: ProposalRequest | None = None,
) -> Scenario:
    """Save ``proposal`` as scenario ``args.save_as`` in ``args.workspace``; return it.

    Raises
    ------
    AnalysisError
        A bad or taken name (``scenario_exists``: nothing is overwritten) or a workspace
        that cannot be written.
    """
    check_name_free(args)
    store = open_store(args.workspace)
    name = validate_scenario_name(str(args.save_as))
    if args.demo:
        dataset_id = DEMO_DATASET_ID
    else:
        dataset_id = dataset_id_of_args(args)
        if not store.has_dataset(dataset_id):
            store.save_dataset(dataset_id, city)
    base = baseline_scenario(city, dataset_id, author=args.author)
    scenario = proposal_scenario(base, proposal, name, author=args.author, request=request)
    return store.save(scenario, expected_updated_at="")
