"""SVG geometry for the plan and evaluation pages: plain dicts the templates draw.

No HTML and no colour-only meaning: every mark has a shape or a text label of its own, and
every chart has a table twin on the page. Colours are Paul Tol's colour-blind-safe set.
Labels are in the page's language (built per request, never at import time).
"""

from __future__ import annotations

from flask_babel import gettext as _

from indicators.evaluation import KINDS_DA, Event
from indicators.plans import SharePath, number_da, plan_areas, plan_facts
from indicators.programmes import GROUPS_SHORT
from indicators.reports import filter_reports, read_reports, report_records
from service.formats import number, page_language, percent

INK = "#222222"
GRID = "#bbbbbb"
BLUE = "#0077BB"
ORANGE = "#EE7733"
TEAL = "#009988"
GREY = "#777777"
MAGENTA = "#EE3377"
GROUP_COLOURS = {"helhedsplan": BLUE, "almen": TEAL, "befolkning": GREY}


def pct_da(value: float) -> str:
    """``96 %``, ``88,5 %``."""
    return f"{number_da(round(value, 1))} %"


def pct(value: float) -> str:
    """A share in the page's language: ``96 %``/``88,5 %`` (da), ``96%``/``88.5%`` (en)."""
    if page_language() == "da":
        return pct_da(value)
    value = round(value, 1)
    return percent(value, 0 if value == int(value) else 1)


def mio_kr(value: float, digits: int | None = None) -> str:
    """Million kroner: ``13,1 mio. kr.`` (da), ``DKK 13.1 million`` (en)."""
    value = round(value, 2) if digits is None else round(value, digits)
    if page_language() == "da":
        return f"{number_da(value)} mio. kr."
    return _("%(amount)s mio. kr.", amount=number(value))


def event_title(e: Event) -> str:
    """An event's title in the page's language, as plain text (for a chart's tooltip)."""
    if page_language() == "da":
        return e.title
    if e.kind == "liste":
        return _("Listerne pr. 1. december %(year)s", year=e.year)
    if e.names:
        return ", ".join(e.names) + ": " + _(e.action)
    return e.title_en or e.title


def share_panel(
    path: SharePath,
    *,
    first_year: int = 2018,
    last_year: int = 2030,
    width: int = 260,
    height: int = 170,
) -> dict:
    """One small multiple of the 40 % path: share (0–100 %) against year.

    Marks: the baseline (open circle), every imported value (filled square), the target at 1
    January 2030 (diamond) with a dashed reference line at its level. Lines join only values
    of consecutive years; a year without a value between the first and the last known year
    gets a cross on the axis ("ingen værdi"), so no line is drawn through a gap.
    """
    left, right, top, bottom = 34, width - 12, 12, height - 30

    def x(year: float) -> float:
        return round(left + (right - left) * (year - first_year) / (last_year - first_year), 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * min(max(value, 0.0), 100.0) / 100.0, 1)

    points = []
    if path.baseline is not None:
        points.append(
            {"year": path.baseline.year, "value": path.baseline.value, "kind": "baseline"}
        )
    points += [{"year": p.year, "value": p.value, "kind": "measured"} for p in path.measured]
    points.sort(key=lambda p: (p["year"], p["kind"] != "baseline"))
    marks = [
        {
            "x": x(p["year"]),
            "y": y(p["value"]),
            "kind": p["kind"],
            "label": (
                _("%(year)s: %(share)s (udgangspunkt)", year=p["year"], share=pct(p["value"]))
                if p["kind"] == "baseline"
                else f"{p['year']}: {pct(p['value'])}"
            ),
        }
        for p in points
    ]
    segments = []
    for a, b in zip(points, points[1:], strict=False):
        if b["year"] - a["year"] == 1:
            segments.append(
                {"x1": x(a["year"]), "y1": y(a["value"]), "x2": x(b["year"]), "y2": y(b["value"])}
            )
    gaps = [
        {"x": x(year), "y": bottom, "year": year}
        for year in path.missing_years
        if first_year <= year <= last_year
    ]
    target = path.target.value
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "marks": marks,
        "segments": segments,
        "gaps": gaps,
        "target": {
            "x": x(last_year),
            "y": y(target),
            "label": pct(target),
            "line_x1": left,
        },
        "y_ticks": [{"y": y(v), "label": pct(v)} for v in (0, 40, 100)],
        "x_ticks": [{"x": x(yr), "label": str(yr)} for yr in (first_year, 2024, last_year)],
        "title": _panel_title(path),
    }


def _panel_title(path: SharePath) -> str:
    parts = [_("%(name)s: andel almene familieboliger.", name=path.name)]
    if path.baseline is not None:
        parts.append(
            _(
                "Udgangspunkt %(year)s: %(share)s.",
                year=path.baseline.year,
                share=pct(path.baseline.value),
            )
        )
    else:
        parts.append(_("Udgangspunkt ikke oplyst."))
    if path.measured:
        values = ", ".join(f"{p.year} {pct(p.value)}" for p in path.measured)
        parts.append(_("Indlæste værdier: %(values)s.", values=values))
    else:
        parts.append(_("Ingen indlæste værdier."))
    parts.append(
        _(
            "Mål 1. januar 2030: %(share)s (%(kind)s).",
            share=pct(path.target.value),
            kind=_(path.target.label_da),
        )
    )
    return " ".join(parts)


LANES = ("evaluering", "lov", "liste", "plan", "frist")


def timeline_chart(
    events: list[Event], *, first_year: int = 2018, last_year: int = 2030, width: int = 900
) -> dict:
    """The timeline as lanes (one per kind) on a 2018–2030 axis; each event a numbered mark
    (the number is the event's place in the list under the chart). Marks that would overlap
    in a lane are moved down a row."""
    left, right, lane_top, row_h = 130, width - 20, 28, 20
    step = 18.0

    def x(position: float) -> float:
        return round(
            left + (right - left) * (position - first_year) / (last_year + 1 - first_year), 1
        )

    lanes = []
    y = lane_top
    marks = []
    numbered = {id(e): i for i, e in enumerate(events, start=1)}
    for kind in LANES:
        in_lane = [e for e in events if e.kind == kind]
        rows_end: list[float] = []
        placed = []
        for e in in_lane:
            ex = x(e.position)
            row = next((i for i, end in enumerate(rows_end) if ex - end >= step), None)
            if row is None:
                rows_end.append(ex)
                row = len(rows_end) - 1
            else:
                rows_end[row] = ex
            placed.append((e, ex, row))
        n_rows = max(1, len(rows_end))
        lanes.append({"kind": kind, "label": _(KINDS_DA[kind]), "y": y, "h": n_rows * row_h + 8})
        for e, ex, row in placed:
            marks.append(
                {
                    "x": ex,
                    "y": y + 12 + row * row_h,
                    "kind": kind,
                    "number": numbered[id(e)],
                    "label": f"{numbered[id(e)]}. {e.date}: {event_title(e)}",
                }
            )
        y += n_rows * row_h + 8
    height = y + 26
    years = [
        {"x": x(year), "label": str(year), "mid": x(year + 0.5)}
        for year in range(first_year, last_year + 1)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "top": lane_top,
        "axis_y": y + 4,
        "lanes": lanes,
        "marks": marks,
        "years": years,
    }


def survey_chart(measure: dict, *, width: int = 560) -> dict:
    """Horizontal bars 0–100 % for one survey measure, one per (group, year); every bar is
    labelled with its group, year and value in text."""
    label_w, bar_left, row_h = 150, 158, 22
    bar_w = width - bar_left - 56
    bars = []
    for i, v in enumerate(measure["values"]):
        w = round(bar_w * v["pct"] / 100.0, 1)
        bars.append(
            {
                "y": 6 + i * row_h,
                "label": f"{_(GROUPS_SHORT[v['group']])} {v['year']}",
                "w": w,
                "value": pct(v["pct"]),
                "value_x": bar_left + w + 4,
                "fill": GROUP_COLOURS[v["group"]],
                "hatch": v["year"] == 2021,
            }
        )
    return {
        "width": width,
        "height": 12 + len(bars) * row_h,
        "label_w": label_w,
        "bar_left": bar_left,
        "bar_w": bar_w,
        "bar_h": row_h - 7,
        "bars": bars,
    }


def programme_charts(programmes) -> dict:
    """Two bar charts: the total grant per programme (million kroner) and the grant per
    helhedsplan as the booklet's table and its text give it (both, side by side)."""
    width, label_w, bar_left, row_h = 560, 150, 158, 22
    bar_w = width - bar_left - 110
    top_total = max(p.total_grant_dkk for p in programmes) / 1e6
    totals = []
    for i, p in enumerate(programmes):
        value = p.total_grant_dkk / 1e6
        w = round(bar_w * value / top_total, 1)
        totals.append(
            {
                "y": 6 + i * row_h,
                "label": _("%(programme)s-midlerne", programme=p.programme),
                "w": w,
                "value": mio_kr(value, 1),
                "value_x": bar_left + w + 4,
            }
        )
    per_plan = []
    top_plan = max(max(p.per_plan_table_mio, p.per_plan_text_mio) for p in programmes)
    i = 0
    which_label = {"tabel": _("tabel"), "tekst": _("tekst")}
    for p in programmes:
        for which, value in (("tabel", p.per_plan_table_mio), ("tekst", p.per_plan_text_mio)):
            w = round(bar_w * value / top_plan, 1)
            differs = p.per_plan_disagrees and which == "tekst"
            per_plan.append(
                {
                    "y": 6 + i * row_h,
                    "label": f"{p.programme} ({which_label[which]})",
                    "which": which,
                    "w": w,
                    "value": _("%(amount)s – afviger", amount=mio_kr(value))
                    if differs
                    else mio_kr(value),
                    "value_x": bar_left + w + 4,
                }
            )
            i += 1
    return {
        "width": width,
        "label_w": label_w,
        "bar_left": bar_left,
        "bar_h": row_h - 7,
        "totals": {"height": 12 + len(totals) * row_h, "bars": totals},
        "per_plan": {"height": 12 + len(per_plan) * row_h, "bars": per_plan},
    }


def area_plan_context(store, area_id: str) -> dict:
    """What the area page needs for its plan section (only for areas that have been
    omdannelsesområde or have plan facts: ``show_plan``) and its reports (every area)."""
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    reports = report_records(filter_reports(read_reports(store), area_id=area_id), names)
    if area_id not in plan_areas(store):
        return {"show_plan": False, "area_reports": reports, "area_id": area_id}
    plan = plan_facts(store, area_id)
    return {
        "show_plan": True,
        "plan": plan,
        "share": share_panel(plan.path, width=320, height=190),
        "area_reports": reports,
        "area_id": area_id,
    }
