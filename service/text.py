"""The few interface strings that embeds offer in English as well as Danish.

The site is Danish; embeds take ``sprog=en`` for municipal pages in English.
"""

from __future__ import annotations

from indicators.categories import label

LANGUAGES = ("da", "en")

LABELS_EN = {
    "udsat": "Vulnerable housing area",
    "parallelsamfund": "Parallel society",
    "omdannelsesomraade": "Transformation area",
    "forebyggelsesomraade": "Prevention area",
}

TEXTS = {
    "da": {
        "national_title": "Udpegede boligområder pr. 1. december {year}",
        "municipality_title": "Udpegede boligområder i {name} Kommune, 1. december {year}",
        "area_title": "{name}, {municipality} Kommune",
        "show_table": "Vis som tabel",
        "show_map": "Vis kort",
        "open_full": "Åbn i Områdekort",
        "approximate": "omtrentlig placering, ikke officiel afgrænsning",
        "no_location": "placering ikke oplyst",
        "area": "Område",
        "municipality": "Kommune",
        "category": "Kategori",
        "location": "Placering",
        "not_listed": "Ikke navngivet på listen dette år",
        "go_to_area": "Gå til områdets side",
        "map_label": "Kort: {title}. Samme indhold findes som tabel via linket «{table}».",
        "legend": "Signaturforklaring",
        "dashed": "Stiplet kant: omtrentlig placering, ikke officiel afgrænsning",
        "official": "officiel afgrænsning ({order})",
        "solid": "Fuld kant: officiel afgrænsning (matriklerne i bekendtgørelsens bilag 1)",
        "status": "Status",
        "caption": "{n} områder",
        "caption_listed": "{n} områder på listen {year}",
        "caption_listed_one": "{n} område på listen {year}",
        "caption_others": "; desuden {n} andre områder i kommunen, "
        "som ikke er navngivet på listen {year}",
        "caption_others_one": "; desuden {n} andet område i kommunen, "
        "som ikke er navngivet på listen {year}",
        "nothing_to_draw": "Kortet er tomt, fordi ingen af områderne her har en kendt placering. "
        "Områderne står i tabellen.",
        "source": "Kilde: Områdekort (officielle lister, se Om data)",
        "municipality_suffix": "Kommune",
        "other_areas": "Andre områder",
        "boundary": "Kommunegrænse",
        "place_names": "Stednavne",
    },
    "en": {
        "national_title": "Designated housing areas, 1 December {year}",
        "municipality_title": "Designated housing areas in {name} Municipality, 1 December {year}",
        "area_title": "{name}, {municipality} Municipality",
        "show_table": "Show as table",
        "show_map": "Show map",
        "open_full": "Open in Områdekort",
        "approximate": "approximate location, not an official boundary",
        "no_location": "location not published",
        "area": "Area",
        "municipality": "Municipality",
        "category": "Category",
        "location": "Location",
        "not_listed": "Not named on this year's list",
        "go_to_area": "Open the area's page",
        "map_label": "Map: {title}. The same content is available as a table via «{table}».",
        "legend": "Legend",
        "dashed": "Dashed edge: approximate location, not an official boundary",
        "official": "official boundary ({order})",
        "solid": "Solid edge: official boundary (the parcels listed in the order's Bilag 1)",
        "status": "Status",
        "caption": "{n} areas",
        "caption_listed": "{n} areas on the {year} list",
        "caption_listed_one": "{n} area on the {year} list",
        "caption_others": "; also {n} other areas in the municipality not named on the {year} list",
        "caption_others_one": "; also {n} other area in the municipality "
        "not named on the {year} list",
        "nothing_to_draw": "The map is empty because none of the areas here has a known location. "
        "The areas are listed in the table.",
        "source": "Source: Områdekort (official lists, see About the data)",
        "municipality_suffix": "Municipality",
        "other_areas": "Other areas",
        "boundary": "Municipal boundary",
        "place_names": "Place names",
    },
}


# Before the 2021 amendment (L 23) the law said ghettoområde and hårdt ghettoområde.
HISTORIC_LABELS_EN = {
    "parallelsamfund": "Ghetto area",
    "omdannelsesomraade": "Hard ghetto area",
}


def category_label(category: str | None, lang: str, year: int | None = None) -> str:
    """A category's name in ``lang``, in the terms of ``year``'s law when a year is given."""
    if category is None:
        return TEXTS[lang]["not_listed"]
    if lang == "en":
        if year is not None and year < 2021 and category in HISTORIC_LABELS_EN:
            return HISTORIC_LABELS_EN[category]
        return LABELS_EN[category]
    return label(category, year)


def text(lang: str, key: str, **values) -> str:
    return TEXTS[lang][key].format(**values)


def year_category_label(category: str, year: int) -> str:
    """The Danish name of a category in the term of ``year``'s law (old ghetto lists included)."""
    if category == "ghettoomraade":
        return "Ghettoområde (regler før 2018)"
    return label(category, year)


PLURAL_EN = {
    "udsat": "vulnerable housing areas",
    "parallelsamfund": "parallel societies",
    "omdannelsesomraade": "transformation areas",
    "forebyggelsesomraade": "prevention areas",
}
HISTORIC_PLURAL_EN = {"parallelsamfund": "ghetto areas", "omdannelsesomraade": "hard ghetto areas"}


def category_labels(lang: str, year: int | None) -> dict[str, str]:
    """Every category's name in ``lang`` in the terms of ``year``'s law."""
    return {c: category_label(c, lang, year) for c in LABELS_EN}


def category_plurals(lang: str, year: int | None) -> dict[str, str]:
    """Every category's plural in ``lang`` in the terms of ``year``'s law."""
    if lang != "en":
        from indicators.categories import plurals_for

        return plurals_for(year)
    if year is not None and year < 2021:
        return {**PLURAL_EN, **HISTORIC_PLURAL_EN}
    return dict(PLURAL_EN)


# -- the page-language helpers of the site's pages (registered in service.pages.areas) -------


def boundary_text(area, lang: str) -> str:
    """What an area's shape is, in ``lang``: the stored Danish ``boundary_note`` on Danish
    pages (unchanged); on English pages the same statement in English."""
    note = area.get("boundary_note") or ""
    if lang == "da":
        return note
    source = area.get("boundary_source")
    if source == "approximate":
        return text(lang, "approximate")
    if source == "none":
        return text(lang, "no_location")
    if source == "official":
        order = area.get("boundary_order")
        if not (isinstance(order, str) and order) and "(" in note:
            order = note[note.index("(") + 1 : note.rindex(")")]
        return text(lang, "official", order=order) if order else BOUNDARY_OFFICIAL_EN
    if source == "user":
        return BOUNDARY_USER_EN
    return note


def boundary_html(area, lang: str):
    """:func:`boundary_text` for the body of a page: on an English page the order an official
    boundary cites (``BEK nr. 1365 af 29/11/2018``) is marked ``lang="da"``, as published."""
    from markupsafe import Markup

    words = boundary_text(area, lang)
    if lang == "da" or area.get("boundary_source") != "official" or "(" not in words:
        return words
    head, order = words.split("(", 1)
    return Markup('{}(<span lang="da">{}</span>)').format(head, order.removesuffix(")"))


BOUNDARY_OFFICIAL_EN = "official boundary"
BOUNDARY_USER_EN = "boundary imported by the user"


def day_text(iso: str | None, lang: str) -> str:
    """An ISO date as ``1. december 2018`` (Danish, as the ``dato`` filter writes it) or
    ``1 December 2018``; "ikke oplyst" / "not published" when there is none."""
    if lang == "da":
        from service.templating import danish_date

        return danish_date(iso)
    if not isinstance(iso, str) or len(iso) < 10:
        return "not published"
    from service.formats import date

    return date(iso[:10], lang)


def and_join(words: list[str], lang: str) -> str:
    """``a og b`` / ``a and b`` (every word joined, as the Danish pages always did)."""
    return (" og " if lang == "da" else " and ").join(words)
