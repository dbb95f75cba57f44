"""The dashboard's doors to geodata and analysis (cached)."""
