"""Pages for the development plans and the evaluation: /udviklingsplaner, /evaluering,
/rapporter, /ordforklaring and /indsatser, and the template helpers they share with the area
page's plan section (linked glossary terms, figures and dates in the page's language).

Danish is the default; ``?sprog=en`` gives English chrome and our English texts, while text
quoted from the sources (plan content, report titles, quotes) stays Danish in ``lang="da"``.
"""

from __future__ import annotations

import re

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from geo.i18n import N_
from indicators import evaluation, glossary, programmes
from indicators.plans import (
    DECIDED_DA,
    LAW_URL,
    OVERVIEW_COLUMNS,
    Fact,
    all_plans,
    date_da,
    national_facts,
    plan_areas,
    plans_overview,
)
from indicators.reports import TRACKS, filter_reports, read_reports, report_records
from service.formats import date as format_date
from service.formats import number, page_language
from service.i18n import link_args, translate
from service.maps.plan_charts import (
    GROUP_COLOURS,
    mio_kr,
    pct,
    programme_charts,
    share_panel,
    survey_chart,
    timeline_chart,
)
from service.params import choice, optional_area, optional_choice, optional_year
from service.store_access import get_store
from service.text import category_plurals

bp = Blueprint("plan_pages", __name__)

LANE_COLOURS = {
    "evaluering": "#0077BB",
    "lov": "#222222",
    "liste": "#009988",
    "plan": "#EE7733",
    "frist": "#CC3311",
}
# Danish labels, translated when shown (indicators.plans marks its own with N_).
SORT_LABELS = {"area": N_("Område")} | {
    key: label for key, label, _types, _numeric in OVERVIEW_COLUMNS
}
DIRECTIONS = {"stigende": False, "faldende": True}


# -- template helpers (registered app-wide: the area page uses them too) ----------------------


@bp.app_template_global("term")
def term(text: str, slug: str) -> Markup:
    """A glossary term linked to its explanation on /ordforklaring (in the page's
    language)."""
    glossary.get(slug)  # a typo in a template fails loudly
    href = url_for("plan_pages.glossary_page", **link_args()) + "#" + slug
    return Markup('<a class="term" href="{}">{}</a>').format(href, text)


@bp.app_template_filter("link_terms")
def link_terms(text: str, skip: str | None = None) -> Markup:
    """Escape ``text`` and link the first occurrence of each glossary term in it."""
    out, last, linked = [], 0, {skip}
    for start, end, slug in glossary.find_terms(str(text)):
        if slug in linked:
            continue
        linked.add(slug)
        out.append(escape(text[last:start]))
        out.append(term(text[start:end], slug))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.app_template_filter("danish_terms")
def danish_terms(text: str | None) -> Markup:
    """Escape ``text``; on an English page, mark the Danish legal terms in it (glossary forms
    such as "omdannelsesområder", used as loanwords) ``lang="da"`` for screen readers."""
    text = "" if text is None else str(text)
    if page_language() == "da":
        return Markup("{}").format(text)
    out, last = [], 0
    for start, end, _slug in glossary.find_terms(text):
        out.append(escape(text[last:start]))
        out.append(Markup('<span lang="da">{}</span>').format(text[start:end]))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


# Danish function words that are not English words: a free text (a provenance entry written
# by whoever imported the data) that uses them is Danish.
_DANISH_WORDS = frozenset(
    ["og", "af", "på", "fra", "til", "ikke", "er", "der", "som", "eller", "med"]
)
# a web address, or a Danish site's name (``dansk-byudvikling.dk``)
_URL = re.compile(r"https?://[^\s,;()]+|\b[\w.-]+\.dk\b(?:/[^\s,;()]*)?")


def _is_danish(text: str) -> bool:
    return any(w.lower() in _DANISH_WORDS for w in re.findall(r"\w+", _URL.sub(" ", text)))


@bp.app_template_filter("free_text")
def free_text(text: str | None) -> Markup:
    """A free text from the data (a provenance entry, our English note on a plan fact): on an
    English page, the parts written in Danish (a bracketed or ``;``-separated part with
    Danish words, a web address or a Danish site's name) are marked ``lang="da"``, and so
    are Danish legal terms used as loanwords; a Danish page shows the text as it is."""
    text = "" if text is None else str(text)
    if page_language() == "da":
        return Markup("{}").format(text)
    if _is_danish(_URL.sub(" ", text).split("(")[0]):
        return Markup('<span lang="da">{}</span>').format(text)
    out = []
    for part in re.split(r"(\([^()]*\)|;\s)", text):
        if part.startswith("(") and _is_danish(part):
            out.append(Markup('<span lang="da">{}</span>').format(part))
            continue
        last = 0
        for m in _URL.finditer(part):
            out.append(danish_terms(part[last : m.start()]))
            out.append(Markup('<span lang="da">{}</span>').format(m.group(0)))
            last = m.end()
        out.append(danish_terms(part[last:]))
    return Markup("").join(out)


@bp.app_template_filter("source_link")
def source_link(source: str) -> Markup:
    """A source as a link when it is an address, else as text."""
    source = str(source)
    if source.startswith(("https://", "http://")):
        host = source.split("/")[2].removeprefix("www.")
        return Markup('<a href="{}" rel="noopener">{}</a>').format(source, host)
    return Markup("{}").format(source)


def date_text(date: str) -> str:
    """A plan date in the page's language: ``juni 2019`` / ``June 2019``; ``10 September
    2019``; "dato ikke oplyst" / "date not published" when there is none."""
    if page_language() == "da":
        return date_da(date)
    if not date:
        return _("dato ikke oplyst")
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return format_date(f"{date}-01", form="MMMM y")
    return format_date(date, form="d MMMM y")


def figure(fact: Fact) -> Markup:
    """A fact's figure in the page's language; the source's own words stay Danish
    (``lang="da"`` on an English page)."""
    if page_language() == "da":
        return Markup("{}").format(fact.figure_da)
    if fact.number is not None:
        if fact.unit == "pct":
            text = pct(fact.number)
        elif fact.unit == "homes":
            text = _("%(number)s boliger", number=number(fact.number))
        elif fact.unit == "areas":
            text = _("%(number)s områder", number=number(fact.number))
        else:
            text = number(fact.number)
        return Markup("{}").format(_("ca. %(figure)s", figure=text) if fact.approximate else text)
    if fact.text:
        return Markup('<span lang="da">{}</span>').format(fact.text)
    return Markup("{}").format(_(DECIDED_DA.get(fact.fact_type, N_("ikke oplyst"))))


def source_text(text: str | None) -> Markup:
    """Text we show as the sources wrote it (Danish): marked ``lang="da"`` on an English
    page, plain on a Danish one."""
    if not text:
        return Markup("")
    if page_language() == "da":
        return Markup("{}").format(text)
    return Markup('<span lang="da">{}</span>').format(text)


def ui_or_source(text: str) -> Markup:
    """A text that is either one of our marked UI texts (translated) or the sources' own
    Danish words (kept, marked ``lang="da"`` on an English page)."""
    translated = _(text) if text else text
    if page_language() != "da" and translated != text:
        return Markup("{}").format(translated)
    return source_text(text)


@bp.app_context_processor
def _helpers() -> dict:
    return {
        "pct": pct,
        "date_da": date_text,
        "mio": mio_kr,
        "law_url": LAW_URL,
        "figure": figure,
        "da_text": source_text,
        "ui_or_source": ui_or_source,
        # a Danish UI text held in a variable: gettext without %-formatting (Jinja's _()
        # would format it, and "40 % senest" is no format string)
        "tr": translate,
    }


# -- /udviklingsplaner -----------------------------------------------------------------------


def _municipality_names(store) -> dict[str, str]:
    info = store.read("municipality_info")
    return dict(zip(info["code"], info["name"], strict=True))


@bp.route("/udviklingsplaner")
def plans_page():
    store = get_store()
    sort = choice("sorter", SORT_LABELS, "area")
    direction = choice("retning", DIRECTIONS, "stigende")
    descending = DIRECTIONS[direction]
    rows = plans_overview(store, sort, descending)
    columns = []
    for key, label in SORT_LABELS.items():
        flip = ("stigende" if descending else "faldende") if key == sort else "stigende"
        columns.append(
            {
                "key": key,
                "label": _(label),
                "href": url_for(".plans_page", sorter=key, retning=flip, **link_args()),
            }
        )
    plans = all_plans(store)
    years = sorted({p.year for plan in plans for p in plan.path.measured})
    last_list = int(store.read("list_counts")["year"].max())
    share_years = list(range(2018, max([last_list, *years]) + 1))
    panels = [
        {
            "area_id": plan.area_id,
            "name": plan.name,
            "path": plan.path,
            "chart": share_panel(plan.path),
            "by_year": {p.year: p for p in plan.path.measured},
        }
        for plan in plans
    ]
    sources = sorted({p.source for plan in plans for p in plan.path.measured})
    return render_template(
        "plans/overview.html",
        rows=rows,
        columns=columns,
        sort=sort,
        sort_label=_(SORT_LABELS[sort]),
        descending=descending,
        numeric={key for key, _l, _t, numeric in OVERVIEW_COLUMNS if numeric},
        municipality_names=_municipality_names(store),
        national=national_facts(store),
        panels=panels,
        share_years=share_years,
        share_sources=sources,
    )


# -- /evaluering -----------------------------------------------------------------------------


def _list_counts(event: evaluation.Event) -> str:
    """A list year's official counts in the page's language (``3 parallel societies, …``)."""
    plurals = category_plurals(page_language(), event.year)
    return ", ".join(f"{count} {plurals.get(cat, cat)}" for cat, count in event.counts)


@bp.route("/evaluering")
def evaluation_page():
    store = get_store()
    events = evaluation.timeline(store)
    keep = link_args()
    answer_links = {
        "areas": {"href": url_for("pages.area_index", **keep), "label": _("områdesiderne")},
        "compare": {
            "href": url_for("indicator_pages.compare", **keep),
            "label": _("indikatorerne"),
        },
        "plans": {"href": url_for(".plans_page", **keep), "label": _("udviklingsplanerne")},
        "flows": {"href": url_for("flows_pages.index", **keep), "label": _("flytninger")},
        "receiving": {
            "href": url_for("flows_pages.receiving_page", **keep),
            "label": _("modtagerområder"),
        },
    }
    return render_template(
        "plans/evaluation.html",
        levels=evaluation.LEVELS,
        tracks=evaluation.TRACKS_TEXT,
        questions=evaluation.questions(),
        events=events,
        chart=timeline_chart(events),
        kinds=evaluation.KINDS_DA,
        lane_colours=LANE_COLOURS,
        answer_links=answer_links,
        list_counts=_list_counts,
    )


# -- /rapporter ------------------------------------------------------------------------------


@bp.route("/rapporter")
def reports_page():
    store = get_store()
    track = optional_choice("spor", TRACKS)
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    area_id = optional_area("omraade", names)
    year = optional_year("aar")
    reports = read_reports(store)
    chosen = report_records(filter_reports(reports, track=track, area_id=area_id, year=year), names)
    years = sorted({int(y) for y in reports["year"].dropna()}, reverse=True)
    plan_area_ids = {a for ids in reports["area_ids"] for a in ids.split(";") if a}
    plan_area_ids |= set(plan_areas(store))
    area_choices = sorted(
        ({"id": a, "name": names[a]} for a in plan_area_ids if a in names),
        key=lambda a: a["name"],
    )
    return render_template(
        "plans/reports.html",
        reports=chosen,
        tracks=TRACKS,
        track=track,
        area_id=area_id,
        year=year,
        years=years,
        areas=area_choices,
    )


# -- /ordforklaring --------------------------------------------------------------------------


@bp.route("/ordforklaring")
def glossary_page():
    return render_template("plans/glossary.html", terms=glossary.terms())


# -- /indsatser ------------------------------------------------------------------------------


@bp.route("/indsatser")
def programmes_page():
    progs = programmes.programmes()
    survey = programmes.survey_by_measure()
    columns = sorted(
        {(v["group"], v["year"]) for m in survey for v in m["values"]},
        key=lambda gy: (list(programmes.GROUPS).index(gy[0]), gy[1]),
    )
    for m in survey:
        m["chart"] = survey_chart(m)
        m["lookup"] = {(v["group"], v["year"]): v["pct"] for v in m["values"]}
    sources = []
    for m in survey:
        for s in m["sources"]:
            if s not in sources:
                sources.append(s)
    return render_template(
        "plans/programmes.html",
        programmes=progs,
        charts=programme_charts(progs),
        survey=survey,
        survey_columns=columns,
        survey_sources=sources,
        groups=programmes.GROUPS,
        group_colours=GROUP_COLOURS,
    )
