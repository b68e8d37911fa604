"""Relocation analyses: where residents of the areas moved, and what receiving areas look like.

Every function here reads the *protected* flow cube (:func:`load_flows`): the counts of
``move_counts`` arranged as year × reason × origin × destination (with subtotals and totals on
every axis, and the distance bands as a second split of the destination total), passed through
:func:`geo.relocation.disclosure.protect`. A count is published only where the protection
publishes it;
figures derived from several cells (shares, class sums) are computed from published cells
only, and what is not published is reported as hidden, never estimated. Raw moves are never
read here.

Axes and their node names
-------------------------
year      ``"2021"`` … and ``"*"`` (all years)
reason    ``"planned"``, ``"other"``, ``"unknown"`` and ``"*"``
origin    ``"a:<area_id>"`` (an area), ``"r:<code>"`` (the rest of a municipality),
          ``"m:<code>"`` (a municipality), ``"*"``; code ``""`` is an unknown municipality
dest      the same, plus ``"b:<band>"`` (distance bands, summing to ``"*"`` as well)

The list in force during a move in year ``y`` is the list of 1 December ``y - 1``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.areas import list_years, municipality_names
from geo.cache import LRU
from geo.i18n import N_, Phrase
from geo.relocation.disclosure import (
    Cube,
    Dimension,
    Protection,
    protect_audited,
)
from geo.relocation.join import (
    ALL_BANDS,
    MICROCELL_COLUMNS,
    PROFILE_ATTRIBUTES,
    PROFILE_COLUMNS,
    REASONS,
    RECEIVING_SOURCES,
    layers_signature,
)
from geo.store import Store
from indicators.categories import LABELS_DA, SEVERITY
from indicators.rules import Verdict

ALL = "*"
LEVELS = ("area-area", "area-municipality", "municipality-municipality")
REASON_LABELS_DA = {
    "planned": N_("Planlagt genhusning"),
    "other": N_("Andre årsager"),
    "unknown": N_("Årsag ikke oplyst"),
    ALL: N_("Alle årsager"),
}
BAND_LABELS_DA = {band: band.replace("over", "over") for band in ALL_BANDS}
BAND_LABELS_DA["ukendt"] = N_("Afstand ikke oplyst")
DESTINATION_CLASSES = {
    "same_area": N_("Samme område"),
    "omdannelsesomraade": N_("Et andet omdannelsesområde"),
    "parallelsamfund": N_("Et parallelsamfund"),
    "udsat": N_("Et andet udsat boligområde"),
    "forebyggelsesomraade": N_("Et forebyggelsesområde"),
    "other_area": N_("Et andet alment område"),
    "same_municipality_outside": N_("Samme kommune, andre steder"),
    "other_municipality_outside": N_("En anden kommune, andre steder"),
    "unknown": N_("Ukendt kommune"),
    "hidden": N_("Ikke fordelt: skjulte strømme"),
}


def list_in_force(move_year: int, years: list[int]) -> int | None:
    """The list year whose list applied during ``move_year`` (1 Dec of the year before)."""
    earlier = [y for y in years if y < move_year]
    return max(earlier) if earlier else None


@dataclass
class FlowData:
    """The protected flow cube of one store version, with names and places for its nodes."""

    protection: Protection
    years: list[int]
    reasons: list[str]
    names: dict[str, str]
    points: dict[str, tuple[float, float]]  # node → (x, y) in EPSG:25832
    origin_municipality: dict[str, str]  # origin leaf → municipality code
    categories: dict[tuple[int, str], str]  # (list year, area_id) → most severe category
    list_years: list[int]
    synthetic: bool
    stale: bool
    source: str
    notes: list[str] = field(default_factory=list)
    # The profile cube (reason × origin × mover attributes), None when no move states any.
    profile_protection: Protection | None = None
    # Names of the areas that receive moves only when the data name them by code: their
    # location is approximate or unknown ("områdets afgrænsning er ikke kendt").
    without_boundary: list[str] = field(default_factory=list)
    municipal_boundaries: bool = False

    @property
    def threshold(self) -> int:
        """The smallest count published."""
        return self.protection.threshold

    @property
    def dims(self) -> list[Dimension]:
        """The cube's axes: year, reason, origin, destination."""
        return self.protection.cube.dims

    def index(self, year: str, reason: str, origin: str, dest: str) -> tuple[int, ...]:
        """The cube index of a (year, reason, origin, destination) cell."""
        y, r, o, d = self.dims
        return (y.index[year], r.index[reason], o.index[origin], d.index[dest])

    def cell(self, year: str, reason: str, origin: str, dest: str) -> tuple[int, int | None]:
        """(true count > 0 ?, published count or None). Unknown nodes count as 0."""
        try:
            i = self.index(year, reason, origin, dest)
        except KeyError:
            return 0, 0
        value = int(self.protection.cube.values[i])
        return value, self.protection.value(i)

    def has(self, axis: int, node: str) -> bool:
        """True when ``axis`` has the node ``node``."""
        return node in self.dims[axis].index

    def leaves(self, axis: int, prefix: str | None = None) -> list[str]:
        """The leaf nodes of ``axis`` (optionally those starting with ``prefix``)."""
        dim = self.dims[axis]
        out = [n for i, n in enumerate(dim.nodes) if dim.is_leaf(i)]
        return [n for n in out if prefix is None or n.startswith(prefix)]

    def groups(self, axis: int) -> list[str]:
        """The municipality group nodes (``m:…``) of ``axis``."""
        return [n for n in self.dims[axis].nodes if n.startswith("m:")]

    def category(self, move_year: int, area_id: str) -> str | None:
        """The area's most severe category on the list in force when the move happened."""
        list_year = list_in_force(move_year, self.list_years)
        if list_year is None:
            return None
        return self.categories.get((list_year, area_id))

    def year_node(self, year: int | None) -> str:
        """The year axis node of ``year`` (all years for None)."""
        return ALL if year is None else str(year)


def _node_of(area: pd.Series, municipality: pd.Series) -> pd.Series:
    return np.where(area != "", "a:" + area, "r:" + municipality)


def _municipality_points(store: Store) -> dict[str, tuple[float, float]]:
    """A point per municipality code: its polygon's inside point, else its main town."""
    out: dict[str, tuple[float, float]] = {}
    info = store.read("municipality_info").dropna(subset=["town_lat", "town_lon"])
    if len(info):
        to_store = Transformer.from_crs(4326, 25832, always_xy=True)
        xs, ys = to_store.transform(info["town_lon"].to_numpy(), info["town_lat"].to_numpy())
        out.update({c: (float(x), float(y)) for c, x, y in zip(info["code"], xs, ys, strict=True)})
    boundaries = store.read("municipalities")
    if len(boundaries):
        inside = shapely.get_coordinates(shapely.point_on_surface(boundaries.geometry.values))
        out.update(
            {
                str(c): (float(x), float(y))
                for c, (x, y) in zip(boundaries["code"], inside, strict=True)
            }
        )
    return out


def _kind_of(node: str) -> str:
    if node == ALL:
        return "all"
    return {"a": "leaf", "r": "leaf", "m": "municipality", "b": "band"}[node[0]]


# (origin kind, destination kind) pairs some view shows; municipality → single area and the
# distance bands of municipalities or of all origins are never shown, so they are left
# unpublished (disclosure control then protects them without spending published cells).
PUBLISHED_PAIRS = {
    ("leaf", "leaf"),
    ("leaf", "municipality"),
    ("leaf", "all"),
    ("leaf", "band"),
    ("municipality", "municipality"),
    ("municipality", "all"),
    ("all", "leaf"),
    ("all", "municipality"),
    ("all", "all"),
}


def publishable_cells(dims: list[Dimension]) -> np.ndarray:
    """The cells of the flow cube that some page or API response can show."""
    origin = [_kind_of(n) for n in dims[2].nodes]
    dest = [_kind_of(n) for n in dims[3].nodes]
    pairs = np.array([[(o, d) in PUBLISHED_PAIRS for d in dest] for o in origin], dtype=bool)
    shape = tuple(len(d) for d in dims)
    return np.broadcast_to(pairs[None, None, :, :], shape).copy()


def _prepared(counts: pd.DataFrame) -> pd.DataFrame:
    counts = counts.copy()
    for col in ("origin_area_id", "origin_municipality_code", "dest_area_id"):
        counts[col] = counts[col].fillna("").astype(str)
    counts["dest_municipality_code"] = counts["dest_municipality_code"].fillna("").astype(str)
    counts["origin"] = _node_of(counts["origin_area_id"], counts["origin_municipality_code"])
    counts["dest"] = _node_of(counts["dest_area_id"], counts["dest_municipality_code"])
    counts["band"] = "b:" + counts["distance_band"].astype(str)
    return counts


def flow_cube(counts: pd.DataFrame) -> Cube:
    """The cube of a ``move_counts`` table: year × reason × origin × destination/band."""
    counts = _prepared(counts)
    years = sorted(int(y) for y in counts["year"].unique())
    reasons = [r for r in REASONS if r in set(counts["reason"])]

    def grouping(leaf_col: str, muni_col: str) -> dict[str, list[str]]:
        pairs = counts[[muni_col, leaf_col]].drop_duplicates().sort_values([muni_col, leaf_col])
        groups: dict[str, list[str]] = {}
        for muni, leaf in pairs.itertuples(index=False):
            groups.setdefault("m:" + muni, []).append(leaf)
        return groups

    bands = [f"b:{b}" for b in ALL_BANDS if f"b:{b}" in set(counts["band"])]
    dims = [
        Dimension.flat("year", [str(y) for y in years], ALL),
        Dimension.flat("reason", reasons, ALL),
        Dimension.grouped("origin", grouping("origin", "origin_municipality_code"), ALL),
        Dimension.grouped(
            "dest", grouping("dest", "dest_municipality_code"), ALL, alternative=bands
        ),
    ]
    atoms = [
        counts["year"].astype(str).map(lambda v: dims[0].atom_index[frozenset([v])]),
        counts["reason"].map(lambda v: dims[1].atom_index[frozenset([v])]),
        counts["origin"].map(lambda v: dims[2].atom_index[frozenset([v])]),
        [
            dims[3].atom_index[frozenset([d, b])]
            for d, b in zip(counts["dest"], counts["band"], strict=True)
        ],
    ]
    return Cube.from_records(
        dims, [np.asarray(a) for a in atoms], counts["movers"].to_numpy(dtype=np.int64)
    )


PROFILE_LABELS_DA = {
    "age_band": N_("Alder"),
    "labour_status": N_("Tilknytning til arbejdsmarkedet"),
    "household_type": N_("Husstandstype"),
}
NOT_STATED_DA = N_("Ikke oplyst")


def _profile_node(attribute: str, value: str) -> str:
    return f"{attribute}={value}"


def profile_cube(profiles: pd.DataFrame, flow_dims: list[Dimension]) -> Cube | None:
    """The cube of a ``move_profiles`` table: reason × origin × mover attributes.

    The reason and origin axes are those of the flow cube (so the two cubes share the
    cells reason × origin × all, protected together by :func:`protect_views`); the third axis
    has the total ``"*"`` split three ways — by age band, by labour-market status and by
    household type (``"<attribute>=<value>"``, value ``""`` = not stated) — for each attribute
    that some move states. None when no move states any.
    """
    if profiles is None or profiles.empty:
        return None
    profiles = profiles.copy()
    for col in ("origin_area_id", "origin_municipality_code", *PROFILE_ATTRIBUTES):
        profiles[col] = profiles[col].fillna("").astype(str)
    present = [a for a in PROFILE_ATTRIBUTES if (profiles[a] != "").any()]
    if not present:
        return None
    decompositions = [
        [_profile_node(a, v) for v in sorted(profiles[a].unique(), key=lambda v: (v == "", v))]
        for a in present
    ]
    attribute_dim = Dimension("profile", ALL, {ALL: decompositions})
    reason_dim, origin_dim = flow_dims[1], flow_dims[2]
    origin = _node_of(profiles["origin_area_id"], profiles["origin_municipality_code"])
    unknown = sorted(set(origin) - set(origin_dim.nodes))
    if unknown:
        raise ValueError(f"profiles name origins the flow counts do not have: {unknown[:5]}")
    atoms = [
        [reason_dim.atom_index[frozenset([r])] for r in profiles["reason"]],
        [origin_dim.atom_index[frozenset([o])] for o in origin],
        [
            attribute_dim.atom_index[
                frozenset(_profile_node(a, v) for a, v in zip(present, values, strict=True))
            ]
            for values in profiles[present].itertuples(index=False)
        ],
    ]
    return Cube.from_records(
        [reason_dim, origin_dim, attribute_dim],
        [np.asarray(a) for a in atoms],
        profiles["movers"].to_numpy(dtype=np.int64),
    )


def _shared(flow: Cube) -> tuple:
    """Index of the flow cube's cells that the profile cube repeats: all years, all dests."""
    return (flow.dims[0].index[ALL], slice(None), slice(None), flow.dims[3].index[ALL])


def protect_views(
    counts: pd.DataFrame,
    profiles: pd.DataFrame | None,
    threshold: int,
) -> tuple[Protection, Protection | None]:
    """Disclosure control of the flow cube and the profile cube together.

    The two cubes share the movers per reason × origin of all years (the flow cube's
    ``year "*" × dest "*"`` slice is the profile cube's ``attribute "*"`` slice). A shared
    cell is published only if both protections publish it: a shared cell hidden by one is
    forced hidden in the other (it stays publishable there: shown as suppressed, so known to
    be ≥ 1) and that one is protected again, until neither hides a shared cell the other
    shows (each round only adds, so it ends). Both are :func:`protect_audited`: each ends
    only when its cube passes the attacker's audit.
    """
    flow = flow_cube(counts)
    publishable = publishable_cells(flow.dims)
    flow_protection = protect_audited(flow, threshold, publishable)
    cube = profile_cube(profiles, flow.dims) if profiles is not None else None
    if cube is None:
        return flow_protection, None
    profile_publishable = np.ones(cube.values.shape, dtype=bool)
    total = cube.dims[2].index[ALL]
    force_flow = np.zeros(flow.values.shape, dtype=bool)
    force_profile = np.zeros(cube.values.shape, dtype=bool)
    for _round in range(len(flow.dims[1]) * len(flow.dims[2]) + 1):
        hidden_in_flow = flow_protection.suppressed[_shared(flow)]
        force_profile[:, :, total] |= hidden_in_flow
        profile_protection = protect_audited(
            cube, threshold, profile_publishable, force_hidden=force_profile
        )
        hidden_in_profile = profile_protection.suppressed[:, :, total]
        extra = hidden_in_profile & ~hidden_in_flow
        if not extra.any():
            return flow_protection, profile_protection
        shared = force_flow[_shared(flow)]
        shared |= extra
        force_flow[_shared(flow)] = shared
        flow_protection = protect_audited(flow, threshold, publishable, force_hidden=force_flow)
    raise RuntimeError("flow and profile protections did not agree")  # pragma: no cover


# Changes whenever the protection algorithm or the set of published cells changes, so that a
# stored protection is never reused for a different method.
PROTECTION_VERSION = "5"


def protection_fingerprint(
    counts: pd.DataFrame, threshold: int, profiles: pd.DataFrame | None = None
) -> str:
    """Identifies (counts, profiles, threshold, method): a stored protection is for it alone."""
    ordered = counts[MICROCELL_COLUMNS].copy()
    for col in MICROCELL_COLUMNS[1:-1]:
        ordered[col] = ordered[col].fillna("").astype(str)
    for col in ("year", "movers"):
        ordered[col] = ordered[col].astype(np.int64)
    ordered = ordered.sort_values(MICROCELL_COLUMNS[:-1])
    digest = hashlib.sha256(f"{PROTECTION_VERSION}|{int(threshold)}|".encode())
    digest.update(pd.util.hash_pandas_object(ordered.astype(str), index=False).to_numpy())
    if profiles is not None and len(profiles):
        extra = profiles[PROFILE_COLUMNS].astype(str).sort_values(PROFILE_COLUMNS[:-1])
        digest.update(b"profiles")
        digest.update(pd.util.hash_pandas_object(extra, index=False).to_numpy())
    return digest.hexdigest()[:24]


def protect_counts(counts: pd.DataFrame, threshold: int) -> Protection:
    """Disclosure control of a ``move_counts`` table (see :mod:`geo.relocation.disclosure`)."""
    return protect_views(counts, None, threshold)[0]


def protection_table(
    counts: pd.DataFrame, threshold: int, profiles: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict]:
    """The suppressed cells of the protected cubes, for the store, and their keys.

    ``cube`` is ``flows`` or ``profiles``; ``cell`` the flat index of a suppressed cell.
    """
    flow, profile = protect_views(counts, profiles, threshold)
    parts = [("flows", flow)] + ([("profiles", profile)] if profile is not None else [])
    table = pd.concat(
        [
            pd.DataFrame(
                {"cube": name, "cell": np.flatnonzero(p.suppressed.ravel()).astype(np.int64)}
            )
            for name, p in parts
        ],
        ignore_index=True,
    )
    keys = {
        "protection.threshold": str(threshold),
        "protection.fingerprint": protection_fingerprint(counts, threshold, profiles),
    }
    for name, p in parts:
        if p.audit is not None:
            keys[f"protection.audit.{name}"] = p.audit.summary().splitlines()[0]
    return table, keys


def _stored(cube: Cube, cells: np.ndarray, threshold: int, publishable: np.ndarray) -> Protection:
    flat = np.zeros(cube.values.size, dtype=bool)
    flat[cells] = True
    suppressed = flat.reshape(cube.values.shape)
    primary = publishable & (cube.values > 0) & (cube.values < threshold)
    return Protection(cube, threshold, suppressed, primary, notes=["stored at import"])


def _protection(
    store: Store,
    counts: pd.DataFrame,
    profiles: pd.DataFrame | None,
    threshold: int,
    info: dict,
) -> tuple[Protection, Protection | None]:
    """The stored protections when made for these counts and threshold, else new ones."""
    if (
        info.get("protection.threshold") == str(threshold)
        and info.get("protection.fingerprint")
        == protection_fingerprint(counts, threshold, profiles)
        and store.has("move_protection")
    ):
        table = store.read("move_protection")
        if "cube" not in table.columns:
            table["cube"] = "flows"
        flow = flow_cube(counts)
        flow_cells = table.loc[table["cube"] == "flows", "cell"].to_numpy(dtype=np.int64)
        flow_protection = _stored(flow, flow_cells, threshold, publishable_cells(flow.dims))
        cube = profile_cube(profiles, flow.dims) if profiles is not None else None
        if cube is None:
            return flow_protection, None
        cells = table.loc[table["cube"] == "profiles", "cell"].to_numpy(dtype=np.int64)
        return flow_protection, _stored(cube, cells, threshold, np.ones(cube.values.shape, bool))
    return protect_views(counts, profiles, threshold)


def _build(store: Store, threshold: int) -> FlowData | None:
    if not store.has("move_counts"):
        return None
    raw = store.read("move_counts")
    if raw.empty:
        return None
    counts = _prepared(raw)
    join = store.read("move_join") if store.has("move_join") else pd.DataFrame(columns=["key"])
    info = dict(zip(join["key"], join.get("value", []), strict=True))
    profiles = store.read("move_profiles") if store.has("move_profiles") else None
    if profiles is not None and profiles.empty:
        profiles = None
    protection, profile_protection = _protection(store, raw, profiles, threshold, info)
    dims = protection.cube.dims
    years = sorted(int(y) for y in counts["year"].unique())
    reasons = [r for r in REASONS if r in set(counts["reason"])]

    areas = store.read("areas")
    area_names = dict(zip(areas["area_id"], areas["name"], strict=True))
    munis = municipality_names(store)

    def muni_name(code: str) -> str:
        if not code:
            return N_("Ukendt kommune")
        return Phrase(N_("%(name)s Kommune"), name=munis.get(code, code))

    names = {ALL: N_("I alt")}
    for dim in dims[2:]:
        for node in dim.nodes:
            if node.startswith("a:"):
                names[node] = area_names.get(node[2:], node[2:])
            elif node.startswith("r:"):
                code = node[2:]
                # "andre steder": not in an area with a known boundary (a point inside an
                # approximate location counts here: the area's boundary is not known).
                names[node] = (
                    Phrase(N_("%(name)s, andre steder"), name=muni_name(code))
                    if code
                    else N_("Ukendt kommune")
                )
            elif node.startswith("m:"):
                names[node] = muni_name(node[2:])
            elif node.startswith("b:"):
                names[node] = BAND_LABELS_DA.get(node[2:], node[2:])

    points: dict[str, tuple[float, float]] = {}
    located = areas[~areas.geometry.isna()]
    inside = shapely.get_coordinates(shapely.point_on_surface(located.geometry.values))
    for area_id, (x, y) in zip(located["area_id"], inside, strict=True):
        points["a:" + area_id] = (float(x), float(y))
    for code, xy in _municipality_points(store).items():
        points["r:" + code] = xy
        points["m:" + code] = xy

    origin_municipality = dict(
        zip(counts["origin"], counts["origin_municipality_code"], strict=True)
    )
    designations = store.read("designations")
    categories: dict[tuple[int, str], str] = {}
    for (year, area_id), cats in designations.groupby(["year", "area_id"])["category"]:
        categories[(int(year), area_id)] = max(cats, key=SEVERITY.__getitem__)

    provenance = store.read("provenance")
    row = provenance[provenance["dataset"] == "moves"]
    synthetic = bool(row["synthetic"].iloc[0]) if len(row) else False
    source = str(row["source"].iloc[0]) if len(row) else ""

    municipalities = store.read("municipalities")
    current = layers_signature(areas, municipalities if len(municipalities) else None)
    stale = info.get("signature", current) != current
    notes = [v for k, v in info.items() if k.startswith("note.")]
    boundary = areas.get("boundary_source", pd.Series("", index=areas.index)).fillna("")
    receiving = boundary.isin(RECEIVING_SOURCES)
    return FlowData(
        profile_protection=profile_protection,
        without_boundary=sorted((str(n) for n in areas.loc[~receiving, "name"]), key=str.casefold),
        municipal_boundaries=len(municipalities) > 0,
        protection=protection,
        years=years,
        reasons=reasons,
        names=names,
        points=points,
        origin_municipality=origin_municipality,
        categories=categories,
        list_years=list_years(store),
        synthetic=synthetic,
        stale=stale,
        source=source,
        notes=notes,
    )


_FLOWS: LRU[FlowData | None] = LRU(4)


def load_flows(store: Store, threshold: int) -> FlowData | None:
    """The protected flows of ``store`` (None when it has no moves), cached per data version."""
    key = (str(store.path.resolve()), store.data_version, int(threshold))
    return _FLOWS.get_or_build(key, lambda: _build(store, threshold))


# -- the analyses -------------------------------------------------------------------------


def _row(flows: FlowData, value: int, published: int | None) -> dict:
    return {"movers": published, "suppressed": published is None and value > 0}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    _keep_phrases(frame, rows)
    frame["movers"] = frame["movers"].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _keep_phrases(frame: pd.DataFrame, rows: list[dict]) -> None:
    """Keep the :class:`Phrase` texts of ``rows`` as they are (pandas stores text columns as
    plain strings): the service says them in the page's language.
    """
    for column in frame.columns:
        values = [row.get(column) for row in rows]
        if any(isinstance(v, Phrase) for v in values):
            frame[column] = pd.Series(values, index=frame.index, dtype=object)


def _origin_nodes(flows: FlowData, level: str, origin: str | None) -> list[str]:
    if origin is not None:
        node = "a:" + origin
        if level == "municipality-municipality":
            raise ValueError("`origin` (an area) applies to levels area-area and area-municipality")
        if not flows.has(2, node):
            raise LookupError(f"no moves from area {origin!r} in the data")
        return [node]
    return flows.groups(2) if level == "municipality-municipality" else flows.leaves(2, None)


def _kind(node: str) -> str:
    return {"a": "area", "r": "rest_of_municipality", "m": "municipality"}.get(node[:1], "total")


def od_flows(
    flows: FlowData,
    level: str = "area-area",
    *,
    year: int | None = None,
    reason: str | None = None,
    origin: str | None = None,
) -> pd.DataFrame:
    """Origin–destination flows: one row per pair with movers (published) or suppressed.

    ``level``: ``area-area`` (origin areas to destination areas and the rest of each
    municipality), ``area-municipality`` or ``municipality-municipality``. ``year`` None means
    all years, ``reason`` None all reasons; ``origin`` restricts to one origin area. Pairs
    without movers are left out.
    """
    if level not in LEVELS:
        raise ValueError(f"`level` was {level!r} but is expected to be one of {list(LEVELS)}")
    y, r = flows.year_node(year), reason or ALL
    origins = _origin_nodes(flows, level, origin)
    dests = flows.leaves(3, None) if level == "area-area" else flows.groups(3)
    dests = [d for d in dests if not d.startswith("b:")]
    rows = []
    for o in origins:
        for d in dests:
            value, published = flows.cell(y, r, o, d)
            if value == 0:
                continue
            rows.append(
                {
                    "year": year,
                    "reason": reason,
                    "origin_id": o,
                    "origin_name": flows.names.get(o, o),
                    "origin_kind": _kind(o),
                    "dest_id": d,
                    "dest_name": flows.names.get(d, d),
                    "dest_kind": _kind(d),
                    **_row(flows, value, published),
                }
            )
    columns = [
        "year",
        "reason",
        "origin_id",
        "origin_name",
        "origin_kind",
        "dest_id",
        "dest_name",
        "dest_kind",
        "movers",
        "suppressed",
    ]
    frame = _frame(rows, columns)
    frame["_order"] = frame["movers"].fillna(-1)
    frame = frame.sort_values(["_order", "origin_name", "dest_name"], ascending=[False, True, True])
    return frame.drop(columns="_order").reset_index(drop=True)


def flow_totals(
    flows: FlowData,
    level: str = "area-area",
    *,
    year: int | None = None,
    reason: str | None = None,
    origin: str | None = None,
) -> pd.DataFrame:
    """Movers out of each origin of ``level`` (and all origins, ``origin_id`` ``"*"``)."""
    y, r = flows.year_node(year), reason or ALL
    nodes = _origin_nodes(flows, level, origin)
    if origin is None:
        nodes = [*nodes, ALL]
    rows = []
    for o in nodes:
        value, published = flows.cell(y, r, o, ALL)
        rows.append(
            {
                "origin_id": o,
                "origin_name": flows.names.get(o, o),
                "origin_kind": _kind(o),
                **_row(flows, value, published),
            }
        )
    frame = _frame(rows, ["origin_id", "origin_name", "origin_kind", "movers", "suppressed"])
    order = frame["origin_name"].str.casefold().where(frame["origin_id"] != ALL, "\uffff")
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def _share(part: int | None, total: int | None) -> float | None:
    if part is None or not total:
        return None
    return round(part / total, 4)


def _require_origin(flows: FlowData, area_id: str) -> str:
    node = "a:" + area_id
    if not flows.has(2, node):
        raise LookupError(f"no moves from area {area_id!r} in the data")
    return node


def destination_shares(
    flows: FlowData, area_id: str, *, year: int | None = None, reason: str | None = None
) -> pd.DataFrame:
    """Where the movers from one area went, by kind of destination.

    Rows with ``measure`` ``"class"`` partition the area's movers: the same area, another
    area by its category on the list in force in the year of the move (omdannelsesområde,
    parallelsamfund, udsat, forebyggelsesområde), another almene area, the rest of the same
    municipality, another municipality, an unknown municipality, and the movers of
    destinations not shown (``hidden``: the published total minus every class).

    One number per fact: a destination whose kind is the same in every year of the
    selection contributes its own cell of the selection (the very cell the flow table
    shows — "same area, all years" is the all-years cell); only a destination whose kind
    changed between years contributes its single-year cells. A class to which some
    contribution is suppressed has ``at_least`` True: its published figure is the sum of the
    visible parts ("mindst"). The row with ``measure`` ``"same_municipality"`` is the movers
    who stayed in the area's own municipality (areas included), one cell.
    """
    o = _require_origin(flows, area_id)
    r = reason or ALL
    y_total = flows.year_node(year)
    total_value, total = flows.cell(y_total, r, o, ALL)
    move_years = flows.years if year is None else [year]
    sums = dict.fromkeys(DESTINATION_CLASSES, 0)
    partial = dict.fromkeys(DESTINATION_CLASSES, False)
    home = flows.origin_municipality.get(o, "")
    for d in flows.leaves(3):
        if d.startswith("b:"):
            continue
        years_with = [y for y in move_years if flows.cell(str(y), r, o, d)[0] > 0]
        if not years_with:
            continue
        kinds = {_destination_class(flows, y, o, d, home) for y in years_with}
        if len(kinds) == 1:
            parts = [(kinds.pop(), flows.cell(y_total, r, o, d))]
        else:
            parts = [
                (_destination_class(flows, y, o, d, home), flows.cell(str(y), r, o, d))
                for y in years_with
            ]
        for kind, (value, published) in parts:
            if published is None:
                partial[kind] = partial[kind] or value > 0
            else:
                sums[kind] += published
    rows = []
    if total is None:
        for key, label in DESTINATION_CLASSES.items():
            rows.append(_class_row("class", key, label, None, total_value > 0, None))
    else:
        sums["hidden"] = total - sum(v for k, v in sums.items() if k != "hidden")
        for key, label in DESTINATION_CLASSES.items():
            suppressed = partial[key] and sums[key] == 0
            row = _class_row(
                "class",
                key,
                label,
                None if suppressed else sums[key],
                suppressed,
                None if suppressed else _share(sums[key], total),
            )
            row["at_least"] = partial[key] and not suppressed
            rows.append(row)
    home_value, home_published = flows.cell(y_total, r, o, "m:" + home)
    rows.append(
        _class_row(
            "same_municipality",
            "same_municipality",
            Phrase(N_("Blev i %(place)s"), place=flows.names.get("m:" + home, N_("kommunen"))),
            home_published,
            home_published is None and home_value > 0,
            _share(home_published, total),
        )
    )
    rows.append(
        _class_row(
            "total",
            "total",
            N_("I alt"),
            total,
            total is None and total_value > 0,
            1.0 if total else None,
        )
    )
    frame = _frame(rows, ["measure", "class", "label", "movers", "suppressed", "share", "at_least"])
    frame["at_least"] = [v is True for v in frame["at_least"]]
    return frame


def _class_row(measure, key, label, movers, suppressed, share) -> dict:
    return {
        "measure": measure,
        "class": key,
        "label": label,
        "movers": movers,
        "suppressed": suppressed,
        "share": share,
    }


def _destination_class(flows: FlowData, move_year: int, origin: str, dest: str, home: str) -> str:
    if dest == origin:
        return "same_area"
    if dest.startswith("a:"):
        category = flows.category(move_year, dest[2:])
        return category if category else "other_area"
    code = dest[2:]
    if not code:
        return "unknown"
    return "same_municipality_outside" if code == home else "other_municipality_outside"


def distance_distribution(
    flows: FlowData, area_id: str, *, year: int | None = None, reason: str | None = None
) -> pd.DataFrame:
    """Movers from one area by straight-line distance band (metres between the two points)."""
    o = _require_origin(flows, area_id)
    y, r = flows.year_node(year), reason or ALL
    _total_value, total = flows.cell(y, r, o, ALL)
    rows = []
    for band in ALL_BANDS:
        node = "b:" + band
        value, published = flows.cell(y, r, o, node)
        rows.append(
            {
                "band": band,
                "label": BAND_LABELS_DA[band],
                **_row(flows, value, published),
                "share": _share(published, total),
            }
        )
    return _frame(rows, ["band", "label", "movers", "suppressed", "share"])


def reason_split(flows: FlowData, area_id: str, *, year: int | None = None) -> pd.DataFrame:
    """Movers from one area by reason: planned rehousing, other, not stated, all."""
    o = _require_origin(flows, area_id)
    y = flows.year_node(year)
    _total_value, total = flows.cell(y, ALL, o, ALL)
    rows = []
    for reason in [*flows.reasons, ALL]:
        value, published = flows.cell(y, reason, o, ALL)
        rows.append(
            {
                "reason": reason,
                "label": REASON_LABELS_DA[reason],
                **_row(flows, value, published),
                "share": _share(published, total),
            }
        )
    return _frame(rows, ["reason", "label", "movers", "suppressed", "share"])


def reason_series(flows: FlowData, area_id: str | None = None) -> pd.DataFrame:
    """Movers per year and reason (planned rehousing, other, not stated, all), and all years.

    For one origin area, or (``area_id`` None) for all origins. Every figure is one cell of
    the protected cube — the same cell every other table reads for that year and reason.
    ``year`` is None for the row of all years.
    """
    o = ALL if area_id is None else _require_origin(flows, area_id)
    rows = []
    for year in [*flows.years, None]:
        y = flows.year_node(year)
        for reason in [*flows.reasons, ALL]:
            value, published = flows.cell(y, reason, o, ALL)
            rows.append(
                {
                    "year": year,
                    "reason": reason,
                    "label": REASON_LABELS_DA[reason],
                    **_row(flows, value, published),
                }
            )
    frame = _frame(rows, ["year", "reason", "label", "movers", "suppressed"])
    frame["year"] = frame["year"].astype("Int64")
    return frame


def mover_profile(
    flows: FlowData, area_id: str | None = None, *, reason: str | None = None
) -> pd.DataFrame:
    """Movers (all years) by age band, labour-market status and household type.

    For one origin area or all origins, one reason or all. Each row is one cell of the
    protected profile cube (:func:`profile_cube`); ``share`` is of the published total of the
    same cube. Empty when the data state none of the attributes.
    """
    columns = ["attribute", "attribute_label", "value", "label", "movers", "suppressed", "share"]
    protection = flows.profile_protection
    o = ALL if area_id is None else _require_origin(flows, area_id)
    if protection is None:
        return _frame([], columns)
    r_dim, o_dim, a_dim = protection.cube.dims
    r = reason or ALL
    if r not in r_dim.index or o not in o_dim.index:
        return _frame([], columns)
    base = (r_dim.index[r], o_dim.index[o])
    total = protection.value((*base, a_dim.index[ALL]))
    rows = []
    for decomposition in a_dim.children.get(ALL, []):
        for node in decomposition:
            attribute, value = node.split("=", 1)
            i = (*base, a_dim.index[node])
            count = int(protection.cube.values[i])
            published = protection.value(i)
            if count == 0:
                continue
            rows.append(
                {
                    "attribute": attribute,
                    "attribute_label": PROFILE_LABELS_DA.get(attribute, attribute),
                    "value": value,
                    "label": value or NOT_STATED_DA,
                    "movers": published,
                    "suppressed": published is None,
                    "share": _share(published, total),
                }
            )
    return _frame(rows, columns)


def origin_areas(flows: FlowData) -> pd.DataFrame:
    """Every origin area with its movers (all years, all reasons)."""
    rows = []
    for node in flows.leaves(2, "a:"):
        value, published = flows.cell(ALL, ALL, node, ALL)
        rows.append(
            {
                "area_id": node[2:],
                "name": flows.names.get(node, node),
                **_row(flows, value, published),
            }
        )
    frame = _frame(rows, ["area_id", "name", "movers", "suppressed"])
    return frame.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


# -- receiving areas and the early-warning list ---------------------------------------------


def _omdannelse_origins(flows: FlowData, move_year: int) -> list[str]:
    return [
        o for o in flows.leaves(2, "a:") if flows.category(move_year, o[2:]) == "omdannelsesomraade"
    ]


def _towards(criterion_then, criterion_now) -> bool | None:
    """Did the value move in the direction that brings the area closer to its threshold?

    ``gt``/``ge`` criteria: a higher value; ``lt``/``le``: a lower one. The residents floor
    (group ``residents``: at least 1,000) is a condition for being listed, not a sign of
    strain: it matters only while the area is below it, and then a rising count moves the
    area towards the lists; at or above the floor the count says nothing (None).
    """
    if criterion_then.value is None or criterion_now.value is None:
        return None
    if getattr(criterion_now, "group", "") == "residents" and criterion_then.met:
        return None
    change = criterion_now.value - criterion_then.value
    if change == 0:
        return False
    increasing_meets = criterion_now.comparison in ("gt", "ge")
    return (change > 0) == increasing_meets


def _nearest(years: list[int], target: int, before: int) -> int | None:
    """The year nearest ``target`` among ``years`` below ``before`` (ties: the earlier)."""
    usable = [y for y in years if y < before]
    if not usable:
        return None
    return min(usable, key=lambda y: (abs(y - target), y))


def _inflow_per_year(flows: FlowData, dest: str, move_year: int) -> dict:
    """Published inflow into ``dest`` from omdannelsesområder in one year (exact or "mindst").

    Exact where every origin with movers into ``dest`` that year was an omdannelsesområde
    other than ``dest`` itself: then it is the destination's published cell of all origins.
    Otherwise the sum of the published cells from omdannelsesområder, ``at_least`` when some
    of them are suppressed (no difference of two published cells is ever shown).
    """
    y = str(move_year)
    from_omd = [o for o in _omdannelse_origins(flows, move_year) if o != dest]
    contributing = {
        o for o in flows.leaves(2, None) if o != dest and flows.cell(y, ALL, o, dest)[0] > 0
    }
    omd_value = sum(flows.cell(y, ALL, o, dest)[0] for o in from_omd)
    if omd_value == 0:
        return {"inflow": 0, "at_least": False, "suppressed": False, "any": False}
    own_value = flows.cell(y, ALL, dest, dest)[0] if flows.has(2, dest) else 0
    if own_value == 0 and contributing <= set(from_omd):
        published = flows.cell(y, ALL, ALL, dest)[1]
        if published is not None:
            return {"inflow": published, "at_least": False, "suppressed": False, "any": True}
    published, hidden = 0, False
    for o in from_omd:
        value, cell = flows.cell(y, ALL, o, dest)
        if value and cell is None:
            hidden = True
        published += cell or 0
    if hidden and published == 0:
        return {"inflow": None, "at_least": False, "suppressed": True, "any": True}
    return {"inflow": published, "at_least": hidden, "suppressed": False, "any": True}


def receiving_areas(flows: FlowData, store: Store, *, year: int | None = None) -> pd.DataFrame:
    """Areas that received movers from omdannelsesområder, as an early-warning list.

    Per receiving area and move year (``per_year``): the published inflow from
    omdannelsesområder (``at_least`` where part of it is suppressed), the area's residents
    that year (indicator ``residents`` of that year; "ikke oplyst" with the reason when the
    store has none) and the inflow as a rate of them — numerator and denominator both
    given, never a cumulative inflow over today's residents.

    Drift, with the legal rules (:func:`indicators.classify.assess_area`): the baseline is
    the list year with criteria values nearest to the list year before the inflow began
    (``baseline_list_year``, named, with ``baseline_note`` when it is not that year), the
    comparison the latest list year with values. Each criterion counts in the direction that
    brings the area closer to its threshold; the residents floor only while below it.
    ``warning`` is True when any criterion moved towards its threshold, False when none did,
    None with ``warning_reason`` when there is nothing to compare.
    """
    from indicators.classify import assess_area
    from indicators.values import read_indicators

    years = flows.years if year is None else [year]
    values = read_indicators(store, synthetic=False)
    values = values[values["year"].notna()]
    rows = []
    for dest in flows.leaves(3, "a:"):
        area_id = dest[2:]
        per_year, first = [], None
        own = values[values["area_id"] == area_id]
        residents_by_year = {
            int(y): float(v)
            for y, v in zip(
                own.loc[own["code"] == "residents", "year"],
                own.loc[own["code"] == "residents", "value"],
                strict=True,
            )
            if v == v
        }
        for move_year in years:
            inflow = _inflow_per_year(flows, dest, move_year)
            if not inflow["any"]:
                continue
            first = move_year if first is None else first
            residents = residents_by_year.get(move_year)
            rate = None
            if residents and inflow["inflow"] is not None:
                rate = round(inflow["inflow"] / residents, 4)
            per_year.append(
                {
                    "year": move_year,
                    "inflow": inflow["inflow"],
                    "at_least": inflow["at_least"],
                    "suppressed": inflow["suppressed"],
                    "residents": None if residents is None else int(residents),
                    "rate": rate,
                    "rate_note": None
                    if rate is not None
                    else N_("tilflytningen er skjult")
                    if inflow["inflow"] is None
                    else Phrase(N_("antal beboere i %(year)s ikke oplyst"), year=move_year),
                }
            )
        if not per_year:
            continue
        y = flows.year_node(year)
        _value, total = flows.cell(y, ALL, ALL, dest)
        latest_list = list_in_force(max(years) + 1, flows.list_years)
        ideal = list_in_force(first, flows.list_years) if first else None
        value_years = sorted(int(v) for v in own["year"].unique())
        latest = max(value_years) if value_years else None
        baseline = _nearest(value_years, ideal, latest) if ideal and latest else None
        changes: list[dict] = []
        warning, reason_missing, baseline_note = None, None, None
        if not value_years:
            reason_missing = N_("ingen kriterieværdier for området i databasen")
        elif baseline is None:
            reason_missing = Phrase(
                N_("kun værdier for %(latest)s; intet tidligere år at sammenligne med"),
                latest=latest,
            )
        else:
            if baseline != ideal:
                baseline_note = Phrase(
                    N_(
                        "%(baseline)s: nærmeste listeår med værdier (tilflytningen begyndte i "
                        "%(first)s, listen i kraft var %(ideal)s)"
                    ),
                    baseline=baseline,
                    first=first,
                    ideal=ideal,
                )
            assert latest is not None  # value_years is not empty here
            then: Verdict | None
            now: Verdict | None
            try:
                then = assess_area(store, area_id, baseline)
                now = assess_area(store, area_id, latest)
            except KeyError:
                then = now = None
            if then is not None and now is not None:
                by_key = {c.key: c for c in then.criteria}
                for c in now.criteria:
                    before = by_key.get(c.key)
                    if before is None or before.value is None or c.value is None:
                        continue
                    towards = _towards(before, c)
                    changes.append(
                        {
                            "criterion": c.key,
                            "label": c.label_da,
                            "value_then": before.value,
                            "value_now": c.value,
                            "threshold": c.threshold,
                            "comparison": c.comparison,
                            "met_then": before.met,
                            "met_now": c.met,
                            "towards_threshold": towards,
                        }
                    )
                judged = [ch for ch in changes if ch["towards_threshold"] is not None]
                if judged:
                    warning = any(ch["towards_threshold"] for ch in judged)
                else:
                    reason_missing = (
                        Phrase(
                            N_("ingen kriterium med værdier i både %(baseline)s og %(latest)s"),
                            baseline=baseline,
                            latest=latest,
                        )
                        if not changes
                        else N_("kun antal beboere over grænsen på 1.000, som ikke tæller")
                    )
        category = flows.categories.get((latest_list, area_id)) if latest_list else None
        inflows = [p["inflow"] for p in per_year]
        visible = sum(v for v in inflows if v is not None)
        rows.append(
            {
                "area_id": area_id,
                "name": flows.names.get(dest, area_id),
                "category": category,
                "category_label": LABELS_DA[category]
                if category
                else Phrase(N_("Ikke navngivet på listen %(year)s"), year=latest_list)
                if latest_list
                else N_("Ingen liste"),
                "inflow_from_omdannelse": None if all(v is None for v in inflows) else visible,
                "at_least": any(p["at_least"] or p["suppressed"] for p in per_year),
                "suppressed": all(v is None for v in inflows),
                "inflow_total": total,
                "first_inflow_year": first,
                "per_year": per_year,
                "baseline_list_year": baseline,
                "baseline_note": baseline_note,
                "latest_values_year": latest,
                "criteria_changes": changes,
                "warning": warning,
                "warning_reason": reason_missing,
            }
        )
    columns = [
        "area_id",
        "name",
        "category",
        "category_label",
        "inflow_from_omdannelse",
        "at_least",
        "suppressed",
        "inflow_total",
        "first_inflow_year",
        "per_year",
        "baseline_list_year",
        "baseline_note",
        "latest_values_year",
        "criteria_changes",
        "warning",
        "warning_reason",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    _keep_phrases(frame, rows)
    for col in ("warning", "baseline_note", "warning_reason"):
        frame[col] = pd.Series([row[col] for row in rows], index=frame.index, dtype=object)
    frame["movers"] = frame["inflow_from_omdannelse"]
    for col in (
        "inflow_from_omdannelse",
        "inflow_total",
        "movers",
        "first_inflow_year",
        "baseline_list_year",
        "latest_values_year",
    ):
        frame[col] = frame[col].astype("Int64")
    frame["_warn"] = frame["warning"].map({True: 0, False: 1}).fillna(2)
    frame["_inflow"] = frame["inflow_from_omdannelse"].fillna(-1)
    frame = frame.sort_values(["_warn", "_inflow", "name"], ascending=[True, False, True])
    return frame.drop(columns=["_warn", "_inflow"]).reset_index(drop=True)
