"""Translations of the scenario, workspace and edit problems (part of ``PROBLEM_TEXT``)."""

from __future__ import annotations

PLAN_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    # Scenarios and the workspace
    "empty_scenario_name": ("方案名称不能为空。", "The scenario name is empty."),
    "scenario_name_too_long": (
        "方案名称过长（最多 {max} 个字符）。",
        "The scenario name is too long (at most {max} characters).",
    ),
    "scenario_name_control_chars": (
        "方案名称中含有控制字符（如换行），请删除后重试。",
        "The scenario name holds control characters (e.g. a line break).",
    ),
    "scenario_not_found": (
        "找不到该方案，可能已被他人删除或改名。",
        "No saved scenario has this name; someone may have deleted or renamed it.",
    ),
    "scenario_exists": (
        "已有同名方案，请换一个名称。",
        "A scenario with this name already exists; choose another name.",
    ),
    "scenario_changed_elsewhere": (
        "该方案刚被其他用户保存过，本次保存未覆盖对方的修改。",
        "Someone else saved this scenario meanwhile; your save did not overwrite their work.",
    ),
    "missing_dataset_id": ("方案缺少所依据的数据集编号。", "The scenario has no base dataset id."),
    "workspace_error": (
        "无法读写方案库文件，请联系管理员检查磁盘空间和文件权限。",
        "The workspace file cannot be read or written; check disk space and permissions.",
    ),
    "workspace_busy": (
        "方案库正忙（另一次保存超时未完成），请稍后再试。",
        "The workspace is busy (another save is taking too long); try again shortly.",
    ),
    "backup_failed": ("方案库备份失败。", "The workspace backup failed."),
    "dataset_not_found": (
        "工作区中没有该方案所依据的数据，请在“数据”页重新上传。",
        "The scenario's data is not in the workspace; upload it again on the Data page.",
    ),
    "reserved_dataset_id": (
        "示例数据随程序提供，不会复制到工作区。",
        "The demo data ships with the program and is never copied into the workspace.",
    ),
    "dataset_in_use": (
        "该数据仍被已保存的方案使用，不能删除。",
        "This data is still used by saved scenarios; it cannot be deleted.",
    ),
    "invalid_status": (
        "点位状态无法识别（应为现有、新增、迁移或撤销）。",
        "Unknown point status (existing, proposed, moved or removed expected).",
    ),
    "invalid_geometry": ("点位图层中含有非点要素。", "The point layer holds non-point geometries."),
    # Edits on the 方案模拟 page
    "invalid_coordinates": (
        "坐标无效：经度应为 -180 至 180、纬度应为 -90 至 90 之间的数字。",
        "Invalid coordinates: longitude -180..180 and latitude -90..90 expected.",
    ),
    "invalid_point_type": (
        "联系点类型未知，应为城市社区、农村、企业、行业协会、学校或其他。",
        "Unknown contact point type (urban community, rural, enterprise, association, school, other).",
    ),
    "missing_point_type": ("新增联系点需要选择类型。", "A new contact point needs a type."),
    "type_not_applicable": ("代表之家没有类型。", "Representative homes have no type."),
    "point_not_found": (
        "找不到该点位，可能已被删除或方案已更改，请刷新后重试。",
        "The point was not found; it may be gone or the plan changed. Refresh and try again.",
    ),
    "point_removed": ("该点位已删除，请先恢复。", "The point is removed; restore it first."),
    "nothing_to_restore": (
        "只有已删除或已移动的点位可以恢复。",
        "Only removed or moved points can be restored.",
    ),
    "column_not_editable": ("这些字段不能在此修改。", "These fields cannot be edited here."),
    "unknown_column": ("图层中没有该字段。", "The layer has no such column."),
    "invalid_value": ("字段值无效，请检查其格式。", "The value is not valid for this column."),
}
