"""Disclosure control: small cells suppressed, nothing recoverable from what is published.

The properties are checked by an attacker that knows nothing of how cells were chosen
(:mod:`tests.geo.disclosure_audit`): linear algebra over every sum of the cube (totals,
margins, two years, two filters, an area and its municipality) and a linear programme that
also uses that no count is negative.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.relocation.disclosure import Cube, Dimension, check_threshold, protect
from tests.geo.disclosure_audit import determined_cells, interval


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
    result = protect(cube, k, publishable)
    return cube, k, publishable, result


def _must_hide(cube, k, publishable, result) -> np.ndarray:
    """Cells nobody may work out: suppressed published-level cells and every small cell."""
    small = (cube.values > 0) & (cube.values < k)
    return (result.suppressed & publishable & (cube.values > 0)) | small


def _smallest_derivable(cube, suppressed):
    """Independent recursion: the smallest positive count a reader can derive in a cell."""
    values = cube.values

    @functools.cache
    def floor(cell):
        if not suppressed[cell]:
            return 0
        best = int(values[cell])
        for axis, dim in enumerate(cube.dims):
            for decomposition in dim.children.get(dim.nodes[cell[axis]], []):
                parts = [cell[:axis] + (dim.index[c],) + cell[axis + 1 :] for c in decomposition]
                below = sum(floor(q) for q in parts)
                if 0 < below < best:
                    best = below
        return best

    return floor


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(flow_tables())
def test_no_published_count_below_the_threshold(table):
    cube, k, publishable, result = _protected(table)
    published = cube.values[publishable & ~result.suppressed]
    assert not ((published > 0) & (published < k)).any()
    assert result.suppressed[~publishable].all(), "cells no view shows are never published"
    np.testing.assert_array_equal(
        result.primary, publishable & (cube.values > 0) & (cube.values < k)
    )
    assert not (result.suppressed & publishable & (cube.values == 0)).any(), "zeros are shown"


@PROPERTY
@given(flow_tables())
def test_no_hidden_cell_follows_from_totals_margins_or_differences(table):
    cube, k, publishable, result = _protected(table)
    determined = set(determined_cells(cube, result.suppressed).tolist())
    must_hide = set(np.flatnonzero(_must_hide(cube, k, publishable, result).ravel()).tolist())
    assert determined & must_hide == set()


@PROPERTY
@given(flow_tables())
def test_no_hidden_cell_is_pinned_down_by_non_negativity(table):
    cube, k, publishable, result = _protected(table)
    cells = np.flatnonzero(_must_hide(cube, k, publishable, result).ravel())
    for cell in cells[:: max(1, len(cells) // 6)]:
        low, high = interval(cube, result.suppressed, int(cell))
        true = cube.values.ravel()[cell]
        assert low <= true <= high
        assert high - low >= 2 - 1e-6, f"cell {cell} known to lie in [{low}, {high}]"


@PROPERTY
@given(flow_tables())
def test_no_total_minus_its_published_parts_is_a_small_count(table):
    cube, k, publishable, result = _protected(table)
    floor = _smallest_derivable(cube, result.suppressed)
    for cell in zip(*np.nonzero(~result.suppressed & (cube.values > 0)), strict=True):
        cell = tuple(int(c) for c in cell)
        for axis, dim in enumerate(cube.dims):
            for decomposition in dim.children.get(dim.nodes[cell[axis]], []):
                parts = [cell[:axis] + (dim.index[c],) + cell[axis + 1 :] for c in decomposition]
                hidden = sum(floor(q) for q in parts)
                assert hidden == 0 or hidden >= k, (cell, axis, hidden)


@PROPERTY
@given(flow_tables())
def test_protection_is_deterministic(table):
    cube, k, publishable = table
    np.testing.assert_array_equal(
        protect(cube, k, publishable).suppressed, protect(cube, k, publishable).suppressed
    )


def test_two_years_cannot_be_subtracted_from_all_years():
    """One origin, one destination: 2021 has 2 movers, 2022 has 40, all years 42."""
    dims = _dims(2, 1, [1], [1], 1)
    cube = Cube.from_atoms(dims, np.array([2, 40]).reshape(2, 1, 1, 1))
    result = protect(cube, 5)
    year = dims[0]
    y2021, y2022, every = year.index["y0"], year.index["y1"], year.index["*"]
    # 42 - 40 would give 2021 away: one of the two others is suppressed with it.
    assert result.suppressed[y2021, 0, 0, 0]
    assert result.suppressed[y2022, 0, 0, 0] or result.suppressed[every, 0, 0, 0]
    assert determined_cells(cube, result.suppressed).tolist() == []
    assert [cube.values[y, 0, 0, 0] for y in (y2021, y2022, every)] == [2, 40, 42]


def test_planned_cannot_be_recovered_as_all_reasons_minus_other():
    dims = _dims(1, 2, [1], [2], 1)
    counts = np.zeros(tuple(len(d.atoms) for d in dims), dtype=np.int64)
    counts[0, 0, 0, 0] = 3  # planned rehousing to d00: below 5
    counts[0, 1, 0, 0] = 20
    counts[0, 0, 0, 1] = 12
    counts[0, 1, 0, 1] = 9
    cube = Cube.from_atoms(dims, counts)
    result = protect(cube, 5)
    assert result.suppressed.sum() >= 4  # the small cell and a rectangle around it
    assert determined_cells(cube, result.suppressed).tolist() == []
    published = cube.values[~result.suppressed]
    assert not ((published > 0) & (published < 5)).any()


def test_a_table_without_small_cells_is_published_whole():
    dims = _dims(2, 2, [2], [2], 2)
    shape = tuple(len(d.atoms) for d in dims)
    cube = Cube.from_atoms(dims, np.full(shape, 7))
    result = protect(cube, 5)
    assert not result.suppressed.any()


@pytest.mark.parametrize("value", [2, 0, -1, "2", 2.5, True, None])
def test_threshold_below_three_or_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError):
        check_threshold(value)


def test_threshold_three_and_above_is_accepted():
    assert check_threshold(3) == 3
    assert check_threshold("7") == 7


@PROPERTY
@given(flow_tables())
def test_witnesses_found_by_linear_programming_protect_as_well(table):
    """With the programme tried for every cell, the attacker still recovers nothing."""
    import geo.relocation.disclosure

    cube, k, publishable = table
    saved = geo.relocation.disclosure.LP_TRIGGER
    geo.relocation.disclosure.LP_TRIGGER = -1.0
    try:
        result = protect(cube, k, publishable)
    finally:
        geo.relocation.disclosure.LP_TRIGGER = saved
    published = cube.values[publishable & ~result.suppressed]
    assert not ((published > 0) & (published < k)).any()
    determined = set(determined_cells(cube, result.suppressed).tolist())
    must_hide = set(np.flatnonzero(_must_hide(cube, k, publishable, result).ravel()).tolist())
    assert determined & must_hide == set()
    cells = np.flatnonzero(_must_hide(cube, k, publishable, result).ravel())
    for cell in cells[:: max(1, len(cells) // 4)]:
        low, high = interval(cube, result.suppressed, int(cell))
        assert high - low > 1e-6, f"cell {cell} known to be {low}"
