"""The site's maps, built once per (options, data version) and shared by pages and embeds."""

from __future__ import annotations

from flask import url_for

from geo.areas import area_history, get_area
from geo.maps.layers import area_map_data, municipality_map_data, national_map_data
from service.maps.base import (
    MapOptions,
    area_map,
    map_cache,
    municipality_map,
    national_map,
)
from service.store_access import get_store


def _area_url(area_id: str) -> str:
    return url_for("pages.area_page", slug=area_id)


def national_built(year: int, opts: MapOptions | None = None):
    """The national map of ``year``, built once per (options, data version)."""
    store = get_store()
    opts = opts or MapOptions()
    key = ("national", year, opts, store.data_version)
    return map_cache("site").get_or_build(
        key, lambda: national_map(national_map_data(store, year), year, _area_url, opts)
    )


def municipality_built(code: str, year: int, opts: MapOptions | None = None):
    store = get_store()
    opts = opts or MapOptions()
    key = ("kommune", code, year, opts, store.data_version)
    return map_cache("site").get_or_build(
        key,
        lambda: municipality_map(
            municipality_map_data(store, code, year), code, year, _area_url, opts
        ),
    )


def area_built(slug: str, opts: MapOptions | None = None):
    """The area, its history and its map (None when there is nothing to draw)."""
    store = get_store()
    opts = opts or MapOptions()
    area = get_area(store, slug)
    history = area_history(store, slug)
    latest = history[history["status"] == "listed"].tail(1)
    info = area.to_dict()
    info["most_severe_category"] = latest["most_severe_category"].iloc[0] if len(latest) else None
    key = ("area", slug, opts, store.data_version)

    def build():
        # the map layers are made only on a cache miss; None (nothing to draw) is kept too
        data = area_map_data(store, slug)
        return None if data is None else area_map(data, info, _area_url, opts)

    built = map_cache("site").get_or_build(key, build)
    return info, history, built
