"""Coverage analysis, planning rules, KPIs, optimisation, scenarios and exports (no UI)."""
