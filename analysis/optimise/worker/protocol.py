"""What crosses the process boundary between the solver pool and its workers.

Everything here is small and picklable: the task (request, city, standards), progress
messages, and the outcome. Domain errors do not survive a plain pickle round trip (their
constructors take problems, their ``args`` hold the message), so they travel as
:class:`PackedError` and are rebuilt on the server's side.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass, fields
from typing import Any, Literal

from analysis.errors import AnalysisError
from analysis.optimise.model.request import ProposalRequest
from analysis.standards.load import Standards
from geodata.city import CityData
from geodata.errors import Problem, ProblemsError

#: What a worker can solve: :func:`analysis.optimise.propose.propose` or
#: :func:`analysis.optimise.tradeoff.propose_tradeoff`.
SolveKind = Literal["propose", "tradeoff"]
KINDS: tuple[str, ...] = ("propose", "tradeoff")
#: Test-only faults a worker acts out (the pool sends one only if made with
#: ``test_hooks=True``; the product never does):
#: ``raise`` (an exception that is a bug), ``exit`` (``os._exit``), ``segfault`` (a
#: null pointer read), ``hold:<prefix>`` (stop at the first progress message starting
#: with ``<prefix>`` until the job is cancelled).
HOOKS: tuple[str, ...] = ("raise", "exit", "segfault", "hold:")
OutcomeStatus = Literal["ok", "cancelled", "error"]


@dataclass(frozen=True)
class Task:
    """One solve sent to a worker.

    Parameters
    ----------
    job_id
        The pool's number of the job (> 0; a cancel names it).
    kind
        :data:`SolveKind`.
    city, standards, request
        The inputs of the solve. ``city`` is ``None`` when the worker has it already
        (under ``city_key``): a city pickles to ~0.8 MB, and on a loaded machine moving
        that through a pipe takes tens of milliseconds to a second.
    hook
        A test-only fault (:data:`HOOKS`), ``None`` in normal use.
    city_key
        Content key of ``city`` (:func:`city_key`); ``""``: not kept by the worker.
    """

    job_id: int
    kind: SolveKind
    city: CityData | None
    standards: Standards
    request: ProposalRequest
    hook: str | None = None
    city_key: str = ""


def city_key(city: CityData, base: str) -> str:
    """A content key of ``city`` for the workers' cache of cities.

    Parameters
    ----------
    city
        The city of a solve.
    base
        A content key of the layers that do not change between the solves of one data
        set (townships, villages, roads), e.g. the dashboard's data set id. The point
        layers (contact points, collection sites, homes: what a scenario changes) are
        hashed here, every column.
    """
    digest = hashlib.blake2b(base.encode("utf-8"), digest_size=16)
    for frame in (city.contact_points, city.collection_sites, city.homes):
        digest.update(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


def _layers(city: CityData | None) -> dict[int, tuple[str, str]]:
    """``id()`` of the city and of each of its layers -> a reference to it by name."""
    if city is None:
        return {}
    refs = {id(city): ("city", "")}
    for f in fields(city):
        value = getattr(city, f.name)
        if hasattr(value, "columns"):  # a (Geo)DataFrame layer
            refs.setdefault(id(value), ("layer", f.name))
    return refs


class _Pickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, refs: dict[int, tuple[str, str]]) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.refs = refs

    def persistent_id(self, obj: Any) -> tuple[str, str] | None:
        return self.refs.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, buffer: io.BytesIO, city: CityData | None) -> None:
        super().__init__(buffer)
        self.city = city

    def persistent_load(self, pid: Any) -> Any:
        kind, name = pid
        if self.city is None:
            raise pickle.UnpicklingError(f"a reference to the city's {name or kind} without it")
        return self.city if kind == "city" else getattr(self.city, name)


def dump_message(message: Any, city: CityData | None = None) -> bytes:
    """Pickle a worker's message; the solve's ``city`` and its layers, where the result
    holds them (a proposal's ``city_after`` shares every layer but the contact points),
    become references the pool resolves to its own copy (:func:`load_message`)."""
    buffer = io.BytesIO()
    _Pickler(buffer, _layers(city)).dump(message)
    return buffer.getvalue()


def load_message(data: bytes, city: CityData | None = None) -> Any:
    """Unpickle a worker's message (:func:`dump_message`) with ``city``, the city of the
    job it is about (the same content as the worker's)."""
    return _Unpickler(io.BytesIO(data), city).load()


@dataclass(frozen=True)
class PackedError:
    """A domain error as it crosses the boundary: its class, problems and attributes."""

    cls: type[ProblemsError]
    problems: tuple[Problem, ...]
    state: dict[str, Any]


def pack_error(exc: ProblemsError) -> PackedError:
    """Pack ``exc`` (an :class:`AnalysisError` or a ``GeodataError``, any subclass)."""
    state = {k: v for k, v in vars(exc).items() if k != "problems"}
    return PackedError(type(exc), tuple(exc.problems), state)


def unpack_error(packed: PackedError) -> ProblemsError:
    """Rebuild the error :func:`pack_error` packed (same class, problems and attributes)."""
    exc = packed.cls.__new__(packed.cls)
    ProblemsError.__init__(exc, list(packed.problems))
    vars(exc).update(packed.state)
    return exc


def crash_error(exit_code: int | None, failure: str = "") -> AnalysisError:
    """The error a session gets when its solve killed the worker.

    Parameters
    ----------
    exit_code
        The worker's exit code (negative: killed by that signal), ``None`` if unknown.
    failure
        ``"Type: message"`` of the exception that ended it, when the worker could say so.
    """
    if failure:
        return AnalysisError(
            [
                Problem(
                    "solver_failed",
                    f"The solver stopped on an internal error ({failure}); the plan was not "
                    "computed. Try again; if it happens again, report it with the request.",
                    value=failure,
                    params={"error": failure},
                )
            ]
        )
    return AnalysisError(
        [
            Problem(
                "solver_crashed",
                f"The solver process stopped unexpectedly (exit code {exit_code}); the plan "
                "was not computed. Try again; if it happens again, report it with the request.",
                value=str(exit_code),
                params={"exit_code": exit_code},
            )
        ]
    )


@dataclass(frozen=True)
class SolveOutcome:
    """How a solve through the pool ended.

    Parameters
    ----------
    status
        ``"ok"`` (``result`` holds the ``Proposal`` or ``Tradeoff``; a solve cancelled
        after it found a plan is ``"ok"`` with ``result.status == "cancelled"``),
        ``"cancelled"`` (stopped before any plan existed, or before it started) or
        ``"error"`` (``error`` holds the domain error; a crashed worker gives an
        :class:`AnalysisError` coded ``solver_crashed`` or ``solver_failed``).
    result
        The solver's result, or ``None``.
    error
        The domain error, or ``None``.
    worker_pid
        The process that ran it (``None`` if it never ran).
    queued_s, seconds
        Time waiting for a free worker, and from submission to the end.
    cpu_s
        CPU time of the solve in the worker (wall time far above it: the machine's cores
        were busy with other work).
    """

    status: OutcomeStatus
    result: Any = None
    error: ProblemsError | None = None
    worker_pid: int | None = None
    queued_s: float = 0.0
    seconds: float = 0.0
    cpu_s: float = 0.0
