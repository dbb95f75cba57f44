"""The performance review of contact points and representative homes (运行评估).

:mod:`analysis.review.tables` turns records into quarters and per-point totals,
:mod:`analysis.review.rules` applies the ``[review]`` standards, :mod:`analysis.review.api`
puts them together (:func:`review_points` -> :class:`ReviewResult`),
:mod:`analysis.review.reasons` words each finding in Chinese, :mod:`analysis.review.relocate`
proposes moving or closing the points on the adjustment list, :mod:`analysis.review.files`
writes the tables.
"""
