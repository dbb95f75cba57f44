"""Adapters to the libraries' undocumented parts (one module per library family)."""
