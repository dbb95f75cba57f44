"""The data page's sections for points placed by name or address.

:func:`show_matches` lists, per sheet placed by name or address, the ambiguous rows with a
select box each (the candidate places) and the unmatched rows; :func:`chosen_matches` reads
the choices back for the next check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import current_lang, fmt_int, t
from dashboard.safetext import md_escape

if TYPE_CHECKING:
    pass


def chosen_matches(matches: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """``layer -> {row: code}`` chosen in the select boxes of the last check's matches."""
    out: dict[str, dict[int, str]] = {}
    for layer, found in matches.items():
        for row in found.candidates:
            code = st.session_state.get(state.match_key(layer, row))
            if code:
                out.setdefault(layer, {})[row] = str(code)
    return out


def _request_recheck() -> None:
    st.session_state[state.DATA_MATCH_PENDING] = True


def show_matches(matches: Mapping[str, Any]) -> None:
    """Show the points placed by name per sheet, a select box per ambiguous row."""
    if not matches:
        return
    lang = current_lang()
    st.subheader(t("match_title"), anchor=False)
    for layer, found in matches.items():
        table = found.table
        counts = {
            s: int((table["status"] == s).sum()) for s in ("matched", "ambiguous", "unmatched")
        }
        st.caption(
            t(
                "match_summary",
                layer=t(f"lname_{layer}"),
                matched=fmt_int(counts["matched"]),
                ambiguous=fmt_int(counts["ambiguous"]),
                unmatched=fmt_int(counts["unmatched"]),
            )
        )
        for row, cands in found.candidates.items():
            said = str(table.loc[row, "name"] or table.loc[row, "address"])
            labels: dict[str, str] = {"": t("match_none", lang)}
            labels.update({c.code: c.label for c in cands})
            options: list[str] = list(labels)
            st.selectbox(
                t("match_choose", row=row + 1, name=md_escape(said)),
                options,
                format_func=labels.__getitem__,
                key=state.match_key(layer, row),
                placeholder=t("select_placeholder", lang),
            )
        unmatched = table[table["status"] == "unmatched"]
        if not unmatched.empty:
            st.markdown(f"**{t('match_unmatched')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("col_row", lang): unmatched["row"] + 1,
                        t("match_col_name", lang): unmatched["name"],
                        t("match_col_address", lang): unmatched["address"],
                    }
                ),
                hide_index=True,
                key=state.unmatched_key(layer),
            )
    if any(found.candidates for found in matches.values()):
        st.button(
            t("match_apply"),
            key=state.DATA_MATCH_APPLY,
            icon=":material/place:",
            on_click=_request_recheck,
        )
