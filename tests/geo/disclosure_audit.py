"""An attacker's view of a protected cube, independent of how the protection was chosen.

The attacker knows every published cell and every sum relation of the cube (each subtotal and
total equals the sum of its parts, along every axis). From these they solve for the suppressed
cells: exactly by linear algebra (:func:`determined_cells`), and by a linear programme per cell
(:func:`interval`) that also uses that no count is negative and that a cell a view shows as
suppressed holds at least 1 (zeros are published, so "skjult" means "not zero"). Written with
dense matrices and ``scipy.optimize.linprog``, sharing no code with ``geo.relocation.audit``.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix


def constraint_matrix(cube) -> np.ndarray:
    """One row per sum relation: +1 on the total's cell, -1 on each part's cell."""
    shape = cube.values.shape
    rows, cols, vals = [], [], []
    r = 0
    for axis, dim in enumerate(cube.dims):
        others = [range(n) for a, n in enumerate(shape) if a != axis]
        for parent, decompositions in dim.children.items():
            p = dim.index[parent]
            for decomposition in decompositions:
                kids = [dim.index[c] for c in decomposition]
                for rest in itertools.product(*others):

                    def flat(node, rest=rest, axis=axis):
                        cell = list(rest)
                        cell.insert(axis, node)
                        return int(np.ravel_multi_index(tuple(cell), shape))

                    rows.append(r)
                    cols.append(flat(p))
                    vals.append(1.0)
                    for k in kids:
                        rows.append(r)
                        cols.append(flat(k))
                        vals.append(-1.0)
                    r += 1
    return coo_matrix((vals, (rows, cols)), shape=(r, cube.values.size)).toarray()


def determined_cells(cube, suppressed: np.ndarray) -> np.ndarray:
    """Flat indices of suppressed cells whose value follows from the published ones."""
    a = constraint_matrix(cube)
    unknown = np.flatnonzero(suppressed.ravel())
    if len(unknown) == 0:
        return unknown
    sub = a[:, unknown]
    # A cell is determined iff every vector of the null space is zero on it.
    _, s, vt = np.linalg.svd(sub, full_matrices=True)
    rank = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum())
    null = vt[rank:].T  # (unknown × nullity)
    if null.shape[1] == 0:
        return unknown
    fixed = np.abs(null).max(axis=1) < 1e-9
    return unknown[fixed]


def interval(
    cube, suppressed: np.ndarray, cell_flat: int, shown: np.ndarray | None = None
) -> tuple[float, float]:
    """Smallest and largest value of one suppressed cell consistent with what is published.

    ``shown`` (bool, cube shape) marks the cells a view lists: hidden ones among them are
    known to hold at least 1. Without it the attacker knows only non-negativity.
    """
    a = constraint_matrix(cube)
    values = cube.values.ravel().astype(float)
    unknown = np.flatnonzero(suppressed.ravel())
    known = np.flatnonzero(~suppressed.ravel())
    a_u, a_k = a[:, unknown], a[:, known]
    rhs = -a_k @ values[known]
    keep = np.abs(a_u).sum(axis=1) > 0
    target = int(np.flatnonzero(unknown == cell_flat)[0])
    c = np.zeros(len(unknown))
    c[target] = 1.0
    at_least = np.zeros(len(unknown)) if shown is None else shown.ravel()[unknown].astype(float)
    bounds = [(lo, None) for lo in at_least]
    low = linprog(c, A_eq=a_u[keep], b_eq=rhs[keep], bounds=bounds, method="highs")
    high = linprog(-c, A_eq=a_u[keep], b_eq=rhs[keep], bounds=bounds, method="highs")
    assert low.status == 0, low.message
    if high.status == 3:  # unbounded: nothing published limits the cell from above
        return float(low.fun), float("inf")
    assert high.status == 0, high.message
    return float(low.fun), float(-high.fun)


def layout_floor(cube, shown: np.ndarray, cell_flat: int) -> float:
    """The attacker's minimum for a cell when every cell with movers is hidden (zeros shown)."""
    hidden = ~shown | (cube.values > 0)
    return interval(cube, hidden, cell_flat, shown)[0]
