"""Translations of the problems of real-world inputs (codes, names, rasters, boundaries).

Part of :data:`dashboard.i18n.problems.PROBLEM_TEXT`, kept apart like the road problems.
"""

from __future__ import annotations

INPUT_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "bad_admin_code": (
        "统计用区划代码位数不对（村、社区应为 12 位，乡镇 9 位），无法读出所属乡镇或县区。请在 Excel 中把该列设为文本，填写完整代码。",
        "Codes are not full statistics-bureau codes (12 digits for villages, 9 for townships); "
        "their township or county part cannot be read.",
    ),
    "bad_kind_codes_setting": (
        "城乡分类代码设置有误：每项应为“3 位代码=urban 或 rural”，如 122=rural。",
        "The urban-rural code setting is wrong: each entry is '3 digits=urban|rural'.",
    ),
    "point_match_ambiguous": (
        "按名称或地址找到多个可能的位置，请从候选中选择（或补充经纬度）；选择前该行不参与计算。",
        "The name or address matches several places; choose one (or add coordinates).",
    ),
    "point_match_unmatched": (
        "按名称或地址在已加载的村(社区)、乡镇中找不到，请更正名称、地址或补充经纬度；该行未参与计算。",
        "The name or address matches no loaded village, community or township.",
    ),
    "raster_unreadable": (
        "人口栅格不是可读取的 GeoTIFF(.tif)。请导出为单波段、每格人数的 GeoTIFF（如 WorldPop ppp 文件）。",
        "The population raster is not a readable GeoTIFF; export one band of people per cell.",
    ),
    "raster_no_crs": (
        "人口栅格没有坐标系，无法确定位置。请带坐标系重新导出（WorldPop 为 EPSG:4326）。",
        "The GeoTIFF declares no coordinate system; export it again with its CRS.",
    ),
    "raster_no_overlap": (
        "人口栅格与乡镇边界不重叠，请使用本地区的栅格。",
        "The population raster does not overlap the townships; use this area's raster.",
    ),
    "raster_total_mismatch": (
        "人口栅格统计的乡镇总人口与乡镇人口表相差超过设定比例（默认 5%），已采用栅格数据，请核对年份与口径。",
        "The raster's people in the townships differ from the township table by more than the "
        "set share (5 % by default); the raster is used.",
    ),
    "raster_partial_overlap": (
        "部分乡镇有一部分或全部在人口栅格范围之外，人口会偏少，请使用覆盖全域的栅格。",
        "Some townships lie partly outside the raster and are undercounted.",
    ),
    "township_overlap": (
        "乡镇边界相互重叠（面积、涉及乡镇见详情），人口和覆盖按各乡镇原边界计算；请修正边界，或选择“吸附并清理边界”。",
        "Township boundaries overlap (area and townships in the details); correct them or "
        "choose snap-and-clean.",
    ),
    "township_gap": (
        "乡镇边界之间有空隙（无乡镇覆盖的区域，面积、相邻乡镇见详情）；请修正边界，或选择“吸附并清理边界”。",
        "Township boundaries leave gaps between them; correct them or choose snap-and-clean.",
    ),
}
