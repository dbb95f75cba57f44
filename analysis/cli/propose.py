"""``python -m analysis propose``: optimised new contact points, for batch work.

Usage::

    python -m analysis propose [--demo | --townships F --villages F --points F [--sites F]
                                [--homes F] [--population-raster F.tif [--raster-demand]]]
                               [--standards F]
                               [--rural N --enterprise N --association N]
                               [--objective balanced|population|rural|townships]
                               [--rural-weight W] [--no-site-rules] [--candidates F]
                               [--must-cover CODE ...] [--exclude-townships CODE ...]
                               [--time-limit S] [--relaxed | --exempt-urban-districts]
                               [--preview] [--tradeoff]
                               [--capacity-population N] [--capacity TYPE=N ...]
                               [--capacity-sites K] [--township-min-share S]
                               [--save-as NAME [--workspace PATH] [--author NAME]] --out DIR

Defaults are the speech's targets (+8 rural, +5 enterprise, +3 industry association) and
the balanced objective (coverage + rural coverage + townships reached); new points obey
the site rules of the standards (a rural point only at a rural village or seat of a
镇/乡 ...) unless ``--no-site-rules``. Writes ``proposed_points.csv`` (UTF-8 with BOM) and
``.geojson``, ``kpis.json`` (the report command's keys, for the city with the new
points), ``kpis_before.json``, ``conflicts.json`` (rule check, smallest compliant changes,
and the plan's compliance) and ``curve.csv`` (coverage against the number of new points);
with ``--tradeoff`` also ``tradeoff.csv`` (one optimal plan per weighting between total
and rural coverage, none dominated). ``--save-as NAME`` stores the plan as a scenario in
the workspace (``--workspace``: a file or a ``postgresql://`` URL; default
``$COVERAGE_PLANNER_STORE``, ``$COVERAGE_PLANNER_WORKSPACE`` or ``workspace/workspace.gpkg``;
uploaded files are stored with it), for ``python -m analysis export --scenario NAME``.
``--population-raster F.tif [--raster-demand]`` as for ``report`` (the cells, the demand of
the townships without villages, are stored with the files).

Capacities and township minimums (off by default; docs/method.md for the assumptions):
``--capacity-population N`` lets a point of any type serve at most N people (``--capacity
rural=30000`` per type), ``--capacity-sites K`` at most K villages through its collection
sites (the speech's 3-5: 5); people beyond a capacity count as unserved and the plan
maximises the people served (existing points keep serving their nearest people first).
``--township-min-share S`` asks every township with people to reach at least the share S
(e.g. 0.3) covered, served with capacities; townships no plan can bring there are printed
as conflicts with their shortfall (exit status 2 unless ``--relaxed``). The served
figures and the townships are written to ``conflicts.json`` (``plan.constrained``) and
the ``served_population`` column of the points.

When the request cannot meet every county minimum, the conflicts and the exact flags that
would fix them are printed on stderr, the best plan that meets as many minimums as
possible is still written, marked non-compliant (``"plan": {"compliant": false}`` in
``conflicts.json``, column ``compliant`` in the CSV), and the exit status is 2 unless
``--relaxed`` accepted a non-compliant plan. Exit status: 0 success, 2 bad input or
conflicting request without ``--relaxed`` (messages on stderr, no traceback), 1 output
could not be written, 3 solve cancelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.cli.inputs import (
    add_population_raster_arguments,
    add_problem_arguments,
    given_options,
    load_city_from_args,
    population_raster_problems,
    print_problems,
)
from analysis.cli.reach import add_reach_arguments, reach_overrides, reach_problems, with_roads
from analysis.cli.save import check_name_free, save_proposal
from analysis.errors import AnalysisError
from analysis.optimise.model.objective import DEFAULT_OBJECTIVE, OBJECTIVES
from analysis.optimise.model.request import SPEECH_COUNTS, ProposalRequest
from analysis.optimise.progress import SolveCancelled
from analysis.optimise.propose import Proposal, RuleConflictError, propose
from analysis.optimise.tradeoff import Tradeoff, propose_tradeoff
from analysis.standards.load import load_standards
from geodata.errors import GeodataError, Problem
from geodata.schema import POINT_TYPES
from geodata.spreadsheet_safety import neutralise_frame

EXIT_OK, EXIT_OUTPUT, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 3


def add_parser(subparsers: Any) -> None:
    """Register the ``propose`` sub-command on an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "propose",
        help="optimised new contact points (+ KPIs before/after, rule conflicts, curve)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--demo", action="store_true", help="use the built-in fictional demo city")
    p.add_argument("--townships", type=Path, help="township polygons (with population)")
    p.add_argument("--villages", type=Path, help="village/community points (demand, candidates)")
    p.add_argument("--points", type=Path, help="existing contact points (基层立法联系点)")
    p.add_argument("--sites", type=Path, help="collection sites (立法信息采集点)")
    p.add_argument("--homes", type=Path, help="representative homes (代表之家)")
    add_population_raster_arguments(p)
    p.add_argument("--standards", type=Path, help="planning standards TOML (overrides defaults)")
    for t, n in SPEECH_COUNTS.items():
        p.add_argument(f"--{t}", type=int, default=n, help=f"new {t} points (default {n})")
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default=DEFAULT_OBJECTIVE,
        help="what to maximise: balanced (coverage + rural coverage + townships reached, "
        "default), population, rural (rural people) or townships (fewest blind spots)",
    )
    p.add_argument(
        "--rural-weight",
        type=float,
        default=1.0,
        help="with --objective population: weight of rural population",
    )
    p.add_argument(
        "--no-site-rules",
        action="store_true",
        help="switch the site rules by point type off (for comparison)",
    )
    p.add_argument("--candidates", type=Path, help="candidate sites file (default: villages)")
    p.add_argument("--must-cover", nargs="*", default=[], help="township codes to cover")
    p.add_argument("--exclude-townships", nargs="*", default=[], help="township codes to avoid")
    p.add_argument("--time-limit", type=float, default=30.0, help="HiGHS time limit, seconds")
    p.add_argument("--preview", action="store_true", help="greedy + swap + LP dive only (~0.3 s)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--relaxed",
        action="store_true",
        help="accept a plan that meets as many county minimums as possible",
    )
    mode.add_argument(
        "--exempt-urban-districts",
        action="store_true",
        help="exempt urban districts without rural villages from the rural minimum",
    )
    add_reach_arguments(p)
    add_problem_arguments(p)
    p.add_argument(
        "--tradeoff",
        action="store_true",
        help="also write tradeoff.csv: optimal plans from total to rural coverage",
    )
    p.add_argument("--capacity-population", type=float, help="people a point can serve (all types)")
    p.add_argument(
        "--capacity", nargs="*", default=[], metavar="TYPE=N", help="people per point, by type"
    )
    p.add_argument("--capacity-sites", type=int, help="villages a point can serve (e.g. 5)")
    p.add_argument("--township-min-share", type=float, help="minimum share per township (0-1)")
    p.add_argument("--save-as", help="store the plan as a scenario of this name")
    p.add_argument(
        "--workspace",
        help="workspace: a GeoPackage path or a postgresql:// URL (with --save-as)",
    )
    p.add_argument("--author", default="", help="author (编制人) of the saved scenario")
    p.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")


def run(args: argparse.Namespace) -> int:
    """Run the optimiser; return the exit status."""
    conflicted = False
    try:
        problems = _argument_problems(args) + reach_problems(args)
        if problems:
            raise AnalysisError(problems)
        if args.save_as is not None:
            check_name_free(args)
        standards = load_standards(args.standards, **reach_overrides(args))
        city = with_roads(load_city_from_args(args), args)
        request = _request(args, relaxed=args.relaxed)
        try:
            proposal = propose(city, standards, request, progress=_progress)
        except RuleConflictError as exc:
            _print_conflicts(exc)
            conflicted = True
            request = _request(args, relaxed=True)
            proposal = propose(city, standards, request, progress=_progress)
        trade = propose_tradeoff(city, standards, request) if args.tradeoff else None
    except (GeodataError, AnalysisError) as exc:
        print_problems(exc.problems, args)
        return EXIT_BAD_INPUT
    except SolveCancelled:
        print("Cancelled before a plan was found.", file=sys.stderr)
        return EXIT_CANCELLED
    try:
        write_proposal(proposal, args.out, trade)
    except OSError as exc:
        print(f"ERROR: cannot write to {args.out}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    _print_summary(proposal, args.out)
    if trade is not None:
        _print_tradeoff(trade)
    if args.save_as is not None:
        try:
            saved = save_proposal(args, city, proposal, request)
        except (GeodataError, AnalysisError) as exc:
            print_problems(exc.problems, args)
            return EXIT_BAD_INPUT
        print(f"已保存为方案「{saved.name}」 / saved as scenario {saved.name!r}", file=sys.stderr)
    return EXIT_BAD_INPUT if conflicted else EXIT_OK


def write_proposal(proposal: Proposal, out: Path, trade: Tradeoff | None = None) -> list[Path]:
    """Write the output files into ``out`` (created if missing); return their paths.

    Six files, and ``tradeoff.csv`` (UTF-8 with BOM) when ``trade`` is given.
    """
    out.mkdir(parents=True, exist_ok=True)
    points = proposal.points.copy()
    points["lon"] = points.geometry.x.round(7)
    points["lat"] = points.geometry.y.round(7)
    points["compliant"] = proposal.compliant
    paths = [out / n for n in ("proposed_points.csv", "proposed_points.geojson")]
    # names come from the data: a cell starting with "=" must not run in Excel
    neutralise_frame(pd.DataFrame(points.drop(columns="geometry"))).to_csv(
        paths[0], index=False, encoding="utf-8-sig"
    )
    paths[1].write_text(points.to_json(ensure_ascii=False), encoding="utf-8")
    files = {
        "kpis.json": proposal.kpis_after.to_dict(),
        "kpis_before.json": proposal.kpis_before.to_dict(),
        "conflicts.json": {**proposal.conflicts.to_dict(), "plan": plan_summary(proposal)},
    }
    for name, payload in files.items():
        path = out / name
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    curve = pd.DataFrame([asdict(c) for c in proposal.curve])
    paths.append(out / "curve.csv")
    neutralise_frame(curve).to_csv(paths[-1], index=False, encoding="utf-8-sig")
    if trade is not None:
        paths.append(out / "tradeoff.csv")
        neutralise_frame(trade.to_frame()).to_csv(paths[-1], index=False, encoding="utf-8-sig")
    return paths


def plan_summary(proposal: Proposal) -> dict[str, Any]:
    """Compliance and solver figures of a plan (the ``plan`` entry of conflicts.json)."""
    gap = proposal.gap if proposal.gap != float("inf") else None
    bound = proposal.bound if proposal.bound != float("inf") else None
    return {
        "compliant": proposal.compliant,
        "unmet": [u.to_dict() for u in proposal.unmet],
        "objective_kind": proposal.objective_kind,
        "site_rules": proposal.site_rules,
        "method": proposal.method,
        "status": proposal.status,
        "objective": proposal.objective,
        "bound": bound,
        "gap": gap,
        "seconds": round(proposal.seconds, 3),
        "constrained": proposal.constrained.to_dict() if proposal.constrained else None,
    }


def _request(args: argparse.Namespace, *, relaxed: bool) -> ProposalRequest:
    candidates: Any = "villages"
    if args.candidates is not None:
        from geodata.io.readers import read_layer

        candidates = read_layer(  # id + name + point
            args.candidates, "collection_sites", outside_china=args.outside_china
        ).gdf
    return ProposalRequest(
        counts={t: int(getattr(args, t)) for t in SPEECH_COUNTS},
        objective=args.objective,
        rural_weight=args.rural_weight,
        site_rules=False if args.no_site_rules else None,
        candidates=candidates,
        excluded_townships=tuple(args.exclude_townships),
        must_cover_townships=tuple(args.must_cover),
        relaxed=relaxed,
        exempt_urban_districts=True if args.exempt_urban_districts else None,
        method="preview" if args.preview else "milp",
        time_limit_s=args.time_limit,
        capacity_population=_capacities(args),
        capacity_sites=args.capacity_sites,
        township_min_share=args.township_min_share,
    )


def _capacities(args: argparse.Namespace) -> dict[str, float] | None:
    """``--capacity-population`` for every type, then ``--capacity TYPE=N`` (bad values are
    reported by :func:`analysis.optimise.constrained.settings.constraints_of`)."""
    out: dict[str, Any] = {}
    if args.capacity_population is not None:
        out.update(dict.fromkeys(POINT_TYPES, args.capacity_population))
    for item in args.capacity:
        name, _, value = str(item).partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            out[name.strip()] = value  # refused with the type and value named
    return out or None


def _argument_problems(args: argparse.Namespace) -> list[Problem]:
    files = ("townships", "villages", "points", "sites", "homes", "population_raster")
    given = given_options(args, files)
    out: list[Problem] = population_raster_problems(args)
    if args.demo and given:
        names = ", ".join(f"--{n}" for n in given)
        out.append(Problem("demo_with_files", f"--demo cannot be combined with {names}."))
    elif not args.demo:
        missing = [
            f"--{n}" for n in ("townships", "villages", "points") if getattr(args, n) is None
        ]
        if missing:
            out.append(
                Problem(
                    "missing_input",
                    f"Give --demo, or input files: {' and '.join(missing)} missing "
                    "(--sites and --homes are optional).",
                )
            )
    if args.workspace is not None and args.save_as is None:
        out.append(Problem("workspace_without_save_as", "--workspace needs --save-as NAME."))
    negative = [f"--{t}" for t in SPEECH_COUNTS if getattr(args, t) < 0]
    if negative or args.rural_weight < 0 or args.time_limit <= 0:
        out.append(
            Problem(
                "bad_argument",
                "Counts and --rural-weight must not be negative, --time-limit must be positive.",
            )
        )
    return out


def _progress(fraction: float, message: str) -> None:
    if not sys.stderr.isatty():
        return
    print(f"\r[{fraction:4.0%}] {message:<40}", end="", file=sys.stderr, flush=True)
    if fraction >= 1.0:
        print(file=sys.stderr)


def _print_conflicts(exc: RuleConflictError) -> None:
    report = exc.report
    print("规划规则冲突 / The request conflicts with the county rules:", file=sys.stderr)
    for c in report.shortfalls:
        print(f"  - {c.message_zh}  ({c.message})", file=sys.stderr)
    for c in report.conflicts:
        print(f"  ! {c.message_zh}  ({c.message})", file=sys.stderr)
    for p in exc.problems:
        if p.code == "rules_infeasible":
            print(f"  ! {p.message}", file=sys.stderr)
    if report.options:
        print("最小调整方案 / Smallest compliant changes:", file=sys.stderr)
        for o in report.options:
            print(f"  * {o.description_zh}: {o.cli_flags}  ({o.description})", file=sys.stderr)
    print(
        "下面写出的是尽量满足下限的方案，不合规 / The plan written below meets as many "
        "minimums as possible and is NOT compliant (exit status 2; --relaxed accepts it).",
        file=sys.stderr,
    )


def _print_summary(proposal: Proposal, out: Path) -> None:
    kb, ka = proposal.kpis_before, proposal.kpis_after
    gap = "—" if proposal.gap == float("inf") else f"{proposal.gap:.3%}"
    flag = "合规" if proposal.compliant else "不合规 NON-COMPLIANT"
    print(
        f"新增联系点 {len(proposal.proposed)} 个（{flag}，目标 {proposal.objective_kind}）；"
        f"覆盖 {kb.population_covered:,} → {ka.population_covered:,} "
        f"({kb.coverage_share:.1%} → {ka.coverage_share:.1%})；农村覆盖 "
        f"{kb.rural_coverage_share:.1%} → {ka.rural_coverage_share:.1%}，城镇覆盖 "
        f"{kb.urban_coverage_share:.1%} → {ka.urban_coverage_share:.1%}，盲区乡镇 "
        f"{kb.townships_uncovered} → {ka.townships_uncovered}；"
        f"求解 {proposal.method} {proposal.status}，差距 {gap}，{proposal.seconds:.2f} s → {out}"
    )
    if proposal.constrained is not None:
        c = proposal.constrained
        print(
            f"服务人口（按容量封顶）{c.served_before:,} → {c.served_after:,}；低于乡镇下限的乡镇 "
            f"{len(c.townships)} 个，方案后仍未达标 {len(c.townships_unmet)} 个"
        )
    for u in proposal.unmet:
        print(f"  ! {u.message_zh}  ({u.message})", file=sys.stderr)


def _print_tradeoff(trade: Tradeoff) -> None:
    print(
        f"权衡曲线 {len(trade.plans)} 个方案（{trade.solves} 次求解，{trade.seconds:.2f} s）"
        " / trade-off: total vs rural coverage",
        file=sys.stderr,
    )
    for i, p in enumerate(trade.plans, start=1):
        print(
            f"  {i}. 农村权重 {p.rural_share_weight:.2f}: 覆盖 {p.coverage_share:.1%}，"
            f"农村覆盖 {p.rural_coverage_share:.1%}，盲区乡镇 {p.townships_uncovered}",
            file=sys.stderr,
        )
