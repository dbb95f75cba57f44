"""Keep user text out of Jinja's reach in folium maps.

branca renders every folium element's script, then compiles that *output* as a Jinja
template again (``MacroElement.render`` adds ``Element(output)`` to the figure), and a full
figure render (``st_folium``'s default ``render=True``) evaluates it. A name such as
``{{ cycler.__init__.__globals__.os.getpid() }}`` in an uploaded file would run on the
server, and ``{% if %}`` would stop the page with a ``TemplateSyntaxError``.

JSON never has ``{{``, ``{%`` or ``{#`` outside its strings, so writing the first brace of
each as ``\\u007b`` (the same character to JavaScript) leaves nothing for Jinja to see and
changes nothing a browser shows. :func:`inert_json` does it for the maps' own JSON;
:func:`make_templates_inert` makes Jinja's ``tojson`` filter (folium's ``GeoJson`` data and
options) do it too, through Jinja's public ``policies``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

_TEMPLATE_OPEN = re.compile(r"\{(?=[{%#])")


def inert_text(json_text: str) -> str:
    """``json_text`` with every ``{{``/``{%``/``{#`` (only inside strings) made inert."""
    return _TEMPLATE_OPEN.sub(r"\\u007b", json_text)


def inert_json(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, **kwargs)`` that Jinja finds nothing to evaluate in."""
    return inert_text(json.dumps(value, **kwargs))


@functools.cache  # once per process: every folium map passes here, on every rerun
def make_templates_inert() -> None:
    """Make the ``tojson`` and ``tojavascript`` filters of the Jinja environments folium and
    branca use inert (Jinja's public ``policies`` and ``filters``).

    Done once per process; called before every folium map is built
    (:func:`dashboard.map.assets.use_offline_assets`).
    """
    import jinja2
    from folium.template import Template as FoliumTemplate

    environments = [
        jinja2.Template("").environment,
        jinja2.Template("", trim_blocks=True, lstrip_blocks=True).environment,  # branca's
        FoliumTemplate("").environment,
    ]
    for environment in environments:
        environment.policies["json.dumps_function"] = inert_json
        to_js = environment.filters.get("tojavascript")
        if to_js is not None:
            environment.filters["tojavascript"] = _inert_filter(to_js)


def _inert_filter(to_js: Callable[[Any], str]) -> Callable[[Any], str]:
    def inert_to_js(value: Any) -> str:
        return inert_text(to_js(value))

    return inert_to_js
