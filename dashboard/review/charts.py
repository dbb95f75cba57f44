"""The page's two charts (Altair, drawn offline by Streamlit): one point's quarters and the
small map of the commended and flagged points over the county outlines."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from dashboard.i18n import t

#: Colours of the verdicts on the map (commend green, adjust red, the rest grey).
VERDICT_COLORS = {
    "commend": "#2e7d32",
    "adjust": "#c62828",
    "ok": "#78909c",
    "no_records": "#b0bec5",
}
_OPINIONS = ("opinions_collected", "opinions_adopted", "opinions_answered")
_ACTIVITIES = (
    "activities_study",
    "activities_publicity",
    "activities_governance",
    "activities_reception",
    "activities_research",
)


def trend_chart(quarters: pd.DataFrame, point_id: str, layer: str) -> alt.Chart:
    """Bars of one point's quarters: opinions (contact points) or activities by kind (homes)."""
    q = quarters[quarters["point_id"] == point_id]
    columns = _OPINIONS if layer == "contact_points" else _ACTIVITIES
    long = q.melt(id_vars=["quarter"], value_vars=list(columns), var_name="what", value_name="n")
    long["what"] = [t(f"review_series_{c}") for c in long["what"]]
    order = [t(f"review_series_{c}") for c in columns]
    axis = alt.Axis(labelFontSize=12, titleFontSize=12)
    base = alt.Chart(long).encode(
        x=alt.X(
            "quarter:N",
            title=t("review_axis_quarter"),
            axis=alt.Axis(labelFontSize=12, titleFontSize=12, labelAngle=0),
        ),
        tooltip=[
            alt.Tooltip("quarter:N", title=t("review_axis_quarter")),
            alt.Tooltip("what:N", title=" "),
            alt.Tooltip("n:Q", title=t("review_axis_count")),
        ],
    )
    if layer == "contact_points":
        bars = base.mark_bar().encode(
            xOffset=alt.XOffset("what:N", sort=order),
            y=alt.Y("n:Q", title=t("review_axis_count"), axis=axis),
            color=alt.Color(
                "what:N",
                sort=order,
                scale=alt.Scale(domain=order, range=["#1f4e8c", "#2e7d32", "#f9a825"]),
                legend=alt.Legend(orient="top", title=None, labelFontSize=12),
            ),
        )
    else:
        bars = base.mark_bar().encode(
            y=alt.Y("n:Q", stack="zero", title=t("review_axis_count"), axis=axis),
            color=alt.Color(
                "what:N",
                sort=order,
                scale=alt.Scale(
                    domain=order, range=["#90a4ae", "#5c6bc0", "#2e7d32", "#f9a825", "#8d6e63"]
                ),
                legend=alt.Legend(orient="top", title=None, labelFontSize=12),
            ),
            order=alt.Order("what:N"),
        )
    return bars.properties(height=280)


def flag_map(outlines: dict[str, Any], points: pd.DataFrame) -> alt.LayerChart:
    """County outlines and the points coloured by verdict (``lon``, ``lat``, ``verdict``,
    ``label``, ``name``, ``reasons``)."""
    shapes = (
        alt.Chart(alt.Data(values=outlines["features"]))
        .mark_geoshape(fill="#f4f6f8", stroke="#90a4ae", strokeWidth=1)
        .encode(tooltip=alt.Tooltip("properties.county:N", title=t("col_county")))
    )
    domain = [t(f"review_verdict_{v}") for v in VERDICT_COLORS]
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, opacity=0.95, stroke="white", strokeWidth=1)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("size:Q", legend=None, scale=alt.Scale(range=[60, 260])),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=domain, range=list(VERDICT_COLORS.values())),
                legend=alt.Legend(orient="top", title=None, labelFontSize=12),
            ),
            shape=alt.Shape(
                "kind:N",
                legend=alt.Legend(orient="bottom", title=None, labelFontSize=12),
                scale=alt.Scale(
                    domain=[t("review_kind_contact_point"), t("review_kind_home")],
                    range=["circle", "square"],
                ),
            ),
            order=alt.Order("size:Q"),  # commended and flagged points drawn on top
            tooltip=[
                alt.Tooltip("name:N", title=t("review_col_name")),
                alt.Tooltip("label:N", title=t("review_col_verdict")),
                alt.Tooltip("reasons:N", title=t("review_col_reasons")),
            ],
        )
    )
    return (shapes + dots).properties(height=420).project(type="mercator")


def map_points(ranking: pd.DataFrame, city: Any, reasons: dict[str, str]) -> pd.DataFrame:
    """The ranking's points with their coordinates (from the city's layers)."""
    rows = []
    for layer in ("contact_points", "homes"):
        gdf = getattr(city, layer)
        if gdf is None or gdf.empty:
            continue
        xy = {str(i): (g.x, g.y) for i, g in zip(gdf["id"], gdf.geometry, strict=True)}
        part = ranking[ranking["point_layer"] == layer]
        for rec in part.to_dict("records"):
            pid = str(rec["point_id"])
            if pid not in xy:
                continue
            rows.append(
                {
                    "lon": xy[pid][0],
                    "lat": xy[pid][1],
                    "verdict": rec["verdict"],
                    "label": t(f"review_verdict_{rec['verdict']}"),
                    "size": {"commend": 3, "adjust": 2}.get(str(rec["verdict"]), 1),
                    "kind": t("review_kind_home")
                    if layer == "homes"
                    else t("review_kind_contact_point"),
                    "name": rec["name"],
                    "reasons": reasons.get(pid, ""),
                }
            )
    return pd.DataFrame(rows)
