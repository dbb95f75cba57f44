"""Page-wide look: the brand block of the sidebar and the CSS of normal and presentation mode."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.map.palette import COUNTY_COLOR
from dashboard.safetext import html_text

if TYPE_CHECKING:
    from dashboard.i18n import Lang

_BASE_CSS = f"""
<style>
h1, h2, h3 {{ color: {COUNTY_COLOR}; letter-spacing: .02em; }}
.block-container {{ padding-top: 2.2rem; }}
.cp-brand {{ border-left: 5px solid #B3261E; padding: .2rem 0 .2rem .7rem; margin-bottom: .6rem; }}
.cp-brand .t {{ font-size: 1.15rem; font-weight: 700; color: {COUNTY_COLOR}; line-height: 1.35; }}
.cp-brand .s {{ font-size: .78rem; color: #5f6b7a; margin-top: .15rem; }}
.cp-dataset {{ display: inline-block; background: #fdecea; color: #8c1d18; border-radius: 4px;
  padding: .1rem .5rem; font-size: .85rem; font-weight: 600; }}
.cp-legend {{ font-size: .86rem; line-height: 1.5; }}
.cp-legend .h {{ font-weight: 700; color: {COUNTY_COLOR}; margin: .5rem 0 .2rem; }}
.cp-legend .row {{ display: flex; align-items: center; gap: .45rem; margin: .12rem 0; }}
.cp-legend .sw {{ width: 22px; height: 14px; border: 1px solid rgba(0,0,0,.15); flex: none; }}
.cp-legend .dot {{ width: 16px; height: 16px; border-radius: 50%; color: #fff; font-size: 10px;
  font-weight: 700; text-align: center; line-height: 16px; flex: none; border: 1.5px solid #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.2); }}
.cp-legend .sq {{ border-radius: 3px; width: 13px; height: 13px; line-height: 13px;
  font-size: 9px; }}
.cp-legend .small {{ width: 9px; height: 9px; box-shadow: none; border: 1px solid #fff;
  margin: 0 3.5px; }}
.cp-legend .hatch {{
  background: repeating-linear-gradient(45deg, #b2182b 0 3px, #e8a0a6 3px 5px);
  border: 1.5px solid #c62828; }}
.cp-legend .ring {{ border: 1.5px dashed #1f4e8c; border-radius: 50%;
  background: rgba(31,78,140,.07); }}
/* Streamlit's own table download exports raw cells (formulas): hidden on every page, also
   on a first run before client.disableDataExport reaches the browser (no_table_downloads). */
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]
  {{ display: none !important; }}
.cp-legend .line {{ width: 22px; height: 0; border-top: 1.5px solid #546e7a; flex: none; }}
.cp-legend .line.area {{ height: 7px; border: none; border-radius: 4px; opacity: .75; }}
.cp-legend .line.road {{ border-top: 2px solid #3b4149; opacity: .75; }}
/* An element waiting for its script run (Streamlit's "stale" state) dims at once after a
   second instead of fading over a second: the fade is a 60-frame animation of every
   element of the page or fragment, on every run longer than half a second (a solve's
   press, its progress polls), which four browsers sharing the server's cores paid
   for (bench/README.md, four solves at once). */
.stElementContainer[data-stale="true"] {{ transition: opacity 0s linear 1s !important; }}
/* The optimiser panel's hidden parts: the button its progress presses when a solve ended,
   the script that draws the proposal's points on the map (dashboard.simulate.optimise_job). */
.st-key-opt_pickup, .st-key-opt_map_sync {{ display: none !important; }}
[data-testid="stMetric"] {{ background: #fff; }}
[data-testid="stMetricValue"] {{ color: {COUNTY_COLOR}; font-weight: 700; }}
/* Rule-based KPI cards (dashboard.ui.card_grid with a key): tinted green or red. */
[class*="_cpgood_"] {{ background: #eef7f0; border-color: #8cc79a !important; }}
[class*="_cpbad_"] {{ background: #fdf0ef; border-color: #e8a29d !important; }}
[class*="_cpgood_"] [data-testid="stMetric"], [class*="_cpbad_"] [data-testid="stMetric"]
  {{ background: transparent; }}
[class*="_cpgood_"] [data-testid="stMetricValue"],
[class*="_cpgood_"] [data-testid="stMetricLabel"] [data-testid="stIconMaterial"]
  {{ color: #1e7d32; }}
[class*="_cpbad_"] [data-testid="stMetricValue"],
[class*="_cpbad_"] [data-testid="stMetricLabel"] [data-testid="stIconMaterial"]
  {{ color: #b3261e; }}
/* The per-county compliance table (dashboard.widgets.kpi_tables): every county, no inner scroll. */
.cp-county-wrap {{ width: 100%; }}
.cp-county {{ width: 100%; border-collapse: collapse; font-size: 1rem; line-height: 1.3;
  font-variant-numeric: tabular-nums; }}
.cp-county th, .cp-county td {{ padding: .38rem .5rem; border-bottom: 1px solid #e3e8ee;
  text-align: left; vertical-align: middle; }}
.cp-county thead th {{ font-size: .85em; color: #5f6b7a; font-weight: 600;
  border-bottom: 2px solid #c9d2dc; }}
.cp-county tbody th {{ font-weight: 700; color: {COUNTY_COLOR}; white-space: nowrap; }}
.cp-county td.st {{ font-weight: 700; }}
.cp-county .cp-nw {{ white-space: nowrap; }}
.cp-county td.n {{ text-align: right; white-space: nowrap; }}
.cp-county thead th:nth-child(n+3) {{ text-align: right; }}
.cp-county .cp-d {{ font-size: .72em; color: #5f6b7a; margin-left: .3em; font-weight: 600; }}
</style>
"""

_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
.block-container { padding: 1.2rem 2.5rem 1rem; max-width: 100% !important; }
h1 { font-size: 3rem !important; }
h2, h3 { font-size: 2rem !important; }
[data-testid="stMetricLabel"] p { font-size: clamp(1.25rem, 1.6vw, 1.9rem) !important; }
[data-testid="stMetricValue"] { font-size: clamp(3rem, 4.2vw, 5rem) !important; }
[data-testid="stMetricDelta"] { font-size: clamp(1.2rem, 1.45vw, 1.8rem) !important; }
.stMarkdown p, [data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p { font-size: 1.3rem !important; }
.cp-dataset { font-size: 1.3rem !important; }
[data-testid="stDataFrame"] { font-size: 1.3rem; }
/* The county table for the back of the room: grows with the screen (20 px at 1280 wide,
   30 px at 1920), rows stay short enough for all counties of a city on one screen. */
.cp-county { font-size: clamp(1.1rem, 1.55vw, 1.9rem) !important; }
.cp-county th, .cp-county td { padding: .28em .5em; }
.cp-county .cp-d { font-size: .65em; }
.st-key-kpi_scenario label p { font-size: 1.2rem !important; }
.st-key-kpi_scenario input { font-size: 1.4rem !important; font-weight: 600; min-height: 2.6rem; }
[data-testid="stMetricLabel"] [data-testid="stIconMaterial"] { font-size: 1.8rem !important; }
</style>
"""


def brand_html(title: str, subtitle: str) -> str:
    """Return the sidebar's title block (escaped)."""
    return (
        f"<div class='cp-brand'><div class='t'>{html.escape(title)}</div>"
        f"<div class='s'>{html.escape(subtitle)}</div></div>"
    )


def dataset_badge(name: str) -> str:
    """Return an inline badge naming the dataset.

    Escaped for HTML and for Markdown (:func:`dashboard.safetext.html_text`): pages draw it
    with ``st.markdown(..., unsafe_allow_html=True)``, which reads the text between the
    tags as Markdown.
    """
    return f"<span class='cp-dataset'>{html_text(name)}</span>"


def no_table_downloads() -> None:
    """Hide Streamlit's own "Download as CSV" and clipboard copy of tables, on every page.

    Those export raw cells: a name such as ``=HYPERLINK(...)`` would become a live
    formula in a spreadsheet, and they cannot be neutralised. Set by
    ``client.disableDataExport`` in ``dashboard/config.toml`` (from the first page a
    browser shows); this sets it too when the app was started without that file, from
    the next run on. Our own exports (导出) neutralise every cell.
    """
    if not st.get_option("client.disableDataExport"):
        st.set_option("client.disableDataExport", True)


def inject(presenting: bool, lang: str) -> None:
    """Add the page-wide CSS (and the presentation overrides when presenting)."""
    no_table_downloads()
    st.html(_BASE_CSS + chrome_css(lang) + (_PRESENT_CSS if presenting else ""))


# --- Streamlit's own English texts, in the page's language -----------------------------
# Streamlit 1.67 has no setting for the texts of its widgets. Those drawn by CSS-reachable
# elements are replaced here: the text is set to size 0 and ``::after`` shows ours
# (selectors checked in Chromium against Streamlit 1.67's DOM; tests/test_app_data.py
# reads the computed ::after content). Placeholders are attributes: pages pass
# ``placeholder=t("select_placeholder")``. The main menu (Print, Record a screencast,
# Settings, About: English only, nothing the planner needs) is hidden; the status widget
# stays (its Stop button translated) so a long run is visible.
_UPLOADER_BUTTON = (
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'
)
_UPLOADER_DROP = '[data-testid="stFileUploaderDropzone"] > div > span'
_UPLOADER_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
_EMPTY_OPTIONS = '[data-testid="{testid}"] [role="listbox"][data-empty="true"] span'
_STOP_BUTTON = '[data-testid="stStatusWidget"] button[data-testid="stBaseButton-header"]'
_MAIN_MENU = '[data-testid="stMainMenu"]'
# Why an uploader refused a file (too large, wrong type): a tooltip on the red file chip.
_REFUSED_FILE = (
    'body:has([data-testid="stFileChip"][aria-invalid="true"]) '
    '[data-testid="stTooltipErrorContent"]'
)
# "Press Enter to apply" under a text or number field being edited (first of its hints).
_ENTER_HINT = '[data-testid="{testid}"] [data-testid="InputInstructions"] > span:first-child'


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def chrome_css(lang: str) -> str:
    """CSS replacing Streamlit's English widget texts (uploader, running indicator, empty
    drop-downs, "Press Enter to apply") and hiding the main menu."""
    from dashboard.i18n import t
    from geodata.io.limits import MAX_INPUT_MB

    use: Lang = "en" if lang == "en" else "zh"
    multiselect_empty = _EMPTY_OPTIONS.format(testid="stMultiSelectDropdown")
    selectbox_empty = _EMPTY_OPTIONS.format(testid="stSelectboxVirtualDropdown")
    texts: tuple[tuple[str, str, str, str], ...] = (
        (f"{_UPLOADER_BUTTON} > p", _UPLOADER_BUTTON, t("uploader_button", use), ""),
        (_UPLOADER_DROP, _UPLOADER_DROP, t("uploader_drop", use), "font-size: 1rem;"),
        (
            _UPLOADER_LIMIT,
            _UPLOADER_LIMIT,
            t("uploader_limit_any", use, mb=MAX_INPUT_MB),
            "font-size: .875rem;",
        ),
        (multiselect_empty, multiselect_empty, t("multiselect_empty", use), "font-size: .875rem;"),
        (selectbox_empty, selectbox_empty, t("selectbox_empty", use), "font-size: .875rem;"),
        (_STOP_BUTTON, _STOP_BUTTON, t("status_stop", use), "font-size: .875rem;"),
        (
            _REFUSED_FILE,
            _REFUSED_FILE,
            t("uploader_refused", use, mb=MAX_INPUT_MB),
            "font-size: .875rem;",
        ),
    )
    enter = t("input_enter", use)
    for testid in ("stTextInput", "stNumberInput"):
        hint = _ENTER_HINT.format(testid=testid)
        texts += ((hint, hint, enter, "font-size: .75rem;"),)
    rules = [f"{_MAIN_MENU} {{ display: none !important; }}"]
    for hidden, holder, text, size in texts:
        hide = "display: none;" if hidden != holder else "font-size: 0;"
        rules.append(f"{hidden} {{ {hide} }}")
        rules.append(f"{holder}::after {{ content: {_css_string(text)}; {size} }}")
    # The limit line wraps instead of ending in "…" (Chinese needs the room).
    rules.append(f"{_UPLOADER_LIMIT} {{ white-space: normal; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def uploader_css(types_by_key: dict[str, list[str]], limit_mb: int, lang: str) -> str:
    """CSS giving each uploader (by its ``key``) its limit and file types in ``lang``.

    Parameters
    ----------
    types_by_key
        Uploader key -> accepted extensions (as passed to ``st.file_uploader(type=...)``).
    limit_mb
        The per-file limit the uploaders were given (``max_upload_size``).
    lang
        ``"zh"`` or ``"en"``.
    """
    from dashboard.i18n import t

    use: Lang = "en" if lang == "en" else "zh"
    sep = "、" if use == "zh" else ", "
    rules = [
        f".st-key-{key} {_UPLOADER_LIMIT}::after {{ content: "
        + _css_string(
            t("uploader_limit", use, mb=limit_mb, types=sep.join(e.upper() for e in types))
        )
        + "; }"
        for key, types in types_by_key.items()
    ]
    return "<style>\n" + "\n".join(rules) + "\n</style>"
