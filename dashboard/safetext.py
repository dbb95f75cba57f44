"""User text (names of scenarios, cities, points, files) made inert for Streamlit's Markdown.

Streamlit reads the text of ``st.markdown``, ``st.success``/``st.info``/``st.warning``/
``st.error``/``st.toast``, ``st.caption``, titles, widget labels and help texts, expander
and tab headings, ``st.metric`` labels and values, and the options of ``st.radio`` and
``st.pills`` as Markdown: a scenario named ``![s](http://example.invalid/s.png)`` would make
every browser that shows it fetch an outside address, and ``[x](…)`` would become a link.
Every name that reaches one of those goes through :func:`md_escape` first, usually through
:func:`dashboard.i18n.t_md` (a translated message whose parameters are escaped). Plain
``st.text``/``st.code``, table cells and the options of ``st.selectbox``/``st.multiselect``
are shown as text and need nothing.

HTML inside ``st.markdown(..., unsafe_allow_html=True)`` is read as Markdown too (the text
between tags is): names there go through :func:`html_text`. ``st.html`` is not Markdown;
:func:`html.escape` is enough there (:func:`html_text` works as well).
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation; Streamlit adds $…$ (math) and
# :directives: (colours, icons, emoji), which are ASCII punctuation too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=])")
#: HTML's own escapes (as :func:`html.escape` writes them).
_HTML_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_PUNCTUATION = frozenset(string.punctuation)
#: U+2060 WORD JOINER: invisible, zero width.
WORD_JOINER = "\u2060"
# After parsing, Streamlit's Markdown turns bare addresses in text into links (GFM's
# autolink literals: ``http://…``, ``www.…``, ``name@host.tld``, found in the text even when
# every character was escaped) and ``:name:`` into emoji or icons. A word joiner before
# ``http``/``www``/``@`` and after ``:`` breaks those patterns and shows nothing.
_AUTOLINK = re.compile(r"(?i)(?=https?:|www\.|@)|(?<=:)")


def _flat(text: object) -> str:
    """``text`` on one line (a name never starts a new Markdown block), addresses broken."""
    return _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).splitlines()))


def md_escape(text: object) -> str:
    """Return ``text`` with every Markdown-active character backslash-escaped.

    Line breaks become spaces; a bare address or ``:name:`` gets an invisible word joiner
    (U+2060) so that it is not made a link, an emoji or an icon.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _flat(text))


def html_text(text: object) -> str:
    """Return ``text`` escaped for HTML that Streamlit also reads as Markdown.

    ``&<>"'`` become HTML's escapes and every other ASCII punctuation character a numeric
    character reference (``[`` -> ``&#91;``): Markdown takes a character reference as the
    character itself, never as syntax, so no link, image, emphasis, colour or maths can be
    made of the name, while a browser shows the characters. Line breaks become spaces and
    addresses get a word joiner, as in :func:`md_escape`.
    """
    return "".join(
        _HTML_NAMED.get(ch) or (f"&#{ord(ch)};" if ch in _PUNCTUATION else ch) for ch in _flat(text)
    )
