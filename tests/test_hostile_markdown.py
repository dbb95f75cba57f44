"""Names made inert for Streamlit's Markdown: ``dashboard.safetext`` and ``dashboard.i18n.t_md``.

What Streamlit's browser code makes of the result is proven in Chromium by
``tests/test_e2e_hostile.py``; these checks pin the escaping itself (fast, no browser).
"""

from __future__ import annotations

import html
import string

import pytest

from dashboard.i18n import t, t_md
from dashboard.safetext import WORD_JOINER, html_text, md_escape

NAMES = (
    "![s](http://example.invalid/s.png)",
    "[link](http://example.invalid/)",
    "<img src=x onerror=alert(1)>",
    "<script>window.__pwned=1</script>",
    '=HYPERLINK("http://example.invalid","x")',
    ":red[colour]",
    "$x^2$",
    "**bold**",
    "line one\nline two",
    "www.example.invalid mail@example.invalid :smile: `code` # head > quote",
    "黄川县·田峡社区",
)
#: Markdown-active characters md_escape must backslash-escape.
ACTIVE = set("\\`*_{}[]()#+-.!|<>~$:&\"'=")


def _plain(text: str) -> str:
    return text.replace(WORD_JOINER, "")


@pytest.mark.parametrize("name", NAMES)
def test_md_escape_escapes_every_active_character(name: str) -> None:
    out = md_escape(name)
    assert "\n" not in out and "\r" not in out  # a name never starts a block
    unescaped, i = [], 0
    body = _plain(out)
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            assert body[i + 1] in ACTIVE, (name, out)
            unescaped.append(body[i + 1])
            i += 2
            continue
        assert ch not in ACTIVE, (name, out, ch)
        unescaped.append(ch)
        i += 1
    assert "".join(unescaped) == " ".join(name.splitlines())  # the same text, shown as is


@pytest.mark.parametrize("name", NAMES)
def test_html_text_leaves_no_punctuation_for_markdown_or_html(name: str) -> None:
    out = html_text(name)
    outside = out
    for ref in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"):
        outside = outside.replace(ref, "")
    for ch in string.punctuation:
        outside = outside.replace(f"&#{ord(ch)};", "")
    assert not set(outside) & set(string.punctuation), (name, out)
    assert _plain(html.unescape(out)) == " ".join(name.splitlines())


def test_addresses_and_shortcodes_get_a_word_joiner() -> None:
    """Streamlit links bare addresses found in the text after parsing (escaped or not)
    and turns ``:name:`` into emoji/icons: an invisible word joiner breaks each pattern."""
    out = md_escape("see http://a.invalid, HTTPS://b.invalid, www.c.invalid, d@e.invalid :x:")
    for broken in (
        f"{WORD_JOINER}http\\:",
        f"{WORD_JOINER}HTTPS\\:",
        f"{WORD_JOINER}www\\.",
        f"d{WORD_JOINER}@e",
        f"\\:{WORD_JOINER}x\\:{WORD_JOINER}",
    ):
        assert broken in out, out
    assert WORD_JOINER not in md_escape("田峡社区 12.5%")


def test_t_md_escapes_the_parameters_not_the_text() -> None:
    name = "![s](http://example.invalid/s.png)"
    out = t_md("sim_delete_scenario", "zh", name=name)
    assert out == t("sim_delete_scenario", "zh", name=md_escape(name))
    head, _, tail = t("sim_delete_scenario", "zh", name="\0").partition("\0")
    assert out.startswith(head) and out.endswith(tail)  # the text itself is not escaped
    assert "](" not in out
