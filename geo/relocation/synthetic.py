"""Synthetic relocation data for demonstration: *syntetiske eksempeldata*, never facts.

No relocation data may be published, so the service ships a generator instead. Its moves are
stored as the dataset ``moves`` flagged synthetic in the provenance table, and every page and
API response built on them says "syntetiske eksempeldata". Importing real data
(``omraadekort import-moves``) replaces them.

The model (seeded, so the same seed gives the same moves):

- **Who moves**: residents of the omdannelsesområder. A move in year ``y`` comes from an area
  on the omdannelsesområde list of 1 December ``y - 1`` (the list in force that year), for
  ``y`` from the year after the first list to the year after the last one that has one.
  The ``n`` moves are spread over these (year, area) pairs in proportion to random sizes
  (Gamma-distributed, mean 1), so some areas have rehousing waves and some have few moves.
- **Why**: each move is planned rehousing with probability 0.4 (``planned``), else ``other``.
- **Where to** — a gravity model with exponential distance decay. The candidates are every
  located area in the store (a point drawn inside its shape) and the main town of every
  municipality with a known town (a point scattered around it, 3 km standard deviation).
  A candidate's weight is ``mass × exp(-distance / λ)``: mass 2 for the mover's own area,
  1 for any other area, 6 for a town; ``λ`` is 3 km for planned rehousing (mostly nearby,
  often within the area or the next estate) and 25 km for other moves.
- **Destination area and municipality**: recorded as register data linked to the areas'
  address lists would have them: a move into an area names the area by its code (the join
  places points only in official or imported boundaries, never in an approximate location,
  so without the code no demo move could reach an area of the default store), and every
  move names its municipality (the area's or the town's).
- **Attributes**: age band, labour-market status and household type drawn independently from
  fixed, plausible-looking shares — not calibrated to any statistic.

Nothing here is calibrated to real relocation patterns; the numbers are for trying the maps,
tables and disclosure control, not for conclusions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.areas import list_years
from geo.relocation.disclosure import DEFAULT_THRESHOLD
from geo.relocation.ingest import ATTRIBUTES, ImportResult, join_counts, write_moves
from geo.relocation.join import JoinLayers
from geo.store import Store

SYNTHETIC_LABEL = "syntetiske eksempeldata"
DEFAULT_SEED = 1
DEFAULT_MOVES = 20_000
PLANNED_SHARE = 0.4
DECAY_M = {"planned": 3_000.0, "other": 25_000.0}
MASS = {"own_area": 2.0, "area": 1.0, "town": 6.0}
TOWN_SCATTER_M = 3_000.0
ATTRIBUTE_SHARES = {
    "age_band": {"0-17": 0.28, "18-29": 0.2, "30-49": 0.27, "50-64": 0.15, "65+": 0.1},
    "labour_status": {
        "i beskæftigelse": 0.45,
        "uden for arbejdsmarkedet": 0.35,
        "under uddannelse": 0.2,
    },
    "household_type": {
        "enlig": 0.35,
        "par uden børn": 0.15,
        "par med børn": 0.3,
        "enlig med børn": 0.2,
    },
}


def _origins(store: Store) -> pd.DataFrame:
    """(year, area_id) for every move year: the omdannelsesområder of the list in force."""
    designations = store.read("designations")
    located = store.read("areas")
    located = set(located.loc[~located.geometry.isna(), "area_id"])
    rows = []
    for list_year in list_years(store):
        listed = designations[
            (designations["year"] == list_year) & (designations["category"] == "omdannelsesomraade")
        ]["area_id"]
        for area_id in sorted(set(listed) & located):
            rows.append((list_year + 1, area_id))
    return pd.DataFrame(rows, columns=["year", "area_id"])


def _candidates(store: Store, rng: np.random.Generator) -> pd.DataFrame:
    areas = store.read("areas")
    areas = areas[~areas.geometry.isna()].sort_values("area_id")
    centre = shapely.get_coordinates(shapely.point_on_surface(areas.geometry.values))
    radius = np.sqrt(shapely.area(areas.geometry.values) / np.pi)
    frame = pd.DataFrame(
        {
            "kind": "area",
            "area_id": areas["area_id"].to_numpy(dtype=object),
            "municipality_code": areas["municipality_code"].to_numpy(dtype=object),
            "x": centre[:, 0],
            "y": centre[:, 1],
            "spread": radius,
        }
    )
    info = store.read("municipality_info").dropna(subset=["town_lat", "town_lon"])
    info = info.sort_values("code")
    to_store = Transformer.from_crs(4326, 25832, always_xy=True)
    tx, ty = to_store.transform(info["town_lon"].to_numpy(), info["town_lat"].to_numpy())
    towns = pd.DataFrame(
        {
            "kind": "town",
            "area_id": "",
            "municipality_code": info["code"].to_numpy(dtype=object),
            "x": tx,
            "y": ty,
            "spread": TOWN_SCATTER_M,
        }
    )
    return pd.concat([frame, towns], ignore_index=True)


def generate_moves(
    store: Store, *, seed: int = DEFAULT_SEED, n: int = DEFAULT_MOVES
) -> pd.DataFrame:
    """Synthetic moves in the normalised form of :func:`geo.relocation.ingest.validate_moves`."""
    if n < 0:
        raise ValueError(f"number of moves {n} is negative")
    rng = np.random.default_rng(seed)
    origins = _origins(store)
    if origins.empty:
        raise ValueError("the store has no located omdannelsesområder to generate moves from")
    candidates = _candidates(store, rng)
    origin_points = candidates.set_index("area_id").loc[origins["area_id"], ["x", "y"]]
    sizes = rng.gamma(2.0, 0.5, size=len(origins))
    per_origin = rng.multinomial(n, sizes / sizes.sum())

    parts = []
    for (year, area_id), count, (ox, oy) in zip(
        origins.itertuples(index=False), per_origin, origin_points.to_numpy(), strict=True
    ):
        if count == 0:
            continue
        planned = rng.random(count) < PLANNED_SHARE
        distance = np.hypot(candidates["x"] - ox, candidates["y"] - oy).to_numpy()
        mass = np.where(
            candidates["area_id"] == area_id,
            MASS["own_area"],
            np.where(candidates["kind"] == "town", MASS["town"], MASS["area"]),
        )
        chosen = np.empty(count, dtype=np.int64)
        for reason, mask in (("planned", planned), ("other", ~planned)):
            k = int(mask.sum())
            if k == 0:
                continue
            weight = mass * np.exp(-distance / DECAY_M[reason])
            chosen[mask] = rng.choice(len(candidates), size=k, p=weight / weight.sum())
        dest = candidates.iloc[chosen]
        is_area = (dest["kind"] == "area").to_numpy()
        # Inside an area: uniform in a disc a little smaller than its shape; a town: normal.
        angle = rng.uniform(0, 2 * np.pi, count)
        spread = dest["spread"].to_numpy()
        r = np.where(
            is_area, 0.9 * spread * np.sqrt(rng.random(count)), np.abs(rng.normal(0, spread))
        )
        parts.append(
            pd.DataFrame(
                {
                    "year": year,
                    "reason": np.where(planned, "planned", "other"),
                    "origin_area_id": area_id,
                    "dest_area_id": dest["area_id"].to_numpy(dtype=object),
                    "dest_municipality_code": dest["municipality_code"].to_numpy(dtype=object),
                    "dest_x": dest["x"].to_numpy() + r * np.cos(angle),
                    "dest_y": dest["y"].to_numpy() + r * np.sin(angle),
                }
            )
        )
    moves = pd.concat(parts, ignore_index=True)
    total = len(moves)
    out = pd.DataFrame(
        {
            "move_id": np.arange(1, total + 1, dtype=np.int64),
            "year": moves["year"].astype(np.int64),
            "date": "",
            "weight": np.ones(total, dtype=np.int64),
            "reason": moves["reason"].astype(object),
            "origin_area_id": moves["origin_area_id"].astype(object),
            "origin_municipality_code": "",
            "origin_x": np.nan,
            "origin_y": np.nan,
            "dest_area_id": moves["dest_area_id"],
            "dest_municipality_code": moves["dest_municipality_code"],
            "dest_x": moves["dest_x"],
            "dest_y": moves["dest_y"],
        }
    )
    for attr in ATTRIBUTES:
        labels = list(ATTRIBUTE_SHARES[attr])
        shares = np.array(list(ATTRIBUTE_SHARES[attr].values()))
        out[attr] = np.asarray(labels, dtype=object)[
            rng.choice(len(labels), size=total, p=shares / shares.sum())
        ]
    return out


def store_demo_moves(
    store: Store,
    *,
    seed: int = DEFAULT_SEED,
    n: int = DEFAULT_MOVES,
    threshold: int = DEFAULT_THRESHOLD,
) -> ImportResult:
    """Generate synthetic moves, join them and store them as the (synthetic) moves dataset,
    protected for ``threshold``.
    """
    moves = generate_moves(store, seed=seed, n=n)
    counts = join_counts(moves, JoinLayers.from_store(store))
    with store.transaction() as w:
        write_moves(
            w,
            moves,
            counts,
            description=f"{SYNTHETIC_LABEL.capitalize()}: {len(moves)} flytninger fra "
            f"omdannelsesområderne, genereret med en tyngdemodel (seed {seed}); ingen rigtige "
            "personer eller flytninger",
            source=f"geo/relocation/synthetic.py, omraadekort demo-moves --seed {seed} --n {n}",
            licence="made by Områdekort; free to use",
            synthetic=True,
            threshold=threshold,
        )
    return ImportResult(
        rows=len(moves),
        movers=int(moves["weight"].sum()),
        cells=len(counts.cells),
        report=counts.report,
        notes=counts.notes,
    )
