"""Relocation: where residents of the designated areas move, as disclosure-controlled flows.

The whole core of the flows capability lives here, one module per step:

``ingest``      read and validate move files (CSV, Parquet, GeoPackage), store and re-join them
``join``        the spatial join of destinations to areas and municipalities (grid index, Dask)
``disclosure``  cell suppression: no count below the threshold is published or derivable
``analyses``    the protected flow cube and the analyses read from it (OD flows, origin
                profiles, receiving areas, early warning)
``flowlines``   curved flow lines, arrowheads and receiving-area layers for the maps
``synthetic``   the labelled synthetic demo moves

The service calls these; nothing here knows about HTTP or HTML.
"""
