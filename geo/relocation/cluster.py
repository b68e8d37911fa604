"""The streamed import on a Dask cluster: workers read, check, keep and join; the client counts.

With ``--dask-scheduler ADDRESS`` the input must be Parquet (a file or a directory of files) at
a path every worker can read, and the store's directory must be visible to every worker at the
same path (the workers write the raw moves there). The client opens only the files' metadata;
``dask.dataframe.read_parquet`` gives one partition per row group, and each worker reads its
partitions itself, checks them with the same rules as a single process
(:func:`geo.relocation.checks.check_chunk`), writes their raw moves and id hashes beside the
store, joins them and returns their counts. The client merges counts as they arrive and holds
nothing else; a problem in any partition refuses the whole import.

Row numbers: the client knows from the metadata which file and rows each row group holds, so a
problem found by a worker is reported at its true row in its file; every worker checks that the
partition it received has the number of rows the metadata says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from geo.errors import InputRejected, Problem
from geo.relocation.checks import (
    ID_BUCKETS,
    Context,
    DuplicateIds,
    ProblemLog,
    Where,
    check_chunk,
    duplicate_ids,
)
from geo.relocation.join import ChunkCounts, JoinLayers, count_chunk, merge_counts
from geo.relocation.readers import MoveSource


@dataclass
class RowGroup:
    """One partition as the metadata describes it."""

    file: str
    offset: int  # rows of the file before it
    rows: int


@dataclass
class PartResult:
    """What a worker sends back for one partition: counts, problems and sizes only."""

    index: int
    rows: int
    movers: int
    counts: ChunkCounts | None
    log: ProblemLog


def row_groups(moves: MoveSource) -> list[RowGroup]:
    """The row groups of every file, in the order the partitions come in."""
    groups = []
    for file in moves.files:
        meta = pq.read_metadata(file)
        offset = 0
        for i in range(meta.num_row_groups):
            rows = meta.row_group(i).num_rows
            groups.append(RowGroup(str(file), offset, rows))
            offset += rows
    return groups


def process_partition(
    partition,
    index: int,
    group: RowGroup,
    moves: MoveSource,
    ctx: Context,
    layers: JoinLayers,
    work: str,
) -> PartResult:
    """Check, keep and count one partition (runs on a worker)."""
    from geo.relocation.ingest import write_part

    table = pa.Table.from_pandas(partition, preserve_index=False)
    if table.num_rows != group.rows:
        raise RuntimeError(
            f"partition {index} has {table.num_rows} rows, but row group {index} of the input "
            f"has {group.rows}: the partitions do not follow the files' row groups"
        )
    log = ProblemLog()
    where = Where(moves.file_label(Path(group.file)), group.offset)
    frame = check_chunk(table, moves, ctx, log, where)
    if log:
        return PartResult(index, table.num_rows, 0, None, log)
    movers = write_part(Path(work), index, table, frame, moves)
    return PartResult(index, table.num_rows, movers, count_chunk(frame, layers), log)


def check_bucket(work: str, bucket: int) -> DuplicateIds:
    """Duplicate ids in one hash bucket (runs on a worker)."""
    from geo.relocation.ingest import part_path

    return duplicate_ids(Path(work) / "ids", bucket, lambda p: part_path(Path(work), p))


def run_dask(moves: MoveSource, ctx: Context, layers: JoinLayers, work: Path, scheduler: str):
    """The import of ``moves`` on the cluster at ``scheduler``; see the module docstring."""
    import dask
    import dask.dataframe as dd
    from distributed import Client, as_completed

    from geo.relocation.ingest import ImportRun, report_duplicate_ids

    if moves.kind != "parquet":
        raise InputRejected(
            moves.source,
            [
                Problem(
                    "--dask-scheduler reads Parquet only: the workers read the file's "
                    "partitions themselves",
                    expected="a Parquet file or a directory of Parquet files every worker can "
                    "read (or import this file without --dask-scheduler)",
                )
            ],
        )
    groups = row_groups(moves)
    run = ImportRun(moves)
    run.parts = {i: (moves.file_label(Path(g.file)), g.offset) for i, g in enumerate(groups)}
    if not groups or sum(g.rows for g in groups) == 0:
        return run
    wanted = list(moves.columns.values()) + ([moves.geometry] if moves.geometry else [])
    with Client(scheduler) as client:
        frame = dd.read_parquet(
            [str(f) for f in moves.files],
            columns=wanted,
            split_row_groups=True,
            dtype_backend="pyarrow",
            parquet_file_extension=None,
        )
        partitions = frame.to_delayed()
        if len(partitions) != len(groups):
            raise RuntimeError(
                f"Dask made {len(partitions)} partitions of {len(groups)} row groups"
            )
        shared = [dask.delayed(x, pure=True) for x in (moves, ctx, layers)]
        tasks = [
            dask.delayed(process_partition, pure=False)(part, i, groups[i], *shared, str(work))
            for i, part in enumerate(partitions)
        ]
        logs: dict[int, ProblemLog] = {}

        def arriving():
            for future in as_completed(client.compute(tasks)):
                result: PartResult = future.result()
                future.release()
                run.rows += result.rows
                run.movers += result.movers
                if result.log:
                    logs[result.index] = result.log
                if result.counts is not None:
                    yield result.counts

        run.counts = merge_counts(arriving())
        for index in sorted(logs):
            run.log.merge(logs[index])
        if not run.log and "move_id" in moves.columns:
            buckets = client.gather(
                client.map(check_bucket, [str(work)] * ID_BUCKETS, range(ID_BUCKETS))
            )
            report_duplicate_ids(run, work, buckets)
    return run
