"""Array engine: demand rows within reach of points, nearest point."""
