"""Disclosure control to the standard of statistical offices.

The requirement (see :mod:`geo.relocation.audit`): for every cell with 1 ≤ n < threshold the
interval an attacker derives by linear programming from everything published — every cell of
every view, every sum, non-negativity, and "a cell shown as suppressed holds at least 1" —
reaches the threshold and comes down to 1 (or to the floor the layout alone forces). The
properties are checked by an attacker that knows nothing of how cells were chosen and shares no
code with the service (:mod:`tests.geo.disclosure_audit`), and by the service's own audit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.relocation.audit import audit
from geo.relocation.disclosure import (
    Cube,
    Dimension,
    check_threshold,
    protect,
    protect_audited,
)
from tests.geo.disclosure_audit import determined_cells, interval, layout_floor


def _dims(years: int, reasons: int, origins: list[int], dests: list[int], bands: int):
    return [
        Dimension.flat("year", [f"y{i}" for i in range(years)]),
        Dimension.flat("reason", ["planned", "other"][:reasons]),
        Dimension.grouped(
            "origin", {f"om{i}": [f"o{i}{j}" for j in range(n)] for i, n in enumerate(origins)}
        ),
        Dimension.grouped(
            "dest",
            {f"dm{i}": [f"d{i}{j}" for j in range(n)] for i, n in enumerate(dests)},
            alternative=[f"b{i}" for i in range(bands)],
        ),
    ]


@st.composite
def flow_tables(draw):
    """A random flow cube: a few years, reasons, origins, destinations and distance bands."""
    dims = _dims(
        draw(st.integers(1, 3)),
        draw(st.integers(1, 2)),
        draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)),
        draw(st.lists(st.integers(1, 2), min_size=1, max_size=3)),
        draw(st.integers(1, 2)),
    )
    shape = tuple(len(d.atoms) for d in dims)
    size = int(np.prod(shape))
    # Mostly small counts, many zeros: the hard case for suppression.
    counts = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30)),
            min_size=size,
            max_size=size,
        )
    )
    threshold = draw(st.sampled_from([3, 4, 5]))
    cube = Cube.from_atoms(dims, np.array(counts, dtype=np.int64).reshape(shape))
    # Which cells a view can show: every level of year and reason; for origin × destination
    # a random choice of level pairs (as the service leaves municipality → area unpublished).
    levels = [_levels(d) for d in dims[2:]]
    pairs = sorted({(a, b) for a in levels[0] for b in levels[1]})
    shown = draw(st.sets(st.sampled_from(pairs), min_size=1)) if draw(st.booleans()) else pairs
    publishable = np.zeros(cube.values.shape, dtype=bool)
    for o, d in shown:
        publishable[:, :, levels[0] == o, :] |= (levels[1] == d)[None, None, None, :]
    return cube, threshold, publishable


def _levels(dim) -> np.ndarray:
    """Kind of each node: 0 leaf, 1 group, 2 total, 3 leaf of the alternative split."""
    out = []
    for node in dim.nodes:
        if node == dim.root:
            out.append(2)
        elif node in dim.children:
            out.append(1)
        elif node.startswith("b"):
            out.append(3)
        else:
            out.append(0)
    return np.array(out)


def _protected(table):
    cube, k, publishable = table
    result = protect_audited(cube, k, publishable)
    return cube, k, publishable, result


# Each example solves a few dozen linear programmes: a modest count, marked slow.
PROPERTY = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@PROPERTY
@given(flow_tables())
def test_no_small_count_is_published_and_zeros_are_shown(table):
    cube, k, publishable, result = _protected(table)
    published = cube.values[publishable & ~result.suppressed]
    assert not ((published > 0) & (published < k)).any()
    assert result.suppressed[~publishable].all(), "cells no view shows are never published"
    np.testing.assert_array_equal(
        result.primary, publishable & (cube.values > 0) & (cube.values < k)
    )
    assert not (result.suppressed & publishable & (cube.values == 0)).any(), "zeros are shown"


@pytest.mark.slow
@PROPERTY
@given(flow_tables())
def test_attacker_with_every_view_and_hidden_at_least_one_cannot_narrow_a_small_cell(table):
    """The independent attacker: every small cell's interval holds 1 (or the floor) and k."""
    cube, k, publishable, result = _protected(table)
    small = np.flatnonzero(((cube.values > 0) & (cube.values < k)).ravel())
    shown = publishable  # every cell some view lists; hidden ones there are ≥ 1
    for cell in small:
        low, high = interval(cube, result.suppressed, int(cell), shown)
        true = cube.values.ravel()[cell]
        assert low - 1e-6 <= true <= high + 1e-6
        assert high >= k - 1e-6, f"cell {cell} (n={true}) is at most {high}"
        if low > 1 + 1e-6:
            floor = layout_floor(cube, shown, int(cell))
            assert low <= floor + 1e-6, f"cell {cell} (n={true}) is at least {low} > {floor}"
    determined = set(determined_cells(cube, result.suppressed).tolist())
    assert determined & set(small.tolist()) == set()
    assert audit(cube, publishable, result.suppressed, k).ok


@pytest.mark.slow
@PROPERTY
@given(flow_tables())
def test_audit_agrees_with_the_independent_attacker(table):
    """Whatever is suppressed (here: the previous method's choice), both attackers agree."""
    cube, k, publishable = table
    suppressed = protect(cube, k, publishable).suppressed
    report = audit(cube, publishable, suppressed, k)
    failing = {f.cell for f in report.failures}
    for cell in np.argwhere((cube.values > 0) & (cube.values < k)):
        cell = tuple(int(c) for c in cell)
        flat = int(np.ravel_multi_index(cell, cube.values.shape))
        low, high = interval(cube, suppressed, flat, publishable)
        narrow = high < k - 1e-6 or (
            low > 1 + 1e-6 and low > layout_floor(cube, publishable, flat) + 1e-6
        )
        assert (cell in failing) == narrow, (cell, low, high)


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow_tables())
def test_protection_is_deterministic(table):
    cube, k, publishable = table
    np.testing.assert_array_equal(
        protect_audited(cube, k, publishable).suppressed,
        protect_audited(cube, k, publishable).suppressed,
    )


def _one_line(values: list[int]):
    """One year, one reason, one origin, destinations d00, d01, … in one municipality."""
    dims = _dims(1, 1, [1], [len(values)], 1)
    counts = np.array(values, dtype=np.int64).reshape(1, 1, 1, len(values))
    return Cube.from_atoms(dims, counts)


def test_audit_names_a_cell_an_attacker_narrows_down():
    """Shown as suppressed (so ≥ 1), with 1 + 30 published: d00 ≤ 1 — recovered exactly."""
    cube = _one_line([1, 30, 0])
    publishable = np.ones(cube.values.shape, dtype=bool)
    suppressed = np.zeros(cube.values.shape, dtype=bool)
    dest = cube.dims[3]
    suppressed[..., dest.index["d00"]] = True  # in every year, reason and origin
    report = audit(cube, publishable, suppressed, 5)
    assert not report.ok
    by_name = {f.name: f for f in report.failures}
    leaf = by_name["year=y0, reason=planned, origin=o00, dest=d00"]
    assert (leaf.low, leaf.high, leaf.side) == (1.0, 1.0, "upper")
    assert "upper bound is below the threshold" in str(leaf)


def test_hidden_is_at_least_one_is_what_breaks_a_pair_of_small_cells():
    """d00 = 1 and d01 = 3 hidden, the total 34 and d02 = 30 shown: d00 + d01 = 4.

    Knowing only non-negativity, d00 ∈ [0, 4]; knowing both hidden cells are ≥ 1 (the listing
    leaves out zeros), d00 ∈ [1, 3]: below 5, so the audit fails, and protection hides more.
    """
    cube = _one_line([1, 3, 30])
    publishable = np.ones(cube.values.shape, dtype=bool)
    dest = cube.dims[3]
    suppressed = np.zeros(cube.values.shape, dtype=bool)
    for d in ("d00", "d01"):
        suppressed[..., dest.index[d]] = True
    flat = int(np.ravel_multi_index((0, 0, 0, dest.index["d00"]), cube.values.shape))
    assert interval(cube, suppressed, flat) == (0.0, 4.0)
    assert interval(cube, suppressed, flat, publishable) == (1.0, 3.0)
    assert not audit(cube, publishable, suppressed, 5).ok
    result = protect_audited(cube, 5, publishable)
    assert audit(cube, publishable, result.suppressed, 5).ok
    low, high = interval(cube, result.suppressed, flat, publishable)
    assert low <= 1 and high >= 5


def test_the_previous_method_fails_the_audit_the_new_one_passes():
    rng = np.random.default_rng(0)
    dims = _dims(3, 2, [2, 1], [2, 1], 2)
    shape = tuple(len(d.atoms) for d in dims)
    cube = Cube.from_atoms(dims, rng.choice([0, 0, 1, 2, 3, 8, 20], size=shape))
    publishable = np.ones(cube.values.shape, dtype=bool)
    old = protect(cube, 5, publishable)
    assert not audit(cube, publishable, old.suppressed, 5).ok
    new = protect_audited(cube, 5, publishable)
    assert audit(cube, publishable, new.suppressed, 5).ok


def test_a_table_without_small_cells_is_published_whole():
    dims = _dims(2, 2, [2], [2], 2)
    shape = tuple(len(d.atoms) for d in dims)
    cube = Cube.from_atoms(dims, np.full(shape, 7))
    result = protect_audited(cube, 5)
    assert not result.suppressed.any()
    assert audit(cube, np.ones(cube.values.shape, dtype=bool), result.suppressed, 5).ok


def test_two_years_cannot_be_subtracted_from_all_years():
    """One origin, one destination: 2021 has 2 movers, 2022 has 40, all years 42."""
    dims = _dims(2, 1, [1], [1], 1)
    cube = Cube.from_atoms(dims, np.array([2, 40]).reshape(2, 1, 1, 1))
    result = protect_audited(cube, 5)
    year = dims[0]
    y2021, y2022, every = year.index["y0"], year.index["y1"], year.index["*"]
    assert result.suppressed[y2021, 0, 0, 0]
    assert result.suppressed[y2022, 0, 0, 0] or result.suppressed[every, 0, 0, 0]
    assert determined_cells(cube, result.suppressed).tolist() == []


@pytest.mark.parametrize("value", [2, 0, -1, "2", 2.5, True, None])
def test_threshold_below_three_or_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError):
        check_threshold(value)


def test_threshold_three_and_above_is_accepted():
    assert check_threshold(3) == 3
    assert check_threshold("7") == 7
