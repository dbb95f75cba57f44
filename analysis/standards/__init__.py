"""Planning standards (``standards.toml``) and the site rules by point type.

``load_standards(path=None, **overrides) -> Standards`` (:mod:`.load`); where each point type
may stand and the warnings for points that break it (:mod:`.site_rules`); the reach settings
(radius or road travel time, minutes and travel mode by type, road speeds: :mod:`.reach`).
"""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "DEFAULT_STANDARDS_PATH": "analysis.standards.load",
    "REACH_MODES": "analysis.standards.reach",
    "SiteRule": "analysis.standards.site_rules",
    "Standards": "analysis.standards.load",
    "load_standards": "analysis.standards.load",
    "placement_warnings": "analysis.standards.site_rules",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
