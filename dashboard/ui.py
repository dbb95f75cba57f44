"""Shared page pieces: header, dataset label, domain-error display, the data a page needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import streamlit as st

from dashboard import state
from dashboard.i18n import current_lang, fmt_int, t
from dashboard.services import data as services

if TYPE_CHECKING:
    from analysis.errors import AnalysisError
    from dashboard.widgets.kpi_cards import KpiCard
    from geodata.errors import GeodataError, Problem


def dataset_name(dataset: services.Dataset) -> str:
    """Return the display name of a dataset (the demo city is always marked fictional)."""
    if dataset.is_demo:
        return t(services.demo_name_key())
    return dataset.city.name or t("data_city_name_default")


def current_dataset_name() -> str:
    """Return the display name of the dataset in use, without loading the demo city."""
    user = st.session_state.get(state.USER_DATASET)
    if isinstance(user, services.Dataset):
        return dataset_name(user)
    return t(services.demo_name_key())


def page_header(title_key: str, caption: str = "") -> None:
    """Draw a page title with the dataset's name."""
    st.title(t(title_key), anchor=False)
    if caption:
        st.caption(caption)


def show_problems(
    problems: Iterable[Problem], key: str | None = None, download_key: str | None = None
) -> None:
    """Show problems as a table, identical ones once (count and first rows), translated.

    Parameters
    ----------
    problems
        Problems of the data or analysis layer.
    key
        Key of the table.
    download_key
        When given, a button under the table downloads every problem as a CSV file
        (file, row, column, value, problem, detail): the full list the table sums up.
    """
    from dashboard.widgets.problem_table import csv_file_name, problems_csv, summary_frame

    found = list(problems)
    lang = current_lang()
    frame = summary_frame(found, lang)
    if frame.empty:
        return
    if len(frame) < len(found):
        st.caption(t("problems_grouped", n=fmt_int(len(found)), groups=fmt_int(len(frame))))
    small = st.column_config.TextColumn(width="small")
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("col_severity"): small,
            t("col_count"): small,
            # Wide enough for a sentence, narrow enough that every column fits at 1280 px.
            t("col_problem"): st.column_config.TextColumn(width=270),
            t("col_rows"): st.column_config.TextColumn(width=170),
        },
    )
    if download_key is not None:
        st.download_button(
            t("problems_download", n=fmt_int(len(found))),
            data=lambda: problems_csv(found, lang),
            file_name=csv_file_name(lang),
            mime="text/csv",
            key=download_key,
            on_click="ignore",
            icon=":material/download:",
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
