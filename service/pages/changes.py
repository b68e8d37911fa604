"""``/aendringer?aar=``: what changed on 1 December, as a map and its table twin."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from geo.changes import change_years, list_changes
from geo.errors import NotFound
from geo.maps.changes import changes_map_data
from indicators.categories import LABELS_DA, PLURAL_DA, label
from indicators.rules import get_rule
from service.maps.base import map_cache, script_response
from service.maps.changes import CHANGE_COLOURS, CHANGE_LABELS_DA, changes_map
from service.params import year_arg
from service.store_access import get_store

bp = Blueprint("changes", __name__)

KIND_DA = {
    "entered": "Kom på listerne",
    "left": "Forlod listerne",
    "changed": "Skiftede kategori",
    "renamed": "Omdøbt",
    "split": "Delt",
    "merged": "Lagt sammen",
    "uncertain": "Ændret, men ikke helt oplyst",
}
REASON_DA = {
    "no_values": "ikke oplyst: de indlæste data har ingen offentliggjorte kriterieværdier for "
    "området i {year}",
    "values_undecided": "ikke oplyst: de offentliggjorte værdier afgør det ikke",
    "values_disagree": "ikke oplyst: de offentliggjorte værdier giver ikke den officielle liste",
    "new_category": "ny kategori: {plural} findes først fra listen {year} (regler {rule})",
}


def _years() -> list[int]:
    years = change_years(get_store())
    if not years:
        raise NotFound("the store has no two consecutive list years to compare")
    return years


def _area_url(area_id: str) -> str:
    return url_for("pages.area_page", slug=area_id)


def changes_built(year: int):
    store = get_store()
    key = ("changes", year, store.data_version)

    def build():
        return changes_map(changes_map_data(store, list_changes(store, year)), year, _area_url)

    return map_cache("site").get_or_build(key, build)


def _number(value: float | None) -> str:
    if value is None:
        return "ikke oplyst"
    text = (
        f"{value:,.2f}".rstrip("0").rstrip(".")
        if not float(value).is_integer()
        else f"{value:,.0f}"
    )
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _explain(e, year: int) -> str:
    if not e.decided:
        return REASON_DA[e.reason].format(
            year=year, plural=PLURAL_DA[e.category], rule=e.rule_after
        )
    parts = []
    for c in e.criteria:
        sign = "+" if (c.margin or 0) > 0 else ""
        text = (
            f"{c.label_da}: {_number(c.value_after)} mod grænsen {_number(c.threshold)} "
            f"({sign}{_number(c.margin)})"
        )
        if c.value_before is not None:
            text += f"; året før {_number(c.value_before)}"
        if c.crossed:
            text += " — grænsen blev krydset"
        parts.append(text)
    return "; ".join(parts)


@bp.route("/aendringer")
def changes_page():
    store = get_store()
    years = _years()
    year = year_arg(years)
    changes = list_changes(store, year)  # 404 for a year without a list or its predecessor
    built = changes_built(year)
    names = {a.area_id: a.name for a in changes.areas}
    explained = {a.area_id: [(e, _explain(e, year)) for e in a.explanations] for a in changes.areas}
    areas = store.read("areas")
    located = set(areas[~areas.geometry.isna()]["area_id"])
    return render_template(
        "changes/changes.html",
        year=year,
        years=years,
        changes=changes,
        names=names,
        explained=explained,
        located=located,
        built=built,
        script_url=url_for("changes.changes_script", year=year, v=store.data_version),
        rule_after=get_rule(changes.rule_after),
        kind_da=KIND_DA,
        change_colours=CHANGE_COLOURS,
        change_labels=CHANGE_LABELS_DA,
        labels=LABELS_DA,
        plural=PLURAL_DA,
        label=label,
    )


@bp.route("/aendringer/<int:year>/kort.js")
def changes_script(year: int):
    store = get_store()
    list_changes(store, year)  # the 404 with the years that have changes
    return script_response(changes_built(year).script)
