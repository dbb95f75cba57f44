"""Problem codes, the summary of identical problems, CLI printing."""
