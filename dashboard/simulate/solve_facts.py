"""The solve behind an adopted plan, on the 方案模拟 page: from the scenario's solve facts.

Rendered in the interface's language from the fields of
:class:`analysis.plan.solvefacts.SolveFacts` (never from the description, which is the
planner's free text): where the plan came from, the status and proven gap at adoption,
time and time limit, the capacities and township minimum when used, and whether the plan
was edited by hand since (then the status is said to be the adopted plan's).
"""

from __future__ import annotations

import math

import streamlit as st

from analysis.localtime import local_text
from analysis.plan.solvefacts import SolveFacts
from dashboard import state
from dashboard.i18n import Lang, current_lang, fmt_int, has_key, point_type_label, t


def _gap(gap: float, lang: Lang) -> str:
    """A proven relative gap as a percentage ("0%", "0.0059%", "0.52%")."""
    if not math.isfinite(gap):
        return t("facts_no_gap", lang)
    return "0%" if gap <= 0 else f"{gap * 100:.2g}%"


def _list(parts: list[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(parts)


def facts_lines(facts: SolveFacts, lang: Lang | None = None) -> list[str]:
    """The facts in words: origin, status and time, assumptions (when used), edits."""
    lang = lang or current_lang()
    key = f"opt_objective_{facts.objective_kind}"
    objective = t(key, lang) if has_key(key) else facts.objective_kind
    counts = [
        t("facts_count", lang, type=point_type_label(k, lang), n=n)
        for k, n in facts.counts.items()
        if n
    ]
    when = local_text(facts.adopted_at) if facts.adopted_at else "—"
    origin = t("facts_origin", lang, objective=objective, time=when, counts=_list(counts, lang))
    status_key = f"facts_status_{facts.status}"
    status = t(status_key, lang, gap=_gap(facts.proven_gap, lang)) if has_key(status_key) else ""
    took = (
        t("facts_time", lang, s=f"{facts.solver_seconds:.1f}", limit=f"{facts.time_limit_s:g}")
        if facts.time_limit_s is not None
        else t("facts_time_no_limit", lang, s=f"{facts.solver_seconds:.1f}")
    )
    sep, end = ("；", "。") if lang == "zh" else ("; ", ".")
    lines = [origin, f"{status}{sep}{took}{end}" if status else f"{took}{end}"]
    if facts.constrained:
        lines.append(t("facts_assumptions", lang, what=_assumptions(facts, lang)))
    lines.append(_edits(facts, lang))
    return lines


def _assumptions(facts: SolveFacts, lang: Lang) -> str:
    parts = []
    if facts.capacity_population:
        caps = [
            t("facts_cap_type", lang, type=point_type_label(k, lang), n=fmt_int(v, lang))
            for k, v in facts.capacity_population.items()
        ]
        parts.append(t("facts_cap_population", lang, caps=_list(caps, lang)))
    if facts.capacity_sites:
        parts.append(t("facts_cap_sites", lang, n=facts.capacity_sites))
    if facts.capacitated:
        parts.append(t("facts_cap_unserved", lang))
    if facts.township_min_share > 0:
        key = "facts_town_min_served" if facts.capacitated else "facts_town_min"
        parts.append(t(key, lang, share=f"{facts.township_min_share:.0%}"))
    return ("；" if lang == "zh" else "; ").join(parts)


def _edits(facts: SolveFacts, lang: Lang) -> str:
    if not facts.edited:
        return t("facts_unedited", lang)
    by_layer: dict[str, list[str]] = {}
    for (layer, kind), n in facts.edit_counts().items():
        by_layer.setdefault(layer, []).append(t(f"facts_edit_{kind}", lang, n=n))
    what = ("；" if lang == "zh" else "; ").join(
        f"{t(f'layer_{layer}', lang)} {_list(v, lang)}" for layer, v in by_layer.items()
    )
    return t("facts_edited", lang, what=what)


def show(facts: SolveFacts | None) -> None:
    """The facts of the working scenario under its counts (nothing for a plan not adopted).

    Always in one keyed container, empty or not: elements appearing above the map on an
    adoption would move it in the page, and Streamlit would draw its iframe anew.
    """
    with st.container(key=state.SIM_FACTS):
        if facts is None:
            return
        *solve, edits = facts_lines(facts)
        st.caption(":material/functions: " + " ".join(solve))
        st.caption((":material/edit_note: " if facts.edited else ":material/verified: ") + edits)
