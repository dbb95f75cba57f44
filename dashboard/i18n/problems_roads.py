"""Translations of the road layer's problems (``geodata.validate.roads``), by ``code``.

Part of :data:`dashboard.i18n.problems.PROBLEM_TEXT`; kept apart so that the reach work adds
its sentences without growing that table past the module size limit.
"""

from __future__ import annotations

ROAD_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "table_for_line_layer": (
        "道路必须是线数据（GeoPackage、Shapefile 压缩包、GeoJSON、KML），不能是 CSV/Excel 表格。",
        "Roads must be lines (GeoPackage, zipped Shapefile, GeoJSON, KML), not a CSV/Excel table.",
    ),
    "unknown_road_class": (
        "道路等级无法识别（应为：高速公路、国道、省道、县道、乡道、村道、城市快速路、主干路、次干路、支路，或 G107、X031 等路线编号）。",
        "Road class not recognised (expressway, national … branch, or a route number such as G107).",
    ),
    "road_without_class_or_speed": (
        "道路既无等级也无速度，请填写其一。",
        "A road with neither a class nor a speed; fill in one of them.",
    ),
    "road_speed_out_of_range": (
        "道路速度应大于 0 且不超过 150 公里/小时（速度为 0 时按道路等级的默认速度计）。",
        "A road speed must be above 0 and at most 150 km/h (0 uses the class's default speed).",
    ),
    "bad_oneway": (
        "单行标志无法识别（0/否/双向，1/是/正向，-1/反向）。",
        "One-way value not recognised (0/no/both, 1/yes/forward, -1/backward).",
    ),
    "bad_level": (
        "层级应为 -9 到 9 的整数（0 为地面，桥梁 1，隧道 -1）。",
        "The level must be a whole number from -9 to 9 (0 ground, 1 bridge, -1 tunnel).",
    ),
    "roads_outside_study_area": (
        "道路图层中没有一条道路进入乡镇范围，请检查文件或坐标系。",
        "No road reaches the townships; check the file or its coordinate system.",
    ),
}
