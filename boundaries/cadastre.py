"""Reading parcels from the Danish cadastre (Matriklen) for the parcel lists to be joined to.

Matriklen is free from Dataforsyningen / Datafordeler as GeoPackage, GML or Shapefile; its
parcel layer is ``jordstykke``. The two field sets of the downloads are recognised, and two
related ones:

=====================  ==================  =========================================
ejerlav field          parcel field        schema
=====================  ==================  =========================================
``ejerlavskode``       ``matrikelnummer``  Matriklen (MAT2, since 2022)
``landsejerlavskode``  ``matrikelnummer``  Matrikelkortet GML (2014 schema)
``ELAVSKODE``          ``MATRNR``          Matrikelkortet Shapefile (older downloads)
``ejerlavkode``        ``matrikelnr``      DAWA's jordstykker
=====================  ==================  =========================================

Only the ejerlav a list needs are read (an attribute filter in GDAL), so a national cadastre
of some 2.5 million parcels costs no more memory than the parcels asked for.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from boundaries.io import BoundaryFile, read_boundaries
from boundaries.parcel_list import normalise_parcel
from geo.errors import InputRejected, Problem

DEFAULT_LAYER = "jordstykke"
SCHEMAS: tuple[tuple[str, str, str], ...] = (
    ("ejerlavskode", "matrikelnummer", "Matriklen (MAT2)"),
    ("landsejerlavskode", "matrikelnummer", "Matrikelkortet GML"),
    ("ELAVSKODE", "MATRNR", "Matrikelkortet Shapefile"),
    ("ejerlavkode", "matrikelnr", "DAWA jordstykker"),
)


@dataclass
class Cadastre:
    """The parcels of the ejerlav asked for, keyed by (ejerlav, normalised matrikelnummer).

    ``data.frame`` holds the features in file order among those read; ``keys`` the key of
    each. A parcel drawn as several features (split by a road, an island) has several rows.
    """

    data: BoundaryFile
    ejerlav_field: str
    parcel_field: str
    schema: str
    keys: list[tuple[int, str]]
    date: str  # ISO date of the cadastre extract
    date_from: str  # where the date comes from

    def features_of(self) -> dict[tuple[int, str], list[int]]:
        """Key → positions of its features in ``data.frame``."""
        out: dict[tuple[int, str], list[int]] = {}
        for i, key in enumerate(self.keys):
            out.setdefault(key, []).append(i)
        return out


def _pick(fields: dict[str, str], name: str) -> str | None:
    if name in fields:
        return name
    folded = [f for f in fields if f.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def detect_fields(
    fields: dict[str, str],
    path: Path,
    ejerlav_field: str | None = None,
    parcel_field: str | None = None,
) -> tuple[str, str, str]:
    """The (ejerlav field, parcel field, schema name) of a cadastre layer.

    Given names are looked up (exactly, else case-insensitively); otherwise exactly one of
    the known schemas must be present.

    Raises
    ------
    InputRejected
        A given field is absent, or no known schema (or more than one) fits.
    """
    listing = ", ".join(fields) or "(none)"
    if ejerlav_field or parcel_field:
        picked = []
        for given, role, default in (
            (ejerlav_field, "ejerlav field", "ejerlavskode"),
            (parcel_field, "parcel field", "matrikelnummer"),
        ):
            name = _pick(fields, given or default)
            if name is None:
                raise InputRejected(
                    str(path),
                    [
                        Problem(
                            f"the cadastre has no field {given or default!r} (the {role})",
                            expected=f"one of its fields: {listing}",
                        )
                    ],
                )
            picked.append(name)
        return picked[0], picked[1], "fields given"
    fits = []
    for ejerlav, parcel, schema in SCHEMAS:
        e, p = _pick(fields, ejerlav), _pick(fields, parcel)
        if e and p:
            fits.append((e, p, schema))
    if len(fits) != 1:
        known = "; ".join(f"{e} + {p} ({s})" for e, p, s in SCHEMAS)
        what = "no known" if not fits else "more than one"
        raise InputRejected(
            str(path),
            [
                Problem(
                    f"{what} cadastre schema fits the fields {listing}",
                    expected=f"the fields of one of {known}, or --ejerlav-field and --parcel-field",
                )
            ],
        )
    return fits[0]


def _gpkg_last_change(path: Path, layer: str) -> str | None:
    """The layer's ``last_change`` in the GeoPackage's gpkg_contents (an ISO timestamp)."""
    if path.suffix.lower() != ".gpkg":
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute(
                "SELECT last_change FROM gpkg_contents WHERE table_name = ?", (layer,)
            ).fetchone()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    try:
        return date.fromisoformat(str(row[0])[:10]).isoformat()
    except ValueError:
        return None


def read_cadastre(
    path: str | Path,
    ejerlav_codes: set[int],
    *,
    layer: str | None = DEFAULT_LAYER,
    ejerlav_field: str | None = None,
    parcel_field: str | None = None,
    crs: str | None = None,
    cadastre_date: str | None = None,
) -> Cadastre:
    """Read the parcels of ``ejerlav_codes`` from a cadastre file.

    Parameters
    ----------
    path
        Any file :func:`boundaries.io.read_boundaries` reads (GeoPackage, Shapefile, zipped
        Shapefile, GeoJSON, GML).
    ejerlav_codes
        The landsejerlavskoder whose parcels are needed.
    layer
        The parcel layer (default ``jordstykke``). A file with a single layer (a shapefile)
        is read whatever its layer is called when the default is not there.
    ejerlav_field, parcel_field
        Field names, when the file follows none of the known schemas.
    crs
        CRS of a file that declares none.
    cadastre_date
        The date of the cadastre extract (ISO). Without it, the GeoPackage's own
        ``last_change`` of the layer is used; other files need it.

    Returns
    -------
    Cadastre

    Raises
    ------
    InputRejected
        The file cannot be read, has no such layer, its fields fit no schema, an ejerlav or
        parcel value cannot be read, or its date is unknown.
    """
    path = Path(path)
    codes = sorted(int(c) for c in ejerlav_codes)
    chosen: dict[str, object] = {}

    def where(fields: dict[str, str]) -> str:
        e, p, schema = detect_fields(fields, path, ejerlav_field, parcel_field)
        chosen.update(ejerlav=e, parcel=p, schema=schema)
        values = ",".join(str(c) for c in codes)
        if fields[e].startswith(("int", "float")):
            return f'"{e}" IN ({values})'
        # A text field: compare as numbers so that '02000173' and '2000173' both match.
        return f'CAST("{e}" AS INTEGER) IN ({values})'

    try:
        data = read_boundaries(path, crs=crs, layer=layer, where=where)
    except InputRejected as exc:
        if layer != DEFAULT_LAYER or "has no layer" not in str(exc):
            raise
        # the default name is only a default: a one-layer file (JORDSTYKKE.shp) is the layer
        data = read_boundaries(path, crs=crs, layer=None, where=where)
    e, p = str(chosen["ejerlav"]), str(chosen["parcel"])
    keys, problems = _keys(data, e, p)
    if problems:
        raise InputRejected(str(path), problems)
    if cadastre_date:
        when, date_from = cadastre_date, "given"
    else:
        found = _gpkg_last_change(path, data.layer)
        if found is None:
            raise InputRejected(
                str(path),
                [
                    Problem(
                        "the cadastre's date is not known: the file records none",
                        expected="--cadastre-date YYYY-MM-DD, the date of the extract",
                    )
                ],
            )
        when, date_from = found, "the GeoPackage's last_change of the layer"
    return Cadastre(
        data=data,
        ejerlav_field=e,
        parcel_field=p,
        schema=str(chosen["schema"]),
        keys=keys,
        date=when,
        date_from=date_from,
    )


def _keys(data: BoundaryFile, ejerlav: str, parcel: str) -> tuple[list[tuple[int, str]], list]:
    frame = data.frame
    numbers = pd.to_numeric(frame[ejerlav], errors="coerce")
    whole = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
    problems = []
    keys: list[tuple[int, str]] = []
    for i, (ok, code, value) in enumerate(
        zip(whole.tolist(), numbers.tolist(), frame[parcel].tolist(), strict=True)
    ):
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
        if not ok or not str(text).strip():
            problems.append(
                Problem(
                    f"feature {i + 1} of those in the listed ejerlav has no readable "
                    f"{ejerlav} / {parcel}",
                    value=f"{frame[ejerlav].iloc[i]!r} / {value!r}",
                    expected="an ejerlav code and a matrikelnummer on every parcel",
                )
            )
            keys.append((0, ""))
            continue
        keys.append((int(code), normalise_parcel(str(text))))
    return keys, problems
