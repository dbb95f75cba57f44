"""Start the dashboard: ``python -m dashboard.launch [streamlit run options]``.

The same as ``streamlit run dashboard/app.py [options]``, but the heavy imports of the map
page (numpy, pandas, folium, the dashboard's modules) start on a background thread first
(:mod:`dashboard.warmup`), overlapping with the server's start and the browser loading
Streamlit's frontend; the first map appears sooner. Run it from the repository root (the
``.streamlit/config.toml`` there is read from the working directory).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    """Run ``streamlit run dashboard/app.py`` with ``argv`` as extra options.

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
    # Import Streamlit's command line (and with it the streamlit package) before the
    # warm-up thread starts, so the two threads never import the same Streamlit modules.
    from streamlit.web import cli as stcli

    from dashboard import warmup

    if timing.ENABLED:
        _trace_runtime()
    warmup.start()
    # No file watcher unless asked for: it serves editing (rerun on save), and after each
    # successful run it scans every loaded module (~1,600; ~0.3 s on a busy 2-core
    # machine) on the server's event loop, just when the browser asks for the map's
    # component files. `streamlit run dashboard/app.py` keeps it for development.
    if not any(arg.startswith("--server.fileWatcherType") for arg in extra):
        extra = ["--server.fileWatcherType", "none", *extra]
    # What `streamlit run` does: click parses sys.argv; prog_name as in streamlit/__main__.
    sys.argv = ["streamlit", "run", str(APP), *extra]
    return int(stcli.main(prog_name="streamlit") or 0)


def _trace_runtime() -> None:
    """Mark sessions connecting and messages from the browser (``CP_TIMING`` only)."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime

    from dashboard import timing

    connect = Runtime.connect_session
    handle = AppSession.handle_backmsg

    def connect_session(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        timing.mark("runtime: connect_session")
        return connect(self, *args, **kwargs)

    def handle_backmsg(self, msg):  # type: ignore[no-untyped-def]
        timing.mark(f"runtime: backmsg {msg.WhichOneof('type')}")
        return handle(self, msg)

    Runtime.connect_session = connect_session  # type: ignore[method-assign]
    AppSession.handle_backmsg = handle_backmsg  # type: ignore[method-assign]


if __name__ == "__main__":
    sys.exit(main())
