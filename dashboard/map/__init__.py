"""The map: one Leaflet renderer, its data, colours and legend."""
