"""The evaluation of the omdannelsesområder: its four levels, two tracks, VIVE's questions and
its timeline 2018–2030.

The texts come from the public sources (udsatteområder.dk's front page and results page,
``data/default/evaluation_questions.csv`` and ``evaluation_timeline.csv``); the timeline is
extended by what the store knows: every list year (1 December, with the official counts) and
every dated approval, adoption and dispensation of a development plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.i18n import N_
from indicators.categories import PLURAL_DA

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "default"
RESULTS_PAGE = "udsatteområder.dk, 'Resultater'"
START_YEAR, END_YEAR = 2018, 2030


@dataclass(frozen=True)
class Level:
    """One of the four levels the evaluation follows, and where the product answers it.

    ``answers`` are keys the service turns into links: ``areas``, ``compare``, ``plans``,
    ``flows``, ``receiving``; ``awaiting`` says what is missing until data are imported.
    Every text has our English version next to it (``*_en``).
    """

    code: str
    title_da: str
    title_en: str
    scale_da: str
    scale_en: str
    text_da: str
    text_en: str
    answers: tuple[str, ...]
    awaiting: str = ""
    awaiting_en: str = ""


LEVELS: tuple[Level, ...] = (
    Level(
        "omraader",
        "De 15 omdannelsesområder",
        "The 15 transformation areas",
        "områdeniveau",
        "area level",
        "Det overordnede mål er, at de hårde ghettoområder udvikler sig til velfungerende og "
        "blandede boligområder – både i beboere og boligtyper. De fysiske, sociale og "
        "udlejningsmæssige redskaber skal skabe forandringen; hvert område sammensætter selv "
        "redskaberne.",
        "The overall goal is that the severe ghetto areas develop into well-functioning, mixed "
        "housing areas – in both residents and types of housing. The physical, social and "
        "letting tools are to bring about the change; each area puts together its own mix of "
        "tools.",
        ("areas", "compare", "plans"),
    ),
    Level(
        "beboere",
        "Beboerne i områderne",
        "The residents of the areas",
        "individniveau",
        "individual level",
        "Hvordan udvikler beboernes socioøkonomiske status, trivsel og livschancer sig, og "
        "hvordan bidrager den boligsociale indsats? En antagelse er, at tilflyttere har en "
        "bedre socioøkonomisk status, som kan smitte af på de eksisterende beboere.",
        "How do the residents' socio-economic status, well-being and life chances develop, "
        "and how does the social housing work contribute? One assumption is that newcomers "
        "have a better socio-economic status, which may rub off on the existing residents.",
        (),
        "Afventer data: oplysninger om beboerne (trivsel, motivation, livsmestring, arbejde, "
        "uddannelse) er ikke indlæst.",
        "Awaiting data: information on the residents (well-being, motivation, coping, work, "
        "education) has not been imported.",
    ),
    Level(
        "fraflyttere",
        "Beboerne, der flytter ud",
        "The residents who move out",
        "individniveau",
        "individual level",
        "Hvis fraflytningerne skaber nye udsatte områder andre steder, er man samfundsmæssigt "
        "lige vidt; og det er uhensigtsmæssigt, hvis fraflytningen forringer de fraflyttedes "
        "livschancer. Derfor følges, hvor de flytter hen, og hvordan det går dem.",
        "If the moves out create new vulnerable areas elsewhere, society has gained nothing; "
        "and it is undesirable if moving out worsens the life chances of those who move. "
        "Therefore the evaluation follows where they move to and how they fare.",
        ("flows",),
    ),
    Level(
        "almen_sektor",
        "Den øvrige almene sektor",
        "The rest of the public (almen) housing sector",
        "områdeniveau",
        "area level",
        "Den såkaldte vandsengseffekt: hvor flytter beboerne fra de berørte boligområder hen, og "
        "hvilke følger har det for resten af den almene sektor? Opstår der nye udsatte områder, "
        "når der ikke længere er hårde ghettoområder?",
        "The so-called waterbed effect: where do the residents of the affected housing areas "
        "move to, and what follows for the rest of the public (almen) housing sector? Do new "
        "vulnerable areas arise when there are no longer any severe ghetto areas?",
        ("receiving",),
    ),
)

# (code, Danish title, Danish text, English title, English text)
TRACKS_TEXT: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "fysisk",
        "Det fysiske spor (BUILD/AAU, fra 2018)",
        "Følger udviklingen i de fysiske tiltag tæt med delrapporter for hvert boligområde – "
        "fire pr. område frem til 2029 – tværgående rapporter undervejs og en afsluttende "
        "rapport.",
        "The physical track (BUILD/AAU, from 2018)",
        "Follows the physical measures closely with interim reports for each housing area – "
        "four per area until 2029 – cross-cutting reports along the way and a final report.",
    ),
    (
        "socialt",
        "Det sociale spor (VIVE, fra 2020)",
        "Tre afrapporteringer på tværs af områderne om fremdriften mod målene i 2030: en "
        "baselinerapport, en midtvejsrapport og en afsluttende rapport.",
        "The social track (VIVE, from 2020)",
        "Three reports across the areas on the progress towards the 2030 goals: a baseline "
        "report, a mid-term report and a final report.",
    ),
)


@lru_cache(maxsize=1)
def questions() -> dict[str, list[str]]:
    """VIVE's questions per level code (udsatteområder.dk, 'Resultater')."""
    table = pd.read_csv(DATA_DIR / "evaluation_questions.csv", dtype=str, keep_default_na=False)
    out: dict[str, list[str]] = {lv.code: [] for lv in LEVELS}
    for level, question in zip(table["level"], table["question"], strict=True):
        if level not in out:
            raise ValueError(f"evaluation_questions.csv: unknown level {level!r}")
        out[level].append(question)
    return out


@dataclass(frozen=True)
class Event:
    """One entry of the timeline.

    ``title_en``/``text_en`` are our English for a seed event. The events made from the store
    carry their parts instead, for the service to word in the page's language: a list year
    its ``counts`` (category, official count); a plan decision the plan's ``names``, the
    ``action`` (a Danish UI text marked with ``N_``) and ``who`` decided.
    """

    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    kind: str  # evaluering | lov | liste | plan | frist
    title: str
    text: str
    source: str
    source_url: str
    title_en: str = ""
    text_en: str = ""
    counts: tuple[tuple[str, int], ...] = ()
    names: tuple[str, ...] = ()
    action: str = ""
    who: str = ""

    @property
    def year(self) -> int:
        """The year of the event."""
        return int(self.date[:4])

    @property
    def position(self) -> float:
        """The date as a fractional year (middle of the year or month when not precise)."""
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 1:
            return parts[0] + 0.5
        day = parts[2] if len(parts) == 3 else 15
        return parts[0] + (parts[1] - 1 + (day - 1) / 31) / 12


KINDS_DA = {
    "evaluering": N_("Evalueringen"),
    "lov": N_("Lov"),
    "liste": N_("Liste 1. december"),
    "plan": N_("Udviklingsplan"),
    "frist": N_("Frist"),
}


@lru_cache(maxsize=1)
def _seed_events() -> tuple[Event, ...]:
    path = DATA_DIR / "evaluation_timeline.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("title_en", "text_en") if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    for number, r in enumerate(table.to_dict("records"), start=1):
        if r["kind"] not in KINDS_DA:
            raise ValueError(
                f"{path}: row {number}: kind {r['kind']!r} is expected to be one of "
                + ", ".join(KINDS_DA)
            )
        if not r["title_en"].strip() or bool(r["text"].strip()) != bool(r["text_en"].strip()):
            raise ValueError(
                f"{path}: row {number} ({r['title']!r}): title_en is blank, or only one of "
                "text and text_en is given"
            )
    return tuple(
        Event(
            r["date"],
            r["kind"],
            r["title"],
            r["text"],
            r["source"],
            r["source_url"],
            title_en=r["title_en"],
            text_en=r["text_en"],
        )
        for r in table.to_dict("records")
    )


def _list_events(store) -> list[Event]:
    counts = store.read("list_counts")
    out = []
    for year in sorted({int(y) for y in counts["year"]}):
        if not START_YEAR <= year <= END_YEAR:
            continue
        rows = counts[counts["year"] == year]
        parts = [
            f"{int(c)} {PLURAL_DA.get(cat, cat)}"
            for cat, c in zip(rows["category"], rows["count"], strict=True)
        ]
        sources = sorted({str(s) for s in rows["source"] if str(s)})
        out.append(
            Event(
                f"{year}-12-01",
                "liste",
                f"Listerne pr. 1. december {year}",
                "Officielle antal: " + ", ".join(parts) + ".",
                "; ".join(sources),
                sources[0] if sources and sources[0].startswith("http") else "",
                counts=tuple(
                    (str(cat), int(c))
                    for cat, c in zip(rows["category"], rows["count"], strict=True)
                ),
            )
        )
    return out


def _plan_events(store) -> list[Event]:
    from indicators.plans import all_plans

    wanted = {
        "plan_adopted_municipality": N_("plan vedtaget"),
        "plan_approved_ministry": N_("udviklingsplan godkendt af ministeriet"),
        "dispensation": N_("dispensation til en højere andel almene familieboliger"),
    }
    out = []
    seen: set[str] = set()
    for plan in all_plans(store):
        for row in plan.rows:
            for f in row.facts:
                if f.fact_type not in wanted or not f.date or f.fact_id in seen:
                    continue
                seen.add(f.fact_id)
                names = " og ".join([plan.name, *f.shared_with])
                who = f" ({f.decided_by})" if f.decided_by else ""
                text = f.figure_da if f.fact_type == "dispensation" else (f.text or "")
                out.append(
                    Event(
                        f.date,
                        "plan",
                        f"{names}: {wanted[f.fact_type]}{who}",
                        text if text != "ikke oplyst" else "",
                        f.source_url,
                        f.source_url if f.source_url.startswith("http") else "",
                        names=(plan.name, *f.shared_with),
                        action=wanted[f.fact_type],
                        who=f.decided_by,
                    )
                )
    return out


def timeline(store) -> list[Event]:
    """The timeline 2018–2030: the evaluation's milestones (udsatteområder.dk's front page
    and 'Resultater'), the law, every list year the store knows and every dated plan
    decision, in date order.
    """
    events = [
        *_seed_events(),
        *_list_events(store),
        *_plan_events(store),
    ]
    events = [e for e in events if START_YEAR <= e.year <= END_YEAR]
    return sorted(events, key=lambda e: (e.position, e.kind, e.title))
