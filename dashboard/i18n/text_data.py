"""Texts of the data page's sections for real inputs (issue #16): raster, names, boundaries.

Merged into the app part of :data:`dashboard.i18n.text.TEXT`.
"""

from __future__ import annotations

DATA_INPUT_TEXT: dict[str, tuple[str, str]] = {
    "upload_population_raster": (
        "人口栅格(GeoTIFF，可选)",
        "Population raster (GeoTIFF, optional)",
    ),
    "data_raster_use": ("人口栅格用于", "Use the population raster for"),
    "data_raster_use_totals": ("仅汇总乡镇人口", "Township totals only"),
    "data_raster_use_cells": (
        "逐格人口作为覆盖需求",
        "Its cells as the coverage demand",
    ),
    "data_raster_use_help": (
        "两种用法都按栅格汇总各乡镇人口，并按原有比例分给村（社区）。"
        "选择逐格人口时，没有村（社区）数据的乡镇按栅格的每一格计算覆盖（人口在实际居住处），"
        "不再在乡镇内均匀分布；有村（社区）的乡镇仍以村（社区）为准。",
        "Both sum the raster to the townships and share each township's people among its "
        "villages. With its cells, the townships without villages are covered cell by cell "
        "(people where they live) instead of spread evenly; townships with villages keep "
        "their villages.",
    ),
    "kpi_demand_source": ("人口数据来源：{source}", "Population from: {source}"),
    "demand_source_villages": ("村（社区）人口", "village populations"),
    "demand_source_township_grid": (
        "乡镇人口均匀分布网格",
        "township populations spread over a uniform grid",
    ),
    "demand_source_raster_grid": ("人口栅格逐格人口", "the population raster's cells"),
    "demand_source_villages+township_grid": (
        "村（社区）人口及乡镇网格",
        "villages, and a uniform grid where a township has none",
    ),
    "demand_source_villages+raster_grid": (
        "村（社区）人口及人口栅格",
        "villages, and the raster's cells where a township has none",
    ),
    "demand_source_raster_grid+township_grid": (
        "人口栅格及乡镇网格",
        "the raster's cells, and a uniform grid where a township has none",
    ),
    "demand_source_villages+raster_grid+township_grid": (
        "村（社区）人口、人口栅格及乡镇网格",
        "villages, the raster's cells, and a uniform grid",
    ),
    "data_clean_boundaries": ("吸附并清理乡镇边界", "Snap and clean the township boundaries"),
    "data_clean_boundaries_help": (
        "修复无效边界，把相距 20 米以内的边界吸附到一起；重叠部分归文件中靠前的乡镇，"
        "1 平方公里以内的空隙并入共用边界最长的相邻乡镇。更大的空隙保留并提示。",
        "Repairs invalid boundaries and snaps edges within 20 m; an overlap goes to the township "
        "listed first, a gap up to 1 km² to the neighbour sharing the longest edge. Larger gaps "
        "stay and are reported.",
    ),
    "match_title": ("按名称或地址定位的点", "Points placed by name or address"),
    "match_summary": (
        "{layer}：已定位 {matched} 个，待选择 {ambiguous} 个，未找到 {unmatched} 个",
        "{layer}: {matched} placed, {ambiguous} to choose, {unmatched} not found",
    ),
    "match_choose": ("第 {row} 行「{name}」的位置", "Place of row {row} “{name}”"),
    "match_none": ("（暂不定位）", "(leave out for now)"),
    "match_unmatched": (
        "未找到的行（请更正名称、地址或补充经纬度）",
        "Rows not found (correct the name or address, or add coordinates)",
    ),
    "match_col_name": ("名称", "Name"),
    "match_col_address": ("地址", "Address"),
    "match_apply": ("按所选位置重新检查", "Check again with the chosen places"),
    "boundary_title": ("乡镇边界的重叠与空隙", "Overlaps and gaps between township boundaries"),
    "boundary_overlap": ("重叠", "overlap"),
    "boundary_gap": ("空隙", "gap"),
    "boundary_col_kind": ("类型", "Kind"),
    "boundary_col_townships": ("涉及乡镇", "Townships"),
    "boundary_col_area": ("面积(平方公里)", "Area (km²)"),
    "boundary_map_caption": (
        "红色为两个乡镇重叠之处，橙色为无乡镇覆盖的空隙；悬停可见涉及的乡镇与面积。",
        "Red: ground two townships both claim; orange: gaps no township claims. Hover for the"
        " townships and the area.",
    ),
}
