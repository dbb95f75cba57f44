"""Contraction hierarchies for many-to-many travel minutes (see :mod:`.build`, :mod:`.query`)."""

from analysis.reach.hierarchy.build import Hierarchy, build_hierarchy
from analysis.reach.hierarchy.query import (
    Downward,
    downward_targets,
    hierarchy_minutes,
)

__all__ = [
    "Downward",
    "Hierarchy",
    "build_hierarchy",
    "downward_targets",
    "hierarchy_minutes",
]
