"""Messages of the simulation page: one queued for the next run, and domain errors in words."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from geodata.errors import GeodataError


@dataclass(frozen=True)
class Flash:
    """A message for the next run: level (``success``/``info``/``warning``/``error``), text."""

    level: str
    text: str


_SEVERITY = {"success": 0, "info": 1, "warning": 2, "error": 3}


def flash(level: str, text: str) -> None:
    """Queue a message shown once at the top of the editor (a graver one is kept).

    ``text`` is plain text, names unescaped (build it with ``t``, not ``t_md``): the page
    shows the whole message escaped for Markdown, so no name in it can become markup.
    """
    queued = st.session_state.get(state.SIM_MESSAGE)
    if isinstance(queued, Flash) and _SEVERITY.get(queued.level, 0) > _SEVERITY.get(level, 0):
        return
    st.session_state[state.SIM_MESSAGE] = Flash(level, text)


def pop_flash() -> Flash | None:
    """Return and clear the queued message."""
    value = st.session_state.pop(state.SIM_MESSAGE, None)
    return value if isinstance(value, Flash) else None


def error_text(exc: GeodataError | AnalysisError) -> str:
    """One line per problem of a domain error, translated by code."""
    from dashboard.i18n import problem_text

    lines = [problem_text(p.code, dict(p.params), p.message) for p in exc.problems]
    return "；".join(lines) or str(exc)
