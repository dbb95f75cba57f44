"""The login page (登录), drawn by :mod:`dashboard.app` instead of the pages while nobody is
logged in and accounts are on. Not a navigation page: nothing else is reachable before login.
"""

from __future__ import annotations

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import problem_text, t
from dashboard.services import access


def signed_in() -> bool:
    """True when the session may see the pages (else :func:`draw` the login page).

    Accounts off: always True (single-user mode). In trusted-header mode a trusted proxy's
    header logs the user in without the form.
    """
    if not access.enabled():
        return True
    if access.session_user() is not None:
        return True
    if st.session_state.pop(state.AUTH_TOKEN, None):
        st.session_state[state.LOGIN_EXPIRED] = True
    try:
        if access.login_from_header() is not None:
            return True
    except AnalysisError as exc:
        st.session_state[state.LOGIN_ERROR] = exc
    return False


def _errors(exc: AnalysisError) -> None:
    for problem in exc.problems:
        st.error(problem_text(problem.code, dict(problem.params), problem.message))


def _submit() -> None:
    name = str(st.session_state.get(state.LOGIN_USERNAME, ""))
    password = str(st.session_state.get(state.LOGIN_PASSWORD, ""))
    st.session_state[state.LOGIN_PASSWORD] = ""  # never kept after the attempt
    try:
        access.login(name, password)
    except AnalysisError as exc:
        st.session_state[state.LOGIN_ERROR] = exc


def draw() -> None:
    """The login form (username, password), its errors, and first-run advice."""
    expired = bool(st.session_state.pop(state.LOGIN_EXPIRED, False))
    _, middle, _ = st.columns([1, 1.4, 1])
    with middle:
        st.title(t("login_title"), anchor=False)
        st.caption(t("login_intro"))
        if expired:
            st.info(t("login_expired"), icon=":material/schedule:")
        if not access.store().list_users():
            st.warning(t("login_no_admin"), icon=":material/admin_panel_settings:")
        error = st.session_state.pop(state.LOGIN_ERROR, None)
        if isinstance(error, AnalysisError):
            _errors(error)
        with st.form(key=state.LOGIN_FORM, border=True):
            st.text_input(t("login_username"), key=state.LOGIN_USERNAME, max_chars=64)
            st.text_input(
                t("login_password"), key=state.LOGIN_PASSWORD, type="password", max_chars=256
            )
            st.form_submit_button(
                t("login_submit"),
                key=state.LOGIN_SUBMIT,
                type="primary",
                icon=":material/login:",
                on_click=_submit,
                width="stretch",
            )
