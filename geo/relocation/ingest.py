"""Relocation data in: read, validate and join moves in chunks; store them with their counts.

A move file has one row per move, or one row per group of moves with a weight. Each row has a
year (or a date), an origin and a destination:

- origin: an area (id or name), a point, or a municipality code — any that are known;
- destination: a point in any CRS, an area, or a municipality code;
- optional: weight (number of movers, default 1), reason (planned rehousing / other),
  age band, labour-market status, household type, a move id.

Formats (:mod:`geo.relocation.readers`): CSV (UTF-8 or Windows-1252, ``;`` or ``,``), Parquet
(GeoParquet too: its geometry is the destination point; a directory of Parquet files is one
input) and GeoPackage (the layer's point geometry is the destination). Point columns
``*_x``/``*_y`` are in the CRS given with ``crs`` (required for them; a GeoPackage or GeoParquet
declares its own); ``*_lon``/``*_lat`` columns are WGS84.

The import is streamed: the file is read ``chunk_size`` rows at a time, each chunk is checked
with vectorised rules (:mod:`geo.relocation.checks`), written to the raw-moves dataset being
built beside the store, joined and counted (:mod:`geo.relocation.join`); only the counts stay
in memory. With a Dask scheduler the workers read the Parquet partitions themselves and do the
same, and the client receives only counts.

A file with any problem is refused whole (:class:`~geo.errors.InputRejected`), each problem
naming the file, row, column, value and what was expected; the store is then byte-identical.
Raw moves are kept for re-joining as a Parquet dataset beside the GeoPackage that becomes
current with the same swap as the counts (:mod:`geo.store`), and are never served: the web
service reads only the counts (``move_counts``) through disclosure control.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo.errors import InputRejected, Problem
from geo.relocation.checks import (
    ATTRIBUTES,
    DENMARK_BOX,
    ID_BUCKETS,
    MAX_PROBLEMS_PER_CHECK,
    REASON_VALUES,
    STORED_SCHEMA,
    Context,
    DuplicateIds,
    ProblemLog,
    Where,
    check_chunk,
    context_from_frames,
    duplicate_ids,
    id_text,
    spill_ids,
    stored_table,
)
from geo.relocation.disclosure import DEFAULT_THRESHOLD, check_threshold
from geo.relocation.join import (
    DEFAULT_CHUNK,
    MICROCELL_COLUMNS,
    PROFILE_COLUMNS,
    ChunkCounts,
    JoinLayers,
    MoveCounts,
    count_chunk,
    count_moves,
    decode_counts,
    merge_counts,
)
from geo.relocation.parallel import default_workers
from geo.relocation.readers import (
    COLUMNS,
    PARQUET_SUFFIXES,
    SUPPORTED,
    Chunk,
    MoveSource,
    iter_chunks,
    open_moves,
)
from geo.store import Store

__all__ = [
    "ATTRIBUTES",
    "COLUMNS",
    "DENMARK_BOX",
    "MAX_PROBLEMS_PER_CHECK",
    "PARQUET_SUFFIXES",
    "REASON_VALUES",
    "STORED_COLUMNS",
    "SUPPORTED",
    "ImportResult",
    "MoveSource",
    "TerminalProgress",
    "import_moves",
    "join_counts",
    "read_moves_file",
    "rejoin_moves",
    "stored_frame",
    "validate_moves",
    "validation_context",
    "write_counts",
    "write_moves",
]

STORED_COLUMNS = ["move_id", *STORED_SCHEMA.names[:-1]]
Progress = Callable[[int, int | None], None]


def read_moves_file(path: str | Path, crs: str | None = None) -> MoveSource:
    """Open a CSV, Parquet or GeoPackage move file (or a directory of Parquet files).

    Only the header, schema, encoding and CRS are read; rows are read by the import, chunk
    by chunk. Raises :class:`InputRejected` for problems that need no rows to be found.
    """
    return open_moves(path, crs)


def validation_context(store: Store) -> Context:
    """The areas, aliases and list years that moves are checked against."""
    areas = store.read("areas")
    aliases = store.read("aliases") if store.has("aliases") else pd.DataFrame(columns=["alias"])
    years = set(store.read("designations")["year"].astype(int))
    if store.has("earlier_lists"):
        years |= set(store.read("earlier_lists")["year"].astype(int))
    return context_from_frames(areas, aliases, sorted(years))


def _raise(source: str, log: ProblemLog) -> None:
    if log:
        raise InputRejected(source, log.items())


def _no_rows(source: str) -> InputRejected:
    return InputRejected(
        source, [Problem("the file has no rows", expected="one row per move under the header")]
    )


def validate_moves(
    moves: MoveSource, store: Store, chunk_size: int = DEFAULT_CHUNK
) -> pd.DataFrame:
    """Check every row and return the normalised moves in memory (small files, tests).

    The import itself never holds the moves: see :func:`import_moves`. Raises
    :class:`InputRejected` listing every problem (up to 20 rows per check).
    """
    ctx = validation_context(store)
    log = ProblemLog()
    frames, ids = [], []
    for chunk in iter_chunks(moves, chunk_size):
        frames.append(
            check_chunk(
                chunk.table, moves, ctx, log, Where(moves.file_label(chunk.file), chunk.offset)
            )
        )
        got = id_text(chunk.table, moves)
        if got is not None:
            ids.append((chunk, got.text))
    if not frames:
        raise _no_rows(moves.source)
    if ids:
        all_ids = pd.Series(
            np.concatenate([np.asarray(v.to_pylist(), dtype=object) for _, v in ids])
        )
        starts = np.cumsum([0] + [c.rows for c, _ in ids])
        dup = (all_ids.duplicated(keep="first") & (all_ids != "")).to_numpy()
        for (chunk, _), lo, hi in zip(ids, starts[:-1], starts[1:], strict=True):
            log.rows(
                dup[lo:hi],
                "duplicate move id",
                column="move_id",
                values=_shifted(all_ids, lo),
                expected="each move id once",
                file=moves.file_label(chunk.file),
                offset=chunk.offset,
            )
    _raise(moves.source, log)
    out = pd.concat(frames, ignore_index=True)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
    out.insert(0, "move_id", np.arange(1, len(out) + 1, dtype=np.int64))
    if ids:
        out["source_move_id"] = all_ids.to_numpy(dtype=object)
    return out


def stored_frame(moves: pd.DataFrame) -> pd.DataFrame:
    """The moves as kept in the raw-moves dataset (plain columns, text as str)."""
    out = moves.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype) or out[col].dtype == object:
            out[col] = out[col].astype(str)
    return out


def _frame_table(moves: pd.DataFrame) -> pa.Table:
    ids = None
    if "source_move_id" in moves:
        ids = pa.array(moves["source_move_id"].astype(str).to_numpy(dtype=object), pa.string())
    frame = moves.copy()
    for name in STORED_SCHEMA.names[:-1]:
        if name not in frame:
            frame[name] = np.nan if name.endswith(("_x", "_y")) else ""
    return stored_table(frame, ids)


def _drop_legacy_table(writer) -> None:
    """Empty the raw moves that older stores kept inside the GeoPackage."""
    previous = writer.previous
    if previous is not None and previous.exists() and "moves" in previous.layers():
        writer.write("moves", pd.DataFrame({"move_id": pd.Series([], dtype=np.int64)}))


def write_moves(
    writer,
    moves: pd.DataFrame,
    counts: MoveCounts,
    *,
    description: str,
    source: str,
    licence: str,
    synthetic: bool,
    threshold: int = DEFAULT_THRESHOLD,
) -> None:
    """Write raw moves (a frame in memory), their counts and the join report in one
    store transaction; the counts are protected for ``threshold``.
    """
    import os
    import secrets

    directory = writer.datasets_dir / f".tmp-moves-{os.getpid()}-{secrets.token_hex(4)}"
    directory.mkdir(parents=True)
    try:
        pq.write_table(_frame_table(moves), directory / "part-000000.parquet")
        _drop_legacy_table(writer)
        writer.attach_dataset("moves", directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    _write_counts_and_provenance(
        writer,
        counts,
        movers=int(moves["weight"].sum()) if len(moves) else 0,
        description=description,
        source=source,
        licence=licence,
        synthetic=synthetic,
        threshold=threshold,
    )


def _write_counts_and_provenance(
    writer,
    counts: MoveCounts,
    *,
    movers: int,
    description,
    source,
    licence,
    synthetic,
    threshold: int,
    timings: dict[str, float] | None = None,
) -> None:
    write_counts(writer, counts, threshold=threshold, timings=timings)
    writer.record_provenance(
        "moves",
        description=description,
        source=source,
        licence=licence,
        # The provenance table is shown on /om: a total below the threshold is not published.
        records=movers if movers >= threshold else 0,
        synthetic=synthetic,
    )


def write_counts(
    writer,
    counts: MoveCounts,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    timings: dict[str, float] | None = None,
) -> None:
    """Write the counts, the join report and the disclosure protection of the counts.

    The protection (for ``threshold``: the setting ``MIN_PUBLISHED_COUNT``, which the
    commands pass; default 5) is computed here, once,
    so that the web service does not have to: it is the slow part for national data.
    """
    from geo.relocation.analyses import protection_table

    cells = counts.cells[MICROCELL_COLUMNS]
    writer.write("move_counts", cells)
    profiles = (
        counts.profiles if counts.profiles is not None else pd.DataFrame(columns=PROFILE_COLUMNS)
    )
    writer.write("move_profiles", profiles)
    rows = [("signature", counts.signature)]
    if len(cells):
        started = time.perf_counter()
        table, keys = protection_table(cells, check_threshold(threshold), profiles)
        if timings is not None:
            timings["protection"] = time.perf_counter() - started
        writer.write("move_protection", table)
        rows += list(keys.items())
    rows += [(f"report.{k}", str(v)) for k, v in counts.report.items()]
    rows += [(f"note.{i}", note) for i, note in enumerate(counts.notes)]
    writer.write("move_join", pd.DataFrame(rows, columns=["key", "value"]))


@dataclass
class ImportResult:
    """What an import did: rows and movers read, cells counted, time, notes."""

    rows: int
    movers: int
    cells: int
    report: dict[str, int]
    notes: list[str]
    seconds: float = 0.0
    # seconds by stage: "stream" (read, check, keep, join, count), "protection" (disclosure
    # protection of the counts), "store" (the store write around it)
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One paragraph for the command line."""
        rate = (
            f" in {self.seconds:.1f} s ({self.rows / self.seconds:,.0f} rows/s)"
            if self.seconds
            else ""
        )
        lines = [
            f"imported {self.rows} rows ({self.movers} movers) into {self.cells} counted cells"
            + rate
        ]
        lines += [f"  {k}: {v}" for k, v in self.report.items() if k not in ("moves", "movers")]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


class TerminalProgress:
    """Rows read, rows per second and the estimated time left, on stderr (tqdm).

    Quiet when stderr is not a terminal, and for imports shorter than ``delay`` seconds.
    """

    def __init__(
        self,
        label: str = "",
        *,
        enabled: bool | None = None,
        delay: float = 2.0,
        mininterval: float = 0.5,
    ):
        from tqdm import tqdm

        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = tqdm(
            total=None,
            desc=label,
            unit=" rows",
            unit_scale=True,
            disable=not enabled,
            delay=delay,
            file=sys.stderr,
            leave=False,
            mininterval=mininterval,
        )

    def __call__(self, rows: int, total: int | None) -> None:
        """Advance the bar by ``rows`` (``total`` once it is known)."""
        if total is not None and total != self.bar.total:
            self.bar.total = total
        self.bar.update(rows - self.bar.n)

    def close(self) -> None:
        """Close the bar."""
        self.bar.close()


# -- the streamed import ---------------------------------------------------------------------


@dataclass
class ImportRun:
    """What an import keeps while it streams: counts, problems, where each part came from."""

    moves: MoveSource
    log: ProblemLog = field(default_factory=ProblemLog)
    parts: dict[int, tuple[str | None, int]] = field(default_factory=dict)  # → (file, offset)
    rows: int = 0
    movers: int = 0
    counts: ChunkCounts | None = None


#: Inputs of this many rows or more are checked and joined in worker processes by default
#: (starting them costs about a second; below this one process is as fast).
PARALLEL_FROM = 1_000_000
#: Bytes per row of a CSV move file, for the estimate that decides the default (only that).
CSV_BYTES_PER_ROW = 40


def estimated_rows(moves: MoveSource) -> int:
    """Rows of the input: known for Parquet and GeoPackage, estimated from the size for CSV."""
    if moves.rows is not None:
        return moves.rows
    return moves.size // CSV_BYTES_PER_ROW


def part_path(work: Path, part: int) -> Path:
    return work / f"part-{part:06d}.parquet"


def write_part(
    work: Path, part: int, table: pa.Table, frame: pd.DataFrame, moves: MoveSource
) -> int:
    """Keep a checked chunk: its raw moves and the hashes of its ids; return its movers."""
    ids = id_text(table, moves)
    pq.write_table(
        stored_table(frame, ids.text if ids is not None else None),
        part_path(work, part),
        compression="snappy",
        write_statistics=False,
    )
    if ids is not None:
        spill_ids(work / "ids", part, ids)
    return int(frame["weight"].sum())


def _run_local(
    moves: MoveSource,
    ctx: Context,
    layers: JoinLayers,
    work: Path,
    chunk_size: int,
    progress: Progress | None,
    workers: int = 1,
) -> ImportRun:
    """Check, keep and count every chunk: in this process, or in ``workers`` processes
    (:mod:`geo.relocation.parallel`) with the same results in the same order.
    """
    run = ImportRun(moves)
    read_bytes = [0]

    def report_progress() -> None:
        if progress is not None:
            total = moves.rows
            if total is None and read_bytes[0]:
                total = int(run.rows * moves.size / read_bytes[0])
            progress(run.rows, total)

    def chunks() -> Iterator[tuple[Chunk, Where]]:
        for chunk in iter_chunks(moves, chunk_size, read_bytes):
            where = Where(moves.file_label(chunk.file), chunk.offset)
            run.parts[chunk.index] = (where.file, where.offset)
            yield chunk, where

    def counted() -> Iterator[ChunkCounts]:
        for chunk, where in chunks():
            log = ProblemLog()
            frame = check_chunk(chunk.table, moves, ctx, log, where)
            run.log.merge(log)
            run.rows += chunk.rows
            report_progress()
            if run.log:
                continue  # keep checking, so that every problem is reported; keep nothing
            run.movers += write_part(work, chunk.index, chunk.table, frame, moves)
            yield count_chunk(frame, layers)

    def counted_in_workers() -> Iterator[ChunkCounts]:
        from geo.relocation import parallel

        jobs = ((chunk.table, chunk.index, where.file, where.offset) for chunk, where in chunks())
        with parallel.pool(moves, ctx, layers, work, workers) as executor:
            for result in parallel.in_order(executor, jobs, ahead=2 * workers):
                run.log.merge(result.log)
                run.rows += result.rows
                report_progress()
                if run.log or result.counts is None:
                    continue  # every problem is reported; nothing is kept
                run.movers += result.movers
                yield result.counts

    run.counts = merge_counts(counted_in_workers() if workers > 1 else counted())
    return run


def report_duplicate_ids(run: ImportRun, work: Path, buckets: list[DuplicateIds]) -> None:
    found = sorted(row for b in buckets for row in b.rows)
    more = sum(b.more for b in buckets)
    for part, row, value in found:
        label, offset = run.parts[part]
        run.log.rows(
            np.ones(1, dtype=bool),
            "duplicate move id",
            column="move_id",
            values=_constant(value),
            expected="each move id once",
            file=label,
            offset=offset + row,
        )
    if more:
        run.log.add(
            Problem(
                f"… and up to {more} more rows whose move id hash repeats (not compared)",
                column="move_id",
            )
        )


def _local_ids(run: ImportRun, work: Path) -> None:
    if "move_id" not in run.moves.columns or run.log:
        return
    buckets = [
        duplicate_ids(work / "ids", b, lambda p: part_path(work, p)) for b in range(ID_BUCKETS)
    ]
    report_duplicate_ids(run, work, buckets)


def _import_locked(
    store: Store,
    moves: MoveSource,
    path: str | Path,
    source: str | None,
    dask_scheduler: str | None,
    chunk_size: int,
    progress: Progress | None,
    timings: dict[str, float],
    threshold: int,
    workers: int = 1,
) -> tuple[ImportRun, MoveCounts]:
    started = time.perf_counter()
    ctx = validation_context(store)
    layers = JoinLayers.from_store(store)
    work = store.new_dataset_dir("moves")
    try:
        if dask_scheduler:
            from geo.relocation.cluster import run_dask

            run = run_dask(moves, ctx, layers, work, dask_scheduler)
        else:
            run = _run_local(moves, ctx, layers, work, chunk_size, progress, workers)
            _local_ids(run, work)
        if run.rows == 0:
            raise _no_rows(moves.source)
        _raise(moves.source, run.log)
        assert run.counts is not None
        counts = MoveCounts(
            decode_counts(run.counts, layers),
            run.counts.report,
            list(layers.notes),
            layers.signature,
        )
        shutil.rmtree(work / "ids", ignore_errors=True)
        timings["stream"] = time.perf_counter() - started
        started = time.perf_counter()
        with store.transaction() as w:
            _drop_legacy_table(w)
            w.attach_dataset("moves", work)
            _write_counts_and_provenance(
                w,
                counts,
                movers=run.movers,
                description="Register-based relocation data (moves out of areas), imported "
                "with omraadekort import-moves; never served raw",
                source=source or Path(path).name,
                licence="as agreed with the data provider (not for publication below the "
                "disclosure threshold)",
                synthetic=False,
                timings=timings,
                threshold=threshold,
            )
        timings["store"] = time.perf_counter() - started - timings.get("protection", 0.0)
    finally:
        store.discard_dataset_dir(work)
    return run, counts


def import_moves(
    store: Store,
    path: str | Path,
    *,
    crs: str | None = None,
    source: str | None = None,
    dask_scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    workers: int | None = None,
) -> ImportResult:
    """Read, validate, join and store a move file, streamed; all or nothing.

    Parameters
    ----------
    store
        The store; its moves (synthetic demo moves too) are replaced.
    path
        A CSV, Parquet or GeoPackage file, or a directory of Parquet files.
    crs
        CRS of the ``*_x``/``*_y`` columns.
    source
        Source text recorded with the data (default: the file name).
    dask_scheduler
        Address of a Dask scheduler: the workers read the Parquet partitions themselves.
        The input and the store's directory must be visible to every worker at the same path.
    chunk_size
        Rows checked and joined at a time (memory is proportional to it, not to the file).
    progress
        Called with (rows read, estimated total rows) after every chunk.
    threshold
        The smallest count published: the counts are protected for it.
    workers
        Processes that check, keep and join chunks while this one reads
        (:mod:`geo.relocation.parallel`); 1 does everything in this process. Default: this
        machine's cores for inputs of :data:`PARALLEL_FROM` rows or more, else 1. Results do
        not depend on it. Ignored with ``dask_scheduler``.
    """
    started = time.perf_counter()
    moves = read_moves_file(path, crs)
    if workers is None:
        workers = default_workers() if estimated_rows(moves) >= PARALLEL_FROM else 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    # The writer lock is held from the first read of the store to the swap: a write is never
    # based on a version another command has replaced.
    timings: dict[str, float] = {}
    with store.writing():
        run, counts = _import_locked(
            store,
            moves,
            path,
            source,
            dask_scheduler,
            chunk_size,
            progress,
            timings,
            threshold,
            workers,
        )
    return ImportResult(
        rows=run.rows,
        movers=run.movers,
        cells=len(counts.cells),
        report=counts.report,
        notes=moves.notes + counts.notes,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


def join_counts(
    moves: pd.DataFrame,
    layers: JoinLayers,
    *,
    dask_scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> MoveCounts:
    """Count ``moves`` held in memory in this process, or on the Dask cluster at
    ``dask_scheduler``.
    """
    if not dask_scheduler:
        return count_moves(moves, layers, chunk_size=chunk_size)
    import dask.dataframe as dd
    from distributed import Client

    from geo.relocation.join import count_moves_dask

    with Client(dask_scheduler) as client:
        nparts = max(1, -(-len(moves) // chunk_size))
        return count_moves_dask(dd.from_pandas(moves, npartitions=nparts), layers, client)


_JOIN_COLUMNS = [
    "year",
    "weight",
    "reason",
    "origin_area_id",
    "origin_municipality_code",
    "origin_x",
    "origin_y",
    "dest_area_id",
    "dest_municipality_code",
    "dest_x",
    "dest_y",
]


def stored_chunks(files: list[Path], chunk_size: int = DEFAULT_CHUNK) -> Iterator[pd.DataFrame]:
    """The stored raw moves, ``chunk_size`` rows at a time, with the columns the join needs."""
    for file in files:
        handle = pq.ParquetFile(file, pre_buffer=False)  # see readers._parquet_batches
        for batch in handle.iter_batches(batch_size=chunk_size, columns=_JOIN_COLUMNS):
            yield batch.to_pandas()


def rejoin_moves(
    store: Store,
    *,
    dask_scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    threshold: int = DEFAULT_THRESHOLD,
) -> MoveCounts:
    """Join the stored moves again (after new boundaries) and replace their counts.

    The raw moves are read in chunks (on the workers, with a Dask scheduler).
    """
    with store.writing():
        return _rejoin_locked(store, dask_scheduler, chunk_size, threshold)


def _rejoin_locked(
    store: Store, dask_scheduler: str | None, chunk_size: int, threshold: int
) -> MoveCounts:
    if not store.has("moves"):
        raise InputRejected(
            str(store.path),
            [Problem("the store has no moves", expected="omraadekort import-moves FILE first")],
        )
    layers = JoinLayers.from_store(store)
    files = store.dataset_files("moves")
    if not files:  # a store written before the raw moves moved beside it
        counts = join_counts(
            store.read("moves"), layers, dask_scheduler=dask_scheduler, chunk_size=chunk_size
        )
    elif dask_scheduler:
        import dask.dataframe as dd
        from distributed import Client

        from geo.relocation.join import count_moves_dask

        with Client(dask_scheduler) as client:
            frame = dd.read_parquet(
                [str(f) for f in files], columns=_JOIN_COLUMNS, split_row_groups=True
            )
            counts = count_moves_dask(frame, layers, client)
    else:
        counts = count_moves(stored_chunks(files, chunk_size), layers)
    with store.transaction() as w:
        write_counts(w, counts, threshold=threshold)
    return counts


def _shifted(series: pd.Series, base: int) -> Callable[[int], object]:
    """Value at chunk position ``i`` of a file-wide ``series`` whose chunk starts at ``base``."""
    return lambda i: series.iloc[base + i]


def _constant(value: object) -> Callable[[int], object]:
    """The same value for every row (a problem about one id)."""
    return lambda _i: value
