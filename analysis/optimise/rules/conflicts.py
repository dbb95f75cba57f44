"""Rule conflicts: can the request meet every county minimum, and the smallest fix.

Checked before any solve. For each county and each rule type (``rural``, ``enterprise``)
the shortfall is ``max(0, minimum - existing points of that type)`` (zero when the county
is exempt). The request conflicts with the rules when, for some type, the shortfalls add
up to more than the new points requested, or when a county needs more new points than it
has candidate sites. With the site rules (:mod:`analysis.standards.site_rules`) a county may also
have too few sites where a point of the type it needs may stand (a pure urban district
asked for rural points: it has no rural village of a 镇/乡), and a type may have fewer
eligible sites in the whole city than points requested. The smallest compliant changes
offered are (a) the minimum extra points by type, and (b) the documented exemption of
urban districts without rural villages from the rural minimum
(``exempt_urban_districts_from_rural_minimum`` in the standards), alone or with the extra
points it still needs; a change that leaves a county without an eligible site is not
offered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from analysis.optimise.rules.conflict_report import (
    TYPE_ZH,
    ChangeOption,
    ConflictReport,
    RuleConflict,
)

__all__ = [
    "TYPE_ZH",
    "ChangeOption",
    "ConflictReport",
    "RuleConflict",
    "check_request",
    "county_shortfalls",
]


def county_shortfalls(
    existing: NDArray[np.int64], minimums: NDArray[np.int64], exempt: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """``(n_counties, n_rules)`` new points needed: ``max(0, minimum - existing)``.

    Parameters
    ----------
    existing
        Existing points per county and rule type.
    minimums
        Minimum per rule type.
    exempt
        ``(n_counties, n_rules)``: the county is exempt from that rule.
    """
    need = np.maximum(np.asarray(minimums)[None, :] - np.asarray(existing), 0)
    return np.where(exempt, 0, need).astype(np.int64)


def check_request(
    *,
    county_names: tuple[str, ...],
    rule_types: tuple[str, ...],
    minimums: NDArray[np.int64],
    existing: NDArray[np.int64],
    exemptable: NDArray[np.bool_],
    exemption_applied: bool,
    requested: dict[str, int],
    sites_per_county: NDArray[np.int64],
    unreachable_townships: tuple[str, ...] = (),
    exempt_rule: str = "rural",
    eligible_sites: dict[str, NDArray[np.int64]] | None = None,
) -> ConflictReport:
    """Check a request against the county minimums and offer the smallest changes.

    Parameters
    ----------
    county_names
        Counties, in the order of the array rows.
    rule_types
        Types with a county minimum (e.g. ``("rural", "enterprise")``).
    minimums
        Minimum per rule type.
    existing
        ``(n_counties, n_rules)`` existing points counted by each rule.
    exemptable
        Per county: an urban district without rural villages.
    exemption_applied
        Whether the exemption is in force (standards setting or caller's choice).
    requested
        New points by type.
    sites_per_county
        Candidate sites available per county.
    unreachable_townships
        Must-cover townships that no candidate site can reach.
    exempt_rule
        The rule the exemption releases.
    eligible_sites
        Per requested type, the candidate sites of each county where the site rules let
        a point of that type stand (``None``: site rules off).
    """
    rule_i = rule_types.index(exempt_rule) if exempt_rule in rule_types else -1

    def exempt_mask(apply: bool) -> NDArray[np.bool_]:
        mask = np.zeros((len(county_names), len(rule_types)), dtype=bool)
        if apply and rule_i >= 0:
            mask[:, rule_i] = exemptable
        return mask

    need = county_shortfalls(existing, minimums, exempt_mask(exemption_applied))
    shortfalls = tuple(
        _shortfall(
            county_names[c],
            rule_types[r],
            int(minimums[r]),
            int(existing[c, r]),
            int(need[c, r]),
            bool(exemptable[c] and r == rule_i),
        )
        for c, r in np.argwhere(need > 0)
    )
    conflicts: list[RuleConflict] = []
    deficits = _deficits(need, rule_types, requested)
    for t, d in deficits.items():
        total = int(need[:, rule_types.index(t)].sum())
        conflicts.append(_deficit(t, total, requested.get(t, 0), d, need, county_names, rule_types))
    per_county = need.sum(axis=1)
    for c in np.flatnonzero(per_county > sites_per_county):
        conflicts.append(_capacity(county_names[c], int(per_county[c]), int(sites_per_county[c])))
    total_req = sum(requested.values())
    if total_req > int(np.sum(sites_per_county)):
        n_sites = int(np.sum(sites_per_county))
        conflicts.append(
            RuleConflict(
                "too_few_sites",
                None,
                None,
                total_req,
                n_sites,
                total_req - n_sites,
                message=f"{total_req} new points requested but only {n_sites} candidate sites.",
                message_zh=f"拟新增{total_req}个联系点，但候选点位只有{n_sites}个。",
            )
        )
    eligible = eligible_sites or {}
    conflicts += _eligibility(need, rule_types, requested, eligible, county_names)
    for code in unreachable_townships:
        conflicts.append(
            RuleConflict(
                "must_cover_unreachable",
                None,
                None,
                1,
                0,
                1,
                message=f"No candidate site reaches township {code}, which must be covered.",
                message_zh=f"没有候选点位能覆盖必须覆盖的乡镇{code}。",
            )
        )
    options = (
        _options(
            deficits,
            need,
            existing,
            minimums,
            exemptable,
            exemption_applied,
            rule_types,
            rule_i,
            requested,
            county_names,
            exempt_mask,
            eligible,
        )
        if deficits or any(c.code == "county_no_eligible_site" for c in conflicts)
        else ()
    )
    return ConflictReport(dict(requested), shortfalls, tuple(conflicts), options, exemption_applied)


def _deficits(
    need: NDArray[np.int64], rule_types: tuple[str, ...], requested: dict[str, int]
) -> dict[str, int]:
    out = {}
    for r, t in enumerate(rule_types):
        d = int(need[:, r].sum()) - int(requested.get(t, 0))
        if d > 0:
            out[t] = d
    return out


def _shortfall(county: str, t: str, minimum: int, have: int, need: int, ex: bool) -> RuleConflict:
    zh = TYPE_ZH.get(t, t)
    return RuleConflict(
        "county_shortfall",
        county,
        t,
        minimum,
        have,
        need,
        ex,
        message=f"{county} has {have} {t} contact point(s), needs at least {minimum}: "
        f"lacks {need}.",
        message_zh=f"{county}现有{zh}联系点{have}个，至少需要{minimum}个，缺{need}个。",
    )


def _deficit(
    t: str,
    total: int,
    req: int,
    d: int,
    need: NDArray[np.int64],
    county_names: tuple[str, ...],
    rule_types: tuple[str, ...],
) -> RuleConflict:
    r = rule_types.index(t)
    who = ", ".join(f"{county_names[c]} {need[c, r]}" for c in np.flatnonzero(need[:, r]))
    zh = TYPE_ZH.get(t, t)
    return RuleConflict(
        "type_deficit",
        None,
        t,
        total,
        req,
        d,
        message=f"Counties lack {total} {t} point(s) in total ({who}) but only {req} new "
        f"{t} point(s) are requested: {d} short.",
        message_zh=f"各县区共缺{zh}联系点{total}个（{who}），但只拟新增{req}个，差{d}个。",
    )


def _capacity(county: str, need: int, sites: int) -> RuleConflict:
    return RuleConflict(
        "county_capacity",
        county,
        None,
        need,
        sites,
        need - sites,
        message=f"{county} needs {need} new point(s) but has only {sites} candidate site(s).",
        message_zh=f"{county}需新增{need}个联系点，但只有{sites}个候选点位。",
    )


def _options(
    deficits: dict[str, int],
    need: NDArray[np.int64],
    existing: NDArray[np.int64],
    minimums: NDArray[np.int64],
    exemptable: NDArray[np.bool_],
    applied: bool,
    rule_types: tuple[str, ...],
    rule_i: int,
    requested: dict[str, int],
    county_names: tuple[str, ...],
    exempt_mask: Any,
    eligible: dict[str, NDArray[np.int64]],
) -> tuple[ChangeOption, ...]:
    options = []
    if not _short_of_sites(need, rule_types, eligible):
        options.append(_add_option(deficits, requested, (), "add_points", False))
    if not applied and rule_i >= 0:
        need_ex = county_shortfalls(existing, minimums, exempt_mask(True))
        released = tuple(
            county_names[c] for c in np.flatnonzero(exemptable & (need[:, rule_i] > 0))
        )
        if released and not _short_of_sites(need_ex, rule_types, eligible):
            left = _deficits(need_ex, rule_types, requested)
            kind = "exemption_and_points" if left else "exemption"
            options.append(_add_option(left, requested, released, kind, True))
    options.sort(key=lambda o: (o.total_extra, o.kind == "add_points"))
    return tuple(options)


#: What each site rule allows, in words (for the conflicts it causes).
RULE_TEXT: dict[str, tuple[str, str]] = {
    "rural": (
        "农村联系点只设在镇、乡的村或乡镇驻地",
        "a rural point stands only at a village or the seat of a 镇/乡",
    ),
    "urban_community": (
        "城市社区联系点只设在街道或城镇的社区",
        "an urban community point stands only at a community of a 街道 or urban township",
    ),
    "enterprise": (
        "企业联系点只设在候选清单中标为企业、园区的点位",
        "an enterprise point stands only at sites the candidate list marks as enterprises",
    ),
    "association": (
        "行业协会联系点只设在候选清单中标为协会、商会或企业的点位",
        "an association point stands only at sites the candidate list marks as associations",
    ),
}


def _short_of_sites(
    need: NDArray[np.int64], rule_types: tuple[str, ...], eligible: dict[str, NDArray[np.int64]]
) -> bool:
    """Some county needs more points of a rule type than it has eligible sites."""
    return any(
        bool(np.any(need[:, r] > eligible[t])) for r, t in enumerate(rule_types) if t in eligible
    )


def _eligibility(
    need: NDArray[np.int64],
    rule_types: tuple[str, ...],
    requested: dict[str, int],
    eligible: dict[str, NDArray[np.int64]],
    county_names: tuple[str, ...],
) -> list[RuleConflict]:
    """Counties (and types) with fewer sites a point may stand at than they need."""
    out: list[RuleConflict] = []
    for r, t in enumerate(rule_types):
        if t not in eligible:
            continue
        for c in np.flatnonzero(need[:, r] > eligible[t]):
            out.append(_no_site(county_names[c], t, int(need[c, r]), int(eligible[t][c])))
    for t, n in requested.items():
        total = int(eligible[t].sum()) if t in eligible else None
        if total is not None and int(n) > total:
            zh = TYPE_ZH.get(t, t)
            rule_zh, rule_en = RULE_TEXT.get(t, ("", ""))
            out.append(
                RuleConflict(
                    "type_no_eligible_site", None, t, int(n), total, int(n) - total,
                    message=f"{n} new {t} point(s) requested but only {total} candidate "
                    f"site(s) may take one ({rule_en}).",
                    message_zh=f"拟新增{zh}联系点{n}个，但可设{zh}联系点的候选点位只有{total}个"
                    f"（选址规则：{rule_zh}）。",
                )
            )  # fmt: skip
    return out


def _no_site(county: str, t: str, need: int, sites: int) -> RuleConflict:
    zh = TYPE_ZH.get(t, t)
    rule_zh, rule_en = RULE_TEXT.get(t, ("", ""))
    have_zh = f"只有{sites}个可用候选点位" if sites else "没有可用的候选点位"
    have_en = (
        f"only {sites} candidate site(s) may take one"
        if sites
        else "no candidate site may take one"
    )
    return RuleConflict(
        "county_no_eligible_site", county, t, need, sites, need - sites,
        message=f"{county} needs {need} new {t} point(s) but {have_en} ({rule_en}).",
        message_zh=f"{county}需新增{zh}联系点{need}个，但{have_zh}（选址规则：{rule_zh}）。",
    )  # fmt: skip


def _add_option(
    extra: dict[str, int],
    requested: dict[str, int],
    released: tuple[str, ...],
    kind: str,
    exempt: bool,
) -> ChangeOption:
    new_counts = dict(requested)
    for t, d in extra.items():
        new_counts[t] = new_counts.get(t, 0) + d
    flags = " ".join(f"--{t} {new_counts[t]}" for t in extra)
    if exempt:
        flags = ("--exempt-urban-districts " + flags).strip()
    plus = ", ".join(f"+{d} {t}" for t, d in extra.items())
    plus_zh = "、".join(f"{TYPE_ZH.get(t, t)}{d}个" for t, d in extra.items())
    if kind == "add_points":
        text = f"add {plus} point(s)"
        text_zh = f"增加{plus_zh}联系点"
    else:
        names = ", ".join(released)
        text = f"exempt urban districts without rural villages ({names}) from the rural minimum"
        text_zh = f"按标准豁免无农村村庄的城区（{'、'.join(released)}）的农村联系点下限"
        if extra:
            text += f" and add {plus} point(s)"
            text_zh += f"，并增加{plus_zh}联系点"
    return ChangeOption(kind, dict(extra), released, new_counts, flags, text, text_zh)
