"""Population rasters (WorldPop-style people per cell) summed to townships and villages."""
