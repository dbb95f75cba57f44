"""User text (names of scenarios, cities, points, files) made inert for Streamlit's Markdown.

Streamlit reads the text of ``st.markdown``, ``st.success``/``st.info``/``st.warning``/
``st.error``, ``st.caption``, titles, labels and expander headings as Markdown: a scenario
named ``![s](http://example.invalid/s.png)`` would make every browser that shows it fetch an
outside address, and ``[x](…)`` would become a link. Every name that reaches one of those
goes through :func:`md_escape` first (plain ``st.text``/``st.code`` and table cells need not).
"""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation; Streamlit adds $…$ (math) and
# :directives: (colours, icons, emoji), which are ASCII punctuation too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=])")


def md_escape(text: object) -> str:
    """Return ``text`` with every Markdown-active character backslash-escaped.

    Line breaks become spaces: a name never starts a new Markdown block.
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
