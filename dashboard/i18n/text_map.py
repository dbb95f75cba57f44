"""Texts of the map's base maps and way-finding tools: ``key -> (Simplified Chinese, English)``.

Part of the one table :data:`dashboard.i18n.text.TEXT`, which is assembled from it. The
``maptool_`` texts travel to the browser with the map's data (:mod:`dashboard.map.tools`).
"""

from __future__ import annotations

MAP_TEXT: dict[str, tuple[str, str]] = {
    # --- base maps the administrator configures (dashboard/map/tiles.py) ---------------
    "basemap_local": ("本地瓦片文件（离线）", "Local tile file (offline)"),
    "basemap_custom": ("单位瓦片服务", "Office tile server"),
    "basemap_reference": (
        "参考底图（道路、县城，离线）",
        "Reference (roads, county seats; offline)",
    ),
    "tiles_file_missing": (
        "找不到配置的瓦片文件：{detail}。请检查 COVERAGE_PLANNER_TILE_FILE。",
        "The configured tile file was not found: {detail}. Check COVERAGE_PLANNER_TILE_FILE.",
    ),
    "tiles_file_format": (
        "瓦片文件的格式不受支持：{detail}。只支持 PNG、JPEG、WebP 栅格瓦片（MBTiles）。",
        "Unsupported tile format: {detail}. Only PNG, JPEG and WebP raster MBTiles work.",
    ),
    "tiles_file_empty": (
        "瓦片文件中没有瓦片：{detail}。",
        "The tile file holds no tiles: {detail}.",
    ),
    "tiles_file_too_big": (
        "瓦片文件太大（{detail}），超过 COVERAGE_PLANNER_TILE_MAX_MB 的上限；请裁剪范围或提高上限。",
        "The tile file is too big ({detail}), over COVERAGE_PLANNER_TILE_MAX_MB; clip it or raise the limit.",
    ),
    "tiles_file_unreadable": (
        "瓦片文件无法读取（不是 MBTiles？）：{detail}",
        "The tile file cannot be read (not MBTiles?): {detail}",
    ),
    "tiles_file_unwritable": (
        "无法写出瓦片（dashboard/static/tiles）：{detail}",
        "Cannot write the tiles (dashboard/static/tiles): {detail}",
    ),
    # --- in the map (the browser; dashboard/map/tools.py) --------------------------------
    "maptool_tiles_failed": (
        "底图无法加载：{n} 张瓦片请求失败（无网络，或瓦片地址有误）。地图数据不受影响。",
        "The base map cannot be loaded: {n} tile requests failed (no network, or a wrong "
        "tile address). The map's data is not affected.",
    ),
    "maptool_search": ("搜索乡镇、村（社区）", "Search a township or village"),
    "maptool_no_match": ("没有找到", "No match"),
    "maptool_township": ("乡镇（街道）", "township"),
    "maptool_village": ("村（社区）", "village"),
    "maptool_county": ("县（市、区）", "county"),
    "maptool_measure": ("测距", "Measure"),
    "maptool_measure_hint": (
        "在地图上依次点击量取距离；再次点击“测距”结束。",
        "Click points on the map to measure; click Measure again to finish.",
    ),
    "maptool_total": ("共 {km} 公里", "{km} km in all"),
    "maptool_export": ("保存图片", "Save image"),
    "maptool_export_pdf": ("保存PDF", "Save PDF"),
    "maptool_export_title": ("地图", "Map"),
    "maptool_north": ("北", "N"),
    "maptool_file": ("地图", "map"),
    "maptool_villages_zoom": (
        "视野内有 {n} 个村（社区），放大后显示",
        "{n} villages in view: zoom in to see them",
    ),
}
