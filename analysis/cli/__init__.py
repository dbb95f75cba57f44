"""Command lines: python -m analysis report | propose | export."""
