"""Fifty sessions on two app servers sharing one store: no lost save, no cross-user leak.

``python -m bench.sessions [--sessions 50] [--budget-s 1500] [--render-maps]
[--postgres | --store URL]``

Starts TWO app servers (``python -m dashboard.launch``) on two local ports, both on one
store (``COVERAGE_PLANNER_STORE``): by default a temporary GeoPackage workspace file;
``--postgres`` starts a throw-away PostgreSQL + PostGIS cluster (tests/support/postgres.py:
the Debian packages, and root to run it as the ``postgres`` user) and uses a fresh database
in it; ``--store URL`` uses an existing, empty PostgreSQL database. Users, sessions, failed
logins and every scenario live in that store, shared by the two servers. Half the sessions
log in as 查看 viewers, half as 规划 planners, spread alternately over the two servers, all open
at once in one headless Chromium (outside requests blocked). Then, at the same time:

- each planner adds two points by typed coordinates on 方案模拟 (each edit is saved);
- each viewer opens the 指标 page's scenario list;
- every session lists the scenarios it may read (the 指标 page's list).

Checks: every planner's scenario is in the store with its owner and both points (no lost
save); a viewer lists only the published scenario; a planner lists only their own and the
published one (no cross-user leak); no exception or error on any page, no traceback in the
servers' logs. Records: both servers' resident memory (idle, all logged in, after the edits,
peak), login / page / edit response times (median, 95th percentile, max), the load average.
The map component's page is stubbed (``--render-maps`` draws 50 Leaflet maps for real; the
servers build and send every map either way). Figures: ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard import state
from dashboard.i18n import t
from tests.support.e2e import CHROMIUM, CHROMIUM_ARGS, PYTHON, REPO, free_port, wait_healthy
from tests.support.hostile import rss_mb

PASSWORD = "Bench-sessions-2026"
PUBLISHED = "公开方案"
KPI_LABEL = t("kpi_contact_points_total", "zh")
LOCAL = ("http://127.0.0.1", "http://localhost")
LON0, LAT0, STEP = 104.10, 35.55, 0.012
_MAP_STUB = (
    "<!doctype html><html><body><script>window.parent.postMessage({isStreamlitMessage: true,"
    " apiVersion: 1, type: 'streamlit:componentReady'}, '*');</script></body></html>"
)
EXPECTED_ERRORS = (t("opt_conflicts", "zh"),)


@dataclass
class Session:
    """One browser session: who, on which server, what it saw, how long things took."""

    username: str
    role: str
    server: int
    page: Any = None
    context: Any = None
    times: dict[str, float] = field(default_factory=dict)
    edits: list[float] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    places: list[tuple[float, float]] = field(default_factory=list)


class Sampler(threading.Thread):
    """Peak RSS of the server processes, sampled every 0.25 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = [0.0 for _ in pids]
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = [max(p, rss_mb(pid)) for p, pid in zip(self.peak, self.pids, strict=True)]
            self.stop.wait(0.25)


def setup_workspace(setting: str, n: int) -> list[tuple[str, str]]:
    """Accounts (``v00`` ... viewers, ``p00`` ... planners) and one published scenario."""
    import dataclasses

    from analysis.accounts.service import Accounts
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.api import open_store
    from geodata.demo.load import load_demo_city

    store = open_store(setting)
    accounts = Accounts(store)
    accounts.create_admin("root", PASSWORD)
    users = [(f"{'v' if i % 2 == 0 else 'p'}{i // 2:02d}", "") for i in range(n)]
    users = [(name, "viewer" if name[0] == "v" else "planner") for name, _ in users]
    for name, role in users:
        accounts.add_user(None, name, PASSWORD, role)
    scn = copy_scenario(baseline_scenario(load_demo_city(), "demo"), PUBLISHED, "root")
    store.save(dataclasses.replace(scn, owner="root", published=True), saved_by="root")
    return users


def start_server(port: int, setting: str, log: Path) -> subprocess.Popen[bytes]:
    """One app server (the launcher, as deployed) on ``port``, on the store ``setting``."""
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_PROXY="*", COVERAGE_PLANNER_STORE=setting)
    cmd = [
        PYTHON, "-m", "dashboard.launch", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    handle = log.open("wb")
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)


async def _idle(page: Any, timeout_ms: float) -> None:
    await page.wait_for_timeout(300)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon],"
        " [data-testid=stStatusWidgetRunningManIcon]')",
        timeout=timeout_ms,
        polling=250,
    )


async def _card(page: Any) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=KPI_LABEL).first
    return int((await card.locator('[data-testid="stMetricValue"]').inner_text()).strip())


async def open_session(browser: Any, s: Session, urls: list[str], ms: float, maps: bool) -> None:
    """Open the session's page, log in, wait until the page is ready."""
    s.context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    async def route(r: Any) -> None:
        url = r.request.url
        if not url.startswith(LOCAL):
            s.errors.append(f"blocked {url}")
            await r.abort()
        elif not maps and "/component/streamlit_folium" in url:
            if url.split("?")[0].endswith("/index.html"):
                await r.fulfill(status=200, content_type="text/html", body=_MAP_STUB)
            else:
                await r.abort()
        else:
            await r.continue_()

    await s.context.route("**/*", route)
    s.page = page = await s.context.new_page()
    t0 = time.monotonic()
    path = "simulate" if s.role == "planner" else "kpis"
    await page.goto(f"{urls[s.server]}/{path}", wait_until="commit", timeout=ms)
    await page.locator(f".st-key-{state.LOGIN_USERNAME} input").wait_for(timeout=ms)
    s.times["login_page_s"] = time.monotonic() - t0
    await page.locator(f".st-key-{state.LOGIN_USERNAME} input").fill(s.username)
    await page.locator(f".st-key-{state.LOGIN_PASSWORD} input").fill(PASSWORD)
    t1 = time.monotonic()
    await page.locator(f".st-key-{state.LOGIN_SUBMIT} button").click()
    await page.locator(f".st-key-{state.LOGOUT}").wait_for(timeout=ms)
    s.times["login_s"] = time.monotonic() - t1
    if s.role == "planner":
        await page.locator(f".st-key-{state.SIM_COORD_ADD}").wait_for(state="attached", timeout=ms)
        await (
            page.locator('[data-testid="stMetric"]')
            .filter(has_text=KPI_LABEL)
            .first.wait_for(timeout=ms)
        )
    else:
        await page.locator(f".st-key-{state.KPI_SCENARIO}").wait_for(timeout=ms)
    await _idle(page, ms)
    s.times["ready_s"] = time.monotonic() - t1


async def edit(s: Session, index: int, ms: float) -> None:
    """A planner adds two points by typed coordinates (each edit saves the scenario)."""
    page = s.page
    await page.get_by_text(t("sim_by_coords", "zh"), exact=True).click(timeout=ms)
    for k in range(2):
        lon, lat = LON0 + STEP * (index % 10), LAT0 + STEP * (index // 10) + 0.004 * k
        s.places.append((lon, lat))
        before = await _card(page)
        for key, value in ((state.SIM_COORD_LON, lon), (state.SIM_COORD_LAT, lat)):
            box = page.locator(f".st-key-{key} input")
            await box.fill(f"{value:.6f}", timeout=ms)
            await box.press("Enter")
        await _idle(page, ms)
        t0 = time.monotonic()
        await page.locator(f".st-key-{state.SIM_COORD_ADD} button").click(timeout=ms)
        await page.wait_for_function(
            """([label, before]) => {
                const card = [...document.querySelectorAll('[data-testid=stMetric]')]
                    .find(e => e.innerText.includes(label));
                const v = card && card.querySelector('[data-testid=stMetricValue]');
                return v && parseInt(v.innerText.replace(/,/g, '')) !== before;
            }""",
            arg=[KPI_LABEL, before],
            timeout=ms,
            polling=250,
        )
        await _idle(page, ms)
        s.edits.append(time.monotonic() - t0)


async def listing(s: Session, ms: float) -> None:
    """The scenarios the session may read: the 指标 page's list (planners go there first)."""
    page = s.page
    if s.role == "planner":
        await page.locator("[data-testid=stSidebarNavLink][href$='/kpis']").click(timeout=ms)
    box = page.locator(f".st-key-{state.KPI_SCENARIO}")
    await box.wait_for(timeout=ms)
    await _idle(page, ms)
    await box.locator("[aria-haspopup='listbox']").first.click(timeout=ms)
    await page.get_by_role("option").first.wait_for(timeout=ms)
    s.listed = [o.strip() for o in await page.get_by_role("option").all_inner_texts()]
    await page.keyboard.press("Escape")
    found = await page.locator(
        '[data-testid="stException"], [data-testid="stAlertContentError"]'
    ).all_inner_texts()
    s.errors += [x for x in found if not any(ok in x for ok in EXPECTED_ERRORS)]


async def drive(sessions: list[Session], urls: list[str], budget_s: float, maps: bool,
                mark: Any) -> dict[str, float]:  # fmt: skip
    """Open every session at once, then edit and list at once."""
    from playwright.async_api import async_playwright

    ms = budget_s * 1000
    phases: dict[str, float] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            t0 = time.monotonic()
            await asyncio.gather(*(open_session(browser, s, urls, ms, maps) for s in sessions))
            phases["all_logged_in_s"] = time.monotonic() - t0
            mark("all_logged_in")
            t1 = time.monotonic()
            planners = [s for s in sessions if s.role == "planner"]
            await asyncio.gather(*(edit(s, i, ms) for i, s in enumerate(planners)))
            phases["all_edits_s"] = time.monotonic() - t1
            mark("after_edits")
            await asyncio.gather(*(listing(s, ms) for s in sessions))
        finally:
            await browser.close()
    return phases


def verify(setting: str, sessions: list[Session]) -> list[str]:
    """Lost saves and leaks (empty: none)."""
    from analysis.workspace.api import open_store

    store = open_store(setting)
    table = store.list_scenarios()
    owners = dict(zip(table["name"].astype(str), table["owner"].astype(str), strict=True))
    problems: list[str] = []
    private_of: dict[str, list[str]] = {}
    for name in store.list_scenarios()["name"]:
        owner = owners.get(str(name), "")
        private_of.setdefault(owner, []).append(str(name))
    for s in sessions:
        if s.role == "planner":
            mine = private_of.get(s.username, [])
            if len(mine) != 1:
                problems.append(f"{s.username}: {len(mine)} scenarios saved, expected 1")
                continue
            pts = store.load(mine[0]).contact_points
            new = pts[pts["status"] == "proposed"]
            got = sorted((round(g.x, 4), round(g.y, 4)) for g in new.geometry)
            want = sorted((round(x, 4), round(y, 4)) for x, y in s.places)
            if got != want:
                problems.append(f"{s.username}: saved points {got}, expected {want}")
        allowed = (
            {PUBLISHED, *private_of.get(s.username, [])} if s.role == "planner" else {PUBLISHED}
        )
        names = [x for x in s.listed if x and not x.startswith(t("kpi_base_label", "zh"))]
        leaked = [x for x in names if not any(a in x for a in allowed)]
        if leaked:
            problems.append(f"{s.username} ({s.role}) lists {leaked}")
        if not any(PUBLISHED in x for x in names):
            problems.append(f"{s.username} ({s.role}) does not list the published scenario")
        problems += [f"{s.username}: {e}" for e in s.errors]
    return problems


def _stats(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f} s, p95 {p95:.1f} s, max {ordered[-1]:.1f} s"


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; print and save the figures; exit 1 on a lost save or a leak."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--budget-s", type=float, default=1500.0)
    parser.add_argument("--render-maps", action="store_true")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", action="store_true", help="a throw-away PostGIS cluster")
    where.add_argument("--store", help="an empty PostgreSQL database's postgresql:// URL")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
    cluster = None
    if args.postgres:
        from tests.support.postgres import start_cluster

        cluster = start_cluster()
        workspace = cluster.new_database("bench")
    else:
        workspace = args.store or str(folder / "workspace.gpkg")
    try:
        return _run(args, folder, workspace)
    finally:
        if cluster is not None:
            from tests.support.postgres import stop_cluster

            stop_cluster(cluster)


def _run(args: argparse.Namespace, folder: Path, workspace: str) -> int:
    """Set up the store, start both servers, drive the sessions, verify, write the figures."""
    from analysis.workspace.api import is_postgres_url, open_store

    users = setup_workspace(workspace, args.sessions)
    # Users alternate viewer, planner: pairs alternate servers, so each has both roles.
    sessions = [Session(name, role, (i // 2) % 2) for i, (name, role) in enumerate(users)]
    ports = [free_port(), free_port()]
    procs = [start_server(p, workspace, folder / f"server{i}.log") for i, p in enumerate(ports)]
    memory: dict[str, list[float]] = {}
    sampler = Sampler([p.pid for p in procs])
    load0 = os.getloadavg()
    try:
        for port in ports:
            wait_healthy(port, timeout=180)
        memory["idle_mb"] = [rss_mb(p.pid) for p in procs]
        sampler.start()

        def mark(name: str) -> None:
            memory[f"{name}_mb"] = [rss_mb(p.pid) for p in procs]

        urls = [f"http://127.0.0.1:{p}" for p in ports]
        coro = drive(sessions, urls, args.budget_s, args.render_maps, mark)
        phases = asyncio.run(asyncio.wait_for(coro, args.budget_s))
    finally:
        sampler.stop.set()
        memory["peak_mb"] = sampler.peak
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    load1 = os.getloadavg()
    logs = [(folder / f"server{i}.log").read_text(errors="replace") for i in range(2)]
    problems = verify(workspace, sessions)
    problems += [f"server {i} log has a traceback" for i, x in enumerate(logs) if "Traceback" in x]
    result = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "sessions": args.sessions,
        "store": (
            f"PostgreSQL/PostGIS ({open_store(workspace).location}), two servers"
            if is_postgres_url(workspace)
            else "GeoPackage workspace (one file, two servers)"
        ),
        "cpus": os.cpu_count(),
        "load_before": load0,
        "load_after": load1,
        "phases_s": phases,
        "memory_mb": memory,
        "login_page": _stats([s.times.get("login_page_s", 0) for s in sessions]),
        "login": _stats([s.times.get("login_s", 0) for s in sessions]),
        "ready_after_login": _stats([s.times.get("ready_s", 0) for s in sessions]),
        "edit_to_saved": _stats([e for s in sessions for e in s.edits]),
        "edits": sum(len(s.edits) for s in sessions),
        "problems": problems,
    }
    out = REPO / "artifacts" / "bench_sessions.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
