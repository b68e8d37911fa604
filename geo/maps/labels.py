"""Which place names a map shows, and from which zoom each is shown without overlapping.

Places come from :mod:`geo.places`. A map gets the places that matter at its scale (the
largest towns on the national map; the towns of a municipality and its big neighbours on a
municipality map). Each label gets a ``min_zoom``: the lowest zoom at which it overlaps no
label of a larger place. The page hides a label below its ``min_zoom`` (the map's script
marks the container with the current zoom, the site's CSS does the hiding), so the national
map opens with a handful of names that do not overlap and shows more as the reader zooms in.

Label boxes are estimated from the number of characters and the font size of each label size
(:data:`FONT_PX`, the sizes in ``service/static/css/places.css``); a label is drawn to the right
of a dot at the place.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo import STORE_CRS
from geo.maps.simplify import to_web
from geo.places import danish_places

#: Places on the national map: at least this many inhabitants (inclusive).
NATIONAL_MIN_POPULATION = 40_000
#: Places inside a municipality: at least this many inhabitants (inclusive) …
LOCAL_MIN_POPULATION = 5_000
#: … or at least this many, when fewer than :data:`LOCAL_FEW` places reach the bound above.
LOCAL_FALLBACK_POPULATION = 1_000
LOCAL_FEW = 3
#: Places outside the municipality but in the map's view: at least this many inhabitants.
NEIGHBOUR_MIN_POPULATION = 10_000

#: The zooms labels are laid out for; above the last one every label of the map is shown.
LABEL_ZOOMS = range(5, 15)
#: Font size in CSS pixels of each label size (1 = largest places).
FONT_PX = {1: 16, 2: 14, 3: 12, 4: 11}
_CHAR_EM = 0.6  # average glyph width of the sans-serif labels, in em (generous)
_LINE_EM = 1.3
_DOT_GAP_PX = 7  # the text starts this far right of the place
_MARGIN_PX = 3  # space kept between two labels
_MERCATOR_M_PER_PX_Z0 = 156_543.033_928_041  # Web Mercator metres per pixel at zoom 0


def _label_boxes(places: gpd.GeoDataFrame, zoom: int) -> np.ndarray:
    """Screen boxes (minx, miny, maxx, maxy in pixels at ``zoom``) of the labels."""
    mercator = places.geometry.to_crs("EPSG:3857")
    scale = _MERCATOR_M_PER_PX_Z0 / 2**zoom
    x = mercator.x.to_numpy() / scale
    y = -mercator.y.to_numpy() / scale  # screen y grows downwards
    font = places["size"].map(FONT_PX).to_numpy(dtype=float)
    width = places["name"].str.len().to_numpy(dtype=float) * font * _CHAR_EM
    half_height = font * _LINE_EM / 2
    return np.column_stack(
        [
            x - _DOT_GAP_PX - _MARGIN_PX,
            y - half_height - _MARGIN_PX,
            x + _DOT_GAP_PX + width + _MARGIN_PX,
            y + half_height + _MARGIN_PX,
        ]
    )


def _overlaps(box: np.ndarray, kept: list[np.ndarray]) -> bool:
    return any(box[0] < k[2] and k[0] < box[2] and box[1] < k[3] and k[1] < box[3] for k in kept)


def min_zooms(places: gpd.GeoDataFrame, zooms: range = LABEL_ZOOMS) -> list[int]:
    """The lowest zoom of ``zooms`` at which each label overlaps no label of a larger place.

    ``places`` come in priority order (most populous first); a label only gives way to labels
    before it that are shown at that zoom. Once shown, a label stays shown at every higher
    zoom (two labels that do not overlap at one zoom are twice as far apart at the next). A
    label that never fits gets the last zoom: there every label is shown.
    """
    boxes = {zoom: _label_boxes(places, zoom) for zoom in zooms}
    found: list[int] = []
    for i in range(len(places)):
        for zoom in zooms:
            shown = [boxes[zoom][j] for j in range(i) if found[j] <= zoom]
            if not _overlaps(boxes[zoom][i], shown):
                break
        found.append(zoom)
    return found


def _labelled(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``places`` (most populous first) with their ``min_zoom``, in WGS84 for the map."""
    places = places.sort_values("rank", kind="stable").reset_index(drop=True)
    places["min_zoom"] = np.asarray(min_zooms(places), dtype="int64")
    return to_web(places[["name", "population", "size", "min_zoom", "geometry"]])


def national_labels() -> gpd.GeoDataFrame:
    """The places named on the national map: at least :data:`NATIONAL_MIN_POPULATION`."""
    return _labelled(danish_places(NATIONAL_MIN_POPULATION))


def municipality_labels(
    window: tuple[float, float, float, float],
    municipality: gpd.GeoDataFrame,
    around: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """The places named on a municipality's map of ``window`` (store CRS).

    Inside the municipality (its boundary, or the window when no boundary is loaded): at least
    :data:`LOCAL_MIN_POPULATION` inhabitants, or :data:`LOCAL_FALLBACK_POPULATION` when fewer
    than :data:`LOCAL_FEW` places reach that. Outside it but within ``around`` (the ground a
    reader sees after zooming out a step or two; default the window): at least
    :data:`NEIGHBOUR_MIN_POPULATION`.
    """
    if municipality.crs is None or municipality.crs != STORE_CRS:
        raise ValueError(f"expected the municipality in {STORE_CRS}, got {municipality.crs}")
    places = danish_places(LOCAL_FALLBACK_POPULATION)
    places = places[places.intersects(shapely.box(*(around or window)))]
    if len(municipality):
        inside = places.within(shapely.union_all(municipality.geometry.values))
    else:
        inside = places.intersects(shapely.box(*window))
    bound = LOCAL_MIN_POPULATION
    if (places[inside]["population"] >= bound).sum() < LOCAL_FEW:
        bound = LOCAL_FALLBACK_POPULATION
    chosen = (inside & (places["population"] >= bound)) | (
        ~inside & (places["population"] >= NEIGHBOUR_MIN_POPULATION)
    )
    return _labelled(places[chosen])
