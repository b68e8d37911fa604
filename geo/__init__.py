"""Spatial analysis and the store: no Flask, no HTML.

Everything here works on GeoDataFrames in one metric CRS, EPSG:25832 (ETRS89 / UTM 32N).
"""

STORE_CRS = "EPSG:25832"
WEB_CRS = "EPSG:4326"
