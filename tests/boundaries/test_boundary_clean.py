"""Geometry checks, repairs and dissolving."""

from __future__ import annotations

import numpy as np
import shapely

from boundaries.clean import dissolve, geometry_problems, repair, to_multipolygons

BOW_TIE = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
FLAT = shapely.Polygon([(0, 0), (5, 5), (10, 10), (0, 0)])  # no area: repairs to a line


def array(*geometries) -> np.ndarray:
    return np.array(geometries, dtype=object)


def test_bow_tie_becomes_two_valid_triangles():
    fixed, repaired, failed = repair(array(shapely.box(20, 0, 30, 10), BOW_TIE))
    assert repaired.tolist() == [1]
    assert failed.tolist() == []
    assert shapely.is_valid(fixed).all()
    assert shapely.get_type_id(fixed).tolist() == [6, 6]  # MultiPolygons
    assert shapely.get_num_geometries(fixed[1]) == 2
    assert shapely.area(fixed[1]) == 50.0
    assert fixed[0].equals(shapely.box(20, 0, 30, 10))


def test_repair_that_leaves_nothing_polygonal_fails():
    fixed, repaired, failed = repair(array(FLAT, shapely.box(0, 0, 1, 1)))
    assert failed.tolist() == [0]
    assert repaired.tolist() == []
    assert fixed[0] is None


def test_geometry_problems_name_feature_and_kind():
    problems = geometry_problems(
        array(None, shapely.Polygon(), shapely.Point(1, 1), shapely.LineString([(0, 0), (1, 1)])),
        ["a", "b", "c", "d"],
    )
    texts = [str(p) for p in problems]
    assert texts[0].startswith("feature 1 ('a') has no geometry")
    assert texts[1].startswith("feature 2 ('b') has an empty geometry")
    assert texts[2].startswith("feature 3 ('c') is a Point, not a polygon")
    assert texts[3].startswith("feature 4 ('d') is a LineString, not a polygon")
    assert geometry_problems(array(shapely.box(0, 0, 1, 1), BOW_TIE)) == []


def test_to_multipolygons_keeps_only_polygons():
    collection = shapely.GeometryCollection(
        [shapely.box(0, 0, 1, 1), shapely.LineString([(5, 5), (6, 6)]), shapely.Point(9, 9)]
    )
    out = to_multipolygons(array(collection, shapely.box(2, 2, 3, 3)))
    assert [g.geom_type for g in out] == ["MultiPolygon", "MultiPolygon"]
    assert out[0].equals(shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]))


def test_dissolve_merges_neighbours_and_islands_per_key():
    geometries = array(
        shapely.box(0, 0, 1, 1),
        shapely.box(5, 5, 6, 6),  # island of "a"
        shapely.box(1, 0, 2, 1),  # neighbour of the first "a": shares an edge
        shapely.box(10, 10, 11, 11),
    )
    keys, merged, first = dissolve(geometries, ["a", "a", "a", "b"])
    assert keys == ["a", "b"]
    assert first.tolist() == [0, 3]
    assert shapely.is_valid(merged).all()
    assert shapely.area(merged).tolist() == [3.0, 1.0]
    # the neighbours became one polygon, the island stays separate
    assert shapely.get_num_geometries(merged).tolist() == [2, 1]
