"""The rule versions since 2010, as data, and one pure function per version.

Each function takes the outcome of every criterion (``True`` / ``False`` / ``None`` for
unknown) and the area's run of earlier parallelsamfund years, and returns the status of every
category the version defines. Thresholds and comparisons live in the :class:`RuleVersion`
data; the docstrings say which comparison each law uses, because "exceeds 40 %" and "at least
3 times" decide differently for a value exactly on the threshold.

Facts and sources: ``../shared/data/lists/rules.md`` (copied into each version's ``sources``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from geo.i18n import N_, fill
from indicators.rules.model import Criterion, Gate, RuleVersion

# -- three-valued logic ----------------------------------------------------------------------


def all_of(*values: bool | None) -> bool | None:
    """Kleene AND: False if any is False, True if all are True, else unknown."""
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def negate(value: bool | None) -> bool | None:
    """Three-valued not: unknown stays unknown."""
    return None if value is None else not value


def at_least(k: int, values: Iterable[bool | None]) -> bool | None:
    """At least ``k`` of ``values`` are True, decided only when the unknowns cannot change it."""
    values = list(values)
    yes = sum(v is True for v in values)
    unknown = sum(v is None for v in values)
    if yes >= k:
        return True
    if yes + unknown < k:
        return False
    return None


def run_reaches(required: int, consecutive: int, open_ended: bool) -> bool | None:
    """Whether a run of ``consecutive`` parallelsamfund years (this year included) reaches
    ``required``; unknown when it is shorter but may continue into years we do not know.
    """
    if consecutive >= required:
        return True
    return None if open_ended else False


# -- the criteria ----------------------------------------------------------------------------

_TV2_FYN_2020 = "https://www.tv2fyn.dk/odense/en-kriminel-meget-solbakken-staar-til-nedrivning"
_DKLF_2022 = (
    "https://www.dklf.dk/artikler/omdannelsesomraader-parallelsamfund-forebyggelsesomraader-"
    "og-udsatte-boligomraader/"
)

NONWESTERN_OVER_50 = Criterion(
    "nonwestern",
    "nonwestern_share",
    "gt",
    50.0,
    N_("Andelen af indvandrere og efterkommere fra ikke-vestlige lande overstiger 50 %"),
)


def _outside(threshold: float, years: int, key: str = "outside_labour") -> Criterion:
    return Criterion(
        key,
        "outside_labour_share",
        "gt",
        threshold,
        fill(
            N_(
                "Andelen af 18–64-årige uden tilknytning til arbejdsmarked eller uddannelse "
                "overstiger %(threshold)s %%"
            ),
            threshold=threshold,
        ),
        fill(N_("gennemsnit af de seneste %(years)s år"), years=years),
    )


def _basic_education(threshold: float, key: str = "basic_education") -> Criterion:
    return Criterion(
        key,
        "basic_education_share",
        "gt",
        threshold,
        fill(
            N_(
                "Andelen af 30–59-årige, der alene har en grunduddannelse, overstiger "
                "%(threshold)s %%"
            ),
            threshold=threshold,
        ),
    )


def _income(threshold: float, key: str = "income") -> Criterion:
    return Criterion(
        key,
        "income_ratio",
        "lt",
        threshold,
        fill(
            N_(
                "Den gennemsnitlige bruttoindkomst for skattepligtige 15–64-årige (ekskl. "
                "uddannelsessøgende) er under %(threshold)s %% af regionens gennemsnit"
            ),
            threshold=threshold,
        ),
    )


def _convicted_share(years: int) -> Criterion:
    return Criterion(
        "convicted",
        "convicted_share",
        "gt",
        2.7,
        N_(
            "Andelen af beboere over 18 år, der er dømt efter straffeloven, våbenloven eller lov "
            "om euforiserende stoffer, overstiger 2,7 % (270 pr. 10.000)"
        ),
        fill(N_("gennemsnit af de seneste %(years)s år"), years=years),
    )


def _convicted_ratio(
    times: float, fallback: tuple[tuple[int, str, float, str], ...], key: str = "convicted"
) -> Criterion:
    return Criterion(
        key,
        "convicted_ratio",
        "ge",
        times,
        fill(
            N_(
                "Andelen af beboere dømt efter straffeloven, våbenloven eller lov om "
                "euforiserende stoffer udgør mindst %(times)s gange landsgennemsnittet"
            ),
            times=times,
        ),
        fill(N_("gennemsnit af de seneste %(years)s år"), years=2),
        fallback,
    )


# -- the versions ----------------------------------------------------------------------------

V2010 = RuleVersion(
    name="2010",
    title_da=N_("Ghettokriterierne fra 2010"),
    law_da=N_("Ændring af almenboligloven 2010 (tre kriterier)"),
    first_year=2010,
    last_year=2013,
    categories=("ghettoomraade",),
    min_residents=1000,
    base=Gate(
        (
            NONWESTERN_OVER_50,
            _outside(40.0, 4),
            _convicted_share(4),
        ),
        2,
    ),
    plain_da=(
        N_(
            "Et alment boligområde med mindst 1.000 beboere var et ghettoområde, når mindst to af "
            "tre kriterier var opfyldt:"
        ),
        N_("over 50 % indvandrere og efterkommere fra ikke-vestlige lande;"),
        N_(
            "over 40 % af de 18–64-årige uden for arbejdsmarked og uddannelse (gennemsnit af "
            "fire år);"
        ),
        N_(
            "over 270 dømte pr. 10.000 beboere over 18 år, dvs. over 2,7 % (gennemsnit af fire år)."
        ),
    ),
    uncertainties=(
        N_(
            "Grænser og gennemsnitsperioder er ministeriets tekst som gengivet af TV2 Østjylland; "
            "selve lovændringen fra 2010 er ikke læst."
        ),
        N_(
            "Listeårene: 2010–2012 med sikkerhed; TV2 Fyn omtalte allerede i 2013 34 områder efter "
            "nye kriterier, så listen pr. 1. december 2013 kan høre til 2014-reglerne."
        ),
    ),
    sources=(
        "https://www.tv2ostjylland.dk/artikel/hvad-er-en-ghetto",
        "https://www.tv2fyn.dk/artikel/gammel-ghettokending-paa-ghettoliste-igen",
    ),
)

V2014 = RuleVersion(
    name="2014",
    title_da=N_("Fem kriterier, tre skal være opfyldt (2013/2014)"),
    law_da=N_("Revision af ghettokriterierne 2013/2014"),
    first_year=2014,
    last_year=2017,
    categories=("ghettoomraade",),
    min_residents=1000,
    base=Gate(
        (
            _outside(40.0, 2),
            NONWESTERN_OVER_50,
            _convicted_share(2),
            _basic_education(50.0),
            _income(55.0),
        ),
        3,
    ),
    plain_da=(
        N_(
            "Et alment boligområde med mindst 1.000 beboere var et ghettoområde, når mindst tre af "
            "fem kriterier var opfyldt:"
        ),
        N_(
            "over 40 % af de 18–64-årige uden for arbejdsmarked og uddannelse (gennemsnit af to "
            "år);"
        ),
        N_("over 50 % indvandrere og efterkommere fra ikke-vestlige lande;"),
        N_("over 2,7 % af beboerne over 18 år dømt (gennemsnit af to år);"),
        N_(
            "over 50 % af de 30–59-årige med alene en grunduddannelse (uoplyst uddannelse tæller "
            "med);"
        ),
        N_("gennemsnitlig bruttoindkomst under 55 % af regionens gennemsnit."),
    ),
    uncertainties=(
        N_(
            "Første liste efter disse regler er ifølge ministeriets tekster fra 2017 pr. "
            "1. december 2014; TV2 Fyn omtaler de nye kriterier allerede for listen 2013."
        ),
        N_(
            "Indkomstkriteriets aldersgruppe er 15–64 år i ministeriets tekst hos Jyllands-Posten, "
            "men 18–64 år hos bha.dk (2017)."
        ),
    ),
    sources=(
        "https://www.berlingske.dk/politik/her-er-de-nye-ghettokriterier",
        "https://www.sonderborgnyt.dk/ny-ghetto-liste-kommer-i-loebet-af-fredag/",
        "https://jyllands-posten.dk/politik/ECE10161417/fakta-her-er-regeringens-liste-over-"
        "ghettoomraader/",
    ),
)

_UDSAT_2018 = Gate(
    (
        _outside(40.0, 2),
        _convicted_ratio(3.0, ((2020, "convicted_share", 2.27, _TV2_FYN_2020),)),
        _basic_education(60.0),
        _income(55.0),
    ),
    2,
)

V2018 = RuleVersion(
    name="2018",
    title_da=N_(
        "Parallelsamfundspakken (L 38, 2018): udsatte boligområder, ghettoområder og "
        "hårde ghettoområder"
    ),
    law_da=N_("L 38 (2018-19), almenboligloven § 61 a"),
    first_year=2018,
    last_year=2020,
    categories=("udsat", "parallelsamfund", "omdannelsesomraade"),
    min_residents=1000,
    base=_UDSAT_2018,
    parallel=NONWESTERN_OVER_50,
    omdannelse_years=5,
    plain_da=(
        N_(
            "Et udsat boligområde er et alment boligområde med mindst 1.000 beboere, hvor mindst "
            "to "
            "af fire kriterier er opfyldt:"
        ),
        N_(
            "over 40 % af de 18–64-årige uden tilknytning til arbejdsmarked eller uddannelse "
            "(gennemsnit af to år);"
        ),
        N_(
            "andelen af dømte er mindst tre gange landsgennemsnittet (gennemsnit af to år; i 2020 "
            "svarede det til 2,27 % af beboerne over 18 år);"
        ),
        N_(
            "over 60 % af de 30–59-årige har alene en grunduddannelse (kun uddannelse taget eller "
            "godkendt i Danmark tæller);"
        ),
        N_("gennemsnitlig bruttoindkomst under 55 % af regionens gennemsnit."),
        N_(
            "Et ghettoområde (i dag: parallelsamfund) er et udsat boligområde med over 50 % "
            "indvandrere og efterkommere fra ikke-vestlige lande."
        ),
        N_(
            "Et hårdt ghettoområde (i dag: omdannelsesområde) er et område, der har opfyldt "
            "betingelserne for at være ghettoområde i hvert af de seneste fem år. Lovens "
            "grundregel siger fire år, men for listerne 2018–2020 gjaldt fem år."
        ),
    ),
    uncertainties=(
        N_(
            "År før 2018 tæller, når området det år opfyldte 2018-betingelserne, som ministeriet "
            "genberegnede dem; de gamle ghettolister (andre kriterier) er kun en tilnærmelse og "
            "genskaber ikke listen 2019 (Solbakken, Nørager/Søstjernevej, Lindholm, "
            "Skovgårdsparken)."
        ),
        N_(
            "Dømte-kriteriet er relativt til landsgennemsnittet; den absolutte grænse er kun "
            "offentliggjort for nogle år (2,27 % for listen 2020, TV2 Fyn)."
        ),
    ),
    sources=(
        "https://ft.dk/samling/20181/lovforslag/l38/20181_l38_aendringsforslag_beh2_1531399_"
        "1971625.htm",
        "https://ft.dk/samling/20201/almdel/BOU/bilag/33/2293806/index.htm",
        "https://www.trafikstyrelsen.dk/da/Bolig/Udsatte-boligomraader/Udsatte-omraader-og-"
        "ghettoomraader",
        _TV2_FYN_2020,
    ),
)

V2021 = RuleVersion(
    name="2021",
    title_da=N_("Ny terminologi og forebyggelsesområder (L 23, 2021)"),
    law_da=N_("L 23 (2021-22), almenboligloven §§ 61 a og 61 b"),
    first_year=2021,
    last_year=None,
    categories=("forebyggelsesomraade", "udsat", "parallelsamfund", "omdannelsesomraade"),
    min_residents=1000,
    base=_UDSAT_2018,
    parallel=NONWESTERN_OVER_50,
    omdannelse_years=5,
    forebyggelse_gate=Criterion(
        "forebyggelse_nonwestern",
        "nonwestern_share",
        "gt",
        30.0,
        N_("Andelen af indvandrere og efterkommere fra ikke-vestlige lande overstiger 30 %"),
    ),
    forebyggelse=Gate(
        (
            _outside(30.0, 2, key="forebyggelse_outside_labour"),
            _convicted_ratio(
                2.0,
                ((2022, "convicted_share", 1.45, _DKLF_2022),),
                key="forebyggelse_convicted",
            ),
            _basic_education(60.0, key="forebyggelse_basic_education"),
            _income(65.0, key="forebyggelse_income"),
        ),
        2,
    ),
    plain_da=(
        N_(
            "Kriterierne for et udsat boligområde er de samme som i 2018 (mindst 1.000 beboere og "
            "mindst to af de fire kriterier)."
        ),
        N_(
            "Et parallelsamfund (før: ghettoområde) er et udsat boligområde med over 50 % "
            "indvandrere og efterkommere fra ikke-vestlige lande."
        ),
        N_(
            "Et omdannelsesområde (før: hårdt ghettoområde) er et område, der har opfyldt "
            "betingelserne for at være parallelsamfund i hvert af de seneste fem år."
        ),
        N_(
            "Et forebyggelsesområde er et alment boligområde med mindst 1.000 beboere, som ikke er "
            "udsat, hvor over 30 % er indvandrere og efterkommere fra ikke-vestlige lande, og hvor "
            "mindst to af fire kriterier er opfyldt: over 30 % af de 18–64-årige uden for "
            "arbejdsmarked og uddannelse; dømte mindst to gange landsgennemsnittet (1,45 % i "
            "2022); over 60 % af de 30–59-årige med alene grunduddannelse; bruttoindkomst under "
            "65 % af regionens gennemsnit."
        ),
    ),
    uncertainties=(
        N_(
            "Fem år i træk for et omdannelsesområde følger sbst.dk og listehistorikken (listen "
            "2021 "
            "udelukker fire år: Aldersrogade var parallelsamfund 2018–2021 uden at blive "
            "omdannelsesområde); den lovændring, der gjorde fem år permanent, er ikke fundet."
        ),
        N_(
            "Dømte-kriterierne er relative til landsgennemsnittet; absolutte grænser er kun "
            "offentliggjort for nogle år (1,45 % for forebyggelseskriteriet på listen 2022, "
            "dklf.dk)."
        ),
    ),
    sources=(
        "https://ft.dk/samling/20211/lovforslag/l23/20211_l23_som_fremsat.htm",
        "https://www.sbst.dk/bolig/udsatte-boligomraader-og-parallelsamfund/omraadeafgraensninger-",
        _DKLF_2022,
    ),
)

VERSIONS: dict[str, RuleVersion] = {v.name: v for v in (V2010, V2014, V2018, V2021)}

# -- one pure function per version -----------------------------------------------------------

StatusFunction = Callable[[RuleVersion, dict[str, bool | None], int, bool], dict]
STATUS_FUNCTIONS: dict[str, StatusFunction] = {}


def register(name: str) -> Callable[[StatusFunction], StatusFunction]:
    """Register the status function of rule version ``name``."""

    def deco(fn: StatusFunction) -> StatusFunction:
        STATUS_FUNCTIONS[name] = fn
        return fn

    return deco


def _gate(rule_gate: Gate, met: dict[str, bool | None]) -> bool | None:
    return at_least(rule_gate.min_met, (met[c.key] for c in rule_gate.criteria))


@register("2010")
def ghetto_2010(
    rule: RuleVersion, met: dict[str, bool | None], run: int, open_ended: bool
) -> dict[str, bool | None]:
    """Ghettoområde under the 2010 rules.

    At least 1,000 residents (``residents >= 1000``) and at least 2 of 3 criteria, each an
    *exceeds* comparison: non-Western share > 50 %, outside labour market and education
    > 40 % (4-year average), convicted > 2.7 % of residents 18+ (4-year average). A value
    exactly on a threshold does not meet it. ``run`` is ignored (no consecutive-years rule).
    """
    return {"ghettoomraade": all_of(met["residents"], _gate(rule.base, met))}


@register("2014")
def ghetto_2014(
    rule: RuleVersion, met: dict[str, bool | None], run: int, open_ended: bool
) -> dict[str, bool | None]:
    """Ghettoområde under the 2013/2014 rules.

    At least 1,000 residents and at least 3 of 5 criteria: four *exceed* comparisons (outside
    labour market and education > 40 %, non-Western > 50 %, convicted > 2.7 %, only basic
    education > 50 %) and one *below* (income < 55 % of the regional average). A value on a
    threshold meets none of them.
    """
    return {"ghettoomraade": all_of(met["residents"], _gate(rule.base, met))}


def _udsat_parallel_omdannelse(
    rule: RuleVersion, met: dict[str, bool | None], run: int, open_ended: bool
) -> dict[str, bool | None]:
    # Versions registered with this function have all three steps (checked by their data).
    assert rule.parallel is not None and rule.omdannelse_years is not None
    udsat = all_of(met["residents"], _gate(rule.base, met))
    parallel = all_of(udsat, met[rule.parallel.key])
    # This year counts as the last year of the run; if the area is not a parallelsamfund this
    # year, all_of makes the result False whatever the run.
    omdannelse = all_of(parallel, run_reaches(rule.omdannelse_years, run + 1, open_ended))
    return {"udsat": udsat, "parallelsamfund": parallel, "omdannelsesomraade": omdannelse}


@register("2018")
def udsat_2018(
    rule: RuleVersion, met: dict[str, bool | None], run: int, open_ended: bool
) -> dict[str, bool | None]:
    """Udsat boligområde, ghettoområde and hårdt ghettoområde under L 38 (2018).

    - udsat: at least 1,000 residents (``>=``) and at least 2 of 4: outside labour market and
      education *exceeds* 40 %; convicted share *at least* 3 times the national average
      (``>=``; a ratio of exactly 3.0 meets it); only basic education *exceeds* 60 %; income
      *below* 55 % of the region.
    - parallelsamfund (ghettoområde): udsat and non-Western share *exceeds* 50 %.
    - omdannelsesområde (hårdt ghettoområde): parallelsamfund this year and in each of the
      ``omdannelse_years - 1`` preceding years (``run`` is the count of consecutive earlier
      parallelsamfund years, ``open_ended`` whether that run reaches a year we do not know).
      Five years for the lists 2018–2020 (transitional rule; the base rule said four).
    """
    return _udsat_parallel_omdannelse(rule, met, run, open_ended)


@register("2021")
def udsat_2021(
    rule: RuleVersion, met: dict[str, bool | None], run: int, open_ended: bool
) -> dict[str, bool | None]:
    """The four categories under L 23 (2021), lists of 1 December 2021 onwards.

    udsat, parallelsamfund and omdannelsesområde as in :func:`udsat_2018` (five consecutive
    years). forebyggelsesområde (§ 61 b): at least 1,000 residents, **not** udsat, non-Western
    share *exceeds* 30 %, and at least 2 of 4: outside labour market and education *exceeds*
    30 %; convicted *at least* 2 times the national average (``>=``); only basic education
    *exceeds* 60 %; income *below* 65 % of the region.
    """
    out = _udsat_parallel_omdannelse(rule, met, run, open_ended)
    assert rule.forebyggelse_gate is not None and rule.forebyggelse is not None
    out["forebyggelsesomraade"] = all_of(
        met["residents"],
        negate(out["udsat"]),
        met[rule.forebyggelse_gate.key],
        _gate(rule.forebyggelse, met),
    )
    return out
