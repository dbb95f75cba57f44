"""Placing points without coordinates by their name or address (no online geocoder)."""
