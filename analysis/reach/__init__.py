"""Reach: which places a contact point serves, by straight-line radius or by road travel time.

``network/`` builds a routable road graph from road lines (in a metric CRS) and joins places
to it; ``times`` computes travel minutes between places on that graph.
"""
