"""Columns of a records sheet (运行记录): one row per point and period.

A row says what one contact point (基层立法联系点) or representative home (代表之家) did in
one month (``2025-03``) or quarter (``2025-Q1``): opinions collected, adopted and answered
(反馈), draft laws consulted on (法规草案征求意见), activities by kind, staff, volunteers and
the room's area. Headers are matched like every layer's (trimmed, case-insensitive,
full-width characters made ASCII) against the name and its Chinese aliases.
"""

from __future__ import annotations

from geodata.schema import Column

#: The sheet's name in the template and the GeoPackage table's name in the demo city.
RECORDS_TABLE = "records"
#: Point layers a record may name (``point_layer`` is found from the id).
RECORD_LAYERS: tuple[str, ...] = ("contact_points", "homes")

#: Activity kinds (study 学习, legal publicity 普法, governance/mediation 议事/调解,
#: reception day 接待日, research 调研): column ``activities_<kind>``.
ACTIVITY_KINDS: tuple[str, ...] = ("study", "publicity", "governance", "reception", "research")

#: Counts: a blank cell is 0 (nothing recorded).
COUNT_COLUMNS: tuple[str, ...] = (
    "opinions_collected",
    "opinions_adopted",
    "opinions_answered",
    "drafts_consulted",
    *(f"activities_{k}" for k in ACTIVITY_KINDS),
)
#: Staff and room: a blank cell is unknown (the point layer's value stands).
RESOURCE_COLUMNS: tuple[str, ...] = ("staff", "volunteers", "area_m2")

RECORD_COLUMNS: tuple[Column, ...] = (
    Column(
        "point_id",
        "str",
        True,
        ("编号", "点位编号", "联系点编号", "代表之家编号", "id", "point_id"),
        "Id of the contact point or representative home",
    ),
    Column(
        "period",
        "str",
        True,
        ("期间", "时间", "月份", "季度", "年月", "统计期", "period", "month", "quarter"),
        "Month (2025-03, 2025年3月) or quarter (2025-Q1, 2025年第1季度)",
    ),
    Column(
        "opinions_collected",
        "int",
        False,
        ("收集意见数", "收集意见", "意见建议数", "征集意见数", "opinions_collected"),
        "Opinions collected",
    ),
    Column(
        "opinions_adopted",
        "int",
        False,
        ("采纳意见数", "采纳意见", "采纳数", "opinions_adopted"),
        "Opinions adopted",
    ),
    Column(
        "opinions_answered",
        "int",
        False,
        ("反馈意见数", "已反馈数", "反馈数", "答复数", "opinions_answered"),
        "Opinions answered (feedback given to whoever gave them)",
    ),
    Column(
        "drafts_consulted",
        "int",
        False,
        ("法规草案数", "征求意见草案数", "法规草案征求意见", "草案数", "drafts_consulted"),
        "Draft laws consulted on",
    ),
    Column(
        "activities_study",
        "int",
        False,
        ("学习活动", "学习", "集中学习", "学习次数", "activities_study"),
        "Study sessions",
    ),
    Column(
        "activities_publicity",
        "int",
        False,
        ("普法活动", "普法", "普法宣传", "普法次数", "activities_publicity"),
        "Legal publicity events",
    ),
    Column(
        "activities_governance",
        "int",
        False,
        ("议事调解活动", "议事/调解", "议事调解", "议事", "调解", "activities_governance"),
        "Local governance and mediation",
    ),
    Column(
        "activities_reception",
        "int",
        False,
        ("接待日活动", "接待日", "代表接待日", "接待次数", "activities_reception"),
        "Reception days",
    ),
    Column(
        "activities_research",
        "int",
        False,
        ("调研活动", "调研", "专题调研", "调研次数", "activities_research"),
        "Research visits",
    ),
    Column(
        "staff",
        "int",
        False,
        ("专职人员", "专职联络员", "联络员", "管理员", "staff"),
        "Full-time liaison (contact point) or administrators (home)",
    ),
    Column("volunteers", "int", False, ("志愿者", "志愿者人数", "volunteers"), "Volunteers"),
    Column(
        "area_m2",
        "float",
        False,
        ("面积", "面积(平方米)", "面积㎡", "场所面积", "area_m2", "area"),
        "Room area in m²",
    ),
)
#: Columns of a validated records frame, in order.
RECORD_FRAME_COLUMNS: tuple[str, ...] = (
    "point_id",
    "point_layer",
    "period",
    *COUNT_COLUMNS,
    *RESOURCE_COLUMNS,
)
#: Chinese header of each column in the template (the first alias).
TEMPLATE_HEADERS: dict[str, str] = {c.name: c.aliases[0] for c in RECORD_COLUMNS}


def record_column(name: str) -> Column:
    """The :class:`~geodata.schema.Column` called ``name``."""
    for col in RECORD_COLUMNS:
        if col.name == name:
            return col
    raise KeyError(name)
