"""Every command against a missing, a damaged and a read-only store: one message, the right
exit status (1 refused input, 2 broken store or usage, 3 busy), never a traceback, and the
store left as it was."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from geo.store import Store
from service.cli import cli


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    (d / "kommuner.geojson").write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":'
        '"urn:ogc:def:crs:EPSG::25832"}},"features":[{"type":"Feature","properties":'
        '{"KOMKODE":"0101","KOMNAVN":"København"},"geometry":{"type":"Polygon","coordinates":'
        "[[[720000,6175000],[721000,6175000],[721000,6176000],[720000,6176000],"
        "[720000,6175000]]]}}]}",
        encoding="utf-8",
    )
    (d / "lister.csv").write_text(
        "year;area;municipality_code;category\n2022;Vollsmose;461;udsat\n", encoding="utf-8"
    )
    (d / "indikatorer.csv").write_text("area;year;residents\nVollsmose;2022;1.200\n")
    (d / "flytninger.csv").write_text("year,origin_area,dest_municipality\n2022,Vollsmose,461\n")
    return {p.stem: p for p in d.iterdir()}


def _commands(inputs, tmp_path) -> dict[str, list[str]]:
    return {
        "build-store": ["build-store", "--no-outline"],
        "import-boundaries": [
            "import-boundaries",
            str(inputs["kommuner"]),
            "--layer",
            "municipalities",
            "--id-field",
            "KOMKODE",
        ],
        "import-designations": ["import-designations", str(inputs["lister"])],
        "import-indicators": ["import-indicators", str(inputs["indikatorer"])],
        "import-moves": ["import-moves", str(inputs["flytninger"])],
        "demo-moves": ["demo-moves", "--n", "200"],
        "join-moves": ["join-moves"],
        "export-embeds": ["export-embeds", str(tmp_path / "export"), "--years", "2024"],
        "info": ["info"],
        "serve": ["serve", "--port", "8179", "--no-warm"],
    }


COMMANDS = [
    "build-store",
    "import-boundaries",
    "import-designations",
    "import-indicators",
    "import-moves",
    "demo-moves",
    "join-moves",
    "export-embeds",
    "info",
    "serve",
]
# build-store makes a missing store and replaces a damaged one: that is how one recovers
EXPECTED = {
    "missing": {c: 0 if c == "build-store" else 2 for c in COMMANDS},
    "corrupt": {c: 0 if c == "build-store" else 2 for c in COMMANDS},
    # reading a read-only store is fine; writing it is refused (serve: see below)
    "read-only": {c: 0 if c in ("info", "export-embeds") else 2 for c in COMMANDS if c != "serve"},
}


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("built") / "store.gpkg"
    result = CliRunner().invoke(cli, ["build-store", "--no-outline", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _broken(kind: str, tmp_path: Path, built_store: Path) -> Path:
    path = tmp_path / "store" / "store.gpkg"
    if kind == "missing":
        return path
    path.parent.mkdir()
    if kind == "corrupt":
        # a GeoPackage whose pages were overwritten: SQLite's header, garbage after it
        path.write_bytes(built_store.read_bytes()[:100] + os.urandom(4096))
    else:
        shutil.copy(built_store, path)
        path.chmod(0o444)
    return path


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        # exporting from a read-only store works: it renders a whole year's embeds (slow)
        pytest.param(k, c, marks=pytest.mark.slow)
        if (k, c) == ("read-only", "export-embeds")
        else (k, c)
        for k, commands in EXPECTED.items()
        for c in commands
    ],
)
def test_command_against_a_broken_store(kind, command, inputs, tmp_path, built_store, monkeypatch):
    monkeypatch.setattr(os, "execvp", lambda *a: pytest.fail("serve started on a broken store"))
    path = _broken(kind, tmp_path, built_store)
    before = _digest(path)
    args = [*_commands(inputs, tmp_path)[command], "--store", str(path)]
    result = CliRunner().invoke(cli, args)
    expected = EXPECTED[kind][command]
    assert result.exit_code == expected, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    if expected:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: store "), result.stderr
        assert {"missing": "does not exist", "corrupt": "cannot be read", "read-only": "read-only"}[
            kind
        ] in lines[0]
        assert _digest(path) == before  # nothing written
        if kind == "missing":
            assert not path.parent.exists()  # not even a directory or a lock file
    if kind == "read-only":
        assert _digest(path) == before


def test_debug_shows_the_traceback(tmp_path):
    missing = tmp_path / "nope" / "store.gpkg"
    plain = CliRunner().invoke(cli, ["info", "--store", str(missing)])
    debug = CliRunner().invoke(cli, ["info", "--store", str(missing), "--debug"])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.stderr
    assert "Traceback (most recent call last)" in debug.stderr
    assert "StoreError" in debug.stderr


def test_refused_input_exits_1_with_the_reason(built_store, tmp_path):
    store = tmp_path / "s.gpkg"
    shutil.copy(built_store, store)
    bad = tmp_path / "bad.csv"
    bad.write_text("area;year;residents\nMunkebo Nord;2022;1200\n", encoding="utf-8")
    before = _digest(store)
    result = CliRunner().invoke(cli, ["import-indicators", str(bad), "--store", str(store)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "did you mean 'Munkebo'?" in result.stderr
    assert _digest(store) == before


def test_usage_errors_exit_2(built_store):
    result = CliRunner().invoke(cli, ["demo-moves", "--n", "0", "--store", str(built_store)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["info", "--wait", "-1"])
    assert result.exit_code == 2


def test_bad_setting_stops_serve(built_store, monkeypatch):
    monkeypatch.setattr(os, "execvp", lambda *a: pytest.fail("serve started with a bad setting"))
    monkeypatch.setenv("OMRAADEKORT_EMBED_FRAME_ANCESTORS", "https://a.dk\r\nSet-Cookie: x=1")
    result = CliRunner().invoke(cli, ["serve", "--store", str(built_store), "--no-warm"])
    assert result.exit_code == 2
    assert "OMRAADEKORT_EMBED_FRAME_ANCESTORS contains a control character" in result.stderr


@pytest.mark.slow
def test_imports_protect_for_the_threshold_the_service_publishes_with(
    built_store, tmp_path, monkeypatch
):
    """One setting, one reading: the commands take MIN_PUBLISHED_COUNT exactly as the service
    does (validated the same way), and the stored protection is for that threshold."""
    store = tmp_path / "s.gpkg"
    shutil.copy(built_store, store)
    monkeypatch.setenv("OMRAADEKORT_MIN_PUBLISHED_COUNT", "2")
    before = _digest(store)
    result = CliRunner().invoke(cli, ["demo-moves", "--n", "300", "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "OMRAADEKORT_MIN_PUBLISHED_COUNT is 2" in result.stderr
    assert _digest(store) == before
    monkeypatch.setenv("OMRAADEKORT_MIN_PUBLISHED_COUNT", "7")
    result = CliRunner().invoke(cli, ["demo-moves", "--n", "300", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "threshold 7" in result.output
    stored = Store(store).read("move_join").set_index("key")["value"]
    assert stored["protection.threshold"] == "7"


def test_an_import_whose_flows_fail_the_audit_is_refused(built_store, tmp_path, monkeypatch):
    """When no suppression passes the attacker's audit, nothing is published: the import
    exits 1 naming the cell and the store is byte-identical."""
    import geo.relocation.audit as audit_module

    real_audit = audit_module.audit

    def failing_audit(cube, publishable, suppressed, threshold, *args, **kwargs):
        report = real_audit(cube, publishable, suppressed, threshold, *args, **kwargs)
        cell = tuple(int(c) for c in np.argwhere((cube.values > 0) & (cube.values < 5))[0])
        report.failures.append(
            audit_module.CellFailure(
                cell,
                audit_module.cell_name(cube, cell),
                int(cube.values[cell]),
                1,
                2,
                1,
                "the attacker's upper bound is below the threshold",
                "upper",
            )
        )
        return report

    monkeypatch.setattr(audit_module, "audit", failing_audit)
    store = tmp_path / "s.gpkg"
    shutil.copy(built_store, store)
    moves = tmp_path / "flytninger.csv"
    moves.write_text(
        "år;fra_område;til_kommune;antal\n2022;Vollsmose;0461;3\n2022;Vollsmose;0101;40\n",
        encoding="utf-8",
    )
    before = _digest(store)
    result = CliRunner().invoke(cli, ["import-moves", str(moves), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert "refusing to publish relocation flows that fail the disclosure audit" in result.stderr
    assert "FAIL year=*, reason=*, origin=*, dest=m:0461" in result.stderr
    assert "Traceback" not in result.output
    assert _digest(store) == before


def _run(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("omraadekort")), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.slow
def test_two_imports_in_two_processes_keep_both_changes(built_store, tmp_path):
    """Two writers started together: the second waits for the first (saying so), then
    imports on top of it; both changes are in the store and both exit 0."""
    store = tmp_path / "s.gpkg"
    shutil.copy(built_store, store)
    first = tmp_path / "a.csv"
    first.write_text("area;year;residents\nVollsmose;2021;1.111\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("area;year;residents\nBispehaven;2021;2.222\n", encoding="utf-8")
    # hold the lock as a third writer would, so that both imports have to queue behind it
    holder = Store(store)
    with holder.writing():
        a = _run("import-indicators", str(first), "--store", str(store))
        b = _run("import-indicators", str(second), "--store", str(store))
        deadline = time.monotonic() + 120
        waiting = ""
        while "waiting" not in waiting and time.monotonic() < deadline:
            waiting += b.stderr.readline()
        assert "is being written by pid" in waiting
    out_a, err_a = a.communicate(timeout=300)
    out_b, err_b = b.communicate(timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    from indicators.values import read_indicators

    values = read_indicators(Store(store))
    rows = values[(values.code == "residents") & (values.year == 2021)]
    got = {(r.area_id, int(r.year)): r.value for r in rows.itertuples()}
    assert got == {("vollsmose", 2021): 1111, ("bispehaven", 2021): 2222}


def test_busy_store_exits_3_after_wait(built_store, tmp_path):
    store = tmp_path / "s.gpkg"
    shutil.copy(built_store, store)
    data = tmp_path / "a.csv"
    data.write_text("area;year;residents\nVollsmose;2021;1200\n", encoding="utf-8")
    before = _digest(store)
    with Store(store).writing():
        proc = _run("import-indicators", str(data), "--store", str(store), "--wait", "1")
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 3
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("Error: store ")
    assert "after 1 s" in err
    assert _digest(store) == before


@pytest.mark.slow
def test_serve_runs_on_a_read_only_store(built_store, tmp_path):
    store = tmp_path / "ro.gpkg"
    shutil.copy(built_store, store)
    store.chmod(0o444)
    proc = _run("serve", "--store", str(store), "--port", "8178", "--workers", "1", "--no-warm")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8178/healthz", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "gunicorn did not come up"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def test_import_moves_workers_option(built_store, tmp_path):
    """``--workers N`` checks and joins in worker processes with the same result as one
    process; a count below 1 is a usage error that changes nothing."""
    moves = tmp_path / "flytninger.csv"
    moves.write_text(
        "år;fra_område;til_kommune;antal\n2022;Vollsmose;0461;30\n2022;Vollsmose;0101;40\n",
        encoding="utf-8",
    )
    outputs = []
    for workers in ("1", "2"):
        store = tmp_path / f"s{workers}.gpkg"
        shutil.copy(built_store, store)
        args = ["import-moves", str(moves), "--store", str(store), "--workers", workers]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        outputs.append(re.sub(r" in [\d.]+ s \([\d,]+ rows/s\)", "", result.output))
    assert outputs[0] == outputs[1] and "imported 2 rows (70 movers)" in outputs[0]
    before = _digest(store)
    result = CliRunner().invoke(
        cli, ["import-moves", str(moves), "--store", str(store), "--workers", "0"]
    )
    assert result.exit_code == 2 and "--workers" in result.output
    assert _digest(store) == before
