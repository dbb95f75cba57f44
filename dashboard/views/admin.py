"""管理 page (administrators): accounts (add, disable, change role) and the audit log.

Names are shown in tables (plain text) or through :func:`dashboard.i18n.t_md` (escaped);
times in local time (:func:`analysis.localtime.local_text`). The audit CSV's cells are
neutralised against spreadsheet formulas (:mod:`geodata.spreadsheet_safety`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from analysis.accounts import policy
from analysis.accounts.service import problem
from analysis.errors import AnalysisError
from analysis.localtime import display_zone, local_text
from analysis.workspace.records import ROLES
from dashboard import state
from dashboard.i18n import problem_text, t, t_md
from dashboard.services import access

#: Option of the audit filters standing for "everyone" / "every action".
_ALL = "__all__"


def _flash(kind: str, text: str) -> None:
    st.session_state[state.ADMIN_MESSAGE] = (kind, text)


def _error(exc: AnalysisError) -> None:
    lines = [problem_text(p.code, dict(p.params), p.message) for p in exc.problems]
    _flash("error", "；".join(lines))


def _add_user() -> None:
    get = st.session_state.get
    password = str(get(state.ADMIN_NEW_PASSWORD, ""))
    st.session_state[state.ADMIN_NEW_PASSWORD] = ""
    try:
        user = access.accounts().add_user(
            access.acting_user(),
            str(get(state.ADMIN_NEW_USERNAME, "")),
            password,
            str(get(state.ADMIN_NEW_ROLE, "viewer")),
            str(get(state.ADMIN_NEW_DISPLAY, "")),
            str(get(state.ADMIN_NEW_COUNTIES, "")).replace("，", ",").split(","),
        )
    except AnalysisError as exc:
        _error(exc)
        return
    _flash("success", t_md("admin_added", name=user.username))


def _update(**changes: object) -> None:
    name = str(st.session_state.get(state.ADMIN_PICK_USER, ""))
    try:
        user = access.accounts().update_user(access.acting_user(), name, **changes)  # type: ignore[arg-type]
    except AnalysisError as exc:
        _error(exc)
        return
    _flash("success", t_md("admin_changed", name=user.username))


def _users() -> None:
    users = access.store().list_users()
    table = pd.DataFrame(
        {
            t("admin_col_username"): [u.username for u in users],
            t("admin_col_display"): [u.display_name for u in users],
            t("admin_col_role"): [t(f"role_{u.role}") for u in users],
            t("admin_col_counties"): ["，".join(u.counties) for u in users],
            t("admin_col_active"): [u.active for u in users],
            t("admin_col_updated"): [local_text(u.updated_at) for u in users],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key=state.ADMIN_USERS_TABLE)
    names = [u.username for u in users]
    by_name = {u.username: u for u in users}
    c1, c2, c3, c4 = st.columns([2, 1, 1.4, 1], vertical_alignment="bottom")

    def show_role() -> None:  # the role box shows the picked account's role
        chosen = by_name.get(str(st.session_state.get(state.ADMIN_PICK_USER, "")))
        if chosen is not None:
            st.session_state[state.ADMIN_SET_ROLE] = chosen.role

    if names and st.session_state.get(state.ADMIN_PICK_USER) not in by_name:
        st.session_state[state.ADMIN_PICK_USER] = names[0]
        show_role()
    c1.selectbox(
        t("admin_pick_user"),
        names,
        key=state.ADMIN_PICK_USER,
        on_change=show_role,
        placeholder=t("select_placeholder"),
    )
    picked = by_name.get(str(st.session_state.get(state.ADMIN_PICK_USER, "")))
    active = picked is not None and picked.active
    c2.button(
        t("admin_disable") if active else t("admin_enable"),
        key=state.ADMIN_TOGGLE_ACTIVE,
        disabled=picked is None,
        on_click=lambda: _update(active=not active),
    )
    c3.selectbox(
        t("admin_col_role"),
        list(ROLES),
        format_func=lambda r: t(f"role_{r}"),
        key=state.ADMIN_SET_ROLE,
        placeholder=t("select_placeholder"),
    )
    c4.button(
        t("admin_apply_role"),
        key=state.ADMIN_APPLY_ROLE,
        disabled=picked is None,
        on_click=lambda: _update(role=str(st.session_state.get(state.ADMIN_SET_ROLE))),
    )
    with st.form(key=state.ADMIN_ADD_FORM, border=True, clear_on_submit=False):
        st.markdown(f"**{t('admin_add_title')}**")
        a1, a2 = st.columns(2)
        a1.text_input(t("admin_col_username"), key=state.ADMIN_NEW_USERNAME, max_chars=64)
        a2.text_input(t("admin_col_display"), key=state.ADMIN_NEW_DISPLAY, max_chars=60)
        b1, b2 = st.columns(2)
        b1.selectbox(
            t("admin_col_role"),
            list(ROLES),
            format_func=lambda r: t(f"role_{r}"),
            key=state.ADMIN_NEW_ROLE,
            placeholder=t("select_placeholder"),
        )
        b2.text_input(
            t("login_password"), key=state.ADMIN_NEW_PASSWORD, type="password", max_chars=256
        )
        st.text_input(
            t("admin_col_counties"),
            key=state.ADMIN_NEW_COUNTIES,
            help=t("admin_new_counties_help"),
        )
        st.form_submit_button(
            t("admin_add_user"), key=state.ADMIN_ADD_USER, type="primary", on_click=_add_user
        )


def _utc_bound(day: date | None, end: bool) -> str | None:
    """The UTC ISO time of a local day's start (or of the next day's start for ``end``)."""
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), display_zone())
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _audit() -> None:
    log = access.store()
    everything = log.list_audit(limit=5000)
    c1, c2, c3, c4 = st.columns(4)
    users = [_ALL, *sorted(set(everything["username"]))]
    c1.selectbox(
        t("admin_audit_user"),
        users,
        format_func=lambda u: t("admin_audit_all") if u == _ALL else (u or "—"),
        key=state.ADMIN_AUDIT_USER,
        placeholder=t("select_placeholder"),
    )
    actions = [_ALL, *sorted(set(everything["action"]))]
    c2.selectbox(
        t("admin_audit_action"),
        actions,
        format_func=lambda a: t("admin_audit_all") if a == _ALL else t(f"action_{a}"),
        key=state.ADMIN_AUDIT_ACTION,
        placeholder=t("select_placeholder"),
    )
    since = c3.date_input(t("admin_audit_since"), value=None, key=state.ADMIN_AUDIT_SINCE)
    until = c4.date_input(t("admin_audit_until"), value=None, key=state.ADMIN_AUDIT_UNTIL)
    who = str(st.session_state.get(state.ADMIN_AUDIT_USER, _ALL))
    rows = log.list_audit(
        since=_utc_bound(since if isinstance(since, date) else None, end=False),
        until=_utc_bound(until if isinstance(until, date) else None, end=True),
        username=None if who == _ALL else who,
        limit=5000,
    )
    action = str(st.session_state.get(state.ADMIN_AUDIT_ACTION, _ALL))
    if action != _ALL:
        rows = rows[rows["action"] == action]
    if rows.empty:
        st.info(t("admin_audit_none"))
        return
    shown = pd.DataFrame(
        {
            t("admin_col_time"): [local_text(v, "%Y-%m-%d %H:%M:%S") for v in rows["at"]],
            t("admin_audit_user"): list(rows["username"]),
            t("admin_col_action"): [t(f"action_{a}") for a in rows["action"]],
            t("admin_col_object_type"): [t(f"object_{o}") for o in rows["object_type"]],
            t("admin_col_object_name"): list(rows["object_name"]),
            t("admin_col_detail"): list(rows["detail"]),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key=state.ADMIN_AUDIT_TABLE)
    st.download_button(
        t("admin_audit_download"),
        data=lambda: _csv(shown),
        file_name="audit-log.csv",
        mime="text/csv",
        key=state.ADMIN_AUDIT_DOWNLOAD,
        on_click="ignore",
        icon=":material/download:",
    )


def _csv(frame: pd.DataFrame) -> bytes:
    from geodata.spreadsheet_safety import neutralise_frame

    # UTF-8 with BOM: Excel on Chinese Windows opens it with the right characters.
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def main() -> None:
    """Draw the page (administrators only; others get the domain error)."""
    st.title(t("admin_title"), anchor=False)
    try:
        user = access.acting_user()
        if not policy.can_manage_users(user):
            raise problem("not_allowed", "Administrators only.")
    except AnalysisError as exc:
        st.error("；".join(problem_text(p.code, dict(p.params), p.message) for p in exc.problems))
        return
    message = st.session_state.pop(state.ADMIN_MESSAGE, None)
    if message is not None:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)
    users_tab, audit_tab = st.tabs([t("admin_users"), t("admin_audit")])
    with users_tab:
        _users()
    with audit_tab:
        _audit()


main()
