"""`omraadekort import-parcels`: the report, the re-join of stored moves, refusals."""

from __future__ import annotations

import hashlib

import pandas as pd
from click.testing import CliRunner

from geo.relocation.ingest import import_moves
from service.cli import cli
from tests.boundaries.cadastre_fixture import (
    PER_AREA_ROWS,
    X0,
    Y0,
    write_cadastre_gpkg,
    write_list_csv,
)


def _args(store, listing, cadastre, *extra):
    return [
        "import-parcels",
        str(listing),
        "--cadastre",
        str(cadastre),
        "--order-number",
        "1365",
        "--order-date",
        "2018-11-29",
        "--list-date",
        "2018-12-01",
        "--store",
        str(store.path),
        *extra,
    ]


def test_import_reports_missing_parcels_and_rejoins_moves(default_store, tmp_path):
    # six moves into a parcel of Mjølnerparken (grid cell 0, 0), named by point only
    moves = pd.DataFrame(
        {
            "year": 2021,
            "origin_area": "tingbjerg-utterslevhuse",
            "dest_x": [X0 + 10 + 10 * i for i in range(6)],
            "dest_y": Y0 + 50,
        }
    )
    moves.to_csv(tmp_path / "moves.csv", index=False)
    import_moves(default_store, tmp_path / "moves.csv", crs="EPSG:25832")
    listing = write_list_csv(tmp_path / "bilag1.csv")
    cadastre = write_cadastre_gpkg(tmp_path / "matrikel.gpkg")

    result = CliRunner().invoke(cli, _args(default_store, listing, cadastre))
    assert result.exit_code == 0, result.output
    assert "BEK nr. 1365 af 29/11/2018, in force from 2018-12-01" in result.output
    assert "Aldersrogade: ejerlav 2000173, matrikelnummer 5418" in result.output
    assert "joined 6 stored moves to the new boundaries" in result.output
    counts = default_store.read("move_counts")
    into = counts[counts["dest_area_id"] == "mjoelnerparken"]
    assert int(into["movers"].sum()) == 6


def test_refused_list_exits_non_zero_and_leaves_the_store(default_store, tmp_path):
    rows = [*PER_AREA_ROWS, ("Bispeparken", "København", "2000175", "1")]
    listing = write_list_csv(tmp_path / "bilag1.csv", rows)
    cadastre = write_cadastre_gpkg(tmp_path / "matrikel.gpkg")
    before = hashlib.sha256(default_store.path.read_bytes()).hexdigest()
    result = CliRunner().invoke(cli, _args(default_store, listing, cadastre))
    assert result.exit_code == 1
    assert "none of the 1 parcel(s) of 'Bispeparken' is in the cadastre" in result.output
    assert "Traceback" not in result.output
    assert hashlib.sha256(default_store.path.read_bytes()).hexdigest() == before


def test_bad_date_is_a_usage_error(default_store, tmp_path):
    listing = write_list_csv(tmp_path / "bilag1.csv")
    cadastre = write_cadastre_gpkg(tmp_path / "matrikel.gpkg")
    args = _args(default_store, listing, cadastre)
    args[args.index("2018-11-29")] = "29/11/2018"
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--order-date" in result.output
