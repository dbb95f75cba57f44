"""Translations of the store's problems (PostgreSQL/PostGIS, accounts records, migration).

Merged into :data:`dashboard.i18n.problems.PROBLEM_TEXT`. The sentences never repeat the
English message, which names the server's database or file.
"""

from __future__ import annotations

STORE_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "store_unavailable": (
        "暂时无法连接方案数据库，刚才的操作没有保存。数据库恢复后即可继续使用；如持续出现，请联系管理员。",
        "The plan database cannot be reached right now; nothing was saved. It works again as soon as the database is back; if this persists, tell the administrator.",
    ),
    "postgis_missing": (
        "方案数据库尚未启用 PostGIS 扩展，请管理员在该数据库中执行 CREATE EXTENSION postgis;。",
        "The plan database has no PostGIS extension; the administrator must run CREATE EXTENSION postgis; in it.",
    ),
    "user_changed_elsewhere": (
        "该账户刚被其他管理员修改过（当前为第 {stored_version} 版），本次修改未覆盖对方的更改，请刷新后重试。",
        "Another administrator changed this account meanwhile (now version {stored_version}); your change did not overwrite it. Refresh and try again.",
    ),
    "user_exists": (
        "已有同名账户，请换一个用户名。",
        "An account with this username already exists.",
    ),
    "user_not_found": (
        "找不到该账户，可能已被其他管理员删除。",
        "No such account; another administrator may have deleted it.",
    ),
    "invalid_user": (
        "账户信息无效：用户名须为 1 至 64 个字符（首尾不能有空格、不能含换行等控制字符），角色须为查看、规划或管理。",
        "Invalid account: the username must be 1-64 characters (no leading/trailing spaces or control characters) and the role viewer, planner or admin.",
    ),
    "migrate_target_not_empty": (
        "目标方案库不是空的，迁移不会覆盖或合并已有内容，请使用空数据库或新文件。",
        "The target store is not empty; a migration never overwrites or merges: use an empty database or a new file.",
    ),
    "migrate_same_store": (
        "迁移的来源和目标是同一个方案库。",
        "The source and the target of the migration are the same store.",
    ),
    # The app writes its map data and search lists into dashboard/static (static_data.py).
    "static_not_writable": (
        "本程序无法在文件夹 {folder} 中写入地图数据（{reason}），地图无法显示。请管理员让运行本程序的账户对该文件夹有写权限（见 docs/operations.md“静态文件”一节），然后刷新页面。",
        'The app cannot write its map data in the folder {folder} ({reason}), so no map can be shown. Ask the administrator to make the folder writable by the account running the app (docs/operations.md, "Static files"), then reload the page.',
    ),
}
