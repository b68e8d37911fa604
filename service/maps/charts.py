"""Server-rendered SVG charts for indicators: geometry and wording, no HTML.

The wording is in the request's language: Danish as it always was, English with
``?sprog=en`` (numbers through :func:`service.formats.number`, words through the catalogue).

The templates draw the SVG from the plain dicts built here, with presentation attributes only
(pages carry no inline style or script). Every chart has a table next to it with the same
numbers.
"""

from __future__ import annotations

import math

from flask_babel import gettext as _

from geo.i18n import N_
from indicators.catalogue import CATALOGUE, UNITS, Unit
from indicators.rules.model import COMPARISONS
from service.formats import number, page_language
from service.i18n import translate

# Paul Tol's "bright"/"vibrant" colours: distinguishable with colour-vision deficiencies.
MET_COLOUR = "#CC3311"
NOT_MET_COLOUR = "#0077BB"
NEUTRAL_COLOUR = "#555555"
THRESHOLD_COLOUR = "#000000"


# The units' words as the charts say them (marked here too, so the catalogue has them).
UNIT_WORDS = (
    N_("% af regionens gennemsnit"),
    N_("gange landsgennemsnittet"),
    N_("beboere"),
    N_("procentpoint"),
)


def _danish() -> bool:
    return page_language() == "da"


def fmt_number(value: float | None, decimals: int = 1, *, whole: bool = False) -> str:
    """A number in the page's language: Danish with a decimal comma and thousands with a
    dot (``1.382``, ``12,3``), English ``1,382``, ``12.3``; "ikke oplyst" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("ikke oplyst")
    if not _danish():
        return number(round(value) if whole else value, 0 if whole else decimals)
    if whole:
        return f"{round(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def _unit_label(unit: Unit, number_text: str) -> str:
    """A number with its unit: ``41,5 %`` (da) / ``41.5%`` (en), ``1.382 beboere``."""
    if unit.code == "percent" and not _danish():
        return f"{number_text}%"
    return f"{number_text} {translate(unit.label_da)}"


def fmt_value(value: float | None, code: str) -> str:
    """A value with its unit: ``41,5 %``, ``1.382 beboere``, ``3,04 gange landsgennemsnittet``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("ikke oplyst")
    unit = CATALOGUE[code].unit_info
    return _unit_label(unit, fmt_number(value, unit.decimals, whole=unit.whole))


def margin_words(margin: float | None, unit: Unit) -> str:
    """``12,3 procentpoint over grænsen`` / ``34 beboere under grænsen`` / ``præcis på
    grænsen``; "ikke oplyst" when there is no value."""
    if margin is None:
        return _("ikke oplyst")
    if abs(margin) < 10 ** -(unit.decimals + 2):
        return _("præcis på grænsen")
    amount = fmt_number(abs(margin), unit.decimals, whole=unit.whole)
    difference = translate(unit.difference_da)
    if margin > 0:
        return _("%(amount)s %(unit)s over grænsen", amount=amount, unit=difference)
    return _("%(amount)s %(unit)s under grænsen", amount=amount, unit=difference)


def comparison_words(comparison: str, threshold: float, unit: Unit) -> str:
    """``over 40 %``, ``mindst 3 gange landsgennemsnittet``, ``under 55 % af regionens …``."""
    english, danish = COMPARISONS[comparison]
    if unit.whole:
        amount = fmt_number(threshold, whole=True)
    else:
        amount = fmt_number(threshold, 2)
        amount = amount.rstrip("0").rstrip("," if _danish() else ".")
    return f"{danish if _danish() else english} {_unit_label(unit, amount)}"


def met_words(met: bool | None) -> str:
    return {True: _("opfyldt"), False: _("ikke opfyldt"), None: _("ikke oplyst")}[met]


def _domain(unit: Unit, *values: float | None) -> float:
    """Upper end of a chart's scale: the unit's natural range, stretched to fit the data."""
    known = [v for v in values if v is not None and not math.isnan(v)]
    if unit.code == "percent":
        return 100.0
    top = max(known) if known else 1.0
    if unit.code == "ratio":
        return max(4.0, math.ceil(top * 1.2))
    if unit.code == "percent_of_region":
        return max(120.0, math.ceil(top * 1.1 / 10) * 10)
    return max(2000.0, math.ceil(top * 1.15 / 500) * 500)


def _nice_ceiling(value: float) -> float:
    """The next of 1, 2, 2.5, 5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bullet(
    value: float | None,
    threshold: float,
    *,
    unit: str,
    met: bool | None,
    width: int = 320,
    height: int = 34,
) -> dict:
    """Geometry of a bullet chart: a bar for the value, a line for the threshold."""
    u = UNITS[unit]
    top = _domain(u, value, threshold)
    left, right = 4, width - 4

    def x(v: float) -> float:
        return round(left + (right - left) * min(max(v, 0.0), top) / top, 2)

    return {
        "width": width,
        "height": height,
        "track": {"x": left, "y": 8, "w": right - left, "h": 14},
        "bar": None
        if value is None
        else {
            "x": left,
            "y": 10,
            "w": round(x(value) - left, 2),
            "h": 10,
            "fill": MET_COLOUR if met else NOT_MET_COLOUR,
        },
        "threshold_x": x(threshold),
        "ticks": [
            {"x": left, "label": "0"},
            {"x": right, "label": fmt_number(top, 0, whole=True)},
        ],
    }


def ranked_bars(rows: list[dict], *, unit: str, threshold: float | None, width: int = 520) -> dict:
    """Geometry of a ranked horizontal bar chart; ``rows`` have ``name`` and ``value``
    (None = not published: no bar, the label says so)."""
    u = UNITS[unit]
    values = [r["value"] for r in rows]
    known = [v for v in (*values, threshold) if v is not None and not math.isnan(v)]
    # Ranked bars use the data's own range (a share of 3–11 % would vanish on 0–100).
    top = _nice_ceiling(max(known) * 1.1) if known else 1.0
    label_w, bar_left, row_h = 200, 208, 22
    bar_w = width - bar_left - 60
    bars = []
    for i, r in enumerate(rows):
        v = r["value"]
        known = v is not None and not math.isnan(v)
        bars.append(
            {
                "y": 4 + i * row_h,
                "name": r["name"],
                "w": round(bar_w * min(v, top) / top, 2) if known else 0,
                "label": fmt_number(v, u.decimals, whole=u.whole) if known else _("ikke oplyst"),
                "label_x": bar_left + (round(bar_w * min(v, top) / top, 2) if known else 0) + 4,
                "known": known,
            }
        )
    return {
        "width": width,
        "height": 8 + len(rows) * row_h,
        "label_w": label_w,
        "bar_left": bar_left,
        "bar_h": row_h - 6,
        "bars": bars,
        "threshold_x": None
        if threshold is None
        else round(bar_left + bar_w * min(threshold, top) / top, 2),
        "top_label": fmt_number(top, 0, whole=True),
        "bar_right": bar_left + bar_w,
    }


def time_series(
    points: list[tuple[int, float]],
    thresholds: list[tuple[int, float]],
    *,
    unit: str,
    width: int = 320,
    height: int = 130,
) -> dict:
    """Geometry of a small line chart of (year, value) with the threshold of each year."""
    u = UNITS[unit]
    years = sorted({y for y, _ in points} | {y for y, _ in thresholds})
    lo_year, hi_year = years[0], years[-1]
    top = _domain(u, *(v for _, v in points), *(t for _, t in thresholds))
    left, right, ceiling, floor = 40, width - 10, 10, height - 24

    def x(year: int) -> float:
        if hi_year == lo_year:
            return (left + right) / 2
        return round(left + (right - left) * (year - lo_year) / (hi_year - lo_year), 2)

    def y(v: float) -> float:
        return round(floor - (floor - ceiling) * min(v, top) / top, 2)

    pts = [{"x": x(yr), "y": y(v), "year": yr, "value": v} for yr, v in sorted(points)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "floor": floor,
        "ceiling": ceiling,
        "points": pts,
        "line": " ".join(f"{p['x']},{p['y']}" for p in pts),
        "threshold_line": " ".join(f"{x(yr)},{y(t)}" for yr, t in sorted(thresholds)),
        "threshold_points": [{"x": x(yr), "y": y(t)} for yr, t in sorted(thresholds)],
        "x_labels": [{"x": x(yr), "label": str(yr)} for yr in (lo_year, hi_year)]
        if hi_year != lo_year
        else [{"x": x(lo_year), "label": str(lo_year)}],
        "y_labels": [
            {"y": floor, "label": "0"},
            {"y": ceiling, "label": fmt_number(top, 0, whole=True)},
        ],
    }
