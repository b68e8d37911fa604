"""``import-parcels``: official area boundaries from the order's Bilag 1 and the cadastre."""

from __future__ import annotations

import click

from geo.errors import InputRejected
from service.cli.common import open_store, store_option
from service.cli.export import refresh_export
from service.settings import min_published_count

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _iso(value) -> str | None:
    return value.date().isoformat() if value is not None else None


@click.command("import-parcels")
@store_option
@click.argument("parcel_list", metavar="LIST", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--cadastre",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The cadastre (Matriklen): GeoPackage, GML, Shapefile (.shp or .zip) or GeoJSON.",
)
@click.option(
    "--order-number", required=True, help="Number of the order whose Bilag 1 this is, e.g. 1365."
)
@click.option("--order-date", required=True, type=_DATE, help="The order's date, e.g. 2018-11-29.")
@click.option(
    "--list-date",
    type=_DATE,
    default=None,
    help="The date the boundaries are in force from (default: the order's date); a list year "
    "is drawn with the boundary in force on 1 December.",
)
@click.option(
    "--cadastre-date",
    type=_DATE,
    default=None,
    help="The date of the cadastre extract (default: a GeoPackage's own date of the layer).",
)
@click.option(
    "--layer", default="jordstykke", show_default=True, help="The cadastre's parcel layer."
)
@click.option("--ejerlav-field", default=None, help="The cadastre's ejerlav code field.")
@click.option("--parcel-field", default=None, help="The cadastre's matrikelnummer field.")
@click.option("--crs", default=None, help="CRS of a cadastre file that declares none.")
@click.option(
    "--add-new", is_flag=True, help="Add areas of the list that match no known area as new areas."
)
@click.option("--source", default=None, help="Source text recorded with the boundaries.")
def import_parcels_cmd(
    store_path,
    parcel_list,
    cadastre,
    order_number,
    order_date,
    list_date,
    cadastre_date,
    layer,
    ejerlav_field,
    parcel_field,
    crs,
    add_new,
    source,
):
    """Build official area boundaries: the parcels of each area in LIST (the order's Bilag 1,
    CSV or Excel) joined to the cadastre, then join the stored moves to them again."""
    from boundaries.parcels import import_parcels
    from geo.relocation.ingest import rejoin_moves

    threshold = min_published_count()  # a bad setting stops the command before any work
    store = open_store(store_path)
    # One writer from the first read to the re-join: no other import can come in between.
    with store.writing():
        try:
            report = import_parcels(
                store,
                parcel_list,
                cadastre,
                order_number=order_number,
                order_date=_iso(order_date),
                list_date=_iso(list_date),
                cadastre_date=_iso(cadastre_date),
                layer=layer,
                ejerlav_field=ejerlav_field,
                parcel_field=parcel_field,
                crs=crs,
                add_new=add_new,
                source=source,
            )
        except InputRejected as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(report.summary())
        if store.has("move_counts"):
            try:
                counts = rejoin_moves(store, threshold=threshold)
            except (InputRejected, ValueError) as exc:
                raise click.ClickException(
                    f"the boundaries were imported, but joining the stored moves to them failed "
                    f"({exc}); the flows are marked stale until `omraadekort join-moves` runs"
                ) from exc
            click.echo(
                f"joined {counts.report.get('moves', 0)} stored moves to the new boundaries "
                f"into {len(counts.cells)} counted cells"
            )
    refresh_export(store)
