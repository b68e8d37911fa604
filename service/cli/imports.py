"""Import commands for boundaries, designation lists and indicator values."""

from __future__ import annotations

import sys

import click

from geo.errors import InputRejected
from geo.store import BASE_LAYERS
from service.cli.common import open_store, store_option
from service.cli.export import refresh_export


@click.command("import-boundaries")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--layer",
    type=click.Choice(("areas", *BASE_LAYERS)),
    required=True,
    help="Which layer the polygons are.",
)
@click.option(
    "--id-field", default=None, help="Field holding the code (base layers) or area id (areas)."
)
@click.option("--name-field", default=None, help="Field holding the name.")
@click.option(
    "--crs", default=None, help="CRS of a file that declares none, e.g. EPSG:4326 or EPSG:25832."
)
@click.option(
    "--add-new",
    is_flag=True,
    help="Areas only: add features that match no known area as new areas.",
)
@click.option("--source", default=None, help="Source text recorded with the data.")
def import_boundaries_cmd(store_path, file, layer, id_field, name_field, crs, add_new, source):
    """Import polygons from GeoPackage, Shapefile (.shp or .zip), GeoJSON or TopoJSON."""
    from boundaries.importer import import_boundaries

    store = open_store(store_path, write=True)
    try:
        report = import_boundaries(
            store,
            file,
            layer=layer,
            id_field=id_field,
            name_field=name_field,
            crs=crs,
            add_new=add_new,
            progress=sys.stderr.isatty(),
            source=source,
        )
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    click.echo(report.summary())
    refresh_export(store)


@click.command("import-designations")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Source text recorded with every row.")
@click.option(
    "--add-new",
    is_flag=True,
    help="Add areas the store does not know (drawn around their municipality's main town) "
    "instead of refusing the file.",
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="The sheet to read from an Excel workbook with several (one is never guessed).",
)
def import_designations_cmd(store_path, file, source, add_new, sheet):
    """Import official designation lists (CSV or Excel: year, area, municipality_code,
    category). Each (year, category) list in the file replaces the one in the store."""
    from indicators.lists import import_designations

    store = open_store(store_path, write=True)
    try:
        result = import_designations(store, file, source=source, add_new=add_new, sheet=sheet)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {file}: " + ", ".join(f"{k}={v}" for k, v in result.items()))
    refresh_export(store)


@click.command("import-indicators")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Source text recorded with every value.")
@click.option(
    "--synthetic",
    is_flag=True,
    help="The file is synthetic example data: kept apart from real values and labelled.",
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="The sheet to read from an Excel workbook with several (one is never guessed).",
)
def import_indicators_cmd(store_path, file, source, synthetic, sheet):
    """Import indicator values (CSV or Excel; long: area, year, code, value; or wide: area,
    year and one column per indicator code). The whole file is refused on any problem."""
    from indicators.values import SYNTHETIC_LABEL_DA, import_indicators

    store = open_store(store_path, write=True)
    try:
        result = import_indicators(store, file, source=source, synthetic=synthetic, sheet=sheet)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    label = f" ({SYNTHETIC_LABEL_DA})" if synthetic else ""
    click.echo(f"imported {file}{label}: " + ", ".join(f"{k}={v}" for k, v in result.items()))
    refresh_export(store)
