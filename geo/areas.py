"""Areas and their list status: the queries behind the maps, pages and API.

Each function takes the store and returns a (Geo)DataFrame or plain values; none knows about
HTTP. Frames keep the store CRS; :mod:`geo.maps.simplify` prepares them for a browser.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import NotFound
from geo.i18n import N_
from geo.naming import MAX_SLUG_LENGTH, ascii_fold
from geo.store import Store
from indicators.categories import CATEGORIES, SEVERITY
from indicators.lists import list_summary


def list_years(store: Store) -> list[int]:
    """Years with an official list (1 December of each year)."""
    return sorted(int(y) for y in store.read("list_counts")["year"].unique())


def require_year(store: Store, year: int) -> int:
    """``year`` if the store has a list for it; :class:`NotFound` otherwise."""
    years = list_years(store)
    if year not in years:
        raise NotFound(
            f"no list for {year}: the store has the lists of " + ", ".join(str(y) for y in years)
        )
    return year


def municipality_names(store: Store) -> dict[str, str]:
    """Municipality code → name, from the imported boundaries and the embedded table."""
    names = dict(
        zip(
            store.read("municipality_info")["code"],
            store.read("municipality_info")["name"],
            strict=True,
        )
    )
    boundaries = store.read("municipalities")
    if len(boundaries):
        names.update(zip(boundaries["code"], boundaries["name"], strict=True))
    return names


# The name of a municipality whose code the store has no name for (a UI text: translated on
# output with service.i18n.translate).
NOT_PUBLISHED = N_("ikke oplyst")


def _with_municipality(frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    names = municipality_names(store)
    frame = frame.copy()
    frame["municipality_name"] = frame["municipality_code"].map(names).fillna(NOT_PUBLISHED)
    return frame


def list_date(year: int) -> str:
    """The date a list year's boundaries are taken at: 1 December of that year (ISO)."""
    return f"{int(year):04d}-12-01"


def with_boundaries_in_force(store: Store, areas: gpd.GeoDataFrame, on: str) -> gpd.GeoDataFrame:
    """``areas`` with each area's boundary as it was in force on the date ``on``.

    An area with a boundary history (official boundaries, :mod:`boundaries.parcels`) gets
    the latest version whose ``boundary_valid_from`` is on or before ``on`` — the shape it had
    before its first official boundary counts as in force from the beginning — with that
    version's boundary columns (source, note, order, dates). Areas without a history keep
    their shape.

    Parameters
    ----------
    store
        The store holding the ``area_boundaries`` layer.
    areas
        Rows of the ``areas`` layer (any extra columns are kept).
    on
        An ISO date, e.g. ``list_date(2018)``.
    """
    if not store.has("area_boundaries") or areas.empty:
        return areas
    history = store.read("area_boundaries")
    due = history[history["boundary_valid_from"].fillna("") <= on]
    due = due[due["area_id"].isin(areas["area_id"])]
    if due.empty:
        return areas
    in_force = (
        due.sort_values(["area_id", "boundary_valid_from"]).groupby("area_id").tail(1)
    ).set_index("area_id")
    out = areas.copy()
    hit = out["area_id"].isin(in_force.index).to_numpy()
    ids = out.loc[hit, "area_id"]
    numeric = pd.api.types.is_numeric_dtype
    for column in in_force.columns.drop(in_force.geometry.name):
        if column not in out.columns:
            out[column] = pd.Series(None, index=out.index, dtype=object)
        if not (numeric(out[column]) and numeric(in_force[column])):
            out[column] = out[column].astype(object)
        out.loc[hit, column] = ids.map(in_force[column]).to_numpy()
    geometry = np.asarray(out.geometry.values, dtype=object)
    geometry[hit] = ids.map(in_force.geometry).to_numpy()
    return out.set_geometry(gpd.GeoSeries(geometry, index=out.index, crs=areas.crs))


def boundary_versions(store: Store, area_id: str) -> list[dict]:
    """Every version of an area's boundary, oldest first (empty without a history).

    Each is a dict of the boundary columns (``boundary_source``, ``boundary_note``,
    ``boundary_order``, ``boundary_order_date``, ``boundary_valid_from`` — ``""`` for the
    shape before the first official boundary —, ``boundary_cadastre_date``, the parcel counts
    and ``boundary_parcels_missing``) plus ``valid_to``: the date the next version took over,
    or None for the one in force now. Missing values are None.
    """
    get_area(store, area_id)
    if not store.has("area_boundaries"):
        return []
    history = store.read("area_boundaries")
    own = history[history["area_id"] == area_id].sort_values("boundary_valid_from")
    rows = own.drop(columns=[own.geometry.name, "area_id"]).astype(object)
    records = rows.where(rows.notna(), None).to_dict("records")
    for record, later in zip(records, [*records[1:], None], strict=False):
        record["valid_to"] = later["boundary_valid_from"] if later else None
    return records


def all_areas(store: Store) -> gpd.GeoDataFrame:
    """Every area in the store with the years it was on any list."""
    areas = _with_municipality(store.read("areas"), store)
    designations = store.read("designations")
    years = designations.groupby("area_id")["year"].agg(lambda s: sorted(set(int(y) for y in s)))
    areas["list_years"] = (
        areas["area_id"].map(years).apply(lambda v: v if isinstance(v, list) else [])
    )
    return areas.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


def areas_for_year(store: Store, year: int) -> gpd.GeoDataFrame:
    """Areas designated on the list of ``year``, each with its categories.

    Columns added: ``categories`` (list, least to most severe), ``most_severe_category``.
    Rows are ordered most severe first, then by name.
    """
    require_year(store, year)
    designations = store.read("designations")
    rows = designations[designations["year"] == year]
    cats = rows.groupby("area_id")["category"].agg(
        lambda s: sorted(set(s), key=SEVERITY.__getitem__)
    )
    areas = store.read("areas")
    listed = with_boundaries_in_force(
        store, areas[areas["area_id"].isin(cats.index)].copy(), list_date(year)
    )
    listed["categories"] = listed["area_id"].map(cats)
    listed["most_severe_category"] = listed["categories"].map(lambda c: c[-1])
    listed["_severity"] = listed["most_severe_category"].map(SEVERITY)
    listed = listed.sort_values(["_severity", "name"], ascending=[False, True])
    listed = _with_municipality(listed.drop(columns="_severity"), store)
    return listed.reset_index(drop=True)


def year_summary(store: Store, year: int) -> list[dict]:
    """Official totals and named counts for ``year`` (see :func:`list_summary`)."""
    require_year(store, year)
    return list_summary(store.read("designations"), store.read("list_counts"), year)


def get_area(store: Store, area_id: str) -> pd.Series:
    """An area with its municipality; NotFound for an unknown id (or one longer than any
    slug can be, :data:`geo.naming.MAX_SLUG_LENGTH`).
    """
    if len(area_id) > MAX_SLUG_LENGTH:
        raise NotFound(
            f"no area with id {area_id[:40]!r}… (ids have at most {MAX_SLUG_LENGTH} characters)"
        )
    areas = store.read("areas")
    match = areas[areas["area_id"] == area_id]
    if match.empty:
        raise NotFound(f"no area with id {area_id!r}")
    return _with_municipality(match, store).iloc[0]


def area_history(store: Store, area_id: str) -> pd.DataFrame:
    """The area's status on every list year.

    ``status`` is ``listed`` (with its categories), ``not_listed`` (the loaded lists of that
    year are complete, so the area was on none of them) or ``unknown`` (the area is not named,
    but the loaded lists of that year are incomplete, so it may have been on one).
    """
    get_area(store, area_id)
    designations = store.read("designations")
    counts = store.read("list_counts")
    out = []
    for year in list_years(store):
        own = designations[(designations["year"] == year) & (designations["area_id"] == area_id)]
        if len(own):
            cats = sorted(set(own["category"]), key=SEVERITY.__getitem__)
            out.append(
                {
                    "year": year,
                    "status": "listed",
                    "categories": cats,
                    "most_severe_category": cats[-1],
                    "sources": sorted(set(own["source"])),
                }
            )
            continue
        summary = list_summary(designations, counts, year)
        incomplete = [s["category"] for s in summary if not s["complete"]]
        out.append(
            {
                "year": year,
                "status": "unknown" if incomplete else "not_listed",
                "categories": [],
                "most_severe_category": None,
                "incomplete_categories": incomplete,
                "sources": [],
            }
        )
    return pd.DataFrame(out)


def areas_in_municipality(store: Store, code: str) -> gpd.GeoDataFrame:
    """The areas of the municipality with the (four-digit) ``code``."""
    areas = store.read("areas")
    return _with_municipality(areas[areas["municipality_code"] == code], store)


def category_order() -> tuple[str, ...]:
    """Categories from most to least severe (legend and table order)."""
    return tuple(reversed(CATEGORIES))


def get_municipality(store: Store, code: str) -> dict:
    """Code, name and whether its boundary is loaded; NotFound for an unknown code."""
    names = municipality_names(store)
    if code not in names:
        raise NotFound(f"no municipality with code {code!r} in the store")
    boundaries = store.read("municipalities")
    return {
        "code": code,
        "name": names[code],
        "has_boundary": bool((boundaries["code"] == code).any()) if len(boundaries) else False,
    }


def municipality_status(store: Store, code: str) -> pd.DataFrame:
    """Each area of a municipality with its most severe category on every list year.

    One row per area; a column per year holding the category code, ``None`` when the area
    was not named that year.
    """
    get_municipality(store, code)
    areas = areas_in_municipality(store, code)
    designations = store.read("designations")
    rows = designations[designations["area_id"].isin(areas["area_id"])]
    severest = (
        rows.assign(_s=rows["category"].map(SEVERITY))
        .sort_values("_s")
        .groupby(["area_id", "year"])["category"]
        .last()
        .unstack("year")
    )
    out = areas[["area_id", "name", "boundary_source", "boundary_note"]].set_index("area_id")
    for year in list_years(store):
        col = severest[year] if year in severest.columns else pd.Series(dtype=object)
        out[year] = col.reindex(out.index).astype(object).where(lambda s: s.notna(), None)
    return out.reset_index().sort_values("name").reset_index(drop=True)


def _loose(text: str) -> str:
    """Folded for search: ``Toveshøj``, ``toveshoej`` and ``toveshoj`` are the same."""
    folded = ascii_fold(text).replace("-", " ").replace("/", " ").replace(".", " ")
    return folded.replace("oe", "o").replace("aa", "a").replace("ae", "a")


def search_places(store: Store, query: str, limit: int = 30) -> list[dict]:
    """Areas and municipalities whose name (or an alias, e.g. an old name) contains ``query``.

    Case, accents and the Danish letters are folded (``aero`` and ``aro`` find ``Ærø``,
    ``toveshoj`` finds Toveshøj, ``groenneparken``
    the alias of Agervang); every word of the query must occur. Returns dicts with ``kind``
    ("area" or "municipality"), ``id``, ``name``, ``municipality_name`` and ``matched`` (the
    name or alias that matched); exact names first, then alphabetical.

    Parameters
    ----------
    store
        The store to search.
    query
        What the user typed.
    limit
        The most hits returned.

    Returns
    -------
    list of dict
        The hits, best first.
    """
    words = _loose(query).split()
    if not words:
        return []
    names = municipality_names(store)
    areas = all_areas(store)
    candidates: list[tuple[str, str, str, str, str]] = []
    for row in areas.itertuples():
        mname = names.get(row.municipality_code, "")
        candidates.append(("area", row.area_id, row.name, mname, row.name))
    if "aliases" in store.layers():
        by_id = {row.area_id: row for row in areas.itertuples()}
        for alias in store.read("aliases").itertuples():
            area = by_id.get(alias.area_id)
            if area is not None:
                mname = names.get(area.municipality_code, "")
                candidates.append(("area", area.area_id, area.name, mname, alias.alias))
    for code, name in names.items():
        candidates.append(("municipality", code, name, name, name))
    hits: dict[tuple[str, str], dict] = {}
    for kind, ident, name, mname, matched in candidates:
        folded = _loose(matched)
        if all(w in folded for w in words) and (kind, ident) not in hits:
            hits[(kind, ident)] = {
                "kind": kind,
                "id": ident,
                "name": name,
                "municipality_name": mname,
                "matched": matched,
                "exact": folded.split() == words,
            }
    ordered = sorted(hits.values(), key=lambda h: (not h["exact"], ascii_fold(h["name"])))
    return ordered[:limit]
