"""Shared page pieces: header, dataset label, domain-error display, the data a page needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import services, state
from dashboard.i18n import field_label, problem_text, t

if TYPE_CHECKING:
    from analysis.errors import AnalysisError
    from dashboard.kpi import KpiCard
    from geodata.errors import GeodataError, Problem


def dataset_name(dataset: services.Dataset) -> str:
    """Return the display name of a dataset (the demo city is always marked fictional)."""
    if dataset.is_demo:
        return t("demo_city_name")
    return dataset.city.name or t("data_city_name_default")


def current_dataset_name() -> str:
    """Return the display name of the dataset in use, without loading the demo city."""
    user = st.session_state.get(state.USER_DATASET)
    if isinstance(user, services.Dataset):
        return dataset_name(user)
    return t("demo_city_name")


def page_header(title_key: str, caption: str = "") -> None:
    """Draw a page title with the dataset's name."""
    st.title(t(title_key), anchor=False)
    if caption:
        st.caption(caption)


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Return a table of problems (file, row, column, value, problem), translated."""
    rows = [
        {
            t("col_severity"): t(f"severity_{p.severity}"),
            t("col_file"): p.source,
            t("col_row"): "" if p.row is None else str(p.row + 1),
            t("col_column"): field_label(p.column),
            t("col_value"): p.value or "",
            t("col_problem"): problem_text(p.code, dict(p.params), p.message),
        }
        for p in problems
    ]
    return pd.DataFrame(rows)


def show_problems(problems: Iterable[Problem], key: str | None = None) -> None:
    """Show problems as a table (every problem, translated by code)."""
    frame = problems_frame(problems)
    if not frame.empty:
        small = st.column_config.TextColumn(width="small")
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            key=key,
            column_config={
                t("col_severity"): small,
                t("col_row"): small,
                t("col_problem"): st.column_config.TextColumn(width="large"),
            },
        )


def show_domain_error(exc: GeodataError | AnalysisError) -> None:
    """Show a data or analysis error in the interface language with every problem."""
    from geodata.errors import GeodataError

    head = t("error_data") if isinstance(exc, GeodataError) else t("error_analysis")
    st.error(head, icon=":material/error:")
    show_problems(exc.problems)


def show_if_domain_error(exc: ValueError) -> bool:
    """Show ``exc`` and return True if it is a data or analysis error, else return False.

    Both domain exceptions derive from ``ValueError``; pages catch that and hand it here,
    so the data layer is imported only when something went wrong. Callers re-raise on
    False: any other error is a bug and must not be hidden.
    """
    from analysis.errors import AnalysisError
    from geodata.errors import GeodataError

    if isinstance(exc, (GeodataError, AnalysisError)):
        show_domain_error(exc)
        return True
    return False


def dataset_and_result() -> tuple[services.Dataset, Any] | None:
    """Return the current dataset and its coverage result, or show why not and return None."""
    try:
        dataset = services.current_dataset()
        return dataset, services.coverage(dataset)
    except ValueError as exc:  # GeodataError / AnalysisError, shown; anything else re-raised
        if not show_if_domain_error(exc):
            raise
    return None


#: Icon beside a rule-based card's label, by :attr:`KpiCard.status`.
_STATUS_ICON: dict[str, str] = {"good": ":material/check_circle:", "bad": ":material/error:"}


def card_grid(
    cards: list[KpiCard], per_row: int, border: bool = True, key: str | None = None
) -> None:
    """KPI cards in rows of ``per_row`` (the 指标 page and the simulation pages).

    A card that checks a rule (``card.status``) carries a tick or a warning icon. With
    ``key``, each card's container is keyed ``<key>_cp<status>_<i>``, and
    ``dashboard.styles`` draws a rule-based card green or red (tint, border, value).
    """
    for start in range(0, len(cards), per_row):
        cols = st.columns(per_row)
        for i, (col, card) in enumerate(
            zip(cols, cards[start : start + per_row], strict=False), start=start
        ):
            box_key = None if key is None else f"{key}_cp{card.status or 'plain'}_{i}"
            box = col.container(border=border, height="stretch", key=box_key)
            box.metric(
                card.label,
                card.value,
                delta=card.delta,
                delta_color=card.delta_color,
                delta_arrow="off" if card.delta_color == "off" else "auto",
                icon=_STATUS_ICON.get(card.status or ""),
            )
            if card.detail:
                box.caption(card.detail)
