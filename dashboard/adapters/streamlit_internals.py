"""Every private or undocumented part of Streamlit and streamlit-folium the dashboard uses.

Written against the pinned versions (``requirements.txt``: streamlit 1.67.0,
streamlit-folium 0.27.4). The rest of the dashboard reaches these parts only through the
small functions and constants here; ``tests/test_streamlit_adapter.py`` holds one
contract test for each, which fails naming the pinned version and what changed when an
installed version no longer offers what it relies on. Before moving a pin, run those
tests.

Why each is used:

- streamlit-folium's component, called directly by the 地图 page
  (:func:`folium_component`): ``import streamlit_folium`` imports folium, branca, jinja2
  and pandas (1-2 s on the way to the first map). The page declares the same component
  (same name and frontend files) and hands it the arguments ``st_folium`` would; its base
  script and view script follow the frontend's conventions (:data:`FOLIUM_MAP_VAR`,
  :data:`FOLIUM_LIVE_MAP`, :func:`folium_no_value_js`).
- whether a browser session is still connected (:func:`session_alive_check`): the solver
  pool cancels the solve of a session whose tab was closed (``Runtime.is_active_session``
  and the script run's ``session_id``; Streamlit has no public "session ended" hook).
- the launcher and the warm-up (:func:`load_cli`, :func:`run_cli`, :func:`runtime_ready`,
  :func:`skip_repl_check`, :data:`WARM_MODULES`, :func:`trace_runtime`): start Streamlit's
  command line in-process, import what the first run needs while the server starts, and
  skip a once-per-process check that costs ~0.3 s.

Nothing heavy is imported at module level (the 地图 page imports this module).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from typing import Any

# --- streamlit-folium's component --------------------------------------------------------

#: The component's name as ``streamlit_folium`` declares it (``<module>.st_folium``); it
#: is also the title of the map's iframe.
FOLIUM_COMPONENT_NAME = "streamlit_folium.st_folium"
#: Where the package keeps its built frontend, relative to its ``__init__.py``.
FOLIUM_FRONTEND = "frontend/build"
#: The variable the frontend expects the base script to bind the Leaflet map to (it runs
#: ``script + "window.map = map_div; ..."``); also the map's element id.
FOLIUM_MAP_VAR = "map_div"
#: Where the frontend keeps the live map for the scripts it evaluates later
#: (``feature_group``).
FOLIUM_LIVE_MAP = "window.map"
#: The arguments the frontend reads (``data.args.<name>``); ``st_folium`` also passes
#: ``id``, which only Python uses.
FOLIUM_ARGS: tuple[str, ...] = (
    "script",
    "header",
    "html",
    "height",
    "width",
    "returned_objects",
    "default",
    "zoom",
    "center",
    "feature_group",
    "return_on_hover",
    "layer_control",
    "pixelated",
    "css_links",
    "js_links",
    "wrap_longitude",
)

_FOLIUM_COMPONENT: Any = None


def folium_frontend_dir() -> str:
    """Return the folder of streamlit-folium's built frontend, without importing it.

    The very path ``streamlit_folium`` declares its component with, so the two
    declarations are equal and replace each other silently in Streamlit's registry.

    Raises
    ------
    ImportError
        When streamlit-folium is not installed.
    """
    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or spec.origin is None:
        raise ImportError("streamlit-folium is not installed")
    return os.path.join(os.path.dirname(os.path.abspath(spec.origin)), FOLIUM_FRONTEND)


def folium_component() -> Any:
    """Return streamlit-folium's component (a ``CustomComponent``), registered for this run.

    Declared as ``components.declare_component`` declares it from that package (name,
    path, module), once per process; registered with the running app on every call from
    a script run (a registry forgets nothing, re-registering is cheap).
    """
    global _FOLIUM_COMPONENT
    if _FOLIUM_COMPONENT is None:
        from streamlit.components.v1.custom_component import CustomComponent

        _FOLIUM_COMPONENT = CustomComponent(
            name=FOLIUM_COMPONENT_NAME,
            path=folium_frontend_dir(),
            url=None,
            module_name="streamlit_folium",
        )
    register_component(_FOLIUM_COMPONENT)
    return _FOLIUM_COMPONENT


def register_component(component: Any, registry: Any = None) -> bool:
    """Register ``component`` with ``registry`` (default: the running app's, in a script run).

    Returns
    -------
    bool
        Whether it was registered (not outside a script run without a ``registry``).
    """
    if registry is None:
        from streamlit.runtime import exists, get_instance

        if not in_script_run() or not exists():
            return False
        registry = get_instance().component_registry
    registry.register_component(component)
    return True


def in_script_run() -> bool:
    """Return whether the calling thread runs an app script (has a script-run context)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx() is not None


def session_alive_check() -> Callable[[], bool] | None:
    """A check of whether this script run's browser session is still connected, callable
    from any thread (``Runtime.is_active_session`` is thread-safe); None outside a script
    run of a running server (e.g. ``AppTest``, which has no runtime)."""
    from streamlit import runtime
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    instance, session_id = runtime.get_instance(), ctx.session_id
    if type(instance) is not Runtime:  # AppTest's stand-in, a Mock(spec=Runtime)
        return None
    return lambda: bool(instance.is_active_session(session_id))


def folium_no_value_js() -> str:
    """Return the script that tells the frontend its last sent value is ``{}``.

    The map returns nothing to Python (``returned_objects`` is empty): the frontend
    compares what it would send with ``previous_data`` and sends nothing while both are
    ``{}``. The component's default is ``None`` (a ``{}`` default would import pandas),
    so without this every new iframe would send ``{}`` once and rerun the script.
    """
    return "if (window.__GLOBAL_DATA__) { window.__GLOBAL_DATA__.previous_data = {}; }\n"


#: What st_folium's frontend returns for a click, in the order it builds its value
#: (``updateComponentValue``: the value's keys filtered by ``returned_objects``).
_CLICK_KEYS = ("last_clicked", "last_object_clicked")


def folium_click_now_js(map_var: str = FOLIUM_MAP_VAR) -> str:
    """Return the script that sends a click on the map to Python at once.

    st_folium's frontend sends every change (click, pan, zoom) through one 250 ms
    debounce, a quarter of a second of each click on the 方案模拟 map. For a map that
    returns only ``last_clicked`` / ``last_object_clicked``, this sends the click's value
    as the frontend would (same keys, same order, a component value message), and
    records it as ``previous_data``: the debounced send that follows finds nothing new and
    sends nothing (one rerun per click, as before). A click on a layer reaches the map
    after the layer's own handler (Leaflet's bubbling), so ``last_object_clicked`` is
    already the frontend's. Other maps, or a frontend without ``__GLOBAL_DATA__``, keep
    the debounced path.
    """
    keys = json.dumps(list(_CLICK_KEYS))
    return (
        "(function() { var G = window.__GLOBAL_DATA__;"
        " if (!G || !window.parent || window.parent === window) { return; }"
        f" var order = {keys};"
        " var wanted = G.returned_objects || [];"
        " if (!wanted.length || wanted.some(function(k) { return order.indexOf(k) < 0; }))"
        " { return; }"
        f" {map_var}.on('click', function(e) {{"
        "  var all = {last_clicked: {lat: e.latlng.lat, lng: e.latlng.lng},"
        "   last_object_clicked: G.last_object_clicked};"
        "  var u = {};"
        "  order.forEach(function(k) { if (wanted.indexOf(k) >= 0) { u[k] = all[k]; } });"
        "  G.lat_lng_clicked = e.latlng;"
        "  if (JSON.stringify(G.previous_data) === JSON.stringify(u)) { return; }"
        "  G.previous_data = u;"
        "  window.parent.postMessage({isStreamlitMessage: true,"
        " type: 'streamlit:setComponentValue', value: u, dataType: 'json'}, '*');"
        " }); })();\n"
    )


def folium_forget_click_js() -> str:
    """Return the script defining ``window.cpForgetClick()``, for a layer that is no object.

    st_folium binds its own click handler to every layer on the map after each feature
    group (a count bubble of grouped badges too): it records the layer's position as
    ``last_object_clicked`` and sends it 250 ms later, which the 方案模拟 page would take for
    a click on the point there. Called from the layer's own click handler (bound first, so
    it runs first), this puts the frontend's record back right after st_folium's handler:
    the debounced send finds nothing new and sends nothing.
    """
    return (
        "window.cpForgetClick = function() { var G = window.__GLOBAL_DATA__; if (!G) { return; }"
        " var obj = G.last_object_clicked, n = G.last_object_clicked_count;"
        " setTimeout(function() { G.last_object_clicked = obj;"
        " G.last_object_clicked_count = n; }, 0); };\n"
    )


def page_script(js: str) -> None:
    """Run ``js`` in the app's page (not in an iframe) without taking any room in it.

    ``st.html`` with ``unsafe_allow_javascript`` runs a script in the page but puts an
    element (and the gap after it) in the layout; HTML of only ``<style>`` elements goes to
    the page's event container instead. This sends the script the same way: Streamlit's
    html element with JavaScript allowed, in the event container (``html.py``'s
    ``_event_dg``). The 地图 page starts fetching its data with it before the map's iframe
    exists (:func:`dashboard.map.static_data.prefetch_js`).
    """
    from streamlit.delta_generator_singletons import get_dg_singleton_instance
    from streamlit.proto.Html_pb2 import Html as HtmlProto

    proto = HtmlProto()
    proto.body = f"<script>{js}</script>"
    proto.unsafe_allow_javascript = True
    get_dg_singleton_instance().event_dg._enqueue("html", proto)


# --- Streamlit's runtime, command line and first run -------------------------------------

#: Streamlit's modules the 地图 page's first run imports that its server has not loaded
#: (the warm-up imports them while the server starts): a custom component's call, the
#: pills' emoji check (a regular expression of every emoji, ~0.2-0.5 s), the favicon.
WARM_MODULES: tuple[str, ...] = (
    "streamlit.components.v1.custom_component",
    "streamlit.components.v1.component_arrow",
    "streamlit.emojis",
    "streamlit.elements.lib.image_utils",
)


def runtime_ready(started: bool = False) -> bool:
    """Return whether Streamlit's runtime exists (and, with ``started``, has started)."""
    from streamlit import runtime
    from streamlit.runtime.runtime import RuntimeState

    if not runtime.exists():
        return False
    return not started or runtime.get_instance().state != RuntimeState.INITIAL


def skip_repl_check() -> None:
    """Skip Streamlit's once-per-process "not run with `streamlit run`?" check.

    Before the first element it sends, Streamlit checks whether it runs in a REPL with
    ``inspect.stack()`` (~0.2-0.4 s: it reads the source of every frame) only to decide
    whether to print a warning, which is never printed under the launcher. Marking the
    warning as shown skips the check.
    """
    from streamlit import delta_generator

    delta_generator._use_warning_has_been_displayed = True


def load_cli() -> Any:
    """Import Streamlit's command line (``streamlit.web.cli``, a click group) and return it."""
    from streamlit.web import cli

    return cli.main


def run_cli(args: list[str]) -> int:
    """Run Streamlit's command line in this process (``streamlit <args>``), return its status.

    What ``streamlit`` (``streamlit/__main__.py``) does: click parses ``sys.argv``.
    """
    main = load_cli()
    sys.argv = ["streamlit", *args]
    return int(main(prog_name="streamlit") or 0)


def trace_runtime(mark: Callable[[str], None]) -> Callable[[], None]:
    """Call ``mark`` when a browser session connects and on every message from a browser.

    Diagnostics (``CP_TIMING``): wraps ``Runtime.connect_session`` and
    ``AppSession.handle_backmsg``.

    Returns
    -------
    callable
        Undoes the wrapping.
    """
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime

    connect = Runtime.connect_session
    handle = AppSession.handle_backmsg

    def connect_session(self: Runtime, *args: Any, **kwargs: Any) -> str:
        mark("runtime: connect_session")
        return connect(self, *args, **kwargs)

    def handle_backmsg(self: AppSession, msg: Any) -> None:
        mark(f"runtime: backmsg {msg.WhichOneof('type')}")
        handle(self, msg)

    def undo() -> None:
        Runtime.connect_session = connect  # type: ignore[method-assign]
        AppSession.handle_backmsg = handle  # type: ignore[method-assign]

    Runtime.connect_session = connect_session  # type: ignore[method-assign]
    AppSession.handle_backmsg = handle_backmsg  # type: ignore[method-assign]
    return undo


def trace_script_runs(mark: Callable[[str], None], profile_dir: str = "") -> Callable[[], None]:
    """Call ``mark`` after every script run (whole page or fragment) with its CPU time.

    Diagnostics (``CP_TIMING``): wraps ``exec_func_with_error_handling`` as the script
    runner's module calls it (once per run of the page or of a queued fragment). The mark
    says ``script: <full|fragment> session <id> cpu <s> wall <s> gc <g0/g1/g2 s>``: the CPU
    time is the script thread's own (``time.thread_time``), so the sessions' runs can be
    told apart; ``gc`` is the process's garbage collection during the run, per generation.
    With ``profile_dir`` every run is profiled (cProfile) into a file there.

    Returns
    -------
    callable
        Undoes the wrapping.
    """
    import gc
    import time

    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    # Garbage collections of the whole process (any thread), CPU seconds per generation:
    # a full one scans every object of the loaded data, whoever's allocation triggers it.
    gc_cpu = [0.0, 0.0, 0.0]
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = time.process_time()
        else:
            gc_cpu[info["generation"]] += time.process_time() - gc_start[0]

    gc.callbacks.append(on_gc)

    def traced(func: Callable[[], Any], ctx: Any) -> Any:
        kind = "fragment" if ctx.fragment_ids_this_run else "full"
        wall, cpu = time.perf_counter(), time.thread_time()
        gc0 = list(gc_cpu)
        profiler = None
        if profile_dir:
            import cProfile

            profiler = cProfile.Profile(time.thread_time)  # CPU, not waits for the GIL
            profiler.enable()
        try:
            return original(func, ctx)
        finally:
            if profiler is not None:
                profiler.disable()
                name = f"{time.time():.3f}-{ctx.session_id[:8]}-{kind}.pstats"
                profiler.dump_stats(os.path.join(profile_dir, name))
            spent = [f"{b - a:.3f}" for a, b in zip(gc0, gc_cpu, strict=True)]
            mark(
                f"script: {kind} session {ctx.session_id[:8]} cpu "
                f"{time.thread_time() - cpu:.3f} s wall {time.perf_counter() - wall:.3f} s"
                f" gc {'/'.join(spent)} s"
            )

    def undo() -> None:
        script_runner.exec_func_with_error_handling = original
        if on_gc in gc.callbacks:
            gc.callbacks.remove(on_gc)

    script_runner.exec_func_with_error_handling = traced
    return undo
