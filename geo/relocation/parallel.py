"""The streamed import on this machine's cores: the reader feeds chunks to worker processes.

The main process reads the file in chunks (CSV parsing, Parquet decoding) in file order and
hands every chunk to a pool of worker processes, which check it with the same rules as one
process (:func:`geo.relocation.checks.check_chunk`), write its raw moves and id hashes to the
dataset being built, join it and return its counts — the work that takes most of an import.
The main process merges the results in file order, so problems are reported in file order at
their true rows, exactly as one process reports them. At most ``2 × workers`` chunks are in
flight: memory stays bounded by the chunk size, not the file.

Workers are started with ``forkserver`` (never ``fork``: the reader's Arrow thread pools are
running); they receive the validation context and the join layers once, when they start.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from geo.relocation.checks import Context, ProblemLog, Where, check_chunk
from geo.relocation.join import ChunkCounts, JoinLayers, count_chunk
from geo.relocation.readers import MoveSource

# What a worker keeps from its start: the same for every chunk of one import.
_STATE: dict[str, object] = {}


def default_workers() -> int:
    """The cores this process may use (``os.sched_getaffinity``), at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


@dataclass
class ChunkResult:
    """What a worker sends back for one chunk: counts, problems and sizes only."""

    rows: int
    movers: int
    counts: ChunkCounts | None
    log: ProblemLog


def _start(moves: MoveSource, ctx: Context, layers: JoinLayers, work: str) -> None:
    _STATE.update(moves=moves, ctx=ctx, layers=layers, work=Path(work))


def process_chunk(table: pa.Table, index: int, label: str | None, offset: int) -> ChunkResult:
    """Check, keep and count one chunk (runs in a worker; see :func:`_start`)."""
    from geo.relocation.ingest import write_part

    moves: MoveSource = _STATE["moves"]  # type: ignore[assignment]
    log = ProblemLog()
    frame = check_chunk(table, moves, _STATE["ctx"], log, Where(label, offset))  # type: ignore[arg-type]
    if log:
        return ChunkResult(table.num_rows, 0, None, log)
    movers = write_part(_STATE["work"], index, table, frame, moves)  # type: ignore[arg-type]
    return ChunkResult(table.num_rows, movers, count_chunk(frame, _STATE["layers"]), log)  # type: ignore[arg-type]


def pool(
    moves: MoveSource, ctx: Context, layers: JoinLayers, work: Path, workers: int
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that know this import's rules, layers and directory."""
    context = multiprocessing.get_context("forkserver")
    # The fork server imports this module once, so workers start with it loaded; and not the
    # caller's ``__main__`` (the default), which would run a script without a main guard again.
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start,
        initargs=(moves, ctx, layers, str(work)),
    )


def in_order(
    executor: ProcessPoolExecutor,
    jobs: Iterator[tuple[pa.Table, int, str | None, int]],
    ahead: int,
) -> Iterator[ChunkResult]:
    """The results of ``process_chunk`` over ``jobs``, in the order of ``jobs``, with at most
    ``ahead`` chunks submitted and not yet taken.
    """
    pending: deque[Future[ChunkResult]] = deque()
    for job in jobs:
        pending.append(executor.submit(process_chunk, *job))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
