"""The solver pool sends a city to a worker once (by content key), and a result's city
layers come back as references to the server's own copy.

Real processes, the real solver on the demo city; every wait is bounded only so that a
broken pool fails instead of hanging.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import propose
from analysis.optimise.worker import SolveOutcome, SolvePool
from analysis.optimise.worker.protocol import city_key, dump_message, load_message
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city

WAIT_S = 600.0
RELAXED = ProposalRequest(relaxed=True, method="milp", time_limit_s=120)


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return load_demo_city()


@pytest.fixture(scope="module")
def std():  # type: ignore[no-untyped-def]
    return load_standards()


@pytest.fixture()
def one() -> Iterator[SolvePool]:
    """A pool of one worker: every job meets the same worker (and its cities)."""
    with SolvePool(1, test_hooks=True) as p:
        assert p.wait_ready(WAIT_S)
        yield p


def _done(handle) -> SolveOutcome:  # type: ignore[no-untyped-def]
    outcome = handle.wait(WAIT_S)
    assert outcome is not None, "the pool never answered"
    return outcome


def test_a_city_is_sent_once_then_its_key_alone(one, city, std) -> None:  # type: ignore[no-untyped-def]
    key = city_key(city, "demo")
    first = _done(one.submit("propose", city, std, RELAXED, city_key=key))
    assert first.status == "ok"
    # Same key, other points: the worker solves on the city it keeps under the key
    # (the key promises the same content; here it is broken on purpose to see it).
    fewer = dataclasses.replace(city, contact_points=city.contact_points.iloc[:-5])
    second = _done(one.submit("propose", fewer, std, RELAXED, city_key=key))
    assert second.status == "ok"
    assert second.result.kpis_before == first.result.kpis_before
    # Its own key: sent, and solved on it.
    third = _done(one.submit("propose", fewer, std, RELAXED, city_key=city_key(fewer, "demo")))
    assert third.result.kpis_before != first.result.kpis_before


def test_a_replaced_worker_is_sent_the_city_again(one, city, std) -> None:  # type: ignore[no-untyped-def]
    key = city_key(city, "demo")
    assert _done(one.submit("propose", city, std, RELAXED, city_key=key)).status == "ok"
    crashed = _done(one.submit("propose", city, std, RELAXED, hook="exit", city_key=key))
    assert crashed.status == "error"
    assert [p.code for p in crashed.error.problems] == ["solver_crashed"]
    assert one.wait_ready(WAIT_S)
    again = _done(one.submit("propose", city, std, RELAXED, city_key=key))
    assert again.status == "ok" and again.result.status == "optimal"


def test_the_result_refers_to_the_servers_city_layers(one, city, std) -> None:  # type: ignore[no-untyped-def]
    outcome = _done(one.submit("propose", city, std, RELAXED, city_key=city_key(city, "demo")))
    after = outcome.result.city_after
    here = propose(city, std, RELAXED).city_after
    # Every layer but the contact points is the server's own object, not a copy.
    assert after.townships is city.townships and after.villages is city.villages
    assert after.homes is city.homes and after.collection_sites is city.collection_sites
    assert after.contact_points.equals(here.contact_points)


def test_a_message_without_its_city_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    data = dump_message(("done", 1, "ok", {"layer": city.townships}, 0.0), city)
    assert load_message(data, city)[3]["layer"] is city.townships
    with pytest.raises(Exception, match="without it"):
        load_message(data, None)
