"""Township boundaries as they come from several offices: overlaps, gaps, snap-and-clean."""
