"""``import-plans`` and ``import-reports``: keep the development plans and the reports current."""

from __future__ import annotations

import click

from geo.errors import InputRejected
from service.cli.common import open_store, store_option
from service.cli.export import refresh_export


@click.command("import-plans")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Who supplied the file (recorded in provenance).")
def import_plans_cmd(store_path, file, source):
    """Import development-plan facts (CSV or Excel: area_name, fact_type, value, source_url;
    optional part, unit, date, decided_by, value_text, evidence_quote, note, conflict). The
    whole file is refused on any problem."""
    from indicators.plans import import_plans

    store = open_store(store_path)
    try:
        result = import_plans(store, file, source=source)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {file}: " + ", ".join(f"{k}={v}" for k, v in result.items()))
    refresh_export(store)


@click.command("import-reports")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Who supplied the file (recorded in provenance).")
def import_reports_cmd(store_path, file, source):
    """Import reports (CSV or Excel: title, track; optional report_id, publisher, year, areas,
    url, summary, summary_en, source). The whole file is refused on any problem."""
    from indicators.reports import import_reports

    store = open_store(store_path)
    try:
        result = import_reports(store, file, source=source)
    except InputRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {file}: " + ", ".join(f"{k}={v}" for k, v in result.items()))
    refresh_export(store)
