"""Bytes one rerun sends to the browser on the 数据 page's preview and the 方案比较 maps.

On the fictional province (``COVERAGE_PLANNER_DEMO=province``): the province's layers are
written to GeoJSON files and uploaded on the 数据 page (checked, preview map shown); two
scenarios of it are saved in a fresh workspace and compared with the baseline (three small
maps). Each figure is the sum of the websocket frames the page received: ``*_rerun_ws_kb`` during
one rerun (Streamlit's ``r`` shortcut: the same page drawn again, nothing changed; median of
``--repeat``), ``compare_first_ws_kb`` / ``data_check_ws_kb`` on the first showing,
``*_back_ws_kb`` on coming back to the page after the 指标 and 运行评估 pages (Streamlit's own
message cache keeps a large message for two runs only: an identical rerun sends a reference,
coming back sends it all again). Run: ``python -m bench.rerun_bytes`` (``--demo``: the demo
city).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.serverstats import FrameBytes, server_cpu_s
from dashboard import state
from tests.support.browser import blocked_context, chromium, running_app
from tests.support.e2e import wait_idle

TIMEOUT_MS = 240_000
UPLOADED = ("townships", "villages", "contact_points", "collection_sites", "homes")


def _layers(province: bool) -> dict[str, Any]:
    if province:
        from geodata.synthetic.province import build_province

        return province_layers(build_province())
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    return {name: getattr(city, name) for name in UPLOADED}


def province_layers(layers: dict[str, Any]) -> dict[str, Any]:
    """The province's layers in EPSG:4326 (as a planner's files would be)."""
    return {name: layers[name].to_crs(4326) for name in UPLOADED}


def _scenarios(workspace: Path, province: bool) -> None:
    """Two saved scenarios of the dataset (a point added; three points added)."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore

    if province:
        from geodata.synthetic.province import load_province

        city = load_province()
    else:
        from geodata.demo.load import load_demo_city

        city = load_demo_city()
    base = baseline_scenario(city, "demo")
    store = WorkspaceStore(workspace)
    pts = city.townships.geometry.representative_point()
    one = add_point(copy_scenario(base, "方案甲"), "contact_points", lon=pts.iloc[0].x,
                    lat=pts.iloc[0].y, type="rural")  # fmt: skip
    store.save(one)
    two = copy_scenario(base, "方案乙")
    for geom in pts.iloc[1:4]:
        two = add_point(two, "contact_points", lon=geom.x, lat=geom.y, type="enterprise")
    store.save(two)


def _reruns(page: Any, frames: FrameBytes, repeat: int, pid: int) -> tuple[list[int], list[float]]:
    """Bytes and server CPU of ``repeat`` reruns of the page as it is."""
    sizes, cpu = [], []
    for _ in range(repeat):
        wait_idle(page, TIMEOUT_MS)
        page.wait_for_timeout(1500)  # late component messages of the previous run
        before, c0 = frames.received, server_cpu_s(pid)
        page.mouse.click(5, 300)  # focus the page, not an input: "r" reruns
        page.keyboard.press("r")
        page.wait_for_timeout(800)
        wait_idle(page, TIMEOUT_MS)
        page.wait_for_timeout(1500)
        sizes.append(frames.received - before)
        cpu.append(server_cpu_s(pid) - c0)
    return sizes, cpu


def _server_pid(port: int) -> int:
    """The app's process (its command line names the port), a child of this one."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and any(str(port).encode() in c for c in cmd):
            return int(proc.name)
    raise RuntimeError(f"no server process on port {port}")


def _nav(page: Any, frames: FrameBytes, name: str) -> int:
    """Go to page ``name`` by its sidebar link (the same session); bytes until idle."""
    print(f"-> {name}", file=sys.stderr, flush=True)
    before = frames.received
    page.click(f"[data-testid=stSidebarNav] a[href$='/{name}']")
    page.wait_for_timeout(800)
    wait_idle(page, TIMEOUT_MS)
    page.wait_for_timeout(2000)
    return frames.received - before


def _away_and_back(page: Any, frames: FrameBytes, name: str) -> int:
    """Bytes of coming back to ``name`` after the 指标 and 运行评估 pages (Streamlit's message
    cache has forgotten what it sent more than two runs ago)."""
    _nav(page, frames, "kpis")
    _nav(page, frames, "review")
    return _nav(page, frames, name)


def run(repeat: int, province: bool) -> dict[str, Any]:
    """Measure both pages; return the figures."""
    env = {"COVERAGE_PLANNER_DEMO": "province"} if province else {}
    out: dict[str, Any] = {"dataset": "province" if province else "demo"}
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        root = Path(tmp)
        files = {}
        for name, gdf in _layers(province).items():
            files[name] = root / f"{name}.geojson"
            gdf.to_file(files[name], driver="GeoJSON")
        _scenarios(root / "workspace.gpkg", province)
        with running_app(root, env=env, wait_s=300) as app, chromium() as browser:
            pid = _server_pid(app.port)
            context, _ = blocked_context(browser, 1440, 900)
            page = context.new_page()
            frames = FrameBytes(page)
            # 方案比较: the baseline and both scenarios, three small maps.
            page.goto(app.url + "/kpis")
            wait_idle(page, TIMEOUT_MS)
            page.wait_for_timeout(2000)
            first = _nav(page, frames, "compare")
            page.wait_for_selector("iframe", timeout=TIMEOUT_MS)
            wait_idle(page, TIMEOUT_MS)
            page.wait_for_timeout(3000)
            out["compare_first_ws_kb"] = round(first / 1024, 1)
            sizes, cpu = _reruns(page, frames, repeat, pid)
            out["compare_rerun_ws_kb"] = round(statistics.median(sizes) / 1024, 1)
            out["compare_rerun_server_cpu_s"] = round(statistics.median(cpu), 2)
            out["compare_back_ws_kb"] = round(_away_and_back(page, frames, "compare") / 1024, 1)
            page.screenshot(path=str(root.parent / f"rerun_bytes_compare_{out['dataset']}.png"))
            # 数据: upload, check, preview.
            page.goto(app.url + "/data")  # a new session: the data page alone
            page.wait_for_selector("[data-testid=stFileUploader]", timeout=TIMEOUT_MS)
            wait_idle(page, TIMEOUT_MS)
            for name, path in files.items():
                sel = f".st-key-{state.upload_key(name)} input[type=file]"
                print(f"upload {name}", file=sys.stderr, flush=True)
                page.set_input_files(sel, str(path))
                page.wait_for_timeout(1500)
                wait_idle(page, TIMEOUT_MS)
            print("check", file=sys.stderr, flush=True)
            t0, before = time.monotonic(), frames.received
            page.click(f".st-key-{state.DATA_CHECK} button")
            page.wait_for_selector(f".st-key-{state.DATA_USE} button", timeout=TIMEOUT_MS)
            page.wait_for_selector("iframe", timeout=TIMEOUT_MS)
            wait_idle(page, TIMEOUT_MS)
            out["data_check_s"] = round(time.monotonic() - t0, 1)
            page.wait_for_timeout(3000)
            out["data_check_ws_kb"] = round((frames.received - before) / 1024, 1)
            sizes, cpu = _reruns(page, frames, repeat, pid)
            out["data_rerun_ws_kb"] = round(statistics.median(sizes) / 1024, 1)
            out["data_rerun_server_cpu_s"] = round(statistics.median(cpu), 2)
            out["data_back_ws_kb"] = round(_away_and_back(page, frames, "data") / 1024, 1)
            page.screenshot(path=str(root.parent / f"rerun_bytes_data_{out['dataset']}.png"))
            context.close()
    out["load_avg_1min"] = round(os.getloadavg()[0], 2)
    out["bench_cpu_s"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_utime, 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="the demo city, not the province")
    args = parser.parse_args()
    t0 = time.monotonic()
    figures = run(args.repeat, not args.demo)
    figures["wall_s"] = round(time.monotonic() - t0, 1)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
