"""Folium maps (tile-free) and SVG charts; layers arrive ready from :mod:`geo.maps` and
:mod:`geo.relocation.flowlines`."""
