"""Who may read and write which scenario: the checks every scenario service goes through.

:mod:`dashboard.services.scenarios` calls these for every save, rename, delete, load,
listing and export, so a user cannot do through the service layer what the pages do not
offer them (a viewer calling ``scenarios.save`` directly gets ``not_allowed``). The rules
are :mod:`analysis.accounts.policy`; the owner and published flag of each scenario are kept
by :func:`dashboard.services.access.tables`; every change is written to the audit log.
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


def access_of(name: str) -> ScenarioAccess:
    """The access record of a scenario (none kept: owned by administrators, unpublished)."""
    return access.tables().get_access(name) or ScenarioAccess(name)


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
    audit(access.tables(), user, action, "scenario", name, detail)


def save(store: Store, scenario: Scenario, expected: str | None) -> Scenario:
    """Save after checking: a new name needs ``can_create``, an existing one ``can_edit``.

    ``expected == ""`` (the name must be free) is a creation whoever holds the name: the
    store then answers ``scenario_changed_elsewhere`` when it is taken, and the page saves
    under a free name (two sessions starting a plan under the same default name).
    """
    user = access.acting_user()
    counties = changed_counties(scenario)
    new = expected == "" or not store.exists(scenario.name)
    if new:
        require(policy.can_create(user, counties), "create", scenario.name)
    else:
        current = access_of(scenario.name)
        require(policy.can_edit(user, replace(current, counties=counties)), "change", scenario.name)
    saved = store.save(scenario, expected_updated_at=expected)
    if new:
        owner = user.username if user is not None else ""
        access.tables().set_access(ScenarioAccess(saved.name, owner, False, counties))
    _log(user, "create" if new else "change", saved.name)
    return saved


def delete(store: Store, name: str) -> bool:
    """Delete after checking ``can_delete``."""
    user = access.acting_user()
    require(policy.can_delete(user, access_of(name)), "delete", name)
    gone = store.delete(name)
    access.tables().drop_access(name)
    _log(user, "delete", name)
    return gone


def rename(store: Store, old: str, new: str) -> None:
    """Rename after checking ``can_edit``."""
    user = access.acting_user()
    require(policy.can_edit(user, access_of(old)), "change", old)
    store.rename(old, new)
    access.tables().rename_access(old, new)
    _log(user, "change", new, f"{old} → {new}")


def load(store: Store, name: str) -> Scenario:
    """Load after checking ``can_view``."""
    require(policy.can_view(access.acting_user(), access_of(name)), "open", name)
    return store.load(name)


def visible(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a scenario listing the acting user may read, with ``owner``/``published``."""
    user = access.acting_user()
    known = {a.name: a for a in access.tables().list_access()}
    rows = [known.get(str(n)) or ScenarioAccess(str(n)) for n in table["name"]]
    table = table.assign(owner=[a.owner for a in rows], published=[a.published for a in rows])
    keep = [policy.can_view(user, a) for a in rows]
    return table[pd.Series(keep, index=table.index, dtype=bool)].reset_index(drop=True)


def publish(name: str, published: bool) -> None:
    """Publish (visible to viewers) or withdraw a scenario, after checking ``can_publish``."""
    user = access.acting_user()
    current = access_of(name)
    require(policy.can_publish(user, current), "publish", name)
    access.tables().set_access(replace(current, published=published))
    _log(user, "publish" if published else "unpublish", name)


def may_edit(name: str) -> bool:
    """True when the acting user may change scenario ``name`` (unsaved names: may create)."""
    user = access.acting_user()
    known = access.tables().get_access(name)
    if known is None:
        return policy.can_create(user)
    return policy.can_edit(user, known)


def copy_as_mine(store: Store, name: str, wanted: str) -> Scenario:
    """复制为我的方案: save a copy of ``name`` under a free name, owned by the acting user."""
    from analysis.plan.scenarios import copy_scenario

    user = access.acting_user()
    require(policy.can_copy(user, access_of(name)), "copy", name)
    author = user.display_name if user is not None else ""
    copy = copy_scenario(store.load(name), store.free_name(wanted), author)
    saved = save(store, copy, "")
    _log(user, "copy", saved.name, f"{name} → {saved.name}")
    return saved


def exported(name: str, fmt: str) -> None:
    """Check the user may read ``name`` (when saved) and log its export."""
    user = access.acting_user()
    known = access.tables().get_access(name)
    if known is not None:
        require(policy.can_export(user, known), "export", name)
    _log(user, "export", name, fmt)
