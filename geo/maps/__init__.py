"""Map layers for the web, without Folium: what each map draws, simplified per zoom.

``layers``    national, area and municipality map data (WGS84 frames and bounds)
``simplify``  zoom levels, simplification tolerance and coordinate precision per zoom
"""
