"""The streamed moves import: chunk boundaries, true row numbers, the raw-moves dataset beside
the store, plausibility rules, the one number parser, progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.errors import InputRejected
from geo.relocation.checks import numbers_of
from geo.relocation.ingest import TerminalProgress, import_moves, rejoin_moves
from geo.seed import build_default_store
from geo.store import Store
from geo.tabular import parse_number

HEAD = "year,origin_area,dest_municipality,move_id"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("stream") / "template.gpkg"
    build_default_store(Store(path), with_outline=False)
    return path


@pytest.fixture
def store(template, tmp_path) -> Store:
    path = tmp_path / "store" / "store.gpkg"
    path.parent.mkdir()
    shutil.copy(template, path)
    return Store(path)


def _state(store: Store) -> tuple[str, list[str]]:
    """The store file's digest and everything beside it (datasets included)."""
    digest = hashlib.sha256(store.path.read_bytes()).hexdigest()
    beside = sorted(
        str(p.relative_to(store.path.parent))
        for p in store.path.parent.rglob("*")
        if not p.name.endswith(".lock")
    )
    return digest, beside


def _refused(store: Store, path, **kwargs) -> InputRejected:
    before = _state(store)
    with pytest.raises(InputRejected) as info:
        import_moves(store, path, **kwargs)
    assert _state(store) == before, (
        "a refused file must leave the store and its datasets as they were"
    )
    return info.value


def _rows(n: int, bad: dict[int, str] | None = None) -> str:
    """``n`` good rows (1-based numbering), with row i replaced by ``bad[i]``."""
    bad = bad or {}
    lines = [HEAD]
    for i in range(1, n + 1):
        lines.append(bad.get(i, f"{2019 + i % 5},vollsmose,{[461, 751, 101][i % 3]},m{i}"))
    return "\n".join(lines) + "\n"


def _csv(tmp_path, text: str, name: str = "moves.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(error: InputRejected, message: str):
    return [p for p in error.problems if message in p.message]


@pytest.mark.parametrize("row", [4, 6, 1, 7])
def test_a_bad_row_at_a_chunk_boundary_is_reported_at_its_true_row(store, tmp_path, row):
    # Chunks of 3 rows: 1-3, 4-6, 7. Row 4 is the first of a chunk, 6 the last, 7 alone.
    path = _csv(tmp_path, _rows(7, {row: f"2021,Atlantis,461,m{row}"}))
    error = _refused(store, path, chunk_size=3)
    (problem,) = _problems(error, "unknown or ambiguous area")
    assert (problem.row, problem.column, problem.value) == (row, "origin_area", "Atlantis")


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_rows_in_several_chunks_are_all_reported_in_file_order(store, tmp_path, workers):
    path = _csv(tmp_path, _rows(10, {3: "2021,vollsmose,9999,m3", 8: "2021,vollsmose,0,m8"}))
    error = _refused(store, path, chunk_size=4, workers=workers)
    rows = [(p.row, p.value) for p in _problems(error, "not a municipality code")]
    assert rows == [(3, "9999"), (8, "0")]


@pytest.mark.parametrize("workers", [1, 2])
def test_more_than_twenty_bad_rows_over_chunks_are_summarised_once(store, tmp_path, workers):
    bad = {i: f"2021,vollsmose,{1000 + i},m{i}" for i in range(1, 51)}
    error = _refused(store, _csv(tmp_path, _rows(50, bad)), chunk_size=7, workers=workers)
    listed = _problems(error, "not a municipality code")
    assert [p.row for p in listed if p.row is not None] == list(range(1, 21))
    assert any("… and 30 more rows" in p.message for p in error.problems)


@pytest.mark.parametrize("workers", [1, 2])
def test_duplicate_move_ids_in_different_chunks_are_found(store, tmp_path, workers):
    path = _csv(tmp_path, _rows(9, {8: "2022,vollsmose,461,m2"}))
    error = _refused(store, path, chunk_size=3, workers=workers)
    (problem,) = _problems(error, "duplicate move id")
    assert (problem.row, problem.column, problem.value) == (8, "move_id", "m2")


def test_a_file_smaller_than_a_chunk_and_any_chunk_size_give_the_same_store(store, tmp_path):
    path = _csv(tmp_path, _rows(11))
    results = []
    # one process, and worker processes checking and joining the chunks (same store)
    for size, workers in ((1, 1), (3, 1), (11, 1), (1_000_000, 1), (3, 2), (1, 3)):
        result = import_moves(store, path, chunk_size=size, workers=workers)
        counts = store.read("move_counts")
        raw = store.read("moves")
        results.append(
            (
                (result.rows, result.movers, result.cells, result.report),
                counts.to_csv(index=False),
                raw.drop(columns="move_id").to_csv(index=False),
            )
        )
        assert len(raw) == 11 and raw["move_id"].tolist() == list(range(1, 12))
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        (f"{HEAD}\n", "no rows"),
        (f"{HEAD}\n\n", "no rows"),
    ],
)
def test_an_empty_or_header_only_file_is_refused(store, tmp_path, text, message):
    error = _refused(store, _csv(tmp_path, text))
    assert any(message in p.message for p in error.problems), str(error)


def test_a_header_only_parquet_file_is_refused(store, tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(
        pa.table(
            {
                "year": pa.array([], pa.int64()),
                "dest_municipality": pa.array([], pa.string()),
                "origin_area": pa.array([], pa.string()),
            }
        ),
        path,
    )
    assert "no rows" in str(_refused(store, path))


def test_raw_moves_live_beside_the_store_and_are_replaced_with_it(store, tmp_path):
    import_moves(store, _csv(tmp_path, _rows(5)))
    first = store.dataset_path("moves")
    assert first is not None and first.parent == store.datasets_dir
    assert [p.name for p in store.dataset_files("moves")] == ["part-000000.parquet"]
    version = store.data_version
    import_moves(store, _csv(tmp_path, _rows(8), name="more.csv"))
    second = store.dataset_path("moves")
    assert second != first and not first.exists(), "the replaced dataset is removed"
    assert int(store.data_version) == int(version) + 1
    assert len(store.read("moves")) == 8
    assert [p.name for p in store.datasets_dir.iterdir()] == [second.name]
    # A rebuilt store has no moves: their dataset goes with the old version.
    build_default_store(store, with_outline=False)
    assert not store.has("moves") and not any(store.datasets_dir.iterdir())


def test_a_killed_import_leaves_a_temporary_directory_that_the_next_one_removes(store, tmp_path):
    store.datasets_dir.mkdir()
    stale = store.datasets_dir / ".tmp-moves-999999999-abcd"  # no such process
    stale.mkdir()
    (stale / "part-000000.parquet").write_bytes(b"half")
    import_moves(store, _csv(tmp_path, _rows(3)))
    assert not stale.exists()
    assert len(store.read("moves")) == 3


def test_rejoin_reads_the_raw_moves_in_chunks(store, tmp_path):
    import_moves(store, _csv(tmp_path, _rows(9)), chunk_size=2)
    before = store.read("move_counts")
    counts = rejoin_moves(store, chunk_size=2)
    pd.testing.assert_frame_equal(counts.cells, before, check_dtype=False)


def test_parquet_directory_errors_name_the_file_and_its_row(store, tmp_path):
    directory = tmp_path / "register"
    directory.mkdir()
    for i, bad_row in enumerate((None, 5)):
        frame = pd.DataFrame(
            {"year": [2021] * 6, "origin_area": ["vollsmose"] * 6, "dest_municipality": ["461"] * 6}
        )
        if bad_row is not None:
            frame.loc[bad_row - 1, "dest_municipality"] = "4610"
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False),
            directory / f"part{i + 1}.parquet",
            row_group_size=4,
        )
    error = _refused(store, directory, chunk_size=4)
    (problem,) = _problems(error, "not a municipality code")
    assert (problem.file, problem.row, problem.value) == ("part2.parquet", 5, "4610")
    assert "file part2.parquet, row 5" in str(error)


def test_a_parquet_directory_imports_like_one_file(store, tmp_path):
    frame = pd.DataFrame(
        {
            "year": np.arange(12) % 4 + 2020,
            "origin_area": "vollsmose",
            "dest_x": np.linspace(560_000, 600_000, 12),
            "dest_y": np.linspace(6_130_000, 6_230_000, 12),
        }
    )
    single = tmp_path / "all.parquet"
    frame.to_parquet(single)
    directory = tmp_path / "parts"
    directory.mkdir()
    for i in range(3):
        frame.iloc[i * 4 : i * 4 + 4].to_parquet(directory / f"{i}.parquet")
    import_moves(store, single, crs="EPSG:25832")
    one = store.read("move_counts")
    import_moves(store, directory, crs="EPSG:25832", chunk_size=3)
    pd.testing.assert_frame_equal(store.read("move_counts"), one)


def test_moves_after_today_or_outside_the_lists_years_are_refused(store, tmp_path):
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    text = (
        "year,date,origin_area,dest_municipality\n"
        f",{tomorrow.isoformat()},vollsmose,461\n"
        f"{today.year + 5},,vollsmose,461\n"
        "2090,,vollsmose,461\n"
        "2009,,vollsmose,461\n"
        ",2009-06-01,vollsmose,461\n"
        "2021,2021-06-01,vollsmose,461\n"
    )
    error = _refused(store, _csv(tmp_path, text))
    assert [(p.row, p.value) for p in _problems(error, "after today")] == [
        (1, tomorrow.isoformat())
    ]
    assert [(p.row, p.value) for p in _problems(error, "not a year")] == [
        (2, str(today.year + 5)),
        (3, "2090"),
        (4, "2009"),
    ]
    (early,) = _problems(error, "before the first list year")
    assert (early.row, early.value) == (5, "2009-06-01")
    assert all(p.row != 6 for p in error.problems)


def test_danish_dates_with_dots_are_read(store, tmp_path):
    text = "dato,fra_område,til_kommune\n01.06.2021;x\n".replace(";x", "")
    text = "dato;fra_område;til_kommune\n01.06.2021;Vollsmose;461\n15-03-2022;Vollsmose;461\n"
    import_moves(store, _csv(tmp_path, text))
    assert store.read("moves")["date"].tolist() == ["2021-06-01", "2022-03-15"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(-(10**9), 10**9).map(str),
        st.tuples(st.integers(0, 10**7), st.integers(0, 10**6), st.sampled_from(".,")).map(
            lambda t: f"{t[0]}{t[2]}{t[1]}"
        ),
        st.text(alphabet="0123456789.,- ", max_size=12),
    )
)
def test_the_bulk_number_reader_agrees_with_the_one_parser(text):
    values, bad = numbers_of(pa.array([text]))
    try:
        expected = parse_number(text.strip())
    except (ValueError, OverflowError):
        assert bad[0], text
        return
    if expected is None:
        assert np.isnan(values[0]) and not bad[0]
    else:
        assert not bad[0] and values[0] == pytest.approx(expected), text


def test_progress_is_quiet_off_a_terminal_and_reports_rows_on_one(capsys):
    quiet = TerminalProgress("moves.csv", enabled=None, delay=0)  # stderr is captured: no TTY
    quiet(500, 1000)
    quiet.close()
    assert capsys.readouterr().err == ""
    shown = TerminalProgress("moves.csv", enabled=True, delay=0, mininterval=0)
    shown(500_000, 1_000_000)
    shown(1_000_000, 1_000_000)
    shown.close()
    err = capsys.readouterr().err
    assert "moves.csv" in err and "rows" in err and "1.00M" in err


@settings(max_examples=60, deadline=None)
@example([(0, 0, 751, "", "uden for", None, 2), (0, 0, 751, None, "uden for", "", 3)])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # reason
            st.integers(-1, 2),  # origin area index (-1: none)
            st.sampled_from([0, 101, 751]),  # origin municipality number
            st.sampled_from(["", None, "18-29", "30-49", "0751", "x" * 40]),
            st.sampled_from(["", None, "i arbejde", "uden for"]),
            st.sampled_from([None, "enlig", "par"]),
            st.integers(1, 9),  # weight
        ),
        min_size=1,
        max_size=60,
    )
)
def test_chunk_profiles_equal_a_plain_groupby_on_the_text(rows):
    """The profiles grouped on integer codes give what grouping the text gives."""
    from geo.relocation.join import PROFILE_ATTRIBUTES, PROFILE_COLUMNS, REASONS, _profiles

    chunk = pd.DataFrame(
        rows, columns=["reason", "area", "muni", *PROFILE_ATTRIBUTES, "weight"], dtype=object
    )
    layers = type("Layers", (), {"area_ids": np.array(["a", "b", "c"], dtype=object)})()
    reason, area = chunk["reason"].to_numpy(int), chunk["area"].to_numpy(int)
    muni = chunk["muni"].to_numpy(np.int64)
    got = _profiles(chunk, layers, reason, area, muni)

    reference = pd.DataFrame(
        {
            "reason": [REASONS[r] for r in reason],
            "origin_area_id": [("a", "b", "c", "")[i] for i in area],  # -1: no area
            "origin_municipality_code": muni,
            "movers": chunk["weight"].astype(int),
        }
    )
    for attr in PROFILE_ATTRIBUTES:
        reference[attr] = ["" if v is None else str(v) for v in chunk[attr]]
    expected = reference.groupby(PROFILE_COLUMNS[:-1])["movers"].sum().reset_index()
    if not (expected[list(PROFILE_ATTRIBUTES)] != "").to_numpy().any():
        assert got is None
        return
    got = got.astype({"origin_municipality_code": np.int64}).sort_values(PROFILE_COLUMNS[:-1])
    assert (
        got.reset_index(drop=True)
        .astype(str)
        .equals(
            expected[PROFILE_COLUMNS]
            .sort_values(PROFILE_COLUMNS[:-1])
            .reset_index(drop=True)
            .astype(str)
        )
    )
