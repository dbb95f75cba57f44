"""Edits by hand on the 方案模拟 page: map clicks, the selected point, typed coordinates, files.

Every edit runs in a callback or before the widgets of the run are drawn (so it may set
widget state), goes through :mod:`analysis.plan.edits` and is committed by
:func:`dashboard.simulate.state.edit` (undo history + auto-save).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import point_type_label, t
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate import map as sim_map
from dashboard.simulate import messages
from dashboard.simulate import state as sim_state
from geodata.errors import GeodataError

if TYPE_CHECKING:
    import geopandas as gpd

    from analysis.plan.edits import EditHistory
    from analysis.plan.scenarios import PointLayer, Scenario

#: What a click on the map adds: contact point types, then the other two point layers.
ADD_KINDS: tuple[str, ...] = (
    "rural",
    "enterprise",
    "association",
    "urban_community",
    "school",
    "other",
    "collection_sites",
    "homes",
)
MODES: tuple[str, ...] = ("add", "select", "move")
COORD_SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
UPLOAD_LAYERS: tuple[str, ...] = ("contact_points", "collection_sites", "homes")
#: A click in "select" mode picks the nearest point within this distance (degrees, ~5 km).
SELECT_DEG = 0.05


def kind_label(kind: str) -> str:
    """Display name of an add kind (a contact point type or a point layer)."""
    if kind in ("collection_sites", "homes"):
        return t(f"sim_layer_{kind}")
    return point_type_label(kind) + t("sim_point_suffix")


def _layer_of(kind: str) -> PointLayer:
    if kind == "collection_sites":
        return "collection_sites"
    if kind == "homes":
        return "homes"
    return "contact_points"


def _hist_current() -> Scenario:
    history: EditHistory = st.session_state[state.SIM_HISTORY]
    return history.current


def add_at(kind: str, lon: float, lat: float, name: str = "") -> bool:
    """Add a point of ``kind`` at WGS84 ``lon``/``lat`` (one undoable edit)."""
    from analysis.plan.edits import add_point, next_point_id

    layer = _layer_of(kind)
    ptype = kind if layer == "contact_points" else None

    def action(scn: Scenario) -> Scenario:
        label = name.strip() or t("sim_new_name", kind=kind_label(kind), id=next_point_id(scn))
        return add_point(scn, layer, lon=lon, lat=lat, type=ptype, name=label)

    added = t("sim_added", kind=kind_label(kind), lon=f"{lon:.5f}", lat=f"{lat:.5f}")
    done = sim_state.edit(action, t("sim_label_add", kind=kind_label(kind)), added)
    if done:
        new = st.session_state[state.SIM_HISTORY].current.layer(layer)
        pid = str(new["id"].iloc[-1])
        st.session_state[state.SIM_SELECTED] = f"{layer}:{pid}"
        if layer == "contact_points":
            _warn_if_misplaced(pid, added)
    return done


def _warn_if_misplaced(pid: str, done: str) -> None:
    """Turn the edit's message into a warning when point ``pid`` breaks its site rule.

    The page lists every such point too; this says it at once, where the planner looks
    after the click. The check is cached for the page's own use in the same run.
    """
    from dashboard.simulate.views import site_warning_text

    try:
        found = sim_services.site_warnings(services.current_dataset(), _hist_current())
    except (AnalysisError, GeodataError) as exc:
        messages.flash("error", messages.error_text(exc))
        return
    rows = found[found["id"].astype(str) == pid]
    if not rows.empty:
        warning = site_warning_text(cast("dict[str, Any]", rows.iloc[0].to_dict()))
        messages.flash("warning", t("sim_breaks_site_rule", done=done, warning=warning))


def _split(selected: str | None) -> tuple[PointLayer, str] | None:
    """``"layer:id"`` of the selection (the analysis checks the layer's name)."""
    if not selected or ":" not in selected:
        return None
    layer, pid = selected.split(":", 1)
    return cast("PointLayer", layer), pid


def move_selected(lon: float, lat: float) -> None:
    """Move the selected point to ``lon``/``lat`` (WGS84)."""
    from analysis.plan.edits import move_point

    picked = _split(st.session_state.get(state.SIM_SELECTED))
    if picked is None:
        messages.flash("warning", t("sim_select_first"))
        return
    layer, pid = picked
    moved = sim_state.edit(
        lambda s: move_point(s, layer, pid, lon, lat),
        t("sim_label_move", id=pid),
        t("sim_moved", id=pid),
    )
    st.session_state[state.SIM_MODE] = "select"
    if moved and layer == "contact_points":
        _warn_if_misplaced(pid, t("sim_moved", id=pid))


def remove_selected() -> None:
    """Remove the selected point (a proposed point is dropped, others flagged removed)."""
    from analysis.plan.edits import remove_point

    picked = _split(st.session_state.get(state.SIM_SELECTED))
    if picked is None:
        messages.flash("warning", t("sim_select_first"))
        return
    layer, pid = picked
    scn = _hist_current()
    was_proposed = (scn.layer(layer)["id"].astype(str) == pid).any() and str(
        scn.layer(layer).set_index("id").at[pid, "status"]
    ) == "proposed"
    ok = sim_state.edit(
        lambda s: remove_point(s, layer, pid),
        t("sim_label_remove", id=pid),
        t("sim_removed", id=pid),
    )
    if ok and was_proposed:
        st.session_state.pop(state.SIM_SELECTED, None)


def restore_selected() -> None:
    """Put the selected removed or moved point back where it was."""
    from analysis.plan.edits import restore_point

    picked = _split(st.session_state.get(state.SIM_SELECTED))
    if picked is None:
        messages.flash("warning", t("sim_select_first"))
        return
    layer, pid = picked
    sim_state.edit(
        lambda s: restore_point(s, layer, pid),
        t("sim_label_restore", id=pid),
        t("sim_restored_point", id=pid),
    )


def start_move() -> None:
    """Switch the click mode to "move the selected point"."""
    if _split(st.session_state.get(state.SIM_SELECTED)) is None:
        messages.flash("warning", t("sim_select_first"))
        return
    st.session_state[state.SIM_MODE] = "move"


def _signature(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, dict) or value.get("lat") is None or value.get("lng") is None:
        return None
    return round(float(value["lng"]), 7), round(float(value["lat"]), 7)


def consume_click() -> None:
    """Apply the latest map click once: select a point, add one, or move the selected one.

    A click on (or within a few metres of) a point selects it; elsewhere the click mode
    decides. The st_folium value lives under :data:`state.SIM_MAP`; the last click
    handled is remembered under :data:`state.SIM_LAST_CLICK`, so reruns never repeat it.
    """
    value = st.session_state.get(state.SIM_MAP) or {}
    if not isinstance(value, dict) or state.SIM_HISTORY not in st.session_state:
        return
    click = _signature(value.get("last_clicked"))
    obj = _signature(value.get("last_object_clicked"))
    seen = st.session_state.get(state.SIM_LAST_CLICK) or (None, None)
    if (click, obj) == tuple(seen):
        return
    st.session_state[state.SIM_LAST_CLICK] = (click, obj)
    scn = _hist_current()
    if click is not None and click != seen[0]:
        lon, lat = click
        hit = sim_map.nearest_point(scn, lon, lat, sim_map.HIT_DEG)
        mode = st.session_state.get(state.SIM_MODE, "add")
        if hit is not None and mode != "move":
            st.session_state[state.SIM_SELECTED] = hit
        elif mode == "add":
            add_at(str(st.session_state.get(state.SIM_ADD_KIND, ADD_KINDS[0])), lon, lat)
        elif mode == "move":
            move_selected(lon, lat)
        else:
            near = sim_map.nearest_point(scn, lon, lat, SELECT_DEG)
            if near is not None:
                st.session_state[state.SIM_SELECTED] = near
    elif obj is not None and obj != seen[1]:
        hit = sim_map.nearest_point(scn, obj[0], obj[1], sim_map.HIT_DEG)
        if hit is not None:
            st.session_state[state.SIM_SELECTED] = hit


def point_options(scenario: Scenario) -> dict[str, str]:
    """``"layer:id" -> label`` of every contact point and home, for the selection list."""
    out: dict[str, str] = {}
    for layer in ("contact_points", "homes"):
        frame = scenario.layer(layer)
        for pid, name, status in zip(frame["id"], frame["name"], frame["status"], strict=True):
            mark = "" if status == "existing" else f" [{t(f'sim_status_{status}')}]"
            out[f"{layer}:{pid}"] = f"{name}{mark}"
    return out


def add_typed() -> None:
    """Callback: add a point at the typed coordinates (converted to WGS84)."""
    lon = st.session_state.get(state.SIM_COORD_LON)
    lat = st.session_state.get(state.SIM_COORD_LAT)
    system = str(st.session_state.get(state.SIM_COORD_SYSTEM, "wgs84"))
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        messages.flash("warning", t("sim_coords_missing"))
        return
    x, y = sim_services.to_wgs84(float(lon), float(lat), system)
    kind = str(st.session_state.get(state.SIM_ADD_KIND, ADD_KINDS[0]))
    add_at(kind, x, y, str(st.session_state.get(state.SIM_COORD_NAME, "") or ""))


def _text(value: Any) -> str | None:
    """A cell as text, ``None`` for empty or missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _rows_to_points(scn: Scenario, layer: str, gdf: gpd.GeoDataFrame) -> Scenario:
    """Add every row of an uploaded layer as a proposed point (new ids, file names kept)."""
    from analysis.plan.edits import add_point

    kind_col = "type" if layer == "contact_points" else "site_type"
    for row, geom in zip(gdf.to_dict("records"), gdf.geometry, strict=True):
        extra: dict[str, Any] = {}
        if layer == "collection_sites" and _text(row.get("contact_point_id")):
            extra["contact_point_id"] = _text(row.get("contact_point_id"))
        scn = add_point(
            scn,
            layer,  # type: ignore[arg-type]
            lon=float(geom.x),
            lat=float(geom.y),
            type=_text(row.get(kind_col)) if layer != "homes" else None,
            name=_text(row.get("name")),
            county=_text(row.get("county")),
            **extra,
        )
    return scn


def add_uploaded() -> None:
    """Callback: add every point of the uploaded file as proposed points (one edit)."""
    upload = st.session_state.get(state.SIM_UPLOAD)
    if upload is None:
        messages.flash("warning", t("sim_upload_missing"))
        return
    layer = str(st.session_state.get(state.SIM_UPLOAD_LAYER, "contact_points"))
    system = str(st.session_state.get(state.SIM_UPLOAD_COORDS, "wgs84"))
    try:
        gdf = sim_services.read_points(upload.getvalue(), upload.name, layer, system)
    except (GeodataError, AnalysisError) as exc:
        messages.flash("error", t("sim_upload_failed", reason=messages.error_text(exc)))
        return
    n = len(gdf)
    sim_state.edit(
        lambda s: _rows_to_points(s, layer, gdf),
        t("sim_label_upload", n=n),
        t("sim_uploaded", n=n, file=upload.name),
    )


def dataset_radii(dataset: services.Dataset) -> dict[str, float]:
    """Service radius (m) per contact point type, from the standards."""
    from geodata.schema import POINT_TYPES

    std = services.standards()
    return {p: float(std.radius_m_for(p)) for p in POINT_TYPES}
