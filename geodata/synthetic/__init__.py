"""Seeded synthetic datasets larger than the demo city (a province), for trials and benches."""
