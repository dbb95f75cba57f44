"""Second tier: collection sites for every contact point (3-5 rule)."""
