"""Static SVG maps for print (geo.maps.static), drawn from the web map's layers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from geo.maps.layers import area_map_data, municipality_map_data
from geo.maps.static import LayerStyle, render_svg
from geo.store import Store

SVG = "{http://www.w3.org/2000/svg}"
AREA_LAYERS = [
    ("outline", LayerStyle(fill="#efeee9", stroke="#8a8a8a")),
    ("neighbours", LayerStyle(fill="#777777", fill_opacity=0.35, label="name")),
    (
        "area",
        LayerStyle(
            fill="#CC3311",
            stroke="#CC3311",
            stroke_width=3,
            dash_by="boundary_source",
            label="name",
            label_weight="bold",
        ),
    ),
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_area_map_has_its_shapes_names_and_scale(built_store: Store):
    data = area_map_data(built_store, "gellerupparken-toveshoej")
    drawn = render_svg(data, AREA_LAYERS, width=600, height=400, title="Gellerupparken/Toveshøj")
    root = _parse(drawn.svg)
    assert root.get("viewBox") == "0 0 600 400"
    assert root.find(f"{SVG}title").text == "Gellerupparken/Toveshøj"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Gellerupparken/Toveshøj" in texts  # the area, named
    assert "Bispehaven" in texts and "Skovgårdsparken" in texts  # its neighbours, named
    assert texts[-1] == "2 km"  # scale bar: a 1-2-5 length near a quarter of the width
    area_paths = root.find(f"{SVG}g/{SVG}g[@class='layer-area']")
    [disc] = list(area_paths)
    # the area's boundary is approximate (a disc), so it is dashed as on the web map
    assert disc.get("stroke-dasharray") == "5 4"
    # every drawn coordinate of the area lies inside the frame
    numbers = [
        float(n)
        for n in disc.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()
    ]
    xs, ys = numbers[0::2], numbers[1::2]
    assert 0 < min(xs) < max(xs) < 600 and 0 < min(ys) < max(ys) < 400
    # a metre is a metre both ways: the disc is round on paper
    assert max(xs) - min(xs) == pytest.approx(max(ys) - min(ys), rel=0.02)


def test_no_request_can_hide_in_the_svg(built_store: Store):
    data = area_map_data(built_store, "gellerupparken-toveshoej")
    svg = render_svg(data, AREA_LAYERS).svg
    # the only URL is the SVG namespace; no href, no image, no font import
    assert svg.count("http") == 1 and "href" not in svg and "<image" not in svg


def test_names_are_escaped_and_colliding_labels_dropped(built_store: Store):
    data = municipality_map_data(built_store, "0101", 2022)
    areas = data.layers["areas"].copy()
    areas.loc[areas.index[0], "name"] = "A & <B>"
    data.layers["areas"] = areas
    drawn = render_svg(
        data,
        [
            (
                "areas",
                LayerStyle(fill_by="most_severe_category", palette=(("", "#777"),), label="name"),
            )
        ],
        width=300,
        height=200,
    )
    root = _parse(drawn.svg)  # parses: the name was escaped
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("fill") != "none"][:-1]
    assert len(names) < len(areas)  # Copenhagen's areas cannot all be named at this size
    assert len(names) == len(set(names))
