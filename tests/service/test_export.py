"""The static export of the embeds, and its refresh after every import."""

import re

import pytest
from click.testing import CliRunner

from geo.seed import build_default_store
from geo.store import Store
from service.cli import cli


@pytest.mark.slow  # renders every embed of a year: half a minute
def test_export_writes_static_embeds_without_query_urls(tmp_path):
    store = Store(tmp_path / "s.gpkg")
    build_default_store(store)
    out = tmp_path / "export"
    result = CliRunner().invoke(
        cli,
        [
            "export-embeds",
            "--store",
            str(store.path),
            "--years",
            "2024",
            "--base-url",
            "https://omraadekort.example",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    page = out / "embed" / "kommune" / "0751" / "2024" / "da"
    html = (page / "index.html").read_text()
    assert '<script src="kort.js"></script>' in html
    assert 'href="tabel.html"' in html
    assert 'href="https://omraadekort.example/kommuner/0751?aar=2024"' in html
    assert "export.invalid" not in html
    for ref in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        assert "?" not in ref and (out / ref.lstrip("/")).is_file(), ref
    js = (page / "kort.js").read_text()
    assert "L.map(" in js and 'href=\\"https://omraadekort.example/omraader/' in js
    table = (page / "tabel.html").read_text()
    assert 'href="index.html"' in table and "Bispehaven" in table
    assert (out / "embed" / "national" / "2024" / "da" / "index.html").is_file()
    assert (out / "embed" / "omraade" / "vollsmose" / "da" / "index.html").is_file()
    assert not (out / "embed" / "national" / "2023").exists()


@pytest.mark.slow  # an export, an import, the warm-up and the export again
def test_every_import_refreshes_the_export(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.gpkg")
    build_default_store(store)
    out = tmp_path / "export"
    monkeypatch.setenv("OMRAADEKORT_EXPORT_DIR", str(out))
    monkeypatch.setenv("OMRAADEKORT_EXPORT_YEARS", "2024")
    lists = tmp_path / "liste.csv"
    lists.write_text(
        "year;area;municipality_code;category\n2024;Holtbjerg;657;udsat\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["import-designations", "--store", str(store.path), str(lists)]
    )
    assert result.exit_code == 0, result.output
    assert "exported" in result.output
    table = (out / "embed" / "national" / "2024" / "da" / "tabel.html").read_text()
    assert "Holtbjerg" in table
