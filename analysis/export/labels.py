"""Chinese labels used by the office exports, the static map and the meeting brief."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Layer order and Chinese titles (also the XLSX sheet names and CSV file stems).
LAYER_TITLES_ZH: dict[str, str] = {
    "townships": "乡镇(街道)",
    "villages": "村(社区)",
    "contact_points": "基层立法联系点",
    "collection_sites": "立法信息采集点",
    "homes": "代表之家",
}

STATUS_CODES: tuple[str, ...] = ("existing", "proposed", "moved", "removed")
STATUS_ZH: dict[str, str] = {
    "existing": "现有",
    "proposed": "拟新增",
    "moved": "拟迁移",
    "removed": "拟撤销",
}

TYPE_ZH: dict[str, str] = {
    "urban_community": "城市社区",
    "rural": "农村",
    "enterprise": "企业",
    "association": "行业协会",
    "school": "学校",
    "other": "其他",
}

KIND_ZH: dict[str, str] = {"urban": "城市", "rural": "农村"}
#: The 3-5 collection-site rule of a contact point.
SITE_RULE_ZH: dict[str, str] = {"below": "不足3个", "ok": "3-5个", "above": "超过5个"}
#: Where a collection site (or a candidate site) stands.
SITE_TYPE_ZH: dict[str, str] = {
    "village": "村",
    "community": "社区",
    "enterprise": "企业",
    "association": "行业协会",
    "school": "学校",
    "other": "其他",
}
#: Why the optimiser placed a point (``rule`` of a proposal).
RULE_ZH: dict[str, str] = {
    "coverage": "扩大覆盖",
    "county_minimum": "满足县区最低配置",
    "must_cover": "覆盖指定乡镇",
}
#: Room and staffing of a point against the standard (``room_status``).
ROOM_PENDING_ZH = "待建"
ROOM_STATUS_ZH: dict[str, str] = {"ok": "达标", "below": "不达标", "pending": ROOM_PENDING_ZH}
#: Where the population figures come from (``demand_source``).
DEMAND_SOURCE_ZH: dict[str, str] = {
    "villages": "村（社区）人口",
    "township_grid": "乡镇人口均匀分布网格",
    "villages+township_grid": "村（社区）人口及乡镇网格",
    "raster_grid": "人口栅格逐格人口",
    "villages+raster_grid": "村（社区）人口及人口栅格",
    "raster_grid+township_grid": "人口栅格及乡镇网格",
    "villages+raster_grid+township_grid": "村（社区）人口、人口栅格及乡镇网格",
}
#: Text of a true/false cell in office files and the brief.
BOOL_ZH: dict[bool, str] = {True: "是", False: "否"}

#: Chinese column headers for CSV/XLSX (canonical English name -> header).
COLUMN_LABELS_ZH: dict[str, str] = {
    "id": "编号",
    "code": "编码",
    "name": "名称",
    "type": "类型",
    "status": "状态",
    "county": "县区",
    "county_code": "县区编码",
    "township_code": "乡镇编码",
    "township": "所在乡镇",
    "kind": "城乡类型",
    "is_township_seat": "乡镇驻地",
    "lon": "经度",
    "lat": "纬度",
    "population": "人口",
    "rural_population": "农村人口",
    "urban_population": "城镇人口",
    "covered_population": "覆盖人口",
    "rural_covered_population": "覆盖农村人口",
    "urban_covered_population": "覆盖城镇人口",
    "uncovered_population": "未覆盖人口",
    "coverage_share": "覆盖率",
    "coverage_share_before": "调整前覆盖率",
    "rural_coverage_share": "农村覆盖率",
    "urban_coverage_share": "城镇覆盖率",
    "is_blind_spot": "覆盖盲区",
    "contact_points": "联系点数",
    "opinions_collected": "收集意见数",
    "opinions_adopted": "采纳意见数",
    "area_m2": "面积(平方米)",
    "staff": "专职人员",
    "radius_m": "服务半径(米)",
    "reach_minutes": "通行时间上限(分钟)",
    "nearest_point_minutes": "到最近联系点(分钟)",
    "sites_within": "服务范围内采集点数",
    "site_rule": "3-5规则",
    "contact_point_id": "所属联系点",
    "site_type": "场所类型",
    "informants": "信息员",
    "administrators": "管理员",
    "volunteers": "志愿者",
    "activities_last_year": "年活动次数",
    "newly_covered_population": "新增覆盖人口（按顺序）",
    "newly_covered_alone": "单独新增覆盖人口",
    "rural_newly_covered_population": "新增覆盖农村人口（按顺序）",
    "impact_order": "新增顺序",
    "room_status": "场所状况",
    "reason": "选址理由",
    "reason_zh": "选址理由",
    "rule": "选址依据",
    "site_id": "候选点编号",
    "order": "顺序",
    "community": "社区",
    "village": "村",
    "village_code": "村编码",
    "compliant": "合规",
    "description": "说明",
    "orig_lon": "原经度",
    "orig_lat": "原纬度",
}

#: Chinese names of the headline KPIs (keys of ``KPIs.to_dict()``); unknown keys are
#: shown as they are.
KPI_LABELS_ZH: dict[str, str] = {
    "population_total": "总人口",
    "population_covered": "服务半径内覆盖人口",
    "coverage_share": "人口覆盖率",
    "rural_population_total": "农村人口",
    "rural_population_covered": "覆盖农村人口",
    "rural_coverage_share": "农村人口覆盖率",
    "urban_coverage_share": "城镇人口覆盖率",
    "urban_population_total": "城镇人口",
    "urban_population_covered": "覆盖城镇人口",
    "uncovered_population": "未覆盖人口",
    "townships_total": "乡镇(街道)总数",
    "townships_uncovered": "无覆盖乡镇(街道)数",
    "contact_points_total": "联系点总数",
    "rural_point_share": "农村联系点占比",
    "rural_population_share": "农村人口占比",
    "collection_sites_total": "采集点总数",
    "points_with_3_to_5_sites": "辐射3-5个采集点的联系点数",
    "points_below_3_sites": "采集点不足3个的联系点数",
    "points_above_5_sites": "采集点超过5个的联系点数",
    "counties_total": "县区总数",
    "counties_compliant": "达标县区数",
    "opinions_collected": "收集立法意见数",
    "opinions_adopted": "采纳意见数",
    "adoption_rate": "意见采纳率",
    "network_population_covered": "网络覆盖人口(含采集点)",
    "network_coverage_share": "网络覆盖率(含采集点)",
    "equity_index": "城乡均衡指数",
    "equity_flagged": "城乡失衡预警",
    "points_below_room_standard": "场所面积不达标的联系点数",
    "homes_total": "代表之家总数",
    "homes_below_standard": "未达标代表之家数",
    "counties_equity_flagged": "城乡失衡县区数",
    "demand_source": "人口数据来源",
    # names used by simpler KPI dicts (tests, older scenarios)
    "population": "总人口",
    "covered_population": "覆盖人口",
    "blind_spot_townships": "无覆盖乡镇(街道)数",
    "contact_points": "联系点总数",
}


def kpi_label(key: str) -> str:
    """Return the Chinese label of KPI ``key`` (the key itself when unknown)."""
    if key in KPI_LABELS_ZH:
        return KPI_LABELS_ZH[key]
    for prefix in ("contact_points_by_type.", "points_"):
        kind = key[len(prefix) :] if key.startswith(prefix) else ""
        if kind in TYPE_ZH:
            return f"{TYPE_ZH[kind]}联系点数"
    return key


#: Coded values translated in office files and the brief, by column.
VALUE_TABLES: dict[str, dict[str, str]] = {
    "type": TYPE_ZH,
    "status": STATUS_ZH,
    "kind": KIND_ZH,
    "site_rule": SITE_RULE_ZH,
    "site_type": SITE_TYPE_ZH,
    "rule": RULE_ZH,
    "room_status": ROOM_STATUS_ZH,
    "demand_source": DEMAND_SOURCE_ZH,
}


def zh_value(column: str, value: Any) -> Any:
    """Translate a coded cell value (type, status, kind ...) into Chinese for office files.

    Booleans become 是/否; unknown codes and other values are returned as they are.
    """
    if isinstance(value, bool | np.bool_):
        return BOOL_ZH[bool(value)]
    table = VALUE_TABLES.get(column)
    if table is None or not isinstance(value, str):
        return value
    return table.get(value, value)
