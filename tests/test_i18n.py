"""One translation table: every key the code asks for exists, in both languages, once."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.i18n import (
    text,
    text_accounts,
    text_map,
    text_optimise,
    text_reach,
    text_review,
    text_sim,
)
from dashboard.i18n.text import TEXT

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"


def _keys_used() -> dict[str, str]:
    """Literal keys passed to ``t``/``t_md`` anywhere in the dashboard: key -> file."""
    used: dict[str, str] = {}
    for path in sorted(DASHBOARD.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in ("t", "t_md") and literal:
                used.setdefault(str(first.value), str(path.relative_to(DASHBOARD)))
    return used


def test_every_key_used_in_the_code_is_in_the_table() -> None:
    used = _keys_used()
    assert len(used) > 300
    missing = {key: where for key, where in used.items() if key not in TEXT}
    assert not missing, missing


def test_each_key_lives_in_one_part_and_has_both_languages() -> None:
    parts = [
        set(text._APP_TEXT),
        set(text_sim.SIM_TEXT),
        set(text_optimise.OPTIMISE_TEXT),
        set(text_reach.REACH_TEXT),
        set(text_review.REVIEW_TEXT),
        set(text_accounts.ACCOUNT_TEXT),
        set(text_map.MAP_TEXT),
    ]
    assert sum(len(p) for p in parts) == len(TEXT)
    for key, (zh, en) in TEXT.items():
        assert zh.strip(), key
        assert en.strip() or key.startswith("unit_"), key
