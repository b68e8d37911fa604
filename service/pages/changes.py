"""``/aendringer?aar=``: what changed on 1 December, as a map and its table twin."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from geo.changes import change_years, list_changes
from geo.errors import NotFound
from geo.i18n import N_
from geo.maps.changes import changes_map_data
from indicators.categories import LABELS_DA, PLURAL_DA, label
from indicators.rules import get_rule
from service.formats import number, page_language
from service.i18n import link_args, say, translate
from service.maps.base import map_cache, script_response
from service.maps.changes import CHANGE_COLOURS, CHANGE_LABELS_DA, changes_map
from service.params import year_arg
from service.store_access import get_store

bp = Blueprint("changes", __name__)

KIND_DA = {
    "entered": N_("Kom på listerne"),
    "left": N_("Forlod listerne"),
    "changed": N_("Skiftede kategori"),
    "renamed": N_("Omdøbt"),
    "split": N_("Delt"),
    "merged": N_("Lagt sammen"),
    "uncertain": N_("Ændret, men ikke helt oplyst"),
}
REASON_DA = {
    "no_values": N_(
        "ikke oplyst: de indlæste data har ingen offentliggjorte kriterieværdier for "
        "området i %(year)s"
    ),
    "values_undecided": N_("ikke oplyst: de offentliggjorte værdier afgør det ikke"),
    "values_disagree": N_(
        "ikke oplyst: de offentliggjorte værdier giver ikke den officielle liste"
    ),
    "new_category": N_(
        "ny kategori: %(plural)s findes først fra listen %(year)s (regler %(rule)s)"
    ),
}
# How a decisive criterion is explained: with or without last year's value, and whether the
# value crossed the threshold between the two years.
CRITERION_DA = {
    (False, False): N_("%(criterion)s: %(value)s mod grænsen %(threshold)s (%(margin)s)"),
    (True, False): N_(
        "%(criterion)s: %(value)s mod grænsen %(threshold)s (%(margin)s); året før %(before)s"
    ),
    (False, True): N_(
        "%(criterion)s: %(value)s mod grænsen %(threshold)s (%(margin)s) — grænsen blev krydset"
    ),
    (True, True): N_(
        "%(criterion)s: %(value)s mod grænsen %(threshold)s (%(margin)s); året før %(before)s "
        "— grænsen blev krydset"
    ),
}


def _years() -> list[int]:
    years = change_years(get_store())
    if not years:
        raise NotFound("the store has no two consecutive list years to compare")
    return years


def _area_url(area_id: str) -> str:
    lang = page_language()
    if lang == "da":
        return url_for("pages.area_page", slug=area_id)
    return url_for("pages.area_page", slug=area_id, sprog=lang)


def changes_built(year: int):
    store = get_store()
    lang = page_language()
    key = ("changes", year, lang, store.data_version)

    def build():
        data = changes_map_data(store, list_changes(store, year))
        return changes_map(data, year, _area_url, lang)

    return map_cache("site").get_or_build(key, build)


def _number(value: float | None) -> str:
    if value is None:
        return _("ikke oplyst")
    if page_language() != "da":
        return number(round(value, 2))
    text = (
        f"{value:,.2f}".rstrip("0").rstrip(".")
        if not float(value).is_integer()
        else f"{value:,.0f}"
    )
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _explain(e, year: int) -> str:
    if not e.decided:
        return _(
            REASON_DA[e.reason],
            year=year,
            plural=translate(PLURAL_DA[e.category]),
            rule=e.rule_after,
        )
    parts = []
    for c in e.criteria:
        sign = "+" if (c.margin or 0) > 0 else ""
        template = CRITERION_DA[(c.value_before is not None, c.crossed)]
        parts.append(
            _(
                template,
                criterion=say(c.label_da),
                value=_number(c.value_after),
                threshold=_number(c.threshold),
                margin=f"{sign}{_number(c.margin)}",
                before=_number(c.value_before),
            )
        )
    return "; ".join(parts)


@bp.route("/aendringer")
def changes_page():
    store = get_store()
    years = _years()
    year = year_arg(years)
    changes = list_changes(store, year)  # 404 for a year without a list or its predecessor
    built = changes_built(year)
    lang_args = link_args()
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
        script_url=url_for("changes.changes_script", year=year, v=store.data_version, **lang_args),
        rule_after=get_rule(changes.rule_after),
        kind_da={k: translate(v) for k, v in KIND_DA.items()},
        change_colours=CHANGE_COLOURS,
        change_labels={k: translate(v) for k, v in CHANGE_LABELS_DA.items()},
        labels={k: translate(v) for k, v in LABELS_DA.items()},
        plural={k: translate(v) for k, v in PLURAL_DA.items()},
        label=lambda c, y: translate(label(c, y)),
        tr=translate,
    )


@bp.route("/aendringer/<int:year>/kort.js")
def changes_script(year: int):
    store = get_store()
    list_changes(store, year)  # the 404 with the years that have changes
    return script_response(changes_built(year).script)
