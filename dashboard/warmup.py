"""Import the map page's libraries in the background while Streamlit starts.

``python -m dashboard.launch`` calls :func:`start` before it hands over to Streamlit's
command line. In two steps:

1. Once the server has started: what the 地图 page's first run needs and Streamlit's
   server has not loaded (pyarrow, the dashboard's light modules; ~0.3 s). The app calls
   :func:`wait_early` before its own imports, so the script thread never imports a module
   while the warm-up thread is half-way through it.
2. Once the first map has been sent (the map page calls :func:`release`) and a little
   later: what the other pages need (pandas, folium, ...; ~1-2 s). Any other page, and a
   map whose data is not cached yet, calls :func:`wait` first. Then the solver pool's
   worker processes are started (:mod:`dashboard.services.solver`).

Importing pandas and folium before the first map, as this module used to, slowed the
server's serving of Streamlit's frontend (both need the GIL) and made the first run wait.

Under ``streamlit run dashboard/app.py`` or AppTest nothing is started and both waits
return at once.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
import time

from dashboard import timing
from dashboard.adapters import streamlit_internals

_LOG = logging.getLogger(__name__)

#: Modules the 地图 page's first run needs that Streamlit's server has not loaded: pyarrow
#: (every custom component's call imports it), Streamlit's own (the component, the
#: pills' emoji check, the favicon: :data:`streamlit_internals.WARM_MODULES`) and Pillow
#: (st.set_page_config's favicon is a PNG, ~0.1 s). The page needs no folium, branca,
#: jinja2 or pandas (see :mod:`dashboard.map.view`). ``streamlit_folium`` itself is never
#: imported here: it registers its component with the runtime only when imported from a
#: script run.
THIRD_PARTY: tuple[str, ...] = (
    "pyarrow",
    "PIL.Image",
    "PIL.PngImagePlugin",
    *streamlit_internals.WARM_MODULES,
)
#: The dashboard's modules on the map page's path. Their ``st.cache_*`` decorators check
#: the cache storage of the running server, so they are imported once it exists.
DASHBOARD: tuple[str, ...] = (
    "dashboard.state",
    "dashboard.i18n",
    "dashboard.map.palette",
    "dashboard.styles",
    "dashboard.services.data",
    "dashboard.services.access",  # the login check: accounts, argon2 (~0.03 s)
    "dashboard.map.view",
    "dashboard.map.cache",
    "dashboard.map.legend",
)
#: What the other pages (and a cold map) import: loaded once the first map has been sent
#: (:func:`release`), after :data:`LATER_DELAY_S`, so it competes neither with the browser
#: loading Streamlit's frontend nor with the map's own files.
LATER: tuple[str, ...] = (
    "pandas",
    "jinja2",
    "branca.element",
    "folium",
    "folium.plugins",
    "dashboard.ui",
)
#: Seconds between the first map being sent and the later imports (the browser fetches
#: the component's files and draws meanwhile).
LATER_DELAY_S = 3.0
#: The later imports also wait until no script has run for this long (:func:`touch`), so
#: they rarely slow down a redraw (each module is one uninterruptible import).
QUIET_S = 1.5
#: How long the warm-up waits for Streamlit's runtime before it skips the dashboard modules.
RUNTIME_WAIT_S = 30.0
#: How long the warm-up waits for the first map before importing the rest anyway.
RELEASE_WAIT_S = 20.0
#: How long the app waits for the warm-up before importing on its own (a stuck or very slow
#: warm-up must not block the page; importing the rest itself is then merely slower).
WAIT_S = 120.0

_thread: threading.Thread | None = None
_timings: dict[str, float] = {}
_early = threading.Event()
_release = threading.Event()
_hurry = threading.Event()
_delay = [0.0]
_last_run = [0.0]


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except (ImportError, RuntimeError) as exc:  # RuntimeError: import-lock deadlock
            # The script imports the module again and then reports the real error.
            _LOG.warning("warm-up could not import %s: %s", name, exc)
        _timings[name] = time.perf_counter() - t0
        timing.mark(f"warmup: {name} {_timings[name]:.3f}")


def _wait_for_runtime(started: bool, timeout: float) -> bool:
    """Wait until Streamlit's runtime exists (and, with ``started``, has started)."""
    deadline = time.monotonic() + timeout
    while not streamlit_internals.runtime_ready(started):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _run(after_server_start: bool) -> None:
    try:
        if after_server_start:
            # Imports hold the GIL: run alongside the server's own start and both finish
            # later. Once the server listens it mostly waits for the browser, which first
            # loads Streamlit's frontend (~1 s): that is the idle time to fill.
            _wait_for_runtime(True, RUNTIME_WAIT_S)
        _import_all(THIRD_PARTY)
        # Before its first element Streamlit would spend ~0.3 s (inspect.stack()) on a
        # warning that is never printed under the launcher's server.
        streamlit_internals.skip_repl_check()
        if _wait_for_runtime(False, RUNTIME_WAIT_S):
            _import_all(DASHBOARD)
    finally:
        _early.set()
    _release.wait(RELEASE_WAIT_S)
    if _delay[0] > 0:
        _hurry.wait(_delay[0])
    for name in LATER:
        _wait_quiet()
        _import_all((name,))
    _wait_quiet()
    _start_solver_pool()
    _wait_quiet()
    _freeze()


def _freeze() -> None:
    """Move what is alive after the start (modules, the first data) out of the collector's way.

    A full garbage collection scans every object the process holds (~0.15 s on the demo
    city, more with a province) and hits whichever click allocates at that moment; objects
    frozen after one last collection at an idle moment are no longer scanned. Objects
    created later are collected as before.
    """
    t0 = time.perf_counter()
    gc.collect()
    gc.freeze()
    _timings["gc freeze"] = time.perf_counter() - t0
    timing.mark(f"warmup: gc freeze {_timings['gc freeze']:.3f} ({gc.get_freeze_count()} objects)")


def _start_solver_pool() -> None:
    """Start the server's solver processes, so that the first 求解 finds them warm.

    The workers import the solver in processes of their own (~3 s, no GIL shared with
    the server); a bad ``COVERAGE_PLANNER_SOLVER_WORKERS`` is said when a solve starts.
    """
    _import_all(("analysis.optimise.worker", "dashboard.services.solver"))
    from analysis.errors import AnalysisError

    t0 = time.perf_counter()
    try:
        importlib.import_module("dashboard.services.solver").pool()
    except (AnalysisError, ImportError) as exc:
        _LOG.warning("warm-up could not start the solver pool: %s", exc)
    _timings["solver pool"] = time.perf_counter() - t0
    timing.mark(f"warmup: solver pool {_timings['solver pool']:.3f}")


def _wait_quiet() -> None:
    """Wait until no script has run for :data:`QUIET_S` (or :func:`wait` hurries us)."""
    while not _hurry.is_set():
        idle = time.monotonic() - _last_run[0]
        if idle >= QUIET_S:
            return
        _hurry.wait(QUIET_S - idle)


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


def wait_early(timeout: float = WAIT_S) -> None:
    """Block until the map page's modules are imported (if a warm-up was started)."""
    if _thread is not None:
        _early.wait(timeout)


def touch() -> None:
    """Note that a script run starts (the later imports wait for a quiet moment)."""
    _last_run[0] = time.monotonic()


def release(delay: float = 0.0) -> None:
    """Let the warm-up import the other pages' modules, ``delay`` seconds from now."""
    if not _release.is_set():
        _delay[0] = delay
        _release.set()


def wait_if_busy(timeout: float = WAIT_S) -> None:
    """Block until the later imports end if they have begun (not before :func:`release`)."""
    if _thread is not None and _release.is_set():
        wait(timeout)


def wait(timeout: float = WAIT_S) -> None:
    """Start the later imports now and block until the warm-up (if any) has finished."""
    if _thread is not None:
        _hurry.set()
        release()
        _thread.join(timeout)


def timings() -> dict[str, float]:
    """Return the seconds each module took to import on the warm-up thread (diagnostics)."""
    return dict(_timings)
