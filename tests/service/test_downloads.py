"""Downloads as a planner opens them: Danish Excel CSV, RFC 4180 CSV, .xlsx, filters."""

import csv
import io

import openpyxl
import pytest

from service.downloads import csv_bytes, neutralise


def _danish_excel(body: bytes) -> list[list[str]]:
    """Read a CSV the way da-DK Excel does on double-click: utf-8-sig and ';'."""
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_areas_csv_reads_as_danish_excel(client):
    response = client.get("/api/areas?format=csv&year=2024&municipality=0751")
    assert response.status_code == 200
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = _danish_excel(body)
    header, data = rows[0], rows[1:]
    assert len(header) > 10 and all(len(r) == len(header) for r in data)
    assert "municipality_code" in header and "centroid_lon" in header
    codes = {r[header.index("municipality_code")] for r in data}
    assert codes == {"0751"}
    lon = data[0][header.index("centroid_lon")]
    assert "," in lon and "." not in lon  # decimal comma
    disposition = response.headers["Content-Disposition"]
    assert "omraadekort-omraader-2024-aarhus-0751.csv" in disposition


def test_areas_csv_rfc4180_variant(client):
    response = client.get("/api/areas?format=csv&year=2024&dialekt=rfc4180")
    body = response.get_data()
    assert not body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    header = rows[0]
    assert all(len(r) == len(header) for r in rows[1:])
    assert "." in rows[1][header.index("centroid_lon")]
    assert b"\r\n" in body
    assert "rfc4180" in response.headers["Content-Disposition"]


def test_all_years_file_has_every_list_year(client):
    years = [y["year"] for y in client.get("/api/years").get_json()["years"]]
    rows = _danish_excel(client.get("/api/areas?format=csv&year=alle").get_data())
    header = rows[0]
    assert {int(r[header.index("year")]) for r in rows[1:]} == set(years)


def test_municipality_filter_is_honoured_in_json(client):
    body = client.get("/api/areas?year=2024&municipality=751").get_json()
    assert body["count"] > 0
    assert {a["municipality_code"] for a in body["areas"]} == {"0751"}
    bad = client.get("/api/areas?municipality=aarhus")
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_parameter"


def test_xlsx_has_data_dictionary_and_sources(client):
    response = client.get("/api/areas?format=xlsx&year=2024")
    assert response.status_code == 200
    assert "omraadekort-omraader-2024.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Områder", "Dataordbog", "Kilder"]
    data = list(book["Områder"].values)
    header = data[0]
    code = data[1][header.index("municipality_code")]
    assert isinstance(code, str) and len(code) == 4
    dictionary = {row[0]: row[1] for row in list(book["Dataordbog"].values)[1:]}
    assert set(header) <= set(dictionary) and all(dictionary[c] for c in header)
    sources = list(book["Kilder"].values)
    assert len(sources) > 3 and "kilde" in sources[0]


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_prefix_is_neutralised(text):
    assert neutralise(text) == "'" + text
    rows = _danish_excel(csv_bytes(["name"], [[text], [-2.5]]))
    assert rows[1] == ["'" + text] and rows[2] == ["-2,5"]  # numbers stay numbers


def test_formula_prefix_is_neutralised_in_xlsx():
    import pandas as pd

    from service.downloads import xlsx_bytes

    book = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes([("x", pd.DataFrame({"name": ["=HYPERLINK(1)"]}))]))
    )
    cell = book["x"]["A2"]
    assert cell.value == "'=HYPERLINK(1)" and cell.data_type == "s"
