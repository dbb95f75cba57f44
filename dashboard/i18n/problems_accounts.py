"""Translations of the account and ownership problems (#15) by their ``code``."""

from __future__ import annotations

ACCOUNT_PROBLEMS: dict[str, tuple[str, str]] = {
    "not_allowed": (
        "您没有权限执行此操作（只有方案的作者或管理员可以修改、发布或删除方案；可“复制为我的方案”）。",
        "You may not do this (only a scenario's owner or an administrator changes, publishes "
        "or deletes it; copy it as yours instead).",
    ),
    "not_logged_in": ("请先登录（或登录已过期）。", "Log in first (or your session has expired)."),
    "login_failed": ("用户名或密码错误。", "Wrong username or password."),
    "login_rate_limited": (
        "登录失败次数过多，请 {wait_s} 秒后再试。",
        "Too many failed logins; try again in {wait_s} seconds.",
    ),
    "password_too_short": (
        "密码太短：至少 {minimum} 个字符。",
        "The password is too short: at least {minimum} characters.",
    ),
    "password_too_simple": (
        "密码过于简单：请混合使用字母、数字或符号。",
        "The password is too simple: mix letters with digits or signs.",
    ),
    "password_common": (
        "密码过于常见或包含用户名，请换一个。",
        "The password is common or contains the username; choose another.",
    ),
    "password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "bad_username": (
        "用户名不能为空、不能含空格或控制字符，且不超过 64 个字符。",
        "A username is 1-64 characters without spaces or control characters.",
    ),
    "bad_role": ("未知角色。", "Unknown role."),
    "user_exists": ("该用户名已存在。", "This username exists already."),
    "user_not_found": ("没有这个账号。", "No such account."),
    "admin_exists": ("管理员账号已存在。", "An administrator exists already."),
    "last_admin": (
        "至少要保留一个启用的管理员。",
        "At least one active administrator must remain.",
    ),
    "user_changed_elsewhere": (
        "该账号刚被其他管理员修改过，请刷新后重试。",
        "Another administrator changed this account meanwhile; reload and retry.",
    ),
    "upload_quota_exceeded": (
        "您本次会话上传的文件合计超过 {quota_mb} MB 的上限。",
        "Your uploads in this session exceed the limit of {quota_mb} MB.",
    ),
}
