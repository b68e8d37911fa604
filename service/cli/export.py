"""The static export of every embed, and its refresh after each import."""

from __future__ import annotations

import os

import click

from geo.errors import StoreError
from geo.store import Store
from service.cli.common import open_store, store_option


def refresh_export(store: Store) -> None:
    """Rewrite the static embed export after a change, when one is configured.

    ``OMRAADEKORT_EXPORT_DIR`` names the directory a web server serves;
    ``OMRAADEKORT_EXPORT_BASE_URL`` the address of the full site (for links out of embeds).
    Every command that changes the store calls this, so the export never lags the store;
    it first warms the service's response cache for the new version
    (:func:`service.cli.serving.warm_after_change`).
    """
    from service.cli.serving import warm_after_change

    warm_after_change(store)
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
    if not all(p.isascii() and p.isdigit() and len(p) == 4 for p in parts):
        raise click.UsageError(f"years {text!r} must be comma-separated years such as 2023,2024")
    return tuple(int(p) for p in parts) or None


def _export(
    store: Store,
    directory: str,
    base_url: str,
    languages: tuple[str, ...],
    years: tuple[int, ...] | None = None,
) -> None:
    from service import create_app
    from service.embeds.export import export_embeds

    problems = store.check()
    if problems:
        raise StoreError("; ".join(problems))
    app = create_app({"STORE_PATH": str(store.path), "ACCESS_LOG": False})
    try:
        report = export_embeds(app, directory, base_url=base_url, languages=languages, years=years)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"exported {report.pages} embed pages ({report.files} files, "
        f"{report.bytes / 1e6:.1f} MB) to {report.directory}"
    )


@click.command("export-embeds")
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
    _export(open_store(store_path), directory, base, langs, _years(years))
