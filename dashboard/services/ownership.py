"""Who may read and write which scenario: the checks every scenario service goes through.

:mod:`dashboard.services.scenarios` calls these for every save, rename, delete, load,
listing and export, so a user cannot do through the service layer what the pages do not
offer them (a viewer calling ``scenarios.save`` directly gets ``not_allowed``). The rules
are :mod:`analysis.accounts.policy`; the owner and published flag of each scenario are its
``owner``/``published`` columns in the store (:meth:`analysis.workspace.api.Store.scenario_info`),
every change is a new version of it, and every change is written to the store's audit log.
In single-user mode (no accounts) everything is allowed and still logged (user ``""``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from analysis.accounts import policy
from analysis.accounts.policy import ScenarioAccess
from analysis.accounts.service import audit, problem
from analysis.workspace.records import UserRecord
from dashboard.services import access

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario
    from analysis.workspace.api import Store

#: Statuses of points a plan changed (their counties are the plan's counties).
_CHANGED = ("proposed", "moved", "removed")


def changed_counties(scenario: Scenario) -> tuple[str, ...]:
    """Counties of the points the scenario adds, moves or removes."""
    found: set[str] = set()
    for layer in ("contact_points", "collection_sites", "homes"):
        frame = scenario.layer(layer)
        if "county" in frame.columns and "status" in frame.columns:
            rows = frame[frame["status"].astype(str).isin(_CHANGED)]
            found.update(str(c) for c in rows["county"].dropna() if str(c))
    return tuple(sorted(found))


def access_of(name: str, store: Store | None = None) -> ScenarioAccess:
    """The access record of a saved scenario: its ``owner``/``published`` columns in the store.

    Not saved: owned by nobody (administrators), unpublished. The counties of its changed
    points are read (the scenario loaded) only when the acting user is county-limited.
    """
    store = store or access.store()
    info = store.scenario_info(name)
    if info is None:
        return ScenarioAccess(name)
    record = ScenarioAccess(name, info.owner, info.published)
    user = access.acting_user()
    if user is not None and user.counties and not policy.is_admin(user):
        record = replace(record, counties=changed_counties(store.load(name)))
    return record


def require(allowed: bool, action: str, name: str) -> None:
    """Raise ``not_allowed`` (params ``action``, ``name``) unless ``allowed``."""
    if not allowed:
        raise problem(
            "not_allowed",
            f"You may not {action} the scenario {name!r}.",
            value=name,
            params={"action": action, "name": name},
        )


def _log(user: UserRecord | None, action: str, name: str, detail: str = "") -> None:
    audit(access.store(), user, action, "scenario", name, detail)


def _username(user: UserRecord | None) -> str:
    return user.username if user is not None else ""


def save(store: Store, scenario: Scenario, expected: str | None) -> Scenario:
    """Save after checking: a new name needs ``can_create``, an existing one ``can_edit``.

    ``expected == ""`` (the name must be free) is a creation whoever holds the name: the
    store then answers ``scenario_changed_elsewhere`` when it is taken, and the page saves
    under a free name (two sessions starting a plan under the same default name). A new
    scenario belongs to the acting user; an existing one keeps the owner and published
    flag the store holds (whatever the page's copy says: publishing is done elsewhere).
    """
    user = access.acting_user()
    counties = changed_counties(scenario)
    info = None if expected == "" else store.scenario_info(scenario.name)
    if info is None:
        require(policy.can_create(user, counties), "create", scenario.name)
        scenario = replace(scenario, owner=_username(user), published=False)
    else:
        current = ScenarioAccess(info.name, info.owner, info.published, counties)
        require(policy.can_edit(user, current), "change", scenario.name)
        scenario = replace(scenario, owner=info.owner, published=info.published)
    saved = store.save(scenario, expected_updated_at=expected, saved_by=_username(user))
    _log(user, "create" if info is None else "change", saved.name)
    return saved


def delete(store: Store, name: str) -> bool:
    """Delete after checking ``can_delete``."""
    user = access.acting_user()
    require(policy.can_delete(user, access_of(name, store)), "delete", name)
    gone = store.delete(name)
    _log(user, "delete", name)
    return gone


def rename(store: Store, old: str, new: str) -> None:
    """Rename after checking ``can_edit`` (owner and published flag go with the name)."""
    user = access.acting_user()
    require(policy.can_edit(user, access_of(old, store)), "change", old)
    store.rename(old, new, saved_by=_username(user))
    _log(user, "change", new, f"{old} → {new}")


def load(store: Store, name: str) -> Scenario:
    """Load after checking ``can_view``."""
    require(policy.can_view(access.acting_user(), access_of(name, store)), "open", name)
    return store.load(name)


def visible(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a scenario listing (the store's, with ``owner``/``published``) the acting
    user may read."""
    user = access.acting_user()
    rows = [
        ScenarioAccess(str(n), str(o or ""), bool(p))
        for n, o, p in zip(table["name"], table["owner"], table["published"], strict=True)
    ]
    keep = [policy.can_view(user, a) for a in rows]
    return table[pd.Series(keep, index=table.index, dtype=bool)].reset_index(drop=True)


def publish(name: str, published: bool) -> int:
    """Publish (visible to viewers) or withdraw a scenario, after checking ``can_publish``.

    Returns the scenario's new version (publishing is a change of the scenario: version+1).
    """
    user = access.acting_user()
    store = access.store()
    require(policy.can_publish(user, access_of(name, store)), "publish", name)
    version = store.set_published(name, published, saved_by=_username(user))
    _log(user, "publish" if published else "unpublish", name)
    return version


def may_edit(name: str) -> bool:
    """True when the acting user may change scenario ``name`` (unsaved names: may create)."""
    user = access.acting_user()
    if access.store().scenario_info(name) is None:
        return policy.can_create(user)
    return policy.can_edit(user, access_of(name))


def copy_as_mine(store: Store, name: str, wanted: str) -> Scenario:
    """复制为我的方案: save a copy of ``name`` under a free name, owned by the acting user."""
    from analysis.plan.scenarios import copy_scenario

    user = access.acting_user()
    require(policy.can_copy(user, access_of(name, store)), "copy", name)
    author = user.display_name if user is not None else ""
    copy = copy_scenario(store.load(name), store.free_name(wanted), author)
    saved = save(store, copy, "")
    _log(user, "copy", saved.name, f"{name} → {saved.name}")
    return saved


def exported(name: str, fmt: str) -> None:
    """Check the user may read ``name`` (when saved) and log its export."""
    user = access.acting_user()
    if access.store().scenario_info(name) is not None:
        require(policy.can_export(user, access_of(name)), "export", name)
    _log(user, "export", name, fmt)
