"""The attacker's audit of a protected cube, independent of how the cells were chosen.

The audit knows nothing of :func:`geo.relocation.disclosure.protect`; it takes a cube, the
cells some view can show (``publishable``) and the cells that are not shown (``suppressed``)
and does what an attacker with everything published would do.

The attacker model
------------------
The attacker knows

* every published cell of every view, download and page: in the flow cube every year and all
  years, every reason and all reasons, area → rest of municipality → municipality → all on
  both the origin and the destination axis, the distance bands, and every further dimension
  the cube is given (each view is a set of cells of the one cube, so all views at once are
  all published cells of the cube);
* every sum relation between cells: each subtotal and total equals the sum of its parts, along
  every axis and every decomposition of a node (the destination total is both the sum of the
  municipalities and the sum of the distance bands); derived figures (shares, kinds of
  destination, "mindst" totals) are sums of published cells and add nothing;
* that no count is negative;
* what the presentation reveals: a pair without movers is left out of a listing (so a zero is
  published) and a cell a view shows as suppressed therefore has at least 1 mover. A cell no
  view shows (``publishable`` False) is only known to be ≥ 0.

From this the attacker derives, by linear programming, the interval ``[low, high]`` of every
hidden cell.

The protection requirement
--------------------------
For every cell with ``1 ≤ n < threshold`` (primary-suppressed, or a small cell no view shows),
the attacker's interval must reach the threshold (``high ≥ threshold``: they cannot tell the
cell from a publishable count) and reach down to 1 (``low ≤ 1``: they cannot tell it from one
person) — except where the layout alone already forces a higher lower bound: a cell made of
``k`` parts that every view lists as non-empty is known to hold at least ``k``, whatever is
suppressed. That *floor* ``f`` (the attacker's minimum when every cell with movers is hidden)
cannot be lowered by any suppression while zeros are published, so the lower requirement is
``low ≤ max(1, f)``. ``f < n`` or ``f = n``, it is never a count: the upper requirement still
holds, so the cell is never pinned down.

How it is computed
------------------
One HiGHS model (``highspy``) of the attacker's system: one column per hidden cell, one row
per sum relation that involves a hidden cell (published cells moved to the right-hand side).
Batches first: maximising the sum of the not yet certified cells, each capped at the
threshold, certifies every cell that reaches it in the optimum (a feasible point of the
attacker's system is a proof); the same for the lower side. A batch that makes little
progress is halved, down to single cells, whose own (warm-started) programme either certifies
them or gives their exact bound: a failure names the cell and its interval.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from geo.relocation.disclosure import Cube

EPS = 1e-6
log = logging.getLogger(__name__)


@dataclass
class CellFailure:
    """A cell the attacker can narrow down too far, or a published cell that is too small."""

    cell: tuple[int, ...]
    name: str
    value: int
    low: float
    high: float
    floor: float
    problem: str
    side: str | None = None  # "upper" or "lower" for an interval too narrow on that side

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.problem} (true count {self.value}; the attacker derives "
            f"[{_fmt(self.low)}, {_fmt(self.high)}], layout floor {_fmt(self.floor)})"
        )


def _fmt(x: float) -> str:
    if x == float("inf"):
        return "∞"
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass
class AuditReport:
    """The outcome of an audit: every failure, and what it took."""

    threshold: int
    checked: int  # sensitive cells whose interval was checked
    failures: list[CellFailure] = field(default_factory=list)
    floored: int = 0  # cells whose lower bound is above 1 only because of the layout
    lp_solves: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no cell failed."""
        return not self.failures

    def summary(self) -> str:
        """The report as text: a head line and the first 50 failures."""
        head = (
            f"disclosure audit (threshold {self.threshold}): {self.checked} cells with 1–"
            f"{self.threshold - 1} persons checked, {len(self.failures)} too narrow; "
            f"{self.floored} known ≥ 2 from the layout alone; {self.lp_solves} linear "
            f"programmes, {self.seconds:.1f} s"
        )
        return "\n".join([head, *(f"  FAIL {f}" for f in self.failures[:50])])


def cell_name(cube: Cube, cell: tuple[int, ...]) -> str:
    """``year=2021, reason=*, origin=a:x, dest=m:0751``: a cell by its node names."""
    return ", ".join(f"{d.name}={d.nodes[i]}" for d, i in zip(cube.dims, cell, strict=True))


def relations(cube: Cube) -> sparse.csr_matrix:
    """Every sum relation of the cube, one row each: +1 on the total, -1 on each part."""
    shape = cube.values.shape
    flat = np.arange(cube.values.size, dtype=np.int64).reshape(shape)
    rows, cols, vals = [], [], []
    count = 0
    for axis, dim in enumerate(cube.dims):
        for parent, decompositions in dim.children.items():
            p = np.take(flat, dim.index[parent], axis=axis).ravel()
            for decomposition in decompositions:
                row = count + np.arange(len(p), dtype=np.int64)
                rows.append(row)
                cols.append(p)
                vals.append(np.ones(len(p)))
                for child in decomposition:
                    rows.append(row)
                    cols.append(np.take(flat, dim.index[child], axis=axis).ravel())
                    vals.append(-np.ones(len(p)))
                count += len(p)
    if not rows:
        return sparse.csr_matrix((0, cube.values.size))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(count, cube.values.size),
    )


def layout_floor(cube: Cube, publishable: np.ndarray) -> np.ndarray:
    """A lower bound every attacker has from the layout alone (a cheap, valid under-estimate).

    Each cell a view lists as non-empty holds at least 1; a cell holds at least the sum of
    those bounds of its parts, along any axis and decomposition.
    """
    floor = (publishable & (cube.values > 0)).astype(np.int64)
    changed = True
    while changed:
        changed = False
        for axis, p, kids in cube.relations():
            below = np.take(floor, kids, axis=axis).sum(axis=axis)
            current = np.take(floor, p, axis=axis)
            if (below > current).any():
                index: list[slice | int] = [slice(None)] * floor.ndim
                index[axis] = p
                floor[tuple(index)] = np.maximum(current, below)
                changed = True
    return floor


def _quiet_highs(highspy):
    """A HiGHS instance without its banner on standard output (it prints on construction)."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


class AttackerModel:
    """The attacker's linear system over the hidden cells, as one warm-started HiGHS model."""

    def __init__(
        self,
        cube: Cube,
        publishable: np.ndarray,
        suppressed: np.ndarray,
        a: sparse.csr_matrix | None = None,
    ):
        import highspy

        values = cube.values.ravel().astype(np.float64)
        hidden = suppressed.ravel()
        a = relations(cube) if a is None else a
        unknown = np.flatnonzero(hidden)
        known = np.flatnonzero(~hidden)
        a_u = a[:, unknown].tocsr()
        rhs = -(a[:, known] @ values[known])
        keep = np.diff(a_u.indptr) > 0
        self.inconsistent = bool(np.abs(rhs[~keep]).max(initial=0.0) > EPS)
        a_u = a_u[keep].tocsc()
        rhs = rhs[keep]
        self.unknown = unknown
        self.column = np.full(cube.values.size, -1, dtype=np.int64)
        self.column[unknown] = np.arange(len(unknown))
        # Hidden cells some view shows as suppressed are known to hold at least 1.
        self.lower = np.where(publishable.ravel()[unknown], 1.0, 0.0)
        self.n = len(unknown)
        self.solves = 0
        h = _quiet_highs(highspy)
        h.setOptionValue("random_seed", 0)
        inf = highspy.kHighsInf
        self.inf = inf
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.num_row_ = len(rhs)
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = self.lower.copy()
        lp.col_upper_ = np.full(self.n, inf)
        lp.row_lower_ = rhs
        lp.row_upper_ = rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a_u.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a_u.indices.astype(np.int32)
        lp.a_matrix_.value_ = a_u.data
        h.passModel(lp)
        self.h = h
        self.highspy = highspy
        self._costed = np.zeros(0, dtype=np.int64)
        self._capped = np.zeros(0, dtype=np.int64)

    def solve(
        self, columns: np.ndarray, maximise: bool, cap: float | None = None
    ) -> tuple[str, np.ndarray | None, float]:
        """Optimise the sum of ``columns`` (capped at ``cap`` when maximising).

        Returns (status, solution or None, objective); status is "optimal", "unbounded" or
        "infeasible".
        """
        h, hs = self.h, self.highspy
        if len(self._costed):
            h.changeColsCost(len(self._costed), self._costed, np.zeros(len(self._costed)))
        if len(self._capped):
            h.changeColsBounds(
                len(self._capped),
                self._capped,
                self.lower[self._capped],
                np.full(len(self._capped), self.inf),
            )
        columns = np.asarray(columns, dtype=np.int32)
        h.changeColsCost(len(columns), columns, np.ones(len(columns)))
        self._costed = columns
        if cap is not None:
            h.changeColsBounds(
                len(columns), columns, self.lower[columns], np.full(len(columns), float(cap))
            )
            self._capped = columns
        else:
            self._capped = np.zeros(0, dtype=np.int32)
        h.changeObjectiveSense(hs.ObjSense.kMaximize if maximise else hs.ObjSense.kMinimize)
        h.run()
        self.solves += 1
        status = h.getModelStatus()
        if status == hs.HighsModelStatus.kOptimal:
            x = np.asarray(h.getSolution().col_value)
            return "optimal", x, float(h.getInfo().objective_function_value)
        if status == hs.HighsModelStatus.kUnbounded:
            return "unbounded", None, float("inf")
        if status in (hs.HighsModelStatus.kInfeasible, hs.HighsModelStatus.kUnboundedOrInfeasible):
            if status == hs.HighsModelStatus.kUnboundedOrInfeasible and maximise:
                # Presolve could not tell; the true table is feasible, so it is unbounded.
                return "unbounded", None, float("inf")
            return "infeasible", None, float("nan")
        raise RuntimeError(f"HiGHS ended with {h.modelStatusToString(status)}")


def _certify(
    model: AttackerModel,
    columns: np.ndarray,
    targets: np.ndarray,
    maximise: bool,
    cap: float | None,
    limit: int | None = None,
) -> dict[int, float]:
    """Cells (by position in ``columns``) that fail, with their exact bound.

    Maximising: a cell is certified when a feasible point has it ≥ target; minimising: ≤
    target. Every solution certifies every cell it reaches. A group that makes little
    progress is halved, so cells that fail are isolated with few programmes and get one of
    their own, which gives their exact bound.
    """
    certified = np.zeros(len(columns), dtype=bool)

    def mark(x: np.ndarray) -> None:
        got = x[columns]
        certified[:] |= got >= targets - EPS if maximise else got <= targets + EPS

    out: dict[int, float] = {}
    stack = [np.arange(len(columns))]
    while stack:
        if limit is not None and len(out) >= limit:
            break
        group = stack.pop()
        group = group[~certified[group]]
        if len(group) == 0:
            continue
        if len(group) == 1:
            i = int(group[0])
            status, x, objective = model.solve(columns[i : i + 1], maximise, None)
            if status == "unbounded":
                value = float("inf") if maximise else float("-inf")
            elif status != "optimal" or x is None:
                out[i] = float("nan")
                continue
            else:
                value = objective
                mark(x)
            ok = value >= targets[i] - EPS if maximise else value <= targets[i] + EPS
            if not ok:
                out[i] = value
            continue
        status, x, _ = model.solve(columns[group], maximise, cap)
        before = int(certified[group].sum())
        if status == "optimal" and x is not None:
            mark(x)
        rest = group[~certified[group]]
        progress = int(certified[group].sum()) - before
        side = "up" if maximise else "down"
        log.debug("batch (%s): %d of %d certified", side, progress, len(group))
        if len(rest) == 0:
            continue
        if progress >= 0.1 * len(group):
            stack.append(rest)
        else:
            half = len(rest) // 2
            stack.append(rest[half:])
            stack.append(rest[:half])
    return out


def _bound(model: AttackerModel, column: int, maximise: bool) -> float:
    status, _x, objective = model.solve(np.array([column]), maximise, None)
    if status == "unbounded":
        return float("inf")
    return objective if status == "optimal" else float("nan")


def audit(
    cube: Cube,
    publishable: np.ndarray,
    suppressed: np.ndarray,
    threshold: int,
    relations_matrix: sparse.csr_matrix | None = None,
    max_failures: int | None = None,
) -> AuditReport:
    """Check the protection requirement for every small cell (see the module docstring).

    ``publishable`` marks the cells some view shows; ``suppressed`` the cells not shown
    (every cell that is not publishable counts as not shown). Returns a report whose
    ``failures`` name every cell the attacker narrows down too far, every published cell below
    the threshold, and every zero shown as suppressed (which would make "suppressed" a lie).
    With ``max_failures`` the audit stops looking once it has found that many on a side.
    """
    start = time.perf_counter()
    values = cube.values
    suppressed = suppressed | ~publishable
    report = AuditReport(threshold=threshold, checked=0)

    def fail(
        flat: int, low: float, high: float, floor: float, problem: str, side: str | None = None
    ) -> None:
        cell = tuple(int(c) for c in np.unravel_index(flat, values.shape))
        report.failures.append(
            CellFailure(
                cell, cell_name(cube, cell), int(values[cell]), low, high, floor, problem, side
            )
        )

    small = (values > 0) & (values < threshold)
    for flat in np.flatnonzero((small & ~suppressed).ravel()):
        v = float(values.ravel()[flat])
        fail(int(flat), v, v, v, "published below the threshold")
    for flat in np.flatnonzero((suppressed & publishable & (values == 0)).ravel()):
        fail(int(flat), 0.0, 0.0, 0.0, "a zero is shown as suppressed")
    sensitive = np.flatnonzero((small & suppressed).ravel())
    report.checked = len(sensitive)
    if report.failures or len(sensitive) == 0:
        report.seconds = time.perf_counter() - start
        return report

    a = relations(cube) if relations_matrix is None else relations_matrix
    model = AttackerModel(cube, publishable, suppressed, a)
    if model.inconsistent:
        raise ValueError("the published cells contradict the cube's sums")
    columns = model.column[sensitive]
    floor = layout_floor(cube, publishable).ravel()[sensitive].astype(np.float64)

    # Upper side: some table consistent with everything published has the cell ≥ threshold.
    too_low = _certify(
        model,
        columns,
        np.full(len(columns), float(threshold)),
        True,
        float(threshold),
        max_failures,
    )
    # Lower side: some table has the cell ≤ max(1, layout floor).
    targets = np.maximum(1.0, floor)
    too_high = _certify(model, columns, targets, False, None, max_failures)
    floored = int((floor > 1).sum())
    if too_high:
        # The cheap floor is an under-estimate; the exact one is the attacker's minimum when
        # every cell with movers is hidden.
        everything = AttackerModel(cube, publishable, publishable & (values > 0) | suppressed, a)
        for i, low in list(too_high.items()):
            status, _x, exact = everything.solve(
                everything.column[sensitive[i : i + 1]], False, None
            )
            if status == "optimal" and low <= max(1.0, exact) + EPS:
                floored += int(floor[i] <= 1)
                del too_high[i]
                continue
            fail(
                int(sensitive[i]),
                low,
                _bound(model, columns[i], True),
                exact,
                "the attacker's lower bound is above 1 and above the layout's floor",
                "lower",
            )
        model.solves += everything.solves
    for i, high in too_low.items():
        fail(
            int(sensitive[i]),
            _bound(model, columns[i], False),
            high,
            float(floor[i]),
            "the attacker's upper bound is below the threshold",
            "upper",
        )
    report.floored = floored
    report.lp_solves = model.solves
    report.seconds = time.perf_counter() - start
    return report
