"""What every command shares: the ``--store`` option and opening the store."""

from __future__ import annotations

import os

import click

from geo.store import Store
from service import DEFAULT_STORE


def open_store(path: str | None) -> Store:
    """The store at ``path``, else ``$OMRAADEKORT_STORE``, else ``var/omraadekort.gpkg``."""
    return Store(path or os.environ.get("OMRAADEKORT_STORE") or DEFAULT_STORE)


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Store (GeoPackage) to use. Default: $OMRAADEKORT_STORE or var/omraadekort.gpkg.",
)
