"""A small cadastre in the Matriklen schema and Bilag-1 style lists, built by hand.

Parcels are 100 m squares on a grid in central Copenhagen (EPSG:25832, the CRS Matriklen is
published in). The expected boundary of each area is built here from the same squares, so the
tests compare the import with an independent union.

- Mjølnerparken, ejerlav 2000173: a 3 × 3 block of parcels whose centre parcel (9999) is not
  on the list: a ring with a hole. Parcel 6003 is drawn as two features (split by a path).
- Aldersrogade, ejerlav 2000173: parcels 167a and 5990, 600 m apart (not contiguous), and
  5418, which the cadastre lacks.
- Lundtoftegade: parcel 14gf of ejerlav 10051 and 4823, 172b of ejerlav 2000173 (two ejerlav).
- Parcels of other ejerlav that no list names.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

X0, Y0, SIDE = 722700.0, 6178500.0, 100.0
UDENBYS = 2000173  # Udenbys Klædebo Kvarter, København
SUNDBY = 10051


def square(col: float, row: float) -> shapely.Polygon:
    return shapely.box(
        X0 + col * SIDE, Y0 + row * SIDE, X0 + (col + 1) * SIDE, Y0 + (row + 1) * SIDE
    )


# (ejerlav, matrikelnummer) → grid cell; Mjølnerparken's 3 × 3 block at columns 0–2, rows 0–2
MJOELNER = {
    (UDENBYS, "6307"): (0, 0),
    (UDENBYS, "234"): (1, 0),
    (UDENBYS, "6003"): (2, 0),
    (UDENBYS, "6002"): (0, 1),
    (UDENBYS, "5988"): (2, 1),
    (UDENBYS, "5985"): (0, 2),
    (UDENBYS, "6000"): (1, 2),
    (UDENBYS, "5997"): (2, 2),
}
HOLE = (UDENBYS, "9999")  # the centre, not on the list
ALDERSRO = {(UDENBYS, "167a"): (8, 0), (UDENBYS, "5990"): (8, 6)}
ALDERSRO_MISSING = (UDENBYS, "5418")
LUNDTOFTE = {(SUNDBY, "14gf"): (4, 0), (UDENBYS, "4823"): (5, 0), (UDENBYS, "172b"): (5, 1)}
OTHERS = {(2000174, "1a"): (12, 0), (2000174, "2"): (13, 0), (SUNDBY, "99"): (4, 4)}


def expected(parcels: dict) -> shapely.Geometry:
    return shapely.union_all([square(*cell) for cell in parcels.values()])


def cadastre_frame(ejerlav: str = "ejerlavskode", parcel: str = "matrikelnummer", *, old=False):
    """The parcels as features: 6003 as two halves; extra fields as the schema has them."""
    rows = []
    every = {**MJOELNER, HOLE: (1, 1), **ALDERSRO, **LUNDTOFTE, **OTHERS}
    for (code, number), cell in every.items():
        shape = square(*cell)
        if (code, number) == (UDENBYS, "6003"):
            x0, y0, x1, y1 = shape.bounds
            middle = (x0 + x1) / 2
            pieces = [shapely.box(x0, y0, middle, y1), shapely.box(middle, y0, x1, y1)]
        else:
            pieces = [shape]
        for piece in pieces:
            extra = (
                {"KOMKODE": 101, "FEAT_TYPE": "Jordstykke"}
                if old
                else {"ejerlavsnavn": "Udenbys Klædebo Kvarter", "kommunekode": 101}
            )
            rows.append(
                {
                    ejerlav: code,
                    parcel: number.upper() if old else number,
                    **extra,
                    "geometry": piece,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:25832")


def write_cadastre_gpkg(path: Path) -> Path:
    """A Matriklen (MAT2) GeoPackage: layer jordstykke, plus an ejerlav layer beside it."""
    frame = cadastre_frame()
    frame.to_file(path, layer="jordstykke", driver="GPKG", engine="pyogrio")
    ejerlav = gpd.GeoDataFrame(
        {"ejerlavskode": [UDENBYS], "ejerlavsnavn": ["Udenbys Klædebo Kvarter"]},
        geometry=[shapely.box(X0 - 500, Y0 - 500, X0 + 2000, Y0 + 1500)],
        crs="EPSG:25832",
    )
    ejerlav.to_file(path, layer="ejerlav", driver="GPKG", engine="pyogrio")
    return path


def write_cadastre_shapefile(path: Path) -> Path:
    """An older Matrikelkort download: JORDSTYKKE.shp with ELAVSKODE and MATRNR."""
    frame = cadastre_frame("ELAVSKODE", "MATRNR", old=True)
    frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio")
    return path


# Bilag 1 as the order prints it: one row per area and ejerlav, parcels comma-separated.
PER_AREA_ROWS = [
    ("Mjølnerparken", "København", "2000173", "6307, 234, 6003, 6002, 5988, 5985, 6000, 5997"),
    ("Aldersrogade", "København", "2000173", "167a,5990,5418"),
    ("Lundtoftegade", "København", "10051", "14gf"),
    ("", "", "2000173", "4823, 172b"),
]


def per_parcel_rows() -> list[tuple[str, str, str, str]]:
    """The same list, one row per parcel."""
    out = []
    area = municipality = ""
    for name, kommune, ejerlav, parcels in PER_AREA_ROWS:
        area, municipality = name or area, kommune or municipality
        out += [(area, municipality, ejerlav, p.strip()) for p in parcels.split(",")]
    return out


HEADERS = ["Område", "Kommune", "Landsejerlavskode", "Matrikelnummer"]


def write_list_csv(path: Path, rows=PER_AREA_ROWS) -> Path:
    pd.DataFrame(rows, columns=HEADERS).to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def write_list_xlsx(path: Path, rows=None) -> Path:
    pd.DataFrame(rows or per_parcel_rows(), columns=HEADERS).to_excel(path, index=False)
    return path


def write_cadastre_gml(path: Path) -> Path:
    """Matrikelkortet as GML (2014 schema): feature type Jordstykke with landsejerlavskode."""
    frame = cadastre_frame("landsejerlavskode", "matrikelnummer")
    frame.to_file(path, layer="Jordstykke", driver="GML", engine="pyogrio")
    return path
