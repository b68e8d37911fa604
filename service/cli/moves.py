"""Relocation data: import moves, store synthetic demo moves, re-join after new boundaries."""

from __future__ import annotations

import click

from geo.errors import InputRejected
from geo.relocation.disclosure import DisclosureRefused
from service.cli.common import open_store, store_option
from service.cli.export import refresh_export
from service.settings import min_published_count

dask_option = click.option(
    "--dask-scheduler",
    "dask_scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of in this process: the "
    "workers read the Parquet partitions themselves (the input and the store's directory must "
    "be at the same path on every worker).",
)


def _echo_disclosure(store) -> None:
    """Print the information loss of the stored protection, per view."""
    from geo.relocation.analyses import load_flows
    from geo.relocation.publication import flow_views, information_loss

    flows = load_flows(store, min_published_count())
    if flows is None:
        return
    cube = flows.protection.cube
    join = store.read("move_join") if store.has("move_join") else None
    if join is not None:
        for key, value in zip(join["key"], join["value"], strict=True):
            if str(key).startswith("protection.audit."):
                click.echo(f"{key.removeprefix('protection.audit.')}: {value}")
    click.echo(f"disclosure control (threshold {flows.threshold}), hidden per view:")
    for loss in information_loss(cube, flows.protection.suppressed, flow_views(cube.dims)):
        click.echo(f"  {loss.line()}")


@click.command("import-moves")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=True))
@click.option(
    "--crs",
    default=None,
    help="CRS of the x/y coordinate columns, e.g. EPSG:25832 (lon/lat columns are WGS84; a "
    "GeoPackage or GeoParquet declares its own).",
)
@click.option("--source", default=None, help="Source text recorded with the data.")
@dask_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that check and join chunks while this one reads (default: this machine's "
    "cores for a million rows or more, else 1; the result is the same).",
)
def import_moves_cmd(store_path, file, crs, source, dask_scheduler, workers):
    """Import relocation data (CSV, Parquet, a directory of Parquet files, or GeoPackage; one
    row per move or per group with a weight), streamed in chunks. Replaces the moves in the
    store; the whole file is refused on any problem. Shows progress on a terminal."""
    from pathlib import Path

    from geo.relocation.ingest import TerminalProgress, import_moves

    threshold = min_published_count()  # a bad setting stops the command before any work
    store = open_store(store_path, write=True)
    progress = TerminalProgress(Path(file).name)
    try:
        result = import_moves(
            store,
            file,
            crs=crs,
            source=source,
            dask_scheduler=dask_scheduler,
            progress=progress,
            threshold=threshold,
            workers=workers,
        )
    except (InputRejected, DisclosureRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        progress.close()
    click.echo(f"{file}: {result.summary()}")
    _echo_disclosure(store)
    refresh_export(store)


@click.command("demo-moves")
@store_option
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--n", "n", default=20_000, show_default=True, type=int, help="Number of moves.")
def demo_moves_cmd(store_path, seed, n):
    """Store synthetic example moves (syntetiske eksempeldata) from the omdannelsesområder,
    replacing the moves in the store; every page built on them says so."""
    from geo.relocation.synthetic import store_demo_moves

    if n < 1:
        raise click.BadParameter(f"{n} must be at least 1", param_hint="--n")
    threshold = min_published_count()  # a bad setting stops the command before any work
    store = open_store(store_path, write=True)
    try:
        result = store_demo_moves(store, seed=seed, n=n, threshold=threshold)
    except (ValueError, DisclosureRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"syntetiske eksempeldata (seed {seed}): {result.summary()}")
    _echo_disclosure(store)
    refresh_export(store)


@click.command("join-moves")
@store_option
@dask_option
def join_moves_cmd(store_path, dask_scheduler):
    """Join the stored moves to the store's areas and municipalities again (after importing
    new boundaries) and replace their counts."""
    from geo.relocation.ingest import rejoin_moves

    threshold = min_published_count()  # a bad setting stops the command before any work
    store = open_store(store_path, write=True)
    try:
        counts = rejoin_moves(store, dask_scheduler=dask_scheduler, threshold=threshold)
    except (InputRejected, DisclosureRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"joined {counts.report.get('moves', 0)} moves into {len(counts.cells)} counted cells"
    )
    for note in counts.notes:
        click.echo(f"  note: {note}")
    _echo_disclosure(store)
    refresh_export(store)


@click.command("audit-disclosure")
@store_option
@click.option(
    "--threshold",
    default=None,
    type=int,
    help="Smallest publishable count (default: OMRAADEKORT_MIN_PUBLISHED_COUNT, else 5).",
)
@click.option(
    "--max-failures",
    default=20,
    show_default=True,
    type=int,
    help="Stop after this many failing cells on a side (0: find them all).",
)
def audit_disclosure_cmd(store_path, threshold, max_failures):
    """Audit the published relocation flows as an attacker would: for every cell with fewer
    persons than the threshold, the interval derivable from everything published (every view,
    every sum, non-negativity, suppressed ⇒ at least 1) must reach the threshold and 1. Exits
    with status 1, naming the cells, when any interval is too narrow."""
    from geo.relocation.analyses import load_flows, publishable_cells
    from geo.relocation.audit import audit
    from geo.relocation.disclosure import check_threshold
    from geo.relocation.publication import flow_views, information_loss

    try:
        threshold = None if threshold is None else check_threshold(threshold)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if threshold is None:
        threshold = min_published_count()
    store = open_store(store_path)
    flows = load_flows(store, threshold)
    if flows is None:
        click.echo("the store has no moves: no flows are published")
        return
    protection = flows.protection
    cube = protection.cube
    report = audit(
        cube,
        publishable_cells(cube.dims),
        protection.suppressed,
        threshold,
        max_failures=max_failures or None,
    )
    click.echo(report.summary())
    click.echo("information loss:")
    for loss in information_loss(cube, protection.suppressed, flow_views(cube.dims)):
        click.echo(f"  {loss.line()}")
    if not report.ok:
        raise click.ClickException(
            f"{len(report.failures)} cells fail the disclosure audit; do not publish this store"
        )
