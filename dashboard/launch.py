"""Start the dashboard: ``coverage-planner [options]`` or ``python -m dashboard.launch [options]``.

The same as ``streamlit run dashboard/app.py [options]``, with two differences:

- the settings in ``dashboard/config.toml`` (static file serving for the offline map, the
  upload limit, the theme, no usage statistics ...) are passed as command-line options, so
  the app behaves the same from any working directory and when installed as a package;
- the heavy imports of the map page (numpy, pandas, folium, the dashboard's modules) start
  on a background thread first (:mod:`dashboard.warmup`), overlapping with the server's
  start and the browser loading Streamlit's frontend; the first map appears sooner.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parent / "app.py"
#: The dashboard's Streamlit settings (package data).
CONFIG = Path(__file__).resolve().parent / "config.toml"


def config_flags(path: Path = CONFIG) -> list[str]:
    """Streamlit command-line options for every value of a config TOML file.

    ``[server] maxUploadSize = 100`` becomes ``--server.maxUploadSize 100``; nested tables
    (``[theme.sidebar]``) give dotted names, booleans ``true``/``false``.
    """
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    flags: list[str] = []

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value)
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                flags.extend([f"--{name}", text])

    walk("", data)
    return flags


def _merged(extra: list[str]) -> list[str]:
    """The config's options, except those ``extra`` sets, then ``extra``."""
    given = {arg.split("=", 1)[0] for arg in extra if arg.startswith("--")}
    pairs = config_flags()
    defaults = [
        item
        for name, value in zip(pairs[::2], pairs[1::2], strict=True)
        if name not in given
        for item in (name, value)
    ]
    return [*defaults, *extra]


def main(argv: list[str] | None = None) -> int:
    """Run ``streamlit run dashboard/app.py`` with the config's and ``argv``'s options.

    Parameters
    ----------
    argv
        Options passed on to ``streamlit run`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Streamlit's exit status.
    """
    from dashboard import timing

    timing.mark("launch: main")
    extra = list(sys.argv[1:] if argv is None else argv)
    from dashboard.adapters import streamlit_internals

    # Import Streamlit's command line (and with it the streamlit package) before the
    # warm-up thread starts, so the two threads never import the same Streamlit modules.
    streamlit_internals.load_cli()
    from dashboard import warmup

    if timing.ENABLED:
        # Mark sessions connecting and messages from the browser.
        streamlit_internals.trace_runtime(timing.mark)
    warmup.start()
    # No file watcher unless asked for: it serves editing (rerun on save), and after each
    # successful run it scans every loaded module (~1,600; ~0.3 s on a busy 2-core
    # machine) on the server's event loop, just when the browser asks for the map's
    # component files. Pass --server.fileWatcherType auto while developing.
    if not any(arg.startswith("--server.fileWatcherType") for arg in extra):
        extra = ["--server.fileWatcherType", "none", *extra]
    return streamlit_internals.run_cli(["run", str(APP), *_merged(extra)])


if __name__ == "__main__":
    sys.exit(main())
