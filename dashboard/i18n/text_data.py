"""Texts of the data page's sections for real inputs (issue #16): raster, names, boundaries.

Merged into the app part of :data:`dashboard.i18n.text.TEXT`.
"""

from __future__ import annotations

DATA_INPUT_TEXT: dict[str, tuple[str, str]] = {
    "upload_population_raster": (
        "人口栅格(GeoTIFF，可选)",
        "Population raster (GeoTIFF, optional)",
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
