"""Polygons as they arrive: formats, CRS, validity, dissolving, matching, simplification."""
