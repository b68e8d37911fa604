"""The ``omraadekort`` command line: build the store, import files, inspect, serve.

Every command takes ``--store PATH`` (or the ``OMRAADEKORT_STORE`` environment variable);
the default is ``var/omraadekort.gpkg`` in the repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    from geo.seed import build_default_store

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
    refresh_export(store)


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
    refresh_export(store)


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
    refresh_export(store)


def refresh_export(store: Store) -> None:
    """Rewrite the static embed export after a change, when one is configured.

    ``OMRAADEKORT_EXPORT_DIR`` names the directory a web server serves;
    ``OMRAADEKORT_EXPORT_BASE_URL`` the address of the full site (for links out of embeds).
    Every command that changes the store calls this, so the export never lags the store.
    """
    directory = os.environ.get("OMRAADEKORT_EXPORT_DIR")
    if not directory:
        return
    _export(
        store,
        directory,
        os.environ.get("OMRAADEKORT_EXPORT_BASE_URL", "http://127.0.0.1:8000"),
        ("da",),
        _years(os.environ.get("OMRAADEKORT_EXPORT_YEARS", "")),
    )


def _years(text: str) -> tuple[int, ...] | None:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise click.ClickException(f"years {text!r} must be comma-separated years")
    return tuple(int(p) for p in parts) or None


def _export(
    store: Store,
    directory: str,
    base_url: str,
    languages: tuple[str, ...],
    years: tuple[int, ...] | None = None,
) -> None:
    from service import create_app
    from service.export import export_embeds

    app = create_app({"STORE_PATH": str(store.path), "ACCESS_LOG": False})
    try:
        report = export_embeds(app, directory, base_url=base_url, languages=languages, years=years)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"exported {report.pages} embed pages ({report.files} files, "
        f"{report.bytes / 1e6:.1f} MB) to {report.directory}"
    )


@cli.command("export-embeds")
@store_option
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--base-url",
    default=None,
    help="Address of the full site, for links out of the embeds. Default: "
    "$OMRAADEKORT_EXPORT_BASE_URL or http://127.0.0.1:8000.",
)
@click.option(
    "--lang",
    "languages",
    default="da",
    show_default=True,
    help="Comma-separated languages to export (da, en).",
)
@click.option("--years", default="", help="Comma-separated list years (default: all).")
def export_embeds_cmd(store_path, directory, base_url, languages, years):
    """Write every embed as static files for a web server (see README: static export)."""
    langs = tuple(x.strip() for x in languages.split(",") if x.strip())
    bad = [x for x in langs if x not in ("da", "en")]
    if bad:
        raise click.ClickException(f"--lang {bad[0]!r} is not one of da, en")
    base = base_url or os.environ.get("OMRAADEKORT_EXPORT_BASE_URL", "http://127.0.0.1:8000")
    _export(_store(store_path), directory, base, langs, _years(years))


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
    refresh_export(store)


dask_option = click.option(
    "--dask-scheduler",
    "dask_scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run the spatial join on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of "
    "in this process.",
)


@cli.command("import-moves")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--crs",
    default=None,
    help="CRS of the x/y coordinate columns, e.g. EPSG:25832 (lon/lat columns are WGS84; a "
    "GeoPackage or GeoParquet declares its own).",
)
@click.option("--source", default=None, help="Source text recorded with the data.")
@dask_option
def import_moves_cmd(store_path, file, crs, source, dask_scheduler):
    """Import relocation data (CSV, Parquet or GeoPackage; one row per move or per group with
    a weight). Replaces the moves in the store; the whole file is refused on any problem."""
    from geo.relocation.ingest import import_moves

    store = _store(store_path)
    try:
        result = import_moves(store, file, crs=crs, source=source, dask_scheduler=dask_scheduler)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{file}: {result.summary()}")
    refresh_export(store)


@cli.command("demo-moves")
@store_option
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--n", "n", default=20_000, show_default=True, type=int, help="Number of moves.")
def demo_moves_cmd(store_path, seed, n):
    """Store synthetic example moves (syntetiske eksempeldata) from the omdannelsesområder,
    replacing the moves in the store; every page built on them says so."""
    from geo.relocation.synthetic import store_demo_moves

    if n < 1:
        raise click.ClickException(f"--n {n} must be at least 1")
    store = _store(store_path)
    try:
        result = store_demo_moves(store, seed=seed, n=n)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"syntetiske eksempeldata (seed {seed}): {result.summary()}")
    refresh_export(store)


@cli.command("join-moves")
@store_option
@dask_option
def join_moves_cmd(store_path, dask_scheduler):
    """Join the stored moves to the store's areas and municipalities again (after importing
    new boundaries) and replace their counts."""
    from geo.relocation.ingest import rejoin_moves

    store = _store(store_path)
    try:
        counts = rejoin_moves(store, dask_scheduler=dask_scheduler)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"joined {counts.report.get('moves', 0)} moves into {len(counts.cells)} counted cells"
    )
    for note in counts.notes:
        click.echo(f"  note: {note}")
    refresh_export(store)


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
    # gthread keeps connections alive; on 2 cores 5 workers × 4 threads served the most
    # requests per second in bench/embeds.py (README, Performance).
    # the gunicorn installed beside this Python, so an unactivated virtualenv works
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    args = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "service:create_app()",
    ]
    os.execvp(args[0], args)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli())
