"""`omraadekort audit-disclosure`, the information loss printed by imports and shown on /om."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from geo.relocation.analyses import load_flows, publishable_cells
from geo.relocation.audit import audit
from geo.relocation.synthetic import store_demo_moves
from geo.seed import build_default_store
from geo.store import Store
from service import create_app
from service.cli import cli


@pytest.fixture(scope="module")
def small_flows_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "store.gpkg"
    store = Store(path)
    build_default_store(store, with_outline=False)
    store_demo_moves(store, seed=3, n=600)
    return path


def test_audit_command_reports_every_view_and_fails_exactly_when_a_cell_is_too_narrow(
    small_flows_store,
):
    result = CliRunner().invoke(
        cli, ["audit-disclosure", "--store", str(small_flows_store), "--max-failures", "0"]
    )
    flows = load_flows(Store(small_flows_store), 5)
    cube = flows.protection.cube
    report = audit(cube, publishable_cells(cube.dims), flows.protection.suppressed, 5)
    assert result.exit_code == (0 if report.ok else 1), result.output
    assert f"{report.checked} cells with 1–4 persons checked" in result.output
    for failure in report.failures:
        assert failure.name in result.output
    assert "standardvisningen" in result.output
    assert re.search(r"\d+ of \d+ cells and \d+ of \d+ persons hidden", result.output)


def test_audit_command_refuses_a_threshold_below_three(small_flows_store):
    result = CliRunner().invoke(
        cli, ["audit-disclosure", "--store", str(small_flows_store), "--threshold", "2"]
    )
    assert result.exit_code == 1
    assert "below 3" in result.output
    assert "Traceback" not in result.output


def test_about_page_shows_the_information_loss_per_view(small_flows_store):
    app = create_app({"TESTING": True, "STORE_PATH": str(small_flows_store), "ACCESS_LOG": False})
    html = app.test_client().get("/om").get_data(as_text=True)
    assert "Diskretionering af flytninger" in html
    flows = load_flows(Store(small_flows_store), 5)
    from geo.relocation.publication import flow_views, information_loss

    cube = flows.protection.cube
    default = information_loss(cube, flows.protection.suppressed, flow_views(cube.dims))[0]
    row = re.search(r"standardvisningen\)</th>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[:4] == [
        str(default.cells_hidden),
        str(default.cells),
        str(default.persons_hidden),
        str(default.persons),
    ]
    assert default.persons == 600  # every mover is in one cell of the default view


def test_about_page_without_moves_has_no_loss_table(client):
    assert "Diskretionering af flytninger" not in client.get("/om").get_data(as_text=True)
