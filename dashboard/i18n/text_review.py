"""Texts of the 运行评估 review page (``key -> (Simplified Chinese, English)``).

Part of :data:`dashboard.i18n.text.TEXT`. The ``review_reason_<code>`` sentences say the
findings of :mod:`analysis.review.rules` (same codes and parameters as
:data:`analysis.review.reasons.REASON_ZH`); ``{whole}`` is the ``area_wide_<level>`` text of
the finding's ``level`` parameter (the whole province, city or county).
"""

from __future__ import annotations

_REASONS: dict[str, tuple[str, str]] = {
    "review_reason_silent": (
        "连续{quarters}个季度未收集到立法意见",
        "no legislative opinion collected in the last {quarters} quarters",
    ),
    "review_reason_low_adoption": (
        "意见采纳率{rate:.0%}，远低于{whole}{city:.0%}",
        "adoption rate {rate:.0%}, far below the {whole} rate of {city:.0%}",
    ),
    "review_reason_no_feedback": (
        "收集意见{collected}条，仅反馈{answered}条（{share:.0%}）",
        "{collected} opinions collected, only {answered} answered ({share:.0%})",
    ),
    "review_reason_room_small": (
        "场所面积{area:g}平方米，低于{minimum:g}平方米",
        "room of {area:g} m², below {minimum:g} m²",
    ),
    "review_reason_staff_short": (
        "专职联络员{staff:g}名，应不少于{minimum:g}名",
        "{staff:g} full-time liaison(s), at least {minimum:g} required",
    ),
    "review_reason_admin_short": (
        "管理员{staff:g}名，应不少于{minimum:g}名",
        "{staff:g} administrator(s), at least {minimum:g} required",
    ),
    "review_reason_volunteers_short": (
        "志愿者{volunteers:g}名，应为{minimum:g}-{maximum:g}名",
        "{volunteers:g} volunteer(s), {minimum:g}-{maximum:g} required",
    ),
    "review_reason_study_monthly_short": (
        "近一年有{months}个月开展集中学习，应每月至少{per_month}次",
        "study sessions in {months} of the last 12 months; at least {per_month} a month required",
    ),
    "review_reason_reception_missing": (
        "近一年有{quarters}个季度组织代表接待日，应每季度至少{per_quarter}次",
        "reception days in {quarters} of the last 4 quarters; at least {per_quarter} a quarter required",
    ),
    "review_reason_study_heavy": (
        "近一年{total}次活动中学习类{study}次（{share:.0%}），以学习为主",
        "{study} of {total} activities last year were study ({share:.0%}): mostly study",
    ),
    "review_reason_governance_low": (
        "参与基层治理（议事、调解）的活动仅{governance}次（{share:.0%}）",
        "only {governance} activities on local governance or mediation ({share:.0%})",
    ),
    "review_reason_inactive": ("近一年未开展活动", "no activity in the last year"),
    "review_reason_top_adoption": (
        "意见采纳率{rate:.0%}，不低于{whole}{city:.0%}（收集{collected}条、采纳{adopted}条）",
        "adoption rate {rate:.0%}, at least the {whole} rate of {city:.0%} ({collected} collected, {adopted} adopted)",
    ),
    "review_reason_regular": (
        "近{quarters}个季度每季度均有意见收集",
        "opinions collected in each of the last {quarters} quarters",
    ),
    "review_reason_full_feedback": ("意见反馈率{share:.0%}", "{share:.0%} of opinions answered"),
    "review_reason_active_home": ("近一年开展活动{total}次", "{total} activities last year"),
    "review_reason_governance_share": (
        "基层治理活动占{share:.0%}",
        "{share:.0%} of activities on local governance",
    ),
    "review_reason_sep": ("；", "; "),
}

REVIEW_TEXT: dict[str, tuple[str, str]] = {
    **_REASONS,
    "nav_review": ("运行评估", "Review"),
    "review_title": ("运行评估", "Performance review"),
    "review_caption": (
        "按运行记录评估各联系点和代表之家：表彰运行效果好的，调整作用发挥不明显的（动态调整机制）。",
        "Each contact point and representative home judged on its records: commend those that work well, adjust those whose role is not evident.",
    ),
    "review_records_title": ("运行记录：上传与模板", "Records: upload and template"),
    "review_records_help": (
        "每个点位每月或每季度一行：收集、采纳、反馈意见数，法规草案，各类活动次数，人员和场所面积。下载模板，按表头填写后上传。",
        "One row per point and month or quarter: opinions collected, adopted and answered, drafts, activities by kind, staff and room. Download the template, fill it in, upload it.",
    ),
    "review_upload_label": ("运行记录表（Excel 或 CSV）", "Records sheet (Excel or CSV)"),
    "review_use": ("检查并使用", "Check and use"),
    "review_template": ("下载运行记录模板", "Download the records template"),
    # What the template holds, by the records in use ({name}: the demo's name or the file's).
    "review_template_help_demo": (
        "含{name}的两年运行记录，表头为中文。",
        "Holds the two years of records of the {name}, with Chinese headers.",
    ),
    "review_template_help_upload": (
        "含当前使用的运行记录 {name}，表头为中文。",
        "Holds the records in use ({name}), with Chinese headers.",
    ),
    "review_template_help_blank": (
        "每个点位一行的空白表（共 {n} 个点位），表头为中文。",
        "One empty row per point ({n} points), with Chinese headers.",
    ),
    "review_reset": ("不用上传的记录", "Stop using the upload"),
    "review_upload_refused": (
        "运行记录有问题，未使用。请按下表修改后重新上传：",
        "The records sheet has problems and was not used. Fix them and upload again:",
    ),
    "review_records_used": (
        "已使用运行记录 {name}（{n} 行）。",
        "Using the records {name} ({n} rows).",
    ),
    "review_no_records": (
        "当前数据没有运行记录。请下载模板，填写后上传。",
        "No records for the data in use. Download the template, fill it in and upload it.",
    ),
    "review_source_demo": (
        "记录：{name}2024—2025 年运行记录。",
        "Records: the 2024-2025 records of the {name}.",
    ),
    "review_source_upload": ("记录：上传的 {name}", "Records: uploaded {name}"),
    # {whole}: area_wide_<level> (全省 / 全市 / 全县), by what the data covers.
    "review_metric_rate": ("{whole}意见采纳率", "Adoption rate, {whole}"),
    "review_metric_rate_help": (
        "{start}至{end}：收集 {collected} 条，采纳 {adopted} 条。",
        "{start} to {end}: {collected} collected, {adopted} adopted.",
    ),
    "review_metric_commend": ("建议表彰", "To commend"),
    "review_metric_adjust": ("需调整", "To adjust"),
    "review_metric_below": ("未达建设标准的点位", "Points below standard"),
    "review_adjust_title": ("调整名单（作用发挥不明显）", "Adjustment list (role not evident)"),
    "review_adjust_help": (
        "先列作用发挥问题（意见、反馈、活动），再列阵地和人员未达标的点位。规则及假设见使用指南。",
        "Points with role problems (opinions, feedback, activities) first, then rooms and staff below standard. Rules and assumptions: see the user guide.",
    ),
    "review_commend_title": ("表彰名单", "Commendation list"),
    "review_commend_none": ("暂无符合表彰条件的点位。", "No point meets the commendation rules."),
    "review_map_title": ("评估结果分布", "Where they are"),
    "review_map_caption": (
        "红色：需调整；绿色：建议表彰；灰色：正常。圆点为联系点，方块为代表之家。",
        "Red: to adjust; green: to commend; grey: fine. Circles are contact points, squares homes.",
    ),
    "review_kind_home": ("代表之家", "Representative home"),
    "review_kind_contact_point": ("联系点", "Contact point"),
    "review_tab_standards": ("建设标准检查", "Standards check"),
    "review_tab_trend": ("季度趋势", "Quarterly trend"),
    "review_tab_ranking": ("排名", "Ranking"),
    "review_tab_counties": ("县区汇总", "By county"),
    "review_rooms_below": (
        "场所面积不足 30 平方米的联系点 {n} 个：{items}",
        "{n} contact points with a room under 30 m²: {items}",
    ),
    "review_staff_below": (
        "未配备专职联络员的联系点 {n} 个：{items}",
        "{n} contact points without a full-time liaison: {items}",
    ),
    "review_failed_only": ("只看未达标项", "Only checks not met"),
    "review_check_room": ("场所面积（平方米）", "Room (m²)"),
    "review_check_staff": ("专职联络员（名）", "Full-time liaison"),
    "review_check_administrators": ("管理员（名）", "Administrators"),
    "review_check_volunteers": ("志愿者（名）", "Volunteers"),
    "review_check_study_months": ("每月集中学习（近一年月数）", "Monthly study (months of 12)"),
    "review_check_reception_quarters": (
        "每季度代表接待日（近一年季度数）",
        "Quarterly reception day (quarters of 4)",
    ),
    "review_check_feedback": ("意见反馈率", "Opinions answered"),
    "review_unknown": ("不详", "unknown"),
    "review_col_id": ("编号", "Id"),
    "review_col_name": ("名称", "Name"),
    "review_col_kind": ("类别", "Kind"),
    "review_col_reasons": ("理由", "Reasons"),
    "review_col_rank": ("排名", "Rank"),
    "review_col_collected": ("收集意见", "Collected"),
    "review_col_adopted": ("采纳意见", "Adopted"),
    "review_col_adoption_rate": ("采纳率", "Adoption rate"),
    "review_col_answered": ("反馈意见", "Answered"),
    "review_col_feedback": ("反馈率", "Answered share"),
    "review_col_drafts": ("法规草案", "Drafts"),
    "review_col_activities": ("近一年活动", "Activities last year"),
    "review_col_study": ("学习", "Study"),
    "review_col_governance": ("议事调解", "Governance"),
    "review_col_reception": ("接待日", "Reception days"),
    "review_col_verdict": ("评估结论", "Verdict"),
    "review_col_check": ("检查项", "Check"),
    "review_col_value": ("实际", "Actual"),
    "review_col_required": ("标准", "Standard"),
    "review_col_met": ("达标", "Met"),
    "review_col_points": ("联系点", "Contact points"),
    "review_col_homes": ("代表之家", "Homes"),
    "review_col_commended": ("表彰", "Commend"),
    "review_col_to_adjust": ("调整", "Adjust"),
    "review_verdict_commend": ("建议表彰", "Commend"),
    "review_verdict_adjust": ("需调整", "Adjust"),
    "review_verdict_ok": ("正常", "Fine"),
    "review_verdict_no_records": ("无记录", "No records"),
    "review_ranking_points": ("基层立法联系点", "Contact points"),
    "review_ranking_homes": ("代表之家", "Representative homes"),
    "review_ranking_help": (
        "联系点按采纳意见数、采纳率、收集意见数排序；代表之家按近一年活动次数、议事调解、接待日排序。",
        "Contact points ranked by opinions adopted, adoption rate, opinions collected; homes by activities last year, governance, reception days.",
    ),
    "review_trend_pick": ("点位", "Point"),
    "review_trend_caption": (
        "联系点：每季度收集、采纳、反馈的意见；代表之家：每季度各类活动次数。",
        "Contact points: opinions collected, adopted and answered per quarter; homes: activities by kind per quarter.",
    ),
    "review_axis_quarter": ("季度", "Quarter"),
    "review_axis_count": ("数量", "Count"),
    "review_series_opinions_collected": ("收集", "Collected"),
    "review_series_opinions_adopted": ("采纳", "Adopted"),
    "review_series_opinions_answered": ("反馈", "Answered"),
    "review_series_activities_study": ("学习", "Study"),
    "review_series_activities_publicity": ("普法", "Legal publicity"),
    "review_series_activities_governance": ("议事调解", "Governance"),
    "review_series_activities_reception": ("接待日", "Reception day"),
    "review_series_activities_research": ("调研", "Research"),
    "review_relocation_title": ("纳入规划：迁移或撤销", "Into the plan: move or close"),
    "review_relocation_help": (
        "对调整名单中作用发挥不明显的联系点，在本县区内按同类型选址规则寻找覆盖新增人口最多的新址；新址覆盖收益大于原址损失时建议迁移，无人依赖时建议撤销，否则原址整改。人口数均按覆盖计算实测。",
        "For the flagged contact points: the site of the same type in the same county that covers the most people not covered without it. Move when it gains more than the old site loses, close when nobody depends on the point, else strengthen it where it is. Every figure is measured by the coverage computation.",
    ),
    "review_relocation_none": (
        "调整名单中没有作用发挥不明显的联系点。",
        "No contact point on the adjustment list has a role problem.",
    ),
    "review_relocate": ("生成迁移建议（{n} 个联系点）", "Propose moves ({n} contact points)"),
    "review_relocating": ("正在计算迁移建议…", "Computing the moves…"),
    "review_col_action": ("建议", "Action"),
    "review_col_to": ("新址", "New site"),
    "review_col_lost": ("失去覆盖（人）", "People losing coverage"),
    "review_col_gained": ("新增覆盖（人）", "People newly covered"),
    "review_col_net": ("净变化（人）", "Net (people)"),
    "review_action_move": ("迁移", "Move"),
    "review_action_close": ("撤销", "Close"),
    "review_action_keep": ("原址加强", "Strengthen in place"),
    "review_move_move": (
        "{name}迁至{to}：原址仅由其覆盖的{lost}人失去覆盖，新址新增覆盖{gained}人，净增{net}人。",
        "{name} moves to {to}: {lost} people only it reached lose coverage, {gained} are newly covered, net {net}.",
    ),
    "review_move_close": (
        "{name}的覆盖范围均有其他联系点覆盖，撤销后无人失去覆盖。",
        "Everyone {name} reaches is reached by another point: closing it leaves nobody uncovered.",
    ),
    "review_move_keep": (
        "{name}原址有{lost}人仅由其覆盖，同类型最佳新址只能新增{gained}人，建议原址整改加强。",
        "{lost} people depend on {name} where it is and the best site of its type gains only {gained}: strengthen it in place.",
    ),
    "review_relocation_total": (
        "全部采纳后，服务范围内人口由 **{before}** 人变为 **{after}** 人（{delta}）。",
        "With every move, people within reach go from **{before}** to **{after}** ({delta}).",
    ),
    "review_adopt_name": ("方案名称", "Scenario name"),
    "review_adopt_default": ("运行评估调整方案", "Review adjustment plan"),
    "review_adopt": ("采纳为方案", "Adopt as a scenario"),
    "review_adopted": (
        "已保存方案“{name}”（{n} 个联系点迁移或撤销），可在“方案模拟”页查看和修改。",
        "Saved the scenario “{name}” ({n} contact points moved or closed); see it on the Simulate page.",
    ),
}
