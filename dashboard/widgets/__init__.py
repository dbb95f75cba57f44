"""Shared page pieces: KPI cards, county tables, problem tables."""
