"""Contracts of dashboard/adapters/streamlit_internals.py with the installed Streamlit and
streamlit-folium: one test per function (or constant group) of the adapter.

Each checks, on the real installed packages, what the adapter relies on (attributes,
signatures, the component's frontend files and conventions, a registry, a runtime, the
command line) and fails with a message naming the pinned version and what changed.
Run them before moving a pin in requirements.txt / pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dashboard.adapters import streamlit_internals as adapter

REPO = Path(__file__).resolve().parent.parent
ADAPTER = "dashboard/adapters/streamlit_internals.py"


def _pinned(package: str) -> str:
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    return "?"


def _changed(package: str, function: str, what: str) -> str:
    """The failure message: installed and pinned versions, the adapter's function, the change."""
    installed = importlib.metadata.version(package)
    return (
        f"{package} {installed} (pinned {_pinned(package)} in requirements.txt) no longer "
        f"offers what {ADAPTER}:{function} relies on: {what}"
    )


def _expect(ok: object, package: str, function: str, what: str) -> None:
    if not ok:
        pytest.fail(_changed(package, function, what), pytrace=False)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (a real runtime is a process-wide singleton)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _bundle() -> str:
    """The text of streamlit-folium's built frontend script (named in its asset manifest)."""
    build = Path(adapter.folium_frontend_dir())
    manifest = json.loads((build / "asset-manifest.json").read_text(encoding="utf-8"))
    return (build / manifest["files"]["main.js"]).read_text(encoding="utf-8")


# --- streamlit-folium's component ---------------------------------------------------------


def test_folium_frontend_dir_is_where_the_package_declares_it() -> None:
    path = adapter.folium_frontend_dir()
    fn = "folium_frontend_dir"
    _expect(
        Path(path, "index.html").is_file(),
        "streamlit-folium",
        fn,
        f"no frontend at {path}/index.html",
    )
    import streamlit_folium

    declared = getattr(streamlit_folium, "_component_func", None)
    _expect(
        declared is not None and declared.path and os.path.samefile(declared.path, path),
        "streamlit-folium",
        fn,
        f"its component is declared with files at {getattr(declared, 'path', None)}, not {path}",
    )


def test_folium_component_equals_the_one_streamlit_folium_declares() -> None:
    import streamlit_folium

    component = adapter.folium_component()
    fn = "folium_component"
    _expect(
        component.name == adapter.FOLIUM_COMPONENT_NAME,
        "streamlit",
        fn,
        f"CustomComponent(name=...) gives name {component.name!r}",
    )
    _expect(
        component == streamlit_folium._component_func,
        "streamlit-folium",
        fn,
        "its component (name, path, url, module) differs from the one declared here: "
        f"{streamlit_folium._component_func!r}",
    )
    params = inspect.signature(component.__call__).parameters
    _expect(
        {"key", "default"} <= set(params)
        and any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()),
        "streamlit",
        fn,
        f"calling a CustomComponent takes key=, default= and the arguments as keywords; "
        f"its signature is now {list(params)}",
    )


def test_register_component_with_a_registry_and_outside_a_script_run() -> None:
    from streamlit.components.lib.local_component_registry import LocalComponentRegistry

    component = adapter.folium_component()
    fn = "register_component"
    _expect(
        adapter.register_component(component) is False,
        "streamlit",
        fn,
        "outside a script run there is no app to register with",
    )
    registry = LocalComponentRegistry()
    adapter.register_component(component, registry)
    path = registry.get_component_path(adapter.FOLIUM_COMPONENT_NAME)
    _expect(
        path is not None and os.path.samefile(path, adapter.folium_frontend_dir()),
        "streamlit",
        fn,
        f"a registered component's files are not found by name (got {path!r})",
    )


def test_in_script_run_sees_a_real_script_run() -> None:
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import streamlit as st

        from dashboard.adapters.streamlit_internals import in_script_run

        st.text(str(in_script_run()))

    fn = "in_script_run"
    _expect(adapter.in_script_run() is False, "streamlit", fn, "a script-run context in a test")
    at = AppTest.from_function(script).run(timeout=60)
    _expect(
        not at.exception and at.text[0].value == "True",
        "streamlit",
        fn,
        "get_script_run_ctx() finds no context inside a script run",
    )


def test_page_script_sends_a_script_to_the_event_container() -> None:
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import streamlit as st

        from dashboard.adapters.streamlit_internals import page_script

        st.text("before")
        page_script("window.cpX = 1;")
        st.text("after")

    fn = "page_script"
    at = AppTest.from_function(script).run(timeout=60)
    _expect(not at.exception, "streamlit", fn, f"the script failed: {at.exception}")
    main = at._tree[0]
    event = at._tree[2]
    _expect(
        getattr(event, "type", "") == "event" and len(event.children) == 1,
        "streamlit",
        fn,
        "the html element is not in the event container (the third root block)",
    )
    html = event.children[0].proto
    _expect(
        html.body == "<script>window.cpX = 1;</script>" and html.unsafe_allow_javascript,
        "streamlit",
        fn,
        "Html proto without the body or the unsafe_allow_javascript flag",
    )
    _expect(len(main.children) == 2, "streamlit", fn, "the script took room in the page")


def test_folium_frontend_conventions() -> None:
    """FOLIUM_MAP_VAR, FOLIUM_LIVE_MAP, FOLIUM_ARGS and folium_no_value_js."""
    bundle = _bundle()
    package = "streamlit-folium"
    var, live = adapter.FOLIUM_MAP_VAR, adapter.FOLIUM_LIVE_MAP
    _expect(
        f"{live} = {var};" in bundle,
        package,
        "FOLIUM_MAP_VAR",
        f"the frontend no longer runs the base script and then '{live} = {var};'",
    )
    _expect(
        f'getElementById("{var}")' in bundle,
        package,
        "FOLIUM_MAP_VAR",
        f"the frontend no longer sizes the element #{var}",
    )
    _expect(
        "eval(feature_group" in bundle and f"{live}._layers" in bundle,
        package,
        "FOLIUM_LIVE_MAP",
        f"the frontend no longer evaluates feature_group against {live}",
    )
    missing = [name for name in adapter.FOLIUM_ARGS if f"data.args.{name}" not in bundle]
    _expect(not missing, package, "FOLIUM_ARGS", f"the frontend no longer reads {missing}")
    js = adapter.folium_no_value_js()
    _expect(
        "window.__GLOBAL_DATA__" in bundle
        and "previous_data:_default" in bundle
        and "e.previous_data=u" in bundle.replace(" ", "")
        and "window.__GLOBAL_DATA__.previous_data" in js,
        package,
        "folium_no_value_js",
        "the frontend no longer keeps its last sent value in __GLOBAL_DATA__.previous_data",
    )
    flat = bundle.replace(" ", "")
    click = adapter.folium_click_now_js()
    _expect(
        "last_clicked:a(e.lat_lng_clicked),last_object_clicked:a(e.last_object_clicked)" in flat
        and "e.returned_objects.includes(n)" in flat
        and "JSON.stringify(n)!==JSON.stringify(u)" in flat
        and "window.__GLOBAL_DATA__.lat_lng_clicked=t.latlng" in flat
        and "(updateComponentValue,250)" in flat
        and 'SET_COMPONENT_VALUE="streamlit:setComponentValue"' in flat
        and "postMessage(so({isStreamlitMessage:!0,type:t},e)" in flat
        and "streamlit:setComponentValue" in click,
        package,
        "folium_click_now_js",
        "the frontend no longer builds its value as last_clicked, last_object_clicked, "
        "filtered by returned_objects and compared as JSON with previous_data",
    )


def test_folium_args_are_the_ones_st_folium_sends() -> None:
    """st_folium's own call of its component (read from its source, not run)."""
    spec = importlib.util.find_spec("streamlit_folium")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    sent: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_component_func"
        ):
            sent |= {k.arg for k in node.keywords if k.arg}
    ours = {*adapter.FOLIUM_ARGS, "id", "key", "on_change"}
    _expect(
        sent == ours,
        "streamlit-folium",
        "FOLIUM_ARGS",
        f"st_folium now calls its component with {sorted(sent)} (here: {sorted(ours)})",
    )


# --- Streamlit's runtime, command line and first run --------------------------------------


def test_runtime_ready_follows_a_real_runtime() -> None:
    out = _run(
        """
        import asyncio
        from streamlit.runtime import Runtime, RuntimeConfig
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
        from dashboard.adapters import streamlit_internals as adapter

        async def main():
            seen = [adapter.runtime_ready(), adapter.runtime_ready(True)]
            runtime = Runtime(RuntimeConfig(
                script_path="app.py",
                media_file_storage=MemoryMediaFileStorage("/media"),
                uploaded_file_manager=MemoryUploadedFileManager("/upload"),
            ))
            seen += [adapter.runtime_ready(), adapter.runtime_ready(True)]
            # The running app's registry is the runtime's.
            component = adapter.folium_component()
            adapter.register_component(component, runtime.component_registry)
            seen.append(bool(runtime.component_registry.get_component_path(component.name)))
            await runtime.start()
            seen.append(adapter.runtime_ready(True))
            runtime.stop()
            await runtime.stopped
            print(seen)

        asyncio.run(main())
        """
    )
    _expect(
        out.returncode == 0 and out.stdout.strip() == "[False, False, True, False, True, True]",
        "streamlit",
        "runtime_ready",
        "runtime.exists()/get_instance().state/RuntimeState.INITIAL or Runtime.component_registry"
        f" changed: {out.stdout.strip()} {out.stderr.strip()[-600:]}",
    )


def test_session_alive_check_asks_the_runtime_about_this_runs_session() -> None:
    """session_alive_check: the script run's ``session_id`` and the runtime's thread-safe
    ``is_active_session`` (a session the runtime does not hold is not alive)."""
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        from dashboard.adapters.streamlit_internals import session_alive_check

        ctx = get_script_run_ctx()
        sid = getattr(ctx, "session_id", None)
        st.text(f"{session_alive_check() is None} {isinstance(sid, str) and bool(sid)}")

    fn = "session_alive_check"
    _expect(adapter.session_alive_check() is None, "streamlit", fn, "a check outside a run")
    at = AppTest.from_function(script).run(timeout=60)
    _expect(
        not at.exception and at.text[0].value == "True True",
        "streamlit",
        fn,
        "a script run's context has no session_id (or AppTest now has a runtime): "
        + (at.text[0].value if at.text else str([e.value for e in at.exception])),
    )
    out = _run(
        """
        import asyncio
        from streamlit.runtime import Runtime, RuntimeConfig
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

        async def main():
            runtime = Runtime(RuntimeConfig(
                script_path="app.py",
                media_file_storage=MemoryMediaFileStorage("/media"),
                uploaded_file_manager=MemoryUploadedFileManager("/upload"),
            ))
            await runtime.start()
            print(runtime.is_active_session("no-such-session"))
            runtime.stop()
            await runtime.stopped

        asyncio.run(main())
        """
    )
    _expect(
        out.returncode == 0 and out.stdout.strip() == "False",
        "streamlit",
        fn,
        f"Runtime.is_active_session changed: {out.stdout.strip()} {out.stderr.strip()[-600:]}",
    )


def test_skip_repl_check_sets_the_flag_streamlit_reads() -> None:
    from streamlit import delta_generator

    fn = "skip_repl_check"
    flag = "_use_warning_has_been_displayed"
    _expect(
        isinstance(getattr(delta_generator, flag, None), bool),
        "streamlit",
        fn,
        f"streamlit.delta_generator.{flag} is gone",
    )
    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    source = inspect.getsource(check) if check is not None else ""
    _expect(
        f"if not {flag}:" in source and "is_repl()" in source,
        "streamlit",
        fn,
        f"the once-per-process REPL check no longer depends on {flag}",
    )
    before = getattr(delta_generator, flag)
    try:
        adapter.skip_repl_check()
        _expect(getattr(delta_generator, flag) is True, "streamlit", fn, "the flag is not set")
    finally:
        setattr(delta_generator, flag, before)


@pytest.mark.parametrize("name", adapter.WARM_MODULES)
def test_warm_modules_exist(name: str) -> None:
    _expect(
        importlib.util.find_spec(name) is not None,
        "streamlit",
        "WARM_MODULES",
        f"module {name} is gone (the warm-up imports it before the first map)",
    )


def test_load_cli_runs_and_takes_the_launchers_options() -> None:
    from dashboard.launch import config_flags

    fn = "load_cli / run_cli"
    main = adapter.load_cli()
    run = getattr(main, "commands", {}).get("run")
    _expect(run is not None, "streamlit", fn, "streamlit.web.cli.main has no 'run' command")
    options = {opt for param in run.params for opt in param.opts}
    wanted = {flag for flag in config_flags() if flag.startswith("--")}
    wanted.add("--server.fileWatcherType")
    _expect(
        wanted <= options,
        "streamlit",
        fn,
        f"'streamlit run' no longer takes {sorted(wanted - options)}",
    )
    out = _run(
        "import sys\n"
        "from dashboard.adapters.streamlit_internals import run_cli\n"
        "sys.exit(run_cli(['version']))\n"
    )
    version = importlib.metadata.version("streamlit")
    _expect(
        out.returncode == 0 and f"version {version}" in out.stdout,
        "streamlit",
        fn,
        f"'streamlit version' in-process: {out.returncode} {out.stdout!r} {out.stderr[-300:]!r}",
    )


def test_trace_runtime_wraps_the_two_methods_it_names() -> None:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime

    fn = "trace_runtime"
    connect = inspect.signature(Runtime.connect_session).parameters
    _expect(
        list(connect)[:3] == ["self", "client", "user_info"],
        "streamlit",
        fn,
        f"Runtime.connect_session{list(connect)}",
    )
    handle = inspect.signature(AppSession.handle_backmsg).parameters
    _expect(
        list(handle) == ["self", "msg"], "streamlit", fn, f"AppSession.handle_backmsg{list(handle)}"
    )
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    _expect(
        msg.WhichOneof("type") == "rerun_script",
        "streamlit",
        fn,
        "BackMsg has no 'type' oneof",
    )
    originals = (Runtime.connect_session, AppSession.handle_backmsg)
    undo = adapter.trace_runtime(lambda _label: None)
    try:
        assert (Runtime.connect_session, AppSession.handle_backmsg) != originals
    finally:
        undo()
    assert (Runtime.connect_session, AppSession.handle_backmsg) == originals


def test_trace_script_runs_wraps_the_function_the_script_runner_calls() -> None:
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    fn = "trace_script_runs"
    params = inspect.signature(exec_code.exec_func_with_error_handling).parameters
    _expect(
        list(params) == ["func", "ctx"],
        "streamlit",
        fn,
        f"exec_func_with_error_handling{list(params)}",
    )
    _expect(
        script_runner.exec_func_with_error_handling is exec_code.exec_func_with_error_handling,
        "streamlit",
        fn,
        "the script runner no longer calls exec_func_with_error_handling by its module's name",
    )
    original = script_runner.exec_func_with_error_handling
    undo = adapter.trace_script_runs(lambda _label: None)
    try:
        assert script_runner.exec_func_with_error_handling is not original
    finally:
        undo()
    assert script_runner.exec_func_with_error_handling is original
