"""Proven plans: column generation, branch and bound, HiGHS MILP."""
