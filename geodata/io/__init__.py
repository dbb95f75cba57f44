"""Reading files: formats, encodings, columns, coordinates, limits."""
