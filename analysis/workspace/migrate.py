"""Move a workspace from one store to another (GeoPackage <-> PostgreSQL/PostGIS).

Everything moves as it is: every stored dataset (all its layers, roads and raster demand
cells included), every scenario with its version, owner, published flag, author and times,
every account, the audit log, and the logged-in sessions (a server pointed at the new
store keeps its users logged in; failed-login counts and upload tallies are short-lived
and start afresh). The target must be empty: a migration never overwrites or merges (code
``migrate_target_not_empty``, saying what the target holds), so running it twice is
refused instead of doubling anything. The source is only read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from analysis.workspace.api import Store
from analysis.workspace.records import AuditEvent
from analysis.workspace.tables import problem


@dataclass(frozen=True)
class MigrationReport:
    """How much was moved."""

    datasets: int
    scenarios: int
    users: int
    audit_events: int
    sessions: int = 0

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"{self.datasets} datasets, {self.scenarios} scenarios, {self.users} accounts, "
            f"{self.audit_events} audit events, {self.sessions} sessions"
        )


def contents(store: Store) -> MigrationReport:
    """What ``store`` holds (counts)."""
    return MigrationReport(
        datasets=len(store.list_datasets()),
        scenarios=len(store.list_scenarios()),
        users=len(store.list_users()),
        audit_events=len(store.list_audit()),
        sessions=len(store.list_sessions()),
    )


def migrate(source: Store, target: Store) -> MigrationReport:
    """Copy everything in ``source`` into the empty ``target``; return the counts moved.

    Raises
    ------
    AnalysisError
        ``migrate_target_not_empty`` (nothing written), ``migrate_same_store``, or a
        store's own error (``store_unavailable`` ...).
    """
    if source.location == target.location:
        raise problem(
            "migrate_same_store",
            f"The source and the target are the same store ({source.location}).",
            value=source.location,
        )
    held = contents(target)
    if any((held.datasets, held.scenarios, held.users, held.audit_events, held.sessions)):
        raise problem(
            "migrate_target_not_empty",
            f"The target {target.location} already holds {held.summary()}; a migration"
            " never overwrites or merges: use an empty database or a new file.",
            value=target.location,
        )
    datasets = source.list_datasets()
    for row in datasets.itertuples(index=False):
        city = source.load_dataset(str(row.dataset_id))
        target.restore_dataset(str(row.dataset_id), city, str(row.created_at), str(row.updated_at))
    scenarios = source.list_scenarios()
    for name in scenarios["name"]:
        target.restore_scenario(source.load(str(name)))
    users = source.list_users()
    for user in users:
        target.restore_user(user)
    log = source.list_audit()
    events = []
    for record in reversed(log.to_dict("records")):  # oldest first: the same order back
        extra = _extra(str(record.pop("extra") or "{}"))
        events.append(AuditEvent(**{k: str(v) for k, v in record.items()}, extra=extra))
    target.restore_audit(events)
    sessions = source.list_sessions()
    for session in sessions:
        target.save_session(session)
    return MigrationReport(len(datasets), len(scenarios), len(users), len(log), len(sessions))


def _extra(text: str) -> dict[str, str]:
    value = json.loads(text)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
