"""Interface language: Simplified Chinese by default, English on request.

Every label, unit and message of the dashboard is a key in :data:`dashboard.i18n.text.TEXT`
(``key -> (zh, en)``); problems from the data and analysis layers are translated by their
stable ``code`` (:data:`dashboard.i18n.problems.PROBLEM_TEXT`). Tests assert on keys, never
on translated strings.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import streamlit as st

from dashboard import state
from dashboard.i18n.problems import PROBLEM_TEXT
from dashboard.i18n.text import TEXT
from dashboard.safetext import md_escape

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"


def current_lang() -> Lang:
    """Return the language chosen in the sidebar (``"zh"`` when none)."""
    lang = st.session_state.get(state.LANG, DEFAULT_LANG)
    return "en" if lang == "en" else "zh"


def t(key: str, lang: Lang | None = None, **params: Any) -> str:
    """Translate ``key`` into the current (or given) language.

    Parameters
    ----------
    key
        A key of :data:`dashboard.i18n.text.TEXT`.
    lang
        ``"zh"`` or ``"en"``; the session's language when omitted.
    **params
        Values for ``{name}`` fields of the text.

    Returns
    -------
    str
        The text; the key itself when it is unknown (visible, never a crash).
    """
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1 if (lang or current_lang()) == "en" else 0]
    return text.format(**params) if params else text


def t_md(key: str, lang: Lang | None = None, **params: Any) -> str:
    """Translate ``key`` for a place Streamlit reads as Markdown, every parameter escaped.

    Use it wherever a name (scenario, author, city, county, place, file, column, a
    problem's value) is put into ``st.markdown``/``st.caption``/``st.success``/... or a
    label: the parameters go through :func:`dashboard.safetext.md_escape`, the text of
    the table itself keeps its Markdown. Counts and shares come out as they look; a time
    would carry escapes in its Markdown source (``12\\:30``), so a text that also holds a
    time escapes its names with ``md_escape`` and uses :func:`t`.
    """
    return t(key, lang, **{name: md_escape(value) for name, value in params.items()})


def has_key(key: str) -> bool:
    """Return True when ``key`` has a translation."""
    return key in TEXT


def problem_text(code: str, params: dict[str, Any], fallback: str, lang: Lang | None = None) -> str:
    """Translate a data or analysis problem by its ``code``.

    Parameters
    ----------
    code
        ``Problem.code``.
    params
        ``Problem.params`` (filled into the translated sentence).
    fallback
        ``Problem.message`` (English), used inside a generic sentence for unknown codes
        or when a parameter is missing.
    lang
        Language; the session's when omitted.
    """
    use = lang or current_lang()
    pair = PROBLEM_TEXT.get(code)
    if pair is not None:
        try:
            return pair[1 if use == "en" else 0].format_map(_Params(params))
        except (IndexError, ValueError):
            pass
    return t("problem_unknown", use, code=code, message=fallback)


class _Params(dict[str, Any]):
    """Format mapping that renders a missing parameter as an ellipsis."""

    def __missing__(self, key: str) -> str:
        return "…"


def fmt_int(value: float | int | None, lang: Lang | None = None) -> str:
    """Format a count with thousands separators (``—`` for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{round(value):,}"


def fmt_pop(value: float | int | None, lang: Lang | None = None) -> str:
    """Format a population: ``12.3万`` in Chinese for large numbers, ``123,456`` in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if (lang or current_lang()) == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:,.1f}万"
    return f"{round(value):,}"


def fmt_share(value: float | None, digits: int = 1) -> str:
    """Format a fraction in [0, 1] as a percentage."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.{digits}f}%"


def fmt_km(metres: float | None) -> str:
    """Format a distance in metres as kilometres."""
    if metres is None or (isinstance(metres, float) and math.isnan(metres)):
        return "—"
    return f"{metres / 1000:.1f} km"


def point_type_label(point_type: str, lang: Lang | None = None) -> str:
    """Return the display name of a contact point type."""
    key = f"ptype_{point_type}"
    return t(key, lang) if has_key(key) else point_type


def whole_area(level: str, lang: Lang | None = None) -> str:
    """The all-counties choice named by what the data covers: 全省, 全市 or 全县.

    ``level`` is :func:`geodata.admin.codes.area_level`'s (``province``, ``city``,
    ``county``); an unknown one reads as a city, as in the files
    (:func:`geodata.admin.codes.area_name_zh`).
    """
    key = f"all_area_{level}"
    return t(key if has_key(key) else "all_area_city", lang)


def county_label(county: str) -> str:
    """Return a county name for display (empty names shown as 未注明 / unnamed)."""
    return county if county else t("county_unnamed")


def field_label(column: str | None, lang: Lang | None = None) -> str:
    """Return the display name of a canonical column (the raw name when unknown)."""
    if not column:
        return ""
    key = f"field_{column}"
    return t(key, lang) if has_key(key) else column
