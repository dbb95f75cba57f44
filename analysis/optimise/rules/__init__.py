"""County rules against a request: shortfalls, conflicts, options."""
