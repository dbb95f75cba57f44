"""Shared pieces of the hostile-input tests: the bad corpus, hostile names, HTML checks.

Imported by ``tests/test_hostile_*.py`` and ``tests/test_e2e_sessions.py`` (no tests here).
The corpus itself (``tests/data/bad/``) belongs to the data layer and is checked file by
file against its problem code in ``tests/test_geodata_corpus.py`` (the file list is
``tests/support/corpus.py``); these helpers only send the same files through the other
doors (command line, upload page).
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from geodata.io.columns import infer_layer_from_name
from tests.support.corpus import BAD, GOOD

REPO = Path(__file__).resolve().parents[2]
CROSS_FILES: tuple[str, ...] = tuple(sorted(p.name for p in (BAD / "cross").glob("*.*")))

#: ``python -m analysis report`` option of each layer.
CLI_OPTION: dict[str, str] = {
    "townships": "--townships",
    "villages": "--villages",
    "contact_points": "--points",
    "collection_sites": "--sites",
    "homes": "--homes",
}
#: A valid city from the good corpus, one file per layer (report exits 0 on it).
GOOD_FILES: dict[str, Path] = {
    "townships": GOOD / "townships.geojson",
    "villages": GOOD / "villages.xlsx",
    "contact_points": GOOD / "contact_points.csv",
    "collection_sites": GOOD / "collection_sites_utf8_bom.csv",
    "homes": GOOD / "homes.kmz",
}

#: Names that would run code if they reached a browser unescaped.
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
#: Further shapes: closing the map's own <script>, breaking out of an attribute, a template.
BREAKOUT = "</script><script>alert(2)</script>"
ATTRIBUTE = "\"'><svg onload=alert(3)>"
TEMPLATE = "{{7*7}}${alert(4)}"
HOSTILE_NAMES: tuple[str, ...] = (SCRIPT, IMG, BREAKOUT, ATTRIBUTE, TEMPLATE)
#: Substrings that must never reach HTML unescaped.
RAW_MARKERS: tuple[str, ...] = ("<script", "<img", "<svg", "</script>")

#: Tags and attributes the dashboard's own tooltip/popup/label HTML uses.
ALLOWED_TAGS = frozenset({"div", "span", "b", "br", "table", "tr", "th", "td"})
ALLOWED_ATTRIBUTES = frozenset({"class"})


def layer_of(file_name: str) -> str:
    """Return the layer a corpus file is meant for (from its name, like the corpus test)."""
    layer = infer_layer_from_name(file_name)
    if layer is None:  # pragma: no cover - every corpus file is named for its layer
        raise ValueError(f"no layer in {file_name!r}")
    return str(layer)


def report_argv(files: dict[str, Path], out: Path) -> list[str]:
    """Return ``report`` arguments for ``layer -> file`` and an output folder."""
    argv = ["report"]
    for layer, path in files.items():
        argv += [CLI_OPTION[layer], str(path)]
    return [*argv, "--out", str(out)]


class _MarkupScan(HTMLParser):
    """Collect the tags, attributes and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup_problems(fragment: str) -> list[str]:
    """Return what in an HTML fragment could run code or is not the dashboard's own markup.

    Parameters
    ----------
    fragment
        HTML handed to the browser (a tooltip, popup, label, badge ...).

    Returns
    -------
    list of str
        Unexpected tags and attributes (empty when the fragment is safe).
    """
    scan = _MarkupScan()
    scan.feed(fragment)
    scan.close()
    bad = [f"tag <{tag}>" for tag in scan.tags if tag not in ALLOWED_TAGS]
    bad += [
        f"attribute {name}={value!r}"
        for name, value in scan.attributes
        if name not in ALLOWED_ATTRIBUTES
    ]
    return bad


#: Tags that load or run something.
ACTIVE_TAGS = frozenset(
    {"script", "img", "svg", "iframe", "object", "embed", "video", "audio", "math"}
)


def script_risks(fragment: str) -> list[str]:
    """Return the active tags and event/``javascript:`` attributes of an HTML fragment.

    Looser than :func:`markup_problems`: for page-level HTML (styles, legends) that may
    use any inert tag and ``style`` attributes.
    """
    scan = _MarkupScan()
    scan.feed(fragment)
    scan.close()
    bad = [f"tag <{tag}>" for tag in scan.tags if tag in ACTIVE_TAGS]
    for name, value in scan.attributes:
        if name.startswith("on") or "javascript:" in (value or "").lower().replace(" ", ""):
            bad.append(f"attribute {name}={value!r}")
    return bad


def markup_text(fragment: str) -> str:
    """Return the text a browser shows for an HTML fragment (entities decoded)."""
    scan = _MarkupScan()
    scan.feed(fragment)
    scan.close()
    return "".join(scan.text)


#: The dashboard's own script in page HTML (``st.html`` with JavaScript allowed): one
#: ``<script>`` element and nothing around it.
_OWN_SCRIPT = re.compile(r"\A<script>(?P<code>.*)</script>\Z", re.S)


def page_html_problems(body: str, allows_javascript: bool) -> list[str]:
    """Problems of one page-level HTML body (``st.html``, or markdown with HTML allowed).

    The dashboard's own scripts (the map's data prefetch, the optimiser's points drawn into
    the map) are checked inside: their code must hold no raw marker (a name in their data
    is JSON with ``<`` written ``\\u003c``, so it can neither close the script nor open a
    tag). Any other body: no raw marker, no active tag, no event attribute.
    """
    own = _OWN_SCRIPT.match(body.strip()) if allows_javascript else None
    if own is not None:
        code = own.group("code")
        return raw_markers(code) + [name for name in HOSTILE_NAMES if "<" in name and name in code]
    return raw_markers(body) + script_risks(body)


def raw_markers(text: str) -> list[str]:
    """Return the raw (unescaped) hostile markers found in ``text``."""
    lowered = text.lower()
    return [m for m in RAW_MARKERS if m in lowered]


def hostile_city() -> Any:
    """Return a validated city whose every name and text field holds hostile markup.

    Townships, counties, villages, contact points, collection sites (and their site type)
    and representative homes are renamed in turn with :data:`HOSTILE_NAMES` (a suffix
    keeps ids and names unique), then the city is assembled again by the data layer, so
    these names pass its validation exactly as an upload's would.
    """
    from geodata.validate.layers import assemble_city
    from tests.support.e2e import synthetic_city

    base = synthetic_city()

    def names(n: int, prefix: str) -> list[str]:
        return [f"{HOSTILE_NAMES[i % len(HOSTILE_NAMES)]}{prefix}{i}" for i in range(n)]

    towns = base.townships.copy()  # type: ignore[attr-defined]
    towns["name"] = names(len(towns), "镇")
    county_map = {
        c: f"{HOSTILE_NAMES[i % len(HOSTILE_NAMES)]}县{i}"
        for i, c in enumerate(towns["county"].unique())
    }
    towns["county"] = towns["county"].map(county_map)
    villages = base.villages.copy()  # type: ignore[attr-defined]
    villages["name"] = names(len(villages), "村")
    points = base.contact_points.copy()  # type: ignore[attr-defined]
    points["name"] = names(len(points), "联系点")
    points["county"] = points["county"].map(county_map)
    sites = base.collection_sites.copy()  # type: ignore[attr-defined]
    sites["name"] = names(len(sites), "采集点")
    sites["site_type"] = names(len(sites), "类")
    homes = base.homes.copy()  # type: ignore[attr-defined]
    homes["name"] = names(len(homes), "之家")
    homes["county"] = homes["county"].map(county_map)
    city = assemble_city(towns, villages, points, sites, homes, name=SCRIPT + "市")
    return dataclasses.replace(city, name=SCRIPT + "市")


def rss_mb(pid: int) -> float:
    """Return the resident memory (MB) of process ``pid`` from ``/proc`` (0.0 if gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0
