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
    # --- road reach in the analysis (analysis.reach): shown when a road computation fails ---
    "reach_road_without_roads": (
        "选择了道路通行时间口径，但当前数据没有道路图层，已改按直线半径计算。请在“数据”页上传道路线图层。",
        "Road reach was chosen but the data has no road layer: the radius is used. Upload a "
        "road layer on the Data page.",
    ),
    "reach_mode_unknown": (
        "通行方式无法识别（应为步行 walk 或驾车 drive），请检查规划标准。",
        "Unknown travel mode (walk or drive); check the planning standards.",
    ),
    "reach_bad_limits": (
        "可达时间的个数与联系点个数不一致（程序内部错误），请把此信息告知管理员。",
        "The reach minutes do not match the points (internal error); tell the administrator.",
    ),
    "reach_bad_edge": (
        "部分地点连接到了路网中不存在的路段（程序内部错误），请把此信息告知管理员。",
        "Some places are joined to road segments that do not exist (internal error).",
    ),
    "reach_bad_offroad": (
        "地点到道路的步行距离或步行速度无效，请检查规划标准中的步行速度。",
        "An off-road walk or the off-road walking speed is invalid; check the standards.",
    ),
    "reach_bad_coordinates": (
        "地点坐标的形状不对（程序内部错误），请把此信息告知管理员。",
        "The places' coordinates have the wrong shape (internal error).",
    ),
    "reach_one_point": (
        "计算单个点位的可达范围时只能给一个点位（程序内部错误）。",
        "The reach of one point needs exactly one point (internal error).",
    ),
    "attach_shape": (
        "地点的横纵坐标个数不一致（程序内部错误），请把此信息告知管理员。",
        "The places' x and y counts differ (internal error).",
    ),
    "attach_settings": (
        "规划标准中的最远步行距离应不小于0、步行速度应大于0，请检查规划标准。",
        "The maximum off-road distance must be >= 0 and the walking speed > 0; check the "
        "standards.",
    ),
    "road_array_length": (
        "道路属性的条数与道路线条数不一致（程序内部错误），请把此信息告知管理员。",
        "A road attribute does not have one value per line (internal error).",
    ),
    "road_not_line": (
        "道路图层中有不是线的要素，请只上传道路线。",
        "Some road features are not lines; upload road lines only.",
    ),
    "road_class_range": (
        "有道路的等级无法识别，请检查道路等级列。",
        "Some roads have a class that is not recognised; check the class column.",
    ),
    "road_speed": (
        "有道路的车速不是大于0的数，请检查速度列或规划标准中的等级车速。",
        "Some roads have no speed above 0; check the speed column or the class speeds.",
    ),
    "road_oneway": (
        "单行标志只能是 -1、0 或 1，请检查单行列。",
        "The one-way flag must be -1, 0 or 1; check the one-way column.",
    ),
    "road_tolerance": (
        "规划标准中的道路端点吸附距离应不小于0，请检查规划标准。",
        "The snap tolerance must be >= 0; check the standards.",
    ),
    "report_length": (
        "路网报告的地点信息条数不一致（程序内部错误），请把此信息告知管理员。",
        "The network report got lists of different lengths (internal error).",
    ),
    "places_off_road_network": (
        "{count}个村(社区)或联系点距任何道路超过{max_offroad_m:g}米，只能按直线步行计算可达：{names}。请检查这些地方的道路数据。",
        "{count} place(s) lie farther than {max_offroad_m:g} m from every road and are reached "
        "only by a straight walk: {names}. Check the road layer there.",
    ),
    "places_on_small_road_pieces": (
        "{count}个地点接在与主路网不相连的{pieces}段道路上：{names}。道路图层可能缺少路口或桥梁，这些地方会显得与外界不通。",
        "{count} place(s) join {pieces} road piece(s) cut off from the main network: {names}. "
        "A missing junction or bridge makes them look far from everything.",
    ),
    "bad_reach_minutes": (
        "通行时间应为大于0的分钟数。",
        "The travel time must be a positive number of minutes.",
    ),
    "reach_graph_too_large": (
        "道路网过大（{nodes}个节点、{arcs}条弧段），超出一次出行时间计算的上限。请按县分区计算（见方法说明）。",
        "The road graph is too large ({nodes} nodes, {arcs} arcs) for one travel-time search; split the area "
        "by county (see the method documentation).",
    ),
    "reach_kernel_unknown": (
        "未知的出行时间计算方法“{kernel}”（程序内部错误），请把此信息告知管理员。",
        "Unknown travel-time search {kernel!r} (internal error).",
    ),
}
