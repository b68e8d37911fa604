"""The PDF fact sheets: valid PDFs, read back, made without any network request."""

from __future__ import annotations

import io
import socket
import subprocess

import pytest
from pypdf import PdfReader

GELLERUP = "/omraader/gellerupparken-toveshoej/faktaark.pdf"


@pytest.fixture(scope="module")
def client_with_moves(demo_store_file):
    """The store with labelled synthetic moves, so the sheet has a flows section."""
    from service import create_app

    app = create_app({"TESTING": True, "STORE_PATH": str(demo_store_file), "ACCESS_LOG": False})
    return app.test_client()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection or resolve a name fails the test."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access while making a fact sheet: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_gellerup_sheet_is_a_valid_pdf_with_name_years_and_sources(client, no_network):
    response = client.get(GELLERUP)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _text(pdf)
    assert "Gellerupparken/Toveshøj" in text
    for year in range(2018, 2025):
        assert f"1.12.{year}" in text
    assert "Kilder" in text and "bl.dk" in text  # the official counts' source
    assert "Omdannelsesområde" in text and "Hårdt ghettoområde" in text  # the law's terms
    assert "Dataversion" in text and "Udviklingsplan" in text and "Nedrivning" in text
    assert no_network == []


def test_pdftotext_reads_the_same_sheet(client, tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_bytes(client.get(GELLERUP).data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert "Gellerupparken/Toveshøj" in out.stdout and "Listehistorik" in out.stdout


def test_english_sheet(client, no_network):
    text = _text(client.get(GELLERUP + "?sprog=en").data)
    assert "FACT SHEET" in text and "List history" in text and "Transformation area" in text


def test_sheet_flows_are_disclosure_controlled(client_with_moves):
    text = _text(client_with_moves.get(GELLERUP).data)
    assert "Syntetiske eksempeldata" in text
    assert "Tal under 5 offentliggøres ikke" in text


def test_municipality_sheet(client, no_network):
    response = client.get("/kommuner/751/faktaark.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "Aarhus" in text and "Gellerupparken/Toveshøj" in text and "Bispehaven" in text


@pytest.mark.parametrize("code", ["0159", "0210"])
def test_a_municipality_whose_areas_have_no_location_says_so(client, no_network, code):
    """Gladsaxe and Fredensborg: no area has a known location, so no map, but a sheet."""
    response = client.get(f"/kommuner/{code}/faktaark.pdf")
    assert response.status_code == 200
    assert "Ingen placering at tegne" in _text(response.data)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/omraader/no-such-area/faktaark.pdf", 404),
        ("/kommuner/0999/faktaark.pdf", 404),
        ("/kommuner/abc/faktaark.pdf", 404),
        (GELLERUP + "?sprog=fr", 400),
    ],
)
def test_sheet_errors(client, url, status):
    assert client.get(url).status_code == status


def test_a_sheet_that_reaches_out_is_refused(app):
    from weasyprint.urls import FatalURLFetchingError

    from service.pdf import html_to_pdf

    with app.app_context(), pytest.raises(FatalURLFetchingError, match="refused"):
        html_to_pdf('<html><body><img src="http://example.org/x.png"></body></html>')


def test_municipality_sheet_carries_its_areas_plans(client):
    text = _text(client.get("/kommuner/0751/faktaark.pdf").data)
    assert "Udviklingsplan" in text and "Nedrivning" in text
