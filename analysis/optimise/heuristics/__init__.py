"""Fast plans: greedy, swaps, the LP dive preview, the curve."""
