"""The ``omraadekort`` command line: build the store, import files, inspect, serve.

Every command takes ``--store PATH`` (or the ``OMRAADEKORT_STORE`` environment variable);
the default is ``var/omraadekort.gpkg`` in the repository. One module per group of commands:
``store`` (build-store, info), ``serving`` (serve, warm), ``imports`` (boundaries,
designations, indicators), ``parcels`` (import-parcels: official boundaries), ``moves``
(import-moves, demo-moves, join-moves, audit-disclosure), ``export`` (export-embeds).
"""

from __future__ import annotations

import sys

import click

from service.cli import export, imports, moves, parcels, plans, serving, store
from service.cli.common import Group


@click.group(cls=Group)
def cli() -> None:
    """Områdekort: maps of Denmark's designated social-housing areas.

    Exit status: 0 done, 1 input refused (nothing written), 2 store missing, damaged or
    read-only, a bad setting or a bad command line, 3 store busy for longer than --wait.
    Every command takes --debug (show the traceback on an error) and --wait SECONDS.
    """


for _command in (
    store.build_store,
    imports.import_boundaries_cmd,
    parcels.import_parcels_cmd,
    imports.import_designations_cmd,
    imports.import_indicators_cmd,
    plans.import_plans_cmd,
    plans.import_reports_cmd,
    export.export_embeds_cmd,
    moves.import_moves_cmd,
    moves.demo_moves_cmd,
    moves.join_moves_cmd,
    moves.audit_disclosure_cmd,
    store.info,
    serving.serve,
    serving.warm_cmd,
):
    cli.add_command(_command)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli())
