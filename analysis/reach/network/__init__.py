"""The road graph: building it from lines, joining places to it."""
