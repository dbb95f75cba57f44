"""Import the map page's libraries in the background while Streamlit starts.

``python -m dashboard.launch`` calls :func:`start` before it hands over to Streamlit's
command line. Until the browser has loaded Streamlit's frontend and opened its session,
the server process is mostly idle; the first script run would then spend ~1-2 s importing
numpy, pandas, folium and the dashboard's own modules (Streamlit's server loads none of
them). Importing them on a thread during that idle time takes that work off the path to
the first map. The app calls :func:`wait` before its own imports, so the script thread
never imports a module while the warm-up thread is half-way through it.

Under ``streamlit run dashboard/app.py`` or AppTest nothing is started and :func:`wait`
returns at once.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

_LOG = logging.getLogger(__name__)

#: Third-party modules the map page needs, in dependency order. Streamlit's server imports
#: none of them while it starts (checked on streamlit 1.67), so the warm-up thread and the
#: server's thread never wait on each other's import locks. ``streamlit_folium`` itself is
#: left to the script: it registers its component with the runtime only when imported from
#: a script run.
THIRD_PARTY: tuple[str, ...] = (
    "numpy",
    "pandas",
    "jinja2",
    "branca.element",
    "folium",
    "folium.plugins",
)
#: The dashboard's modules on the map page's path. Their ``st.cache_*`` decorators check
#: the cache storage of the running server, so they are imported once it exists.
DASHBOARD: tuple[str, ...] = (
    "dashboard.state",
    "dashboard.i18n",
    "dashboard.palette",
    "dashboard.styles",
    "dashboard.services",
    "dashboard.mapview",
    "dashboard.mapcache",
    "dashboard.legend",
    "dashboard.ui",
)
#: How long the warm-up waits for Streamlit's runtime before it skips the dashboard modules.
RUNTIME_WAIT_S = 30.0
#: How long the app waits for the warm-up before importing on its own (a stuck or very slow
#: warm-up must not block the page; importing the rest itself is then merely slower).
WAIT_S = 120.0

_thread: threading.Thread | None = None
_timings: dict[str, float] = {}


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except (ImportError, RuntimeError) as exc:  # RuntimeError: import-lock deadlock
            # The script imports the module again and then reports the real error.
            _LOG.warning("warm-up could not import %s: %s", name, exc)
        _timings[name] = time.perf_counter() - t0


def _wait_for_runtime(started: bool, timeout: float) -> bool:
    """Wait until Streamlit's runtime exists (and, with ``started``, has started)."""
    from streamlit import runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + timeout
    while not runtime.exists() or (
        started and runtime.get_instance().state == RuntimeState.INITIAL
    ):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _run(after_server_start: bool) -> None:
    if after_server_start:
        # Imports hold the GIL: run alongside the server's own start and both finish
        # later. Once the server listens it mostly waits for the browser, which first
        # loads Streamlit's frontend (~1 s): that is the idle time to fill.
        _wait_for_runtime(True, RUNTIME_WAIT_S)
    _import_all(THIRD_PARTY)
    if _wait_for_runtime(False, RUNTIME_WAIT_S):
        _import_all(DASHBOARD)


def start(after_server_start: bool = True) -> None:
    """Start importing the map page's modules on a daemon thread (once per process).

    Parameters
    ----------
    after_server_start
        Begin once Streamlit's runtime has started (default), rather than at once.
    """
    global _thread
    if _thread is None:
        _thread = threading.Thread(
            target=_run, args=(after_server_start,), name="cp-warmup", daemon=True
        )
        _thread.start()


def wait(timeout: float = WAIT_S) -> None:
    """Block until the warm-up (if any was started) has finished, or ``timeout`` passed."""
    if _thread is not None:
        _thread.join(timeout)


def timings() -> dict[str, float]:
    """Return the seconds each module took to import on the warm-up thread (diagnostics)."""
    return dict(_timings)
