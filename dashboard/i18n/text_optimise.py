"""Texts of the optimiser panel (方案模拟 › 自动优化): ``key -> (Simplified Chinese, English)``.

Part of the one table :data:`dashboard.i18n.text.TEXT`, which is assembled from it.
"""

from __future__ import annotations

OPTIMISE_TEXT: dict[str, tuple[str, str]] = {
    # --- optimiser --------------------------------------------------------------------------
    "opt_caption": (
        "在保留现有点位的前提下，自动选址新增联系点，按所选目标求最优，并满足各县区下限和选址规则（农村联系点只设在镇、乡的村或乡镇驻地，城市社区联系点只设在街道社区）。",
        "Place new contact points (existing ones fixed), optimal for the chosen objective, meeting the county minimums and the site rules (rural points only at villages or seats of a 镇/乡, urban community points only in 街道 communities).",
    ),
    "opt_based_on": (
        "计算基于当前方案「{name}」：其中的点位（含拟新增）均视为已有，只在其基础上新增。",
        "Computed from the current scenario “{name}”: its points (proposed ones included) count as existing; new points come on top.",
    ),
    "opt_based_on_adopted": (
        "已采用方案「{name}」：自动优化现基于该方案计算，其新增点位视为已有；再次求解只会在其基础上继续新增。",
        "Adopted “{name}”: the optimiser now counts from this plan, its new points as existing; solving again only adds on top.",
    ),
    "opt_objective": ("优化目标", "Objective"),
    "opt_objective_help": (
        "均衡：总覆盖率、农村覆盖率、有联系点覆盖的乡镇比例三项提高的百分点之和最大（每项一个百分点同等重要），兼顾“重城区、轻农村”和“全域覆盖”。其余三项各只看一个指标；“权衡曲线”可比较总覆盖与农村覆盖的取舍。",
        "Balanced: the largest sum of percentage points gained in coverage, rural coverage and share of townships reached (one point of each counts the same). The others look at one figure each; the trade-off curve compares total against rural coverage.",
    ),
    "opt_objective_balanced": ("均衡（推荐）", "Balanced (recommended)"),
    "opt_objective_population": ("覆盖人口最多", "Most people covered"),
    "opt_objective_rural": ("农村覆盖人口最多", "Most rural people covered"),
    "opt_objective_townships": ("盲区乡镇最少（全域覆盖）", "Fewest blind-spot townships"),
    "opt_objective_tradeoff": ("权衡曲线上的方案", "A plan from the trade-off curve"),
    "opt_rural_weight_off": (
        "农村人口权重只用于“覆盖人口最多”目标。",
        "The rural weight applies to “most people covered” only.",
    ),
    "opt_count": ("新增{type}", "New {type}"),
    "opt_rural_weight": ("农村人口权重", "Rural weight"),
    "opt_rural_weight_help": (
        "1 表示城乡人口同等计算；2 表示农村人口按两倍计。",
        "1: everyone counts the same; 2: rural people count twice.",
    ),
    "opt_time_limit": ("求解时限（秒）", "Time limit (s)"),
    "opt_feasible": (
        "该数量可以满足各县区的下限要求。",
        "These numbers can meet every county minimum.",
    ),
    "opt_conflicts": (
        "按字面执行，数量与规则冲突：",
        "Read literally, the numbers conflict with the rules:",
    ),
    "opt_choose": ("请选择处理方式", "How to proceed"),
    "opt_choice_option": ("最小调整：{text}", "Smallest change: {text}"),
    "opt_choice_relaxed": (
        "不调整数量，放宽求解（尽量多满足下限，方案标注为不合规）",
        "Keep the numbers and solve relaxed (meet as many minimums as possible; plan marked non-compliant)",
    ),
    "opt_preview": ("即时预览", "Instant preview"),
    "opt_tradeoff": ("权衡曲线", "Trade-off curve"),
    "opt_tradeoff_help": (
        "同一数量要求下，从“总覆盖最多”到“农村覆盖最多”求出5-10个各自最优的方案，供选择。",
        "For the same numbers, 5-10 plans from “most people” to “most rural people”, each optimal for its weighting, to pick from.",
    ),
    "opt_tradeoff_title": ("总覆盖与农村覆盖的权衡", "Total against rural coverage"),
    "opt_tradeoff_caption": (
        "每个圆点是一个方案，对其权重（农村覆盖率所占比重，0 为只看总覆盖，1 为只看农村覆盖）是最优的，没有哪个方案在两项上都更好。红色菱形为下方显示的当前方案。共求解 {n} 次，用时 {s} 秒。",
        "Each dot is a plan, optimal for its weighting (the weight on rural coverage: 0 total only, 1 rural only); none is better on both. The red diamond is the plan shown below. {n} solves, {s} s.",
    ),
    "opt_tradeoff_x": ("农村人口覆盖率", "Rural coverage"),
    "opt_tradeoff_y": ("总人口覆盖率", "Total coverage"),
    "opt_tradeoff_plan": ("方案", "Plan"),
    "opt_tradeoff_current": ("当前方案", "Current plan"),
    "opt_tradeoff_plans": ("各权重下的最优方案", "Optimal plan of a weighting"),
    "opt_tradeoff_total_col": ("总覆盖率", "Total"),
    "opt_tradeoff_rural_col": ("农村覆盖率", "Rural"),
    "opt_tradeoff_weight": ("农村权重", "Rural weight"),
    "opt_tradeoff_blind": ("盲区乡镇", "Blind-spot townships"),
    "opt_tradeoff_option": (
        "方案{i}：总覆盖 {total}，农村覆盖 {rural}，盲区乡镇 {blind} 个（农村权重 {w}）",
        "Plan {i}: total {total}, rural {rural}, {blind} blind-spot townships (rural weight {w})",
    ),
    "opt_tradeoff_pick": ("选择一个方案", "Pick a plan"),
    "opt_tradeoff_use": ("查看此方案", "Show this plan"),
    "opt_tradeoff_none": ("没有得到权衡方案。", "No trade-off plans."),
    "opt_solve": ("精确求解", "Exact solve"),
    "opt_cancel": ("取消求解", "Cancel"),
    "opt_pickup": ("显示结果", "Show the result"),
    "opt_second_tier": (
        "为每个联系点配置采集点（3-5个）",
        "Collection sites for every point (3-5)",
    ),
    "opt_second_tier_help": (
        "在每个联系点服务半径内的村（社区）中补充立法信息采集点，使每个联系点有3-5个，覆盖人口尽量多；可撤销。",
        "Add collection sites among the villages within each point's radius so every point has 3-5, covering the most people; undoable.",
    ),
    "opt_sites_running": ("正在配置采集点……", "Placing collection sites…"),
    "opt_sites_none": (
        "每个联系点的采集点数量已符合要求，无需新增。",
        "Every contact point already has enough collection sites.",
    ),
    "opt_sites_label": ("新增 {n} 个采集点", "add {n} collection sites"),
    "opt_sites_added": (
        "已新增 {n} 个采集点，网络新覆盖 {pop} 人；符合3-5个的联系点 {ok} 个，不足 {below} 个，超出 {above} 个。",
        "Added {n} collection sites covering {pop} more people; points with 3-5 sites: {ok}, below: {below}, above: {above}.",
    ),
    "opt_running": ("正在求解……已用 {s} 秒", "Solving… {s} s"),
    "opt_cancelled": (
        "求解已取消，尚未得到可用方案。",
        "Solve cancelled before any plan was found.",
    ),
    "opt_refused": (
        "未求解：按所选数量无法满足各县区下限（不会给出不合规的部分方案）。请选择上方的处理方式：",
        "Not solved: these numbers cannot meet every county minimum (no silent partial plan). Choose how to proceed above:",
    ),
    "opt_failed": ("求解未完成：{reason}", "The solve failed: {reason}"),
    "opt_no_result": ("没有得到方案。", "No plan."),
    "opt_result_title": ("优化结果", "Proposal"),
    "opt_result_caption": (
        "目标：{objective} · 方法：{method} · 状态：{status} · 最优性差距：{gap} · 用时 {s} 秒",
        "Objective: {objective} · method: {method} · status: {status} · gap: {gap} · {s} s",
    ),
    "opt_method_greedy": ("贪心", "greedy"),
    "opt_method_greedy+swap": ("贪心+交换（预览）", "greedy + swap (preview)"),
    "opt_method_greedy+swap+lp-dive": (
        "贪心+交换+LP下潜（预览）",
        "greedy + swap + LP dive (preview)",
    ),
    "opt_method_rules+swap": (
        "先满足最多规则+交换（预览）",
        "most rules met + swap (preview)",
    ),
    "opt_method_highs": ("整数规划（HiGHS）", "MILP (HiGHS)"),
    # the request's proven gap, analysis.optimise.model.request.PROVEN_REL_GAP (1e-4)
    "opt_status_optimal": ("已证明最优（差距≤0.01%）", "proven optimal (gap ≤ 0.01 %)"),
    "opt_status_time_limit": (
        "达到时限（差距为已证明的差距）",
        "time limit reached (the gap is a proven one)",
    ),
    "opt_status_cancelled": ("已取消（最好方案）", "cancelled (best so far)"),
    "opt_status_heuristic": ("启发式", "heuristic"),
    "opt_status_infeasible": ("不可行", "infeasible"),
    "opt_compliant": ("本方案满足各县区下限。", "The plan meets every county minimum."),
    "opt_not_compliant": ("本方案未满足全部下限：", "The plan does not meet every minimum:"),
    "opt_col_order": ("序号", "#"),
    "opt_col_site": ("站点名称", "Site"),
    "opt_col_township": ("乡镇（街道）", "Township"),
    "opt_col_lon": ("经度", "Longitude"),
    "opt_col_lat": ("纬度", "Latitude"),
    "opt_col_gain": ("新增覆盖人口（按序）", "Newly covered (in order)"),
    "opt_col_alone": ("单独新增覆盖人口", "Newly covered alone"),
    "opt_col_reason": ("选址理由", "Why here"),
    "opt_table_caption": (
        "新增覆盖人口（按序）：按表中顺序逐个加入时该点新覆盖的人口，各行之和等于方案新增覆盖人口；单独新增覆盖人口：只建这一个点时它新覆盖的人口（相邻点共同覆盖的人口在两个点上都计入）。坐标为WGS84。",
        "Newly covered (in order): people the point brings under coverage when the points are added in the table's order (the rows add up to the plan's gain). Alone: people it would cover were it the only new point (people two points share count for both). Coordinates WGS84.",
    ),
    "opt_stale": (
        "这是基于方案「{name}」编辑前的结果，当前方案已改变，请重新求解后再采用。",
        "This result was computed before “{name}” changed; solve again before adopting.",
    ),
    "opt_curve_title": ("覆盖率随新增点位数的变化", "Coverage against the number of new points"),
    "opt_curve_x": ("新增点位数", "New points"),
    "opt_curve_y": ("人口覆盖率", "Coverage"),
    "opt_apply_name": ("新方案名称", "New scenario name"),
    "opt_apply": ("采用为新方案", "Use as a new scenario"),
    "opt_default_name": ("优化方案", "Optimised plan"),
    "opt_description": (
        "自动优化新增 {n} 个联系点（目标：{objective}；{method}）",
        "Optimiser: {n} new contact points (objective: {objective}; {method})",
    ),
    "opt_applied": (
        "已生成新方案“{name}”（新增 {n} 个联系点）并保存。",
        "Created and saved “{name}” ({n} new contact points).",
    ),
    # capacities and township minimum (dashboard/simulate/optimise_constraints.py)
    "opt_cons_title": ("容量与乡镇最低覆盖（可选）", "Capacities and township minimum (optional)"),
    "opt_cons_caption": (
        "默认关闭。容量：一个联系点最多能服务的人数（或采集点个数），超出部分计为未服务；"
        "乡镇最低覆盖：每个有人口的乡镇至少达到的覆盖比例。均为规划假设，见方法说明。",
        "Off by default. Capacity: the most people (or collection sites) a point can serve; "
        "people beyond it count as unserved. Township minimum: the share of its people every "
        "township must reach. Both are planning assumptions (see the method notes).",
    ),
    "opt_cap_on": ("按容量计算服务人口", "Count served people under capacities"),
    "opt_cap_help": (
        "现有联系点先服务离它最近的人口，直到容量用完；新联系点服务其余人口。",
        "Existing points serve their nearest people first up to capacity; new points serve the rest.",
    ),
    "opt_cap_population": ("{type}容量", "{type} capacity"),
    "opt_cap_zero": (
        "一个该类联系点最多服务的人数；0 表示不限。",
        "The most people one point of this type serves; 0 = unlimited.",
    ),
    "opt_cap_sites": ("每点采集点上限", "Collection sites per point"),
    "opt_cap_sites_help": (
        "讲话要求每个联系点辐射3-5个采集点：填 5 表示一个点最多服务 5 个村（社区）；0 表示不限。",
        "The speech's 3-5 sites per point: 5 lets a point serve at most 5 villages; 0 = unlimited.",
    ),
    "opt_town_min_on": ("每个乡镇达到最低覆盖比例", "Every township reaches a minimum share"),
    "opt_town_min_help": (
        "无法达到的乡镇会列出名称和差额（不给出不合规的方案，除非选择尽量满足）。",
        "Townships that cannot reach it are listed with their shortfall.",
    ),
    "opt_town_min_percent": ("乡镇最低覆盖比例", "Township minimum share"),
    "opt_cons_served": (
        "按容量封顶的服务人口：{before} → {after}（覆盖人口 {covered}）。容量：{caps}；每点采集点上限：{sites}。",
        "Served people (capped): {before} → {after} (covered: {covered}). Capacities: {caps}; sites per point: {sites}.",
    ),
    "opt_town_summary": (
        "乡镇最低覆盖 {share}：方案前低于下限的乡镇 {n} 个，方案后仍未达到 {unmet} 个。",
        "Township minimum {share}: {n} townships were below it, {unmet} still are after the plan.",
    ),
    "opt_town_col_name": ("乡镇", "Township"),
    "opt_town_col_required": ("下限要求（人）", "Required (people)"),
    "opt_town_col_before": ("方案前", "Before"),
    "opt_town_col_after": ("方案后", "After"),
    "opt_town_col_short": ("尚差（人）", "Short (people)"),
    "opt_col_served": ("服务人口（按容量）", "Served (capped)"),
    "opt_cons_tradeoff": (
        "即时预览和精确求解计入以上设置；权衡曲线暂不计入。",
        "Preview and solve use these settings; the trade-off curve does not yet.",
    ),
    "opt_method_capacity-greedy": ("容量贪心（预览）", "capacity greedy (preview)"),
    # an adopted plan's solve facts (dashboard/simulate/solve_facts.py), from its fields
    "facts_origin": (
        "求解说明：本方案由自动优化生成（目标：{objective}），{time} 采纳；求解请求：{counts}。",
        "Solve facts: adopted from the optimiser on {time} (objective: {objective}); asked for {counts}.",
    ),
    "facts_status_optimal": (
        "采纳时的求解状态：已证明最优（已证明差距 {gap}，不超过 0.01%）",
        "Status at adoption: proven optimal (proven gap {gap}, within 0.01 %)",
    ),
    "facts_status_time_limit": (
        "采纳时的求解状态：达到时限后停止，未证明最优；已证明差距 {gap}",
        "Status at adoption: stopped at the time limit, not proven optimal; proven gap {gap}",
    ),
    "facts_status_cancelled": (
        "采纳时的求解状态：求解被取消，未证明最优；已证明差距 {gap}",
        "Status at adoption: cancelled, not proven optimal; proven gap {gap}",
    ),
    "facts_status_heuristic": (
        "采纳时的求解状态：即时预览（启发式），未证明最优；已证明差距 {gap}",
        "Status at adoption: instant preview (heuristic), not proven optimal; proven gap {gap}",
    ),
    "facts_no_gap": ("无", "none"),
    "facts_time": ("求解用时 {s} 秒（时限 {limit} 秒）", "solved in {s} s (time limit {limit} s)"),
    "facts_time_no_limit": ("求解用时 {s} 秒", "solved in {s} s"),
    "facts_count": ("{type} {n} 个", "{n} {type}"),
    "facts_assumptions": ("规划假设：{what}。", "Planning assumptions: {what}."),
    "facts_cap_population": ("每个联系点最多服务 {caps}", "a point serves at most {caps}"),
    "facts_cap_type": ("{type} {n} 人", "{type} {n} people"),
    "facts_cap_sites": ("每点最多服务 {n} 个村（社区）", "a point serves at most {n} villages"),
    "facts_cap_unserved": ("超出容量的人口计为未服务", "people beyond capacity count as unserved"),
    "facts_town_min": (
        "每个乡镇至少 {share} 的人口得到覆盖",
        "every township has at least {share} of its people covered",
    ),
    "facts_town_min_served": (
        "每个乡镇至少 {share} 的人口得到服务",
        "every township has at least {share} of its people served",
    ),
    "facts_unedited": (
        "采纳后未经手工修改：以上求解状态即本方案的状态。",
        "Not edited since adoption: the status above is this plan's.",
    ),
    "facts_edited": (
        "采纳后经过手工修改（{what}）：以上求解状态说的是采纳时的方案，修改后的方案未经求解证明。",
        "Edited by hand since adoption ({what}): the status above is that of the plan as adopted; the plan as it is now was not proven by a solve.",
    ),
    "facts_edit_add": ("新增 {n} 个", "{n} added"),
    "facts_edit_move": ("迁移 {n} 个", "{n} moved"),
    "facts_edit_remove": ("删除 {n} 个", "{n} removed"),
    "facts_edit_restore": ("恢复 {n} 个", "{n} restored"),
    "facts_edit_update": ("修改属性 {n} 个", "{n} with attributes changed"),
}
