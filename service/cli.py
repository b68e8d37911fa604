"""The ``omraadekort`` command line: build the store, import files, inspect, serve.

Every command takes ``--store PATH`` (or the ``OMRAADEKORT_STORE`` environment variable);
the default is ``var/omraadekort.gpkg`` in the repository.
"""

from __future__ import annotations

import os
import sys

import click

from geo.errors import InputRejected
from geo.store import BASE_LAYERS, Store
from service import DEFAULT_STORE


def _store(path: str | None) -> Store:
    return Store(path or os.environ.get("OMRAADEKORT_STORE") or DEFAULT_STORE)


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Store (GeoPackage) to use. Default: $OMRAADEKORT_STORE or var/omraadekort.gpkg.",
)


@click.group()
def cli() -> None:
    """Områdekort: maps of Denmark's designated social-housing areas."""


@cli.command("build-store")
@store_option
@click.option("--if-missing", is_flag=True, help="Do nothing when the store already exists.")
@click.option(
    "--no-outline",
    is_flag=True,
    help="Build without Denmark's outline (when node_modules is not installed).",
)
@click.option(
    "--outline",
    "outline_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="world-atlas countries-10m.json to read the outline from.",
)
def build_store(store_path, if_missing, no_outline, outline_path):
    """Build the store from the embedded default data (replaces an existing store)."""
    from boundaries.outline import OutlineMissing
    from geo.defaults import build_default_store

    store = _store(store_path)
    if if_missing and store.exists():
        click.echo(f"store {store.path} exists; kept (data version {store.data_version})")
        return
    try:
        counts = build_default_store(store, outline_path=outline_path, with_outline=not no_outline)
    except OutlineMissing as exc:
        raise click.ClickException(str(exc)) from exc
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"built {store.path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@cli.command("import-boundaries")
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

    store = _store(store_path)
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


@cli.command("import-designations")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Source text recorded with every row.")
def import_designations_cmd(store_path, file, source):
    """Import official designation lists (CSV or Excel: year, area, municipality_code,
    category). Each (year, category) list in the file replaces the one in the store."""
    from indicators.lists import import_designations

    store = _store(store_path)
    try:
        result = import_designations(store, file, source=source)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {file}: " + ", ".join(f"{k}={v}" for k, v in result.items()))


@cli.command("import-indicators")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Source text recorded with every value.")
@click.option(
    "--synthetic",
    is_flag=True,
    help="The file is synthetic example data: kept apart from real values and labelled.",
)
def import_indicators_cmd(store_path, file, source, synthetic):
    """Import indicator values (CSV or Excel; long: area, year, code, value; or wide: area,
    year and one column per indicator code). The whole file is refused on any problem."""
    from indicators.values import SYNTHETIC_LABEL_DA, import_indicators

    store = _store(store_path)
    try:
        result = import_indicators(store, file, source=source, synthetic=synthetic)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    label = f" ({SYNTHETIC_LABEL_DA})" if synthetic else ""
    click.echo(f"imported {file}{label}: " + ", ".join(f"{k}={v}" for k, v in result.items()))


@cli.command("info")
@store_option
def info(store_path):
    """Show the store's layers, record counts and data version."""
    store = _store(store_path)
    click.echo(f"store: {store.path}")
    click.echo(f"data version: {store.data_version}")
    for name in store.layers():
        click.echo(f"  {name}: {len(store.read(name))} records")


@cli.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=None, type=int, help="gunicorn workers (default: 2 × cores + 1)."
)
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
def serve(store_path, host, port, workers, dev):
    """Run the web service (gunicorn; --dev for Flask's reloading development server)."""
    store = _store(store_path)
    os.environ["OMRAADEKORT_STORE"] = str(store.path)
    if dev:
        from service import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    args = [
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "2",
        "--access-logfile",
        "-",
        "service:create_app()",
    ]
    os.execvp(args[0], args)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli())
