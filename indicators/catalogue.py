"""The indicator catalogue: what each indicator code means, its unit and where it comes from.

Every value in the store's ``indicators`` table carries a code from this catalogue. A code says
exactly what is measured, so two measures that look alike but are computed differently get two
codes: the share of 18–64-year-olds outside the labour market is a two-year average when the
ministry computes the *udsat* criterion, but a single year on the *kombineret udlejning* list,
and the two are not interchangeable.

Years
-----
For the indicators that feed a legal criterion, ``year`` is the **list year**: the list of
1 December of that year, computed by the ministry from data for the two preceding calendar
years (residents as of 1 January of the list year). Values are taken as the ministry publishes
them for the list, i.e. already averaged over the years the rule names; the rules in
:mod:`indicators.rules` never average again.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.i18n import N_


@dataclass(frozen=True)
class Unit:
    """A unit of measurement and the range a valid value must lie in (inclusive)."""

    code: str
    label_da: str
    minimum: float
    maximum: float
    # How a difference between two values is said in Danish ("procentpoint", "gange").
    difference_da: str
    decimals: int = 1
    whole: bool = False

    def contains(self, value: float) -> bool:
        """True when ``value`` lies within the unit's plausible range (bounds included)."""
        return self.minimum <= value <= self.maximum

    def range_text(self) -> str:
        """The plausible range in words, for error messages."""
        return f"{self.minimum:g} to {self.maximum:g} ({self.code})"


UNITS = {
    "percent": Unit("percent", "%", 0.0, 100.0, N_("procentpoint")),
    # Income as a percentage of the regional average can exceed 100.
    "percent_of_region": Unit(
        "percent_of_region",
        N_("% af regionens gennemsnit"),
        0.0,
        1000.0,
        N_("procentpoint"),
    ),
    "ratio": Unit(
        "ratio",
        N_("gange landsgennemsnittet"),
        0.0,
        100.0,
        N_("gange landsgennemsnittet"),
        2,
    ),
    "persons": Unit("persons", N_("beboere"), 0.0, 1_000_000.0, N_("beboere"), 0, whole=True),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    ``better`` is the direction the service calls an improvement (``"lower"``, ``"higher"``
    or ``None`` where it makes no such judgement). ``listing_direction`` is the direction that
    moves an area towards a list, for indicators that feed a criterion. ``criterion`` names
    the legal criterion the indicator feeds, in plain words, or is None.
    """

    code: str
    label_da: str
    label_en: str
    short_da: str
    unit: str
    source: str
    better: str | None
    criterion: str | None
    listing_direction: str | None = None
    note: str = ""

    @property
    def unit_info(self) -> Unit:
        """The indicator's unit with its plausible range."""
        return UNITS[self.unit]


_LAW = N_("almenboligloven § 61 a (lister pr. 1. december, Social- og Boligstyrelsen)")

CATALOGUE: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            code="residents",
            label_da=N_("Antal beboere"),
            label_en="Residents",
            short_da=N_("Beboere"),
            unit="persons",
            source=N_(
                "almenboligloven § 61 a (lister pr. 1. december, Social- og Boligstyrelsen); "
                "beboere pr. 1. januar i listeåret"
            ),
            better=None,
            criterion=N_("Alle regelsæt: området skal have mindst 1.000 beboere"),
            listing_direction="higher",
        ),
        Indicator(
            code="outside_labour_share",
            label_da=N_("Andel 18–64-årige uden tilknytning til arbejdsmarked eller uddannelse"),
            label_en="Share of residents aged 18–64 outside the labour market and education",
            short_da=N_("Uden for arbejdsmarked og uddannelse"),
            unit="percent",
            source=_LAW,
            better="lower",
            criterion=N_(
                "Udsat: over 40 % (2018-) / forebyggelse: over 30 % (2021-); "
                "gennemsnit af de seneste 2 år (4 år i 2010-reglerne)"
            ),
            listing_direction="higher",
            note="The averaged value the ministry computes for the list.",
        ),
        Indicator(
            code="outside_labour_share_1y",
            label_da=N_("Andel 18–64-årige uden for arbejdsmarkedet (ét år)"),
            label_en="Share of residents aged 18–64 outside the labour market (single year)",
            short_da=N_("Uden for arbejdsmarkedet (ét år)"),
            unit="percent",
            source=N_("Listen over områder med kombineret udlejning (almenboligloven § 59)"),
            better="lower",
            criterion=N_(
                "Kombineret udlejning: mindst 40 % (mindst 30 % ved 5.000 beboere eller flere)"
            ),
            listing_direction="higher",
            note="A single year, NOT the two-year average of the udsat criterion.",
        ),
        Indicator(
            code="convicted_share",
            label_da=N_(
                "Andel beboere (18+) dømt efter straffeloven, våbenloven eller lov om "
                "euforiserende stoffer"
            ),
            label_en="Share of residents aged 18+ convicted under the penal code, weapons act "
            "or drugs act",
            short_da=N_("Dømte"),
            unit="percent",
            source=_LAW,
            better="lower",
            criterion=N_(
                "2010–2017: over 2,7 %; 2018-: se forholdet til landsgennemsnittet "
                "(den absolutte grænse offentliggøres kun for nogle år, fx 2,27 % i 2020)"
            ),
            listing_direction="higher",
        ),
        Indicator(
            code="convicted_ratio",
            label_da=N_("Andel dømte i forhold til landsgennemsnittet"),
            label_en="Convicted share as a multiple of the national average",
            short_da=N_("Dømte ift. landsgennemsnit"),
            unit="ratio",
            source=_LAW,
            better="lower",
            criterion=N_(
                "Udsat: mindst 3 gange landsgennemsnittet (2018-); forebyggelse: mindst "
                "2 gange (2021-)"
            ),
            listing_direction="higher",
        ),
        Indicator(
            code="basic_education_share",
            label_da=N_("Andel 30–59-årige med alene en grunduddannelse"),
            label_en="Share of residents aged 30–59 with only basic education",
            short_da=N_("Kun grunduddannelse"),
            unit="percent",
            source=_LAW,
            better="lower",
            criterion=N_(
                "Over 50 % (2014–2017), over 60 % (2018-); fra 2018 tæller kun "
                "uddannelse taget eller godkendt i Danmark"
            ),
            listing_direction="higher",
        ),
        Indicator(
            code="income_ratio",
            label_da=N_(
                "Gennemsnitlig bruttoindkomst for skattepligtige 15–64-årige (ekskl. "
                "uddannelsessøgende) i procent af regionens gennemsnit"
            ),
            label_en="Average gross income of taxpayers aged 15–64 (excl. students) as a "
            "percentage of the regional average",
            short_da=N_("Indkomst ift. regionen"),
            unit="percent_of_region",
            source=_LAW,
            better="higher",
            criterion=N_("Udsat: under 55 % (2014-); forebyggelse: under 65 % (2021-)"),
            listing_direction="lower",
        ),
        Indicator(
            code="nonwestern_share",
            label_da=N_("Andel indvandrere og efterkommere fra ikke-vestlige lande"),
            label_en="Share of immigrants and descendants from non-Western countries",
            short_da=N_("Ikke-vestlige indvandrere og efterkommere"),
            unit="percent",
            source=_LAW,
            better=None,
            criterion=N_(
                "Parallelsamfund (ghettoområde 2018–2020): over 50 %; forebyggelse: over "
                "30 %; 2010–2017: ét af kriterierne (over 50 %)"
            ),
            listing_direction="higher",
            note="The service makes no judgement on this share; it shows the law's threshold.",
        ),
        Indicator(
            code="almene_familieboliger_share",
            label_da=N_("Andel almene familieboliger af alle boliger i området"),
            label_en="Share of non-profit family dwellings (almene familieboliger) among all "
            "dwellings in the area",
            short_da=N_("Almene familieboliger"),
            unit="percent",
            source=N_("almenboligloven § 168 a (udviklingsplaner for omdannelsesområder)"),
            better="lower",
            criterion=N_("Omdannelsesområder: højst 40 % senest 1. januar 2030 (udviklingsplan)"),
            note="Dwellings demolished after 2010 and not replaced may be counted in the total; "
            "75 m² of commercial floor space counts as one dwelling (§ 168 a).",
        ),
        Indicator(
            code="youth_not_in_education",
            label_da=N_("Andel 15–17-årige med grundskole, som ikke er i gang med uddannelse"),
            label_en="Share of 15–17-year-olds with basic school who are not in education",
            short_da=N_("15–17-årige uden for uddannelse"),
            unit="percent",
            source=N_(
                "Landsbyggefonden, Beboerdata (vist på udsatteområder.dk for de 15 hårde "
                "ghettoområder)"
            ),
            better="lower",
            criterion=None,
        ),
        Indicator(
            code="single_parent_households",
            label_da=N_("Andel husstande med enlige med børn"),
            label_en="Share of households that are single parents with children",
            short_da=N_("Enlige med børn"),
            unit="percent",
            source=N_(
                "Landsbyggefonden, Beboerdata (vist på udsatteområder.dk for de 15 hårde "
                "ghettoområder)"
            ),
            better=None,
            criterion=None,
        ),
    )
}

# Accepted spellings of codes in imported files (lowercased headers or cells).
_ALIASES = {
    "beboere": "residents",
    "antal_beboere": "residents",
    "ikke_vestlige": "nonwestern_share",
    "nonwestern": "nonwestern_share",
    "outside_labour": "outside_labour_share",
    "uden_for_arbejdsmarkedet": "outside_labour_share",
    "convicted": "convicted_share",
    "doemte": "convicted_share",
    "basic_education": "basic_education_share",
    "grunduddannelse": "basic_education_share",
    "income": "income_ratio",
    "indkomst": "income_ratio",
    "almene_familieboliger": "almene_familieboliger_share",
}


def get(code: str) -> Indicator:
    """The catalogue entry of ``code``; KeyError naming the known codes otherwise."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(
            f"unknown indicator code {code!r}; known codes: " + ", ".join(sorted(CATALOGUE))
        ) from None


def parse_code(text: object) -> str | None:
    """The catalogue code for ``text`` (a code or an accepted alias), or None."""
    if not isinstance(text, str):
        return None
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CATALOGUE:
        return key
    return _ALIASES.get(key)


def catalogue_records() -> list[dict]:
    """The catalogue as plain dicts (for the API and the pages)."""
    out = []
    for ind in CATALOGUE.values():
        unit = ind.unit_info
        out.append(
            {
                "code": ind.code,
                "label_da": ind.label_da,
                "label_en": ind.label_en,
                "short_da": ind.short_da,
                "unit": unit.code,
                "unit_label_da": unit.label_da,
                "valid_range": [unit.minimum, unit.maximum],
                "source": ind.source,
                "better": ind.better,
                "listing_direction": ind.listing_direction,
                "criterion": ind.criterion,
                "note": ind.note,
            }
        )
    return out
