"""Texts of road reach (覆盖口径): the mode switch, service areas, minutes, the road layer.

``key -> (Simplified Chinese, English)``, merged into :data:`dashboard.i18n.text.TEXT`.
"""

from __future__ import annotations

REACH_TEXT: dict[str, tuple[str, str]] = {
    # --- the switch (sidebar) ---------------------------------------------------------
    "reach_label": ("覆盖口径", "Reach"),
    "reach_radius": ("直线半径", "Radius"),
    "reach_road": ("道路通行时间", "Road travel time"),
    "reach_help": (
        "直线半径：按联系点服务半径画圆计算覆盖；道路通行时间：按路网计算群众在规定分钟内"
        "（步行或驾车）能否到达联系点。所有页面的指标、盲区、3-5规则、方案模拟与优化同时切换。",
        "Radius: coverage by each point's service circle. Road travel time: a place is "
        "covered when people reach the point on the road network within the minutes of its "
        "type (on foot or by car). Every page follows: KPIs, blind spots, the 3-5 rule, "
        "simulation and optimiser.",
    ),
    "reach_no_roads": (
        "当前数据没有道路图层，只能按直线半径计算。请在“数据”页上传道路线图层。",
        "The data has no road layer: only the radius can be used. Upload a road layer on "
        "the Data page.",
    ),
    "reach_caption_radius": ("覆盖口径：直线半径", "Reach: radius"),
    "reach_caption_road": ("覆盖口径：道路通行时间", "Reach: road travel time"),
    # --- the map ------------------------------------------------------------------------
    "layer_roads": ("道路网", "Road network"),
    "layer_service_areas": ("道路可达范围", "Road service areas"),
    "legend_service_area": (
        "道路可达范围（{mode}{minutes}分钟）",
        "Reached by road ({minutes} min {mode})",
    ),
    "legend_roads": ("道路网（线宽按等级）", "Roads (width by class)"),
    "travel_walk": ("步行", "on foot"),
    "travel_drive": ("驾车", "by car"),
    "measure_nearest_point_minutes": ("到最近联系点（分钟）", "Minutes to nearest point"),
    "tip_minutes": ("到最近联系点", "To nearest point"),
    "tip_reach_minutes": ("可达时间", "Reach"),
    "minutes_value": ("{m}分钟", "{m} min"),
    "minutes_unreachable": ("无法经道路到达", "not reachable by road"),
    "minutes_legend_last": ("≥ {m}，或无路可达", "≥ {m}, or no road"),
    # --- the data page ------------------------------------------------------------------
    "upload_roads": ("道路线（可选，用于道路通行时间）", "Roads (optional, for travel time)"),
    "lname_roads": ("道路", "Roads"),
    "roads_title": ("道路网概况", "Road network"),
    "roads_show_current": ("查看当前数据的道路网概况", "Show the road network of the data in use"),
    "roads_caption": (
        "共{lines}条道路线，总长{km}公里，连通片{pieces}个；{off}个村（社区）距道路超过"
        "{max_m}米，不在路网上（道路通行时间口径下无法到达）。",
        "{lines} road lines, {km} km in all, {pieces} connected pieces; {off} villages lie "
        "more than {max_m} m from every road and are off the network (not reachable in "
        "road mode).",
    ),
    "roads_col_class": ("道路等级", "Road class"),
    "roads_col_lines": ("线条数", "Lines"),
    "roads_col_km": ("长度(公里)", "Length (km)"),
    "roads_col_speed": ("默认车速(公里/小时)", "Default speed (km/h)"),
    "roads_off_title": (
        "不在路网上的村（社区）与小连通片上的地点",
        "Places off the network or on small pieces",
    ),
    "roads_off_none": ("所有村（社区）都在路网上。", "Every village is on the road network."),
    "roads_col_name": ("名称", "Name"),
    "roads_col_kind": ("类别", "Kind"),
    "roads_col_issue": ("情况", "Issue"),
    "roads_col_distance": ("距最近道路(米)", "To nearest road (m)"),
    "roads_issue_off": ("不在路网上", "off the network"),
    "roads_issue_piece": ("在孤立小路网上", "on a small isolated piece"),
    "roads_kind_village": ("村(社区)", "village"),
    "roads_kind_point": ("联系点", "contact point"),
    "roads_use_road": (
        "已加载道路图层：覆盖口径自动切换为“道路通行时间”（可在左侧栏切换）。",
        "A road layer is loaded: reach switched to road travel time (change it in the sidebar).",
    ),
}
