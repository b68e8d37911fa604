import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.maps.simplify import metres_per_pixel, precision_for_zoom, simplify, to_web, zoom_to_fit


def test_metres_per_pixel_halves_per_zoom():
    assert metres_per_pixel(7) == pytest.approx(2 * metres_per_pixel(8))
    assert metres_per_pixel(0, latitude=0) == pytest.approx(156_543.03, rel=1e-6)


def test_precision_follows_zoom():
    assert precision_for_zoom(7) == pytest.approx(1e-3)
    assert precision_for_zoom(14) == pytest.approx(1e-5)


def _squares():
    # two squares sharing an edge with a wiggly border
    wiggle = [(1000, y) for y in range(0, 1001, 50)]
    wiggle = [(x + (7 if i % 2 else 0), y) for i, (x, y) in enumerate(wiggle)]
    left = shapely.Polygon([(0, 0), *wiggle, (0, 1000)])
    right = shapely.Polygon([(2000, 0), (2000, 1000), *reversed(wiggle)])
    return gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[left, right], crs=25832)


def test_coverage_simplification_keeps_shared_border():
    out = simplify(_squares(), 20, coverage=True)
    assert shapely.get_num_coordinates(out.geometry.values).sum() < 30
    shared = out.geometry.iloc[0].intersection(out.geometry.iloc[1])
    assert shared.length > 900  # still one common border, no gap or overlap
    assert out.geometry.iloc[0].intersection(out.geometry.iloc[1]).area == pytest.approx(0)


def test_to_web_reprojects_and_rounds():
    web = to_web(_squares(), zoom=10)
    assert web.crs.to_epsg() == 4326
    coords = shapely.get_coordinates(web.geometry.values)
    grid = precision_for_zoom(10)
    np.testing.assert_allclose(coords / grid, np.round(coords / grid), atol=1e-6)
    assert web.is_valid.all()


def test_to_web_refuses_other_crs():
    with pytest.raises(ValueError, match="EPSG:25832"):
        to_web(_squares().to_crs(4326))


def test_zoom_to_fit():
    assert zoom_to_fit((0, 0, 1000, 1000)) > zoom_to_fit((0, 0, 100_000, 100_000))
