"""Store commands: build the default store, show what it holds."""

from __future__ import annotations

import click

from geo.errors import InputRejected, StoreError
from service.cli.common import open_store, store_option
from service.cli.export import refresh_export


@click.command("build-store")
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

    store = open_store(store_path, write=True, create=True)
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


@click.command("info")
@store_option
def info(store_path):
    """Show the store's layers, record counts and data version."""
    store = open_store(store_path)
    problems = store.check()
    if problems:
        raise StoreError("; ".join(problems))
    click.echo(f"store: {store.path}")
    click.echo(f"data version: {store.data_version}")
    for name in store.layers():
        click.echo(f"  {name}: {len(store.read(name))} records")
