"""Solves from several browser sessions at once, through the server's solver pool.

Run from the repository root::

    .venv/bin/python -m bench.optimise_concurrent [--sessions 4] [--lone 3] [--workers N]
        [--counts R E A] [--time-limit S] [--root PATH] [--no-browser] [--no-pool]
        [--render-maps] [--log PATH] [--nice-browser | --idle-browser | --pin-browser CPUS]

Two parts, each printed with the load average:

1. **The pool's start cost** (in this process, no browser): a pool of ``--workers``
   (default: the product's default), from ``SolvePool(...)`` to every worker ready (the
   solver imported; ``worker_import_s`` the slowest worker's own import time), a worker's
   memory (RSS), the time to replace a worker that crashed (a test-only ``exit`` hook)
   and the demo solve in this process against the same solve through a warm pool (the
   boundary's cost: pickling the city and the plan).
2. **Sessions solving at once** (skipped with ``--no-browser``): starts the real app
   (``python -m dashboard.launch``, a temporary workspace; ``--root`` another checkout of
   the project, e.g. one that still solves in a thread, for comparison) and drives Debian's
   Chromium with Playwright, every request not to localhost blocked; the map component's
   page is a stub (as in ``tests/test_e2e_sessions.py``: the server still builds and sends
   every map, the browser, which shares the machine's cores, does not draw four Leaflet
   maps; ``--render-maps`` draws them). One session solves
   first (not counted: the first solve after a start may wait for the pool's workers);
   then ``--lone`` times one session alone presses 求解 (the exact solve of the panel's
   default request, or ``--counts``); then ``--sessions`` sessions, each in its own browser
   context, press 求解 within a fraction of a second of each other. Each solve is timed on
   the browser's clock from the press (mousedown) to the result drawn (the 采纳 button of
   the proposal, or the error), which includes the page's reruns before and after the
   solve; and, from the server's ``CP_TIMING`` marks, from submission to the pool to the
   outcome (``pool_*``: the solve and its wait for a free worker; ``*_cpu_s`` the solve's
   CPU time in its worker). Prints each concurrent
   solve's time and its ratio to the lone median (goal: every ratio <= 2), and the peak
   memory (RSS) of the server process and of its solver processes, sampled every 0.25 s.
   The server's CPU per solve: ``server_script_cpu_*`` the session's script runs from its
   press to its result (the ``script:`` marks, the script thread's own CPU time;
   ``script_runs_full_fragment`` how many whole-page and fragment runs), and
   ``server_process_cpu_*`` the whole server process's (all threads, all sessions);
   ``browser_cpu_*`` the CPU of Chromium and the Playwright driver over the same span (they
   share the machine's cores); ``server_response_*`` from the start of the press's script
   run to the end of the run that sent the proposal (without the browser's drawing).
   ``--log PATH`` keeps the server's timing marks. The four browsers share the machine's
   cores with the server; three ways to take them out of the server's way (as if they ran
   on the planners' own machines): ``--nice-browser`` (nice 19), ``--idle-browser``
   (``SCHED_IDLE``: CPU time nothing else wants) and ``--pin-browser CPUS`` (Chromium on
   those CPUs, the server and its solver processes on the others, with 2 of them). Each
   applies to every thread of Chromium and of the Playwright driver.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.serverstats import process_tree
from dashboard import state
from dashboard.i18n import t
from tests.support.e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    stop_app,
    wait_healthy,
    wait_idle,
)

REPO = Path(__file__).resolve().parent.parent
#: Bound of every wait for a solve in the browser (seconds).
SOLVE_WAIT_S = 600.0

#: In the page: note the press of 求解 and the first result or error drawn after it.
_WATCH_JS = """([solveKey, applyKey, failed]) => {
    window.__cp = {clicked: null, done: null, error: null};
    window.__cpDone = new Promise((resolve) => { window.__cp.resolve = resolve; });
    document.addEventListener('mousedown', (e) => {
        if (e.target.closest('.st-key-' + solveKey)) { window.__cp.clicked = Date.now(); }
    }, true);
    const check = () => {
        const cp = window.__cp;
        if (!cp.clicked || cp.done) { return; }
        if (document.querySelector('.st-key-' + applyKey + ' button')) {
            cp.done = Date.now();
        } else {
            const alerts = [...document.querySelectorAll('[data-testid=stAlertContentError]')];
            const bad = alerts.find((a) => a.innerText.includes(failed));
            if (bad) { cp.done = Date.now(); cp.error = bad.innerText; }
        }
        if (cp.done) {
            cp.resolve({clicked: cp.clicked, done: cp.done, error: cp.error});
        }
    };
    new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
}"""


# --- memory ------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of a process (MB), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Every descendant process of ``pid``."""
    return process_tree(pid)[1:]


class MemorySampler:
    """Peak RSS of a server process and of its descendants, sampled on a thread."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        self.pid, self.every_s = pid, every_s
        self.server_mb = self.workers_mb = 0.0
        self.worker_count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def sample(self) -> None:
        """Take one sample (the peaks keep the largest)."""
        kids = children(self.pid)
        self.server_mb = max(self.server_mb, rss_mb(self.pid))
        self.workers_mb = max(self.workers_mb, sum(rss_mb(k) for k in kids))
        self.worker_count = max(self.worker_count, len(kids))

    def reset(self) -> None:
        """Forget the peaks so far."""
        self.server_mb = self.workers_mb = 0.0
        self.worker_count = 0

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- part 1: the pool in this process -------------------------------------------------


def pool_figures(workers: int | None) -> dict[str, float]:
    """Start cost, memory and crash replacement of a pool; the boundary's cost."""
    from analysis.optimise.model.request import ProposalRequest
    from analysis.optimise.propose import propose
    from analysis.optimise.worker import SolvePool
    from analysis.standards.load import load_standards
    from geodata.demo.load import load_demo_city

    city, std = load_demo_city(), load_standards()
    request = ProposalRequest(relaxed=True, method="milp")
    figures: dict[str, float] = {"load_before": round(os.getloadavg()[0], 2)}
    t0 = time.perf_counter()
    with SolvePool(workers, test_hooks=True) as pool:
        if not pool.wait_ready(SOLVE_WAIT_S):
            raise RuntimeError("the pool did not start")
        figures["start_s"] = time.perf_counter() - t0
        figures["worker_import_s"] = max(pool.start_seconds)
        figures["worker_rss_mb"] = max(rss_mb(p) for p in pool.pids())
        figures["workers"] = pool.size
        pool.submit("propose", city, std, request, hook="exit").wait(SOLVE_WAIT_S)
        t1 = time.perf_counter()
        pool.wait_ready(SOLVE_WAIT_S)
        figures["replace_after_crash_s"] = time.perf_counter() - t1
        propose(city, std, request)  # this process's imports and caches
        t2 = time.perf_counter()
        propose(city, std, request)
        figures["solve_in_process_s"] = time.perf_counter() - t2
        pool.submit("propose", city, std, request).wait(SOLVE_WAIT_S)  # the worker's caches
        t3 = time.perf_counter()
        outcome = pool.submit("propose", city, std, request).wait(SOLVE_WAIT_S)
        figures["solve_through_pool_s"] = time.perf_counter() - t3
        assert outcome is not None and outcome.status == "ok", outcome
    figures["load_after"] = round(os.getloadavg()[0], 2)
    return figures


# --- part 2: sessions in a browser ----------------------------------------------------


def start_server(
    root: Path, port: int, env: dict[str, str], log: Any, cpus: str = ""
) -> subprocess.Popen[bytes]:
    """``python -m dashboard.launch`` from ``root`` (its code imported) on ``port``, its
    timing marks (``CP_TIMING``) into the file ``log``; ``cpus``: only on those CPUs
    (``taskset``; its solver processes inherit it)."""
    full = dict(os.environ, NO_PROXY="*", CP_TIMING="1", **env)
    full["PYTHONPATH"] = str(root)
    cmd = ["taskset", "-c", cpus] if cpus else []
    cmd += [
        sys.executable, "-m", "dashboard.launch", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return subprocess.Popen(cmd, cwd=root, env=full, stdout=subprocess.DEVNULL, stderr=log)


def proc_cpu_s(pid: int) -> float:
    """CPU time (user + system) a process has used so far, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s(server: int) -> float:
    """CPU time used so far by this process's other descendants (Chromium and the
    Playwright driver: they share the machine's cores with the server and the solvers)."""
    skip = {server, *children(server)}
    return sum(proc_cpu_s(pid) for pid in children(os.getpid()) if pid not in skip)


def _threads(pid: int) -> list[int]:
    """Every thread of a process (nice, scheduling policy and CPU affinity are per thread
    on Linux: setting them on the process id alone leaves its other threads as they were)."""
    try:
        return [int(t.name) for t in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return []


def set_browser_priority(server: int, mode: str) -> None:
    """Lower the browsers' claim on the cores the server uses, as if the browsers ran on
    the planners' own machines: every thread of this process, of the Playwright driver and
    of Chromium (and, started later, their children, which inherit it).

    ``mode``: ``"nice"`` (nice 19, ``--nice-browser``), ``"idle"`` (``SCHED_IDLE``: CPU
    only when nothing else wants it, ``--idle-browser``), ``"pin:CPUS"`` (the browsers on
    those CPUs, the server started on the others, ``--pin-browser``), ``""`` (nothing).
    """
    if not mode:
        return
    skip = {server, *children(server)}
    for pid in [os.getpid(), *children(os.getpid())]:
        if pid in skip:
            continue
        for tid in _threads(pid):
            with contextlib.suppress(OSError):  # gone meanwhile
                if mode == "nice":
                    os.setpriority(os.PRIO_PROCESS, tid, 19)
                elif mode == "idle":
                    os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
                elif mode.startswith("pin:"):
                    os.sched_setaffinity(tid, _cpus(mode[4:]))


def _cpus(text: str) -> set[int]:
    """CPU numbers of ``"1"``, ``"0,1"`` or ``"0-1"``."""
    out: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def server_cpus(mode: str) -> str:
    """The CPUs the server (and its solver processes) run on with ``--pin-browser``: all
    but the browsers' (``""``: not pinned)."""
    if not mode.startswith("pin:"):
        return ""
    rest = sorted(set(range(os.cpu_count() or 1)) - _cpus(mode[4:]))
    if not rest:
        raise SystemExit("--pin-browser leaves no CPU for the server")
    return ",".join(map(str, rest))


def script_runs(log: Path) -> list[tuple[float, str, str, float, float]]:
    """(wall-clock end, session, ``full`` or ``fragment``, CPU and wall seconds) of every
    script run,
    from the server's timing marks (``script: full session 1a2b3c4d cpu 0.412 s ...``)."""
    found = re.findall(
        r"\[cp-timing\] ([0-9.]+) \S+ \[[^\]]*\] script: (\w+) session (\w+) cpu ([0-9.]+) s"
        r" wall ([0-9.]+) s",
        log.read_text(errors="replace"),
    )
    return [
        (float(end), session, kind, float(cpu), float(wall))
        for end, kind, session, cpu, wall in found
    ]


def session_order(runs: list[tuple[float, str, str, float, float]]) -> list[str]:
    """Sessions in the order of their first script run (the order they were opened)."""
    return list(dict.fromkeys(r[1] for r in runs))


def solve_cpu(
    runs: list[tuple[float, str, str, float, float]], session: str, pressed: float, done: float
) -> tuple[float, int, int, float]:
    """The server's script CPU of one session from its press of 求解 to its result drawn
    (seconds), the number of whole-page and fragment runs in it, and the server's response
    time: from the start of the first of these runs (the press's) to the end of the last
    (the one that sent the proposal: the press's own run when the solve ended within
    ``FIRST_WAIT_S``, else a whole-page run), without the browser's drawing."""
    mine = [r for r in runs if r[1] == session and pressed <= r[0] <= done + 0.5]
    full = [r for r in mine if r[2] == "full"]
    first = min(r[0] - r[4] for r in mine) if mine else 0.0
    response = max(r[0] for r in mine) - first if mine else 0.0
    return sum(r[3] for r in mine), len(full), len(mine) - len(full), response


def pool_solve_seconds(log: Path) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each solve through the pool, in order, from the server's
    timing marks (``optimise: milp ok in 0.812 s (queued 0.000 s, cpu 0.700 s)``: wall from
    submission to outcome, CPU of the solve in its worker; none from a checkout that
    solves in a thread)."""
    text = log.read_text(errors="replace")
    found = re.findall(
        r"optimise: \w+ \w+ in ([0-9.]+) s \(queued [0-9.]+ s, cpu ([0-9.]+) s", text
    )
    return [(float(wall), float(cpu)) for wall, cpu in found]


def _route(route: Any) -> None:
    if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
        route.continue_()
    else:
        route.abort()


#: The map component's page when maps are not drawn (``--render-maps`` off): it only says
#: "ready" (as in tests/test_e2e_sessions.py); the server still builds and sends every map.
_MAP_STUB = (
    "<!doctype html><html><body><script>window.parent.postMessage({isStreamlitMessage: true,"
    " apiVersion: 1, type: 'streamlit:componentReady'}, '*');</script></body></html>"
)


def _stub_map(route: Any) -> None:
    if route.request.url.split("?")[0].endswith("/index.html"):
        route.fulfill(status=200, content_type="text/html", body=_MAP_STUB)
    else:
        route.abort()


def open_session(
    browser: Any, url: str, counts: list[int] | None, time_limit: int, render_maps: bool
) -> Any:
    """A new browser context on the optimiser tab of 方案模拟, ready to press 求解."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.route("**/*", _route)
    if not render_maps:  # registered last: matched first
        context.route("**/component/streamlit_folium*/**", _stub_map)
    page = context.new_page()
    page.goto(url + "/simulate")
    tab = page.get_by_role("tab", name=t("sim_tab_optimiser", "zh"))
    tab.wait_for(timeout=SOLVE_WAIT_S * 1000)
    wait_idle(page, SOLVE_WAIT_S * 1000)
    tab.click()
    settings = [(state.OPT_TIME_LIMIT, time_limit)]
    if counts:
        keys = (state.OPT_RURAL, state.OPT_ENTERPRISE, state.OPT_ASSOCIATION)
        settings += list(zip(keys, counts, strict=True))
    for key, value in settings:
        box = page.locator(f".st-key-{key} input")
        box.fill(str(value))
        box.press("Enter")
        page.wait_for_timeout(300)
        wait_idle(page, SOLVE_WAIT_S * 1000)
    page.locator(f".st-key-{state.OPT_SOLVE} button").filter(visible=True).wait_for()
    page.evaluate(_WATCH_JS, [state.OPT_SOLVE, state.OPT_APPLY, t("opt_failed", "zh", reason="")])
    return context, page


def press(page: Page) -> None:
    """Press 求解."""
    page.locator(f".st-key-{state.OPT_SOLVE} button").filter(visible=True).click()


#: Waits in the page for its result (``window.__cpDone``, resolved by the page's own
#: observer), at most ``ms``: no polling from here (a ``page.evaluate`` every 50 ms of four
#: pages cost the browser and the Playwright driver CPU on the cores the solves need).
_DONE_JS = """(ms) => Promise.race([
    window.__cpDone, new Promise((resolve) => setTimeout(() => resolve(null), ms)),
])"""


def wait_solved(pages: list[Page]) -> list[tuple[float, str, float, float]]:
    """Wait until every page drew its result; (seconds from press to result, error, and the
    press and the result on the clock, seconds since the epoch).

    The pages are waited for one after the other, each in the page itself: the times are
    the page's own (its clock at the press and at the result drawn), whatever the order.
    """
    found: list[tuple[float, str, float, float]] = []
    deadline = time.monotonic() + SOLVE_WAIT_S
    for page in pages:
        left_ms = max(deadline - time.monotonic(), 0.0) * 1000
        cp = page.evaluate(_DONE_JS, left_ms)
        if not cp:
            raise TimeoutError("a solve never finished")
        clicked, done = cp["clicked"] / 1000, cp["done"] / 1000
        found.append((done - clicked, cp["error"] or "", clicked, done))
    return found


def browser_figures(
    root: Path, sessions: int, lone_count: int, workers: int | None, counts: list[int] | None,
    time_limit: int, render_maps: bool = False, keep_log: Path | None = None,
    browser_mode: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Start the app, solve alone and from ``sessions`` sessions at once; the figures."""
    workspace = tempfile.TemporaryDirectory(prefix="bench-concurrent-")
    env = {"COVERAGE_PLANNER_WORKSPACE": str(Path(workspace.name) / "workspace.gpkg")}
    if workers is not None or browser_mode.startswith("pin:"):
        # pinned to fewer cores the pool would size itself down: keep the product's 2
        env["COVERAGE_PLANNER_SOLVER_WORKERS"] = str(workers or 2)
    port = free_port()
    figures: dict[str, Any] = {"load_before": round(os.getloadavg()[0], 2)}
    log_path = Path(workspace.name) / "server.log"
    with workspace, sync_playwright() as pw, log_path.open("wb") as log:
        proc = start_server(root, port, env, log, server_cpus(browser_mode))
        set_browser_priority(proc.pid, browser_mode)  # Chromium, started next, inherits it
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            wait_healthy(port, timeout=120)
            url = f"http://127.0.0.1:{port}"
            with MemorySampler(proc.pid) as memory:
                context, page = open_session(browser, url, counts, time_limit, render_maps)
                press(page)
                figures["first_solve_s"] = wait_solved([page])[0][0]
                context.close()
                memory.sample()
                figures["idle_server_mb"] = rss_mb(proc.pid)
                figures["idle_workers_mb"] = sum(rss_mb(k) for k in children(proc.pid))
                lone: list[tuple[float, str, float, float]] = []
                lone_process_cpu, lone_browser_cpu = [], []
                for _ in range(lone_count):
                    context, page = open_session(browser, url, counts, time_limit, render_maps)
                    set_browser_priority(proc.pid, browser_mode)
                    cpu0, browser0 = proc_cpu_s(proc.pid), browser_cpu_s(proc.pid)
                    press(page)
                    lone += wait_solved([page])
                    lone_process_cpu.append(proc_cpu_s(proc.pid) - cpu0)
                    lone_browser_cpu.append(browser_cpu_s(proc.pid) - browser0)
                    context.close()
                figures["browser_cpu_lone_s"] = lone_browser_cpu
                figures["lone_s"] = [r[0] for r in lone]
                opened = [
                    open_session(browser, url, counts, time_limit, render_maps)
                    for _ in range(sessions)
                ]
                memory.reset()
                set_browser_priority(proc.pid, browser_mode)
                figures["load_at_press"] = round(os.getloadavg()[0], 2)
                cpu0, browser0 = proc_cpu_s(proc.pid), browser_cpu_s(proc.pid)
                for _, page in opened:
                    press(page)
                results = wait_solved([page for _, page in opened])
                concurrent_process_cpu = proc_cpu_s(proc.pid) - cpu0
                figures["browser_cpu_concurrent_s"] = browser_cpu_s(proc.pid) - browser0
                for context, _ in opened:
                    context.close()
                figures["peak_server_mb"] = memory.server_mb
                figures["peak_workers_mb"] = memory.workers_mb
                figures["processes_under_server"] = memory.worker_count
        finally:
            browser.close()
            stop_app(proc)
        solves = pool_solve_seconds(log_path)
        runs = script_runs(log_path)
        if keep_log is not None:
            keep_log.write_bytes(log_path.read_bytes())
    if len(solves) == 1 + lone_count + sessions:
        figures["pool_lone_s"] = [wall for wall, _ in solves[1 : 1 + lone_count]]
        figures["pool_lone_cpu_s"] = [cpu for _, cpu in solves[1 : 1 + lone_count]]
        figures["pool_concurrent_s"] = [wall for wall, _ in solves[1 + lone_count :]]
        figures["pool_concurrent_cpu_s"] = [cpu for _, cpu in solves[1 + lone_count :]]
        pool_median = statistics.median(figures["pool_lone_s"])
        figures["pool_ratios"] = [s / pool_median for s in figures["pool_concurrent_s"]]
    order = session_order(runs)
    if len(order) == 1 + lone_count + sessions:  # marks of this checkout (CP_TIMING scripts)
        per = [
            solve_cpu(runs, session, r[2], r[3])
            for session, r in zip(order[1:], lone + results, strict=True)
        ]
        figures["server_script_cpu_lone_s"] = [p[0] for p in per[:lone_count]]
        figures["server_script_cpu_concurrent_s"] = [p[0] for p in per[lone_count:]]
        figures["script_runs_full_fragment"] = [f"{p[1]}+{p[2]}" for p in per]
        figures["server_response_lone_s"] = [p[3] for p in per[:lone_count]]
        figures["server_response_concurrent_s"] = [p[3] for p in per[lone_count:]]
        server_median = statistics.median(figures["server_response_lone_s"])
        figures["server_response_ratios"] = [p[3] / server_median for p in per[lone_count:]]
    figures["server_process_cpu_lone_s"] = lone_process_cpu
    figures["server_process_cpu_concurrent_s"] = concurrent_process_cpu
    median = statistics.median(figures["lone_s"])
    figures["lone_median_s"] = median
    figures["concurrent_s"] = [r[0] for r in results]
    figures["ratios"] = [r[0] / median for r in results]
    figures["errors"] = [r[1] for r in results if r[1]]
    figures["load_after"] = round(os.getloadavg()[0], 2)
    return figures


def _show(title: str, figures: dict[str, Any]) -> None:
    print(f"== {title}")
    for key, value in figures.items():
        if isinstance(value, list):
            text = ", ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in value)
        elif isinstance(value, float):
            text = f"{value:.2f}"
        else:
            text = str(value)
        print(f"{key:>28}: {text}", flush=True)


def _browser_mode(args: argparse.Namespace) -> str:
    if args.pin_browser:
        return f"pin:{args.pin_browser}"
    return "nice" if args.nice_browser else "idle" if args.idle_browser else ""


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=4, help="sessions solving at once")
    parser.add_argument("--lone", type=int, default=3, help="lone solves (median)")
    parser.add_argument("--workers", type=int, default=None, help="solver processes")
    parser.add_argument(
        "--counts", type=int, nargs=3, metavar=("R", "E", "A"),
        help="rural, enterprise and association points to add (default: the panel's)",
    )  # fmt: skip
    parser.add_argument("--time-limit", type=int, default=30, help="solver time limit (s)")
    parser.add_argument("--root", type=Path, default=REPO, help="checkout of the app to run")
    parser.add_argument("--no-browser", action="store_true", help="only the pool's figures")
    parser.add_argument("--no-pool", action="store_true", help="only the browser figures")
    parser.add_argument("--log", type=Path, help="keep the server's timing marks in this file")
    low = parser.add_mutually_exclusive_group()
    low.add_argument(
        "--nice-browser", action="store_true",
        help="run Chromium at nice 19 (as if on the planners' machines)",
    )  # fmt: skip
    low.add_argument(
        "--idle-browser", action="store_true",
        help="run Chromium under SCHED_IDLE: only on CPU time nothing else wants",
    )  # fmt: skip
    low.add_argument(
        "--pin-browser", metavar="CPUS",
        help="run Chromium on these CPUs (e.g. 1) and the server on the others",
    )  # fmt: skip
    parser.add_argument(
        "--render-maps", action="store_true",
        help="let the browser draw the maps (by default a stub: the browser shares the cores)",
    )  # fmt: skip
    args = parser.parse_args()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if not args.no_pool:
        _show("pool start (this process)", pool_figures(args.workers))
    if not args.no_browser:
        figures = browser_figures(
            args.root.resolve(), args.sessions, args.lone, args.workers, args.counts,
            args.time_limit, args.render_maps, args.log, _browser_mode(args),
        )  # fmt: skip
        _show(f"{args.sessions} sessions at once ({args.root})", figures)
        worst = max(figures["ratios"])
        print(f"worst ratio to a lone solve: {worst:.2f} ({'met' if worst <= 2 else 'NOT met'})")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
