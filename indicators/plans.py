"""Development plans (udviklingsplaner) of the omdannelsesområder: facts, import, views.

Every fact is one row with its source and the source's words. The store's ``plan_facts``
table:

==============  ==============================================================================
fact_id         stable id of the fact (hash of area, fact type, part, date and source)
area_ids        the area's slug; several joined with ``;`` when the source gives one figure
                for several areas (never split: no shares are derived); empty for national
                facts
area_label      the area as the source names it (``Skovvejen/Skovparken; Munkebo``)
fact_type       a code of :data:`FACT_TYPES`
part            the housing department (afdeling) or part of the area the figure concerns;
                empty for the whole area
number          the figure for numeric fact types; empty when the source states none
approximate     True when the source says "ca." / "cirka"
text            the content of a text fact, or the source's figure in words
unit            ``homes``, ``pct`` or ``areas`` (numeric fact types)
date            the date the fact refers to: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
decided_by      who decided, when the source says
source_url      where the fact was published
evidence_quote  the source's words
note            caveats
note_en         our English for the note (empty when there is none)
conflict        a key shared by facts whose sources disagree; the page shows them together
conflict_note   what the disagreement is
conflict_note_en  its English (empty when there is none)
dataset         which load the row came from
==============  ==============================================================================

Imports (``omraadekort import-plans``) are validated whole before anything is written: an
unknown area, an unknown fact type, a value that is not a number where the fact type needs
one, a bad date or unit, a missing source; each problem names the file, row, column and
value.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.errors import InputRejected, NotFound, Problem
from geo.i18n import N_
from geo.naming import AreaMatcher, municipality_code
from geo.tabular import parse_number, read_table, require_columns

TABLE = "plan_facts"
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "default"
DEFAULT_FILE = DATA_DIR / "development_plans.csv"
CONFLICTS_FILE = DATA_DIR / "plan_conflicts.csv"
DEFAULT_DATASET = "default"
NATIONAL = "(national)"
FACTS_LICENCE = "facts from public sources (no copyright in facts); compiled by Områdekort"
IMPORT_LICENCE = "as supplied by the importer"
TARGET_SHARE = 40.0
DEADLINE = "2030-01-01"
LAW = "almenboligloven § 168 a"
LAW_URL = "https://danskelove.dk/almenboligloven/168a"
SHARE_CODE = "almene_familieboliger_share"

COLUMNS = [
    "fact_id",
    "area_ids",
    "area_label",
    "fact_type",
    "part",
    "number",
    "approximate",
    "text",
    "unit",
    "date",
    "decided_by",
    "source_url",
    "evidence_quote",
    "note",
    "note_en",
    "conflict",
    "conflict_note",
    "conflict_note_en",
    "dataset",
]

UNIT_LABELS_DA = {"homes": "boliger", "pct": "%", "areas": "områder"}


@dataclass(frozen=True)
class FactType:
    """A kind of plan fact: numeric (with its unit) or text."""

    code: str
    label_da: str
    label_en: str
    unit: str | None  # None: a text fact


FACT_TYPES: dict[str, FactType] = {
    f.code: f
    for f in (
        FactType("plan_proposed", N_("Plan fremlagt"), "Plan proposed", None),
        FactType(
            "plan_adopted_municipality",
            N_("Vedtaget af kommunen"),
            "Adopted by the municipality",
            None,
        ),
        FactType(
            "plan_approved_ministry",
            N_("Godkendt af ministeriet"),
            "Approved by the ministry",
            None,
        ),
        FactType(
            "dispensation",
            N_("Dispensation (tilladt andel almene familieboliger)"),
            "Dispensation (allowed share)",
            "pct",
        ),
        FactType("plan_content", N_("Planens indhold"), "Content of the plan", None),
        FactType("baseline_homes", N_("Boliger før planen"), "Homes before the plan", "homes"),
        FactType(
            "baseline_share_almene_familieboliger",
            N_("Andel almene familieboliger før planen"),
            "Share of almene familieboliger before the plan",
            "pct",
        ),
        FactType(
            "target_share_almene_familieboliger",
            N_("Planens mål for andelen i 2030"),
            "Target share in 2030",
            "pct",
        ),
        FactType("demolition", N_("Nedrivning"), "Demolition", "homes"),
        FactType(
            "demolition_by_afdeling",
            N_("Nedrivning pr. afdeling"),
            "Demolition by housing department",
            "homes",
        ),
        FactType("sale", N_("Salg"), "Sale", "homes"),
        FactType("conversion", N_("Omdannelse"), "Conversion", "homes"),
        FactType("new_private_homes", N_("Nye private boliger"), "New private homes", "homes"),
        FactType("new_homes", N_("Nye boliger (blandet)"), "New homes (mixed)", "homes"),
        FactType("status", N_("Status"), "Status", None),
        FactType(
            "count_with_plan",
            N_("Områder med udviklingsplan (hele landet)"),
            "Areas with a plan (national)",
            "areas",
        ),
        FactType("status_report", N_("Statusrapport"), "Status report", None),
    )
}

# The rows of an area's plan table, in order: (row key, label, fact types shown in it).
PLAN_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("proposed", N_("Fremlagt"), ("plan_proposed",)),
    ("adopted", N_("Vedtaget af kommunen"), ("plan_adopted_municipality",)),
    ("approved", N_("Godkendt af ministeriet"), ("plan_approved_ministry",)),
    ("baseline_homes", N_("Boliger før planen"), ("baseline_homes",)),
    ("demolition", N_("Nedrivning"), ("demolition", "demolition_by_afdeling")),
    ("sale", N_("Salg"), ("sale",)),
    ("conversion", N_("Omdannelse"), ("conversion",)),
    ("new_private_homes", N_("Nye private boliger"), ("new_private_homes",)),
    ("new_homes", N_("Andre nye boliger"), ("new_homes",)),
    ("content", N_("Planens indhold i øvrigt"), ("plan_content",)),
    (
        "route",
        "Vejen til 40 % senest 1. januar 2030",  # the template shows it
        (
            "baseline_share_almene_familieboliger",
            "target_share_almene_familieboliger",
            "dispensation",
        ),
    ),
    ("status", N_("Status"), ("status",)),
)

# The columns of /udviklingsplaner: (key, label, fact types, numeric sort).
OVERVIEW_COLUMNS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("adopted", N_("Vedtaget (kommune)"), ("plan_adopted_municipality",), False),
    ("approved", N_("Godkendt (ministerium)"), ("plan_approved_ministry",), False),
    ("demolition", N_("Nedrivning"), ("demolition",), True),
    ("sale", N_("Salg"), ("sale",), True),
    ("conversion", N_("Omdannelse"), ("conversion",), True),
    ("new_private_homes", N_("Nye private boliger"), ("new_private_homes", "new_homes"), True),
    ("baseline_share", N_("Andel før"), ("baseline_share_almene_familieboliger",), True),
    ("target", N_("Mål 1.1.2030"), ("target_share_almene_familieboliger", "dispensation"), True),
    ("status", N_("Status"), ("status",), False),
)
SORT_KEYS = ("area", "municipality", *(c[0] for c in OVERVIEW_COLUMNS))

DECIDED_DA = {
    "plan_proposed": N_("Fremlagt (indholdet er ikke gengivet i kilden)"),
    "plan_adopted_municipality": N_("Vedtaget (indholdet er ikke gengivet i kilden)"),
    "plan_approved_ministry": N_("Godkendt (indholdet er ikke gengivet i kilden)"),
}

_MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# Accepted header spellings of an import file.
_AREA = ("area_name", "area", "omraade", "område", "area_id")
_COLUMNS = {
    "area": _AREA,
    "fact_type": ("fact_type", "faktatype", "type"),
    "value": ("value", "vaerdi", "værdi"),
}
_OPTIONAL = {
    "municipality_code": ("municipality_code", "kommunekode"),
    "part": ("part", "afdeling", "del"),
    "unit": ("unit", "enhed"),
    "date": ("date", "dato"),
    "decided_by": ("decided_by", "besluttet_af"),
    "value_text": ("value_text", "tekst"),
    "source_url": ("source_url", "source", "kilde"),
    "evidence_quote": ("evidence_quote", "citat"),
    "note": ("note", "bemaerkning", "bemærkning"),
    "note_en": ("note_en",),
    "conflict": ("conflict", "konflikt"),
    "conflict_note": ("conflict_note",),
    "conflict_note_en": ("conflict_note_en",),
}


# -- small pure helpers ----------------------------------------------------------------------


def parse_date(text: str) -> str | None:
    """Normalise ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None when the text is none of these."""
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    if len(parts[0]) != 4 or any(len(p) != 2 for p in parts[1:]):
        return None
    year = int(parts[0])
    if not 1990 <= year <= 2100:
        return None
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        return None
    if len(parts) == 3:
        try:
            pd.Timestamp(year=year, month=int(parts[1]), day=int(parts[2]))
        except ValueError:
            return None
    return "-".join(parts)


def date_da(date: str) -> str:
    """``2019`` → ``2019``; ``2019-06`` → ``juni 2019``; ``2019-09-10`` → ``10. september 2019``."""
    if not date:
        return "dato ikke oplyst"
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS_DA[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])}. {month} {parts[0]}"


def number_da(value: float) -> str:
    """A figure the Danish way: ``1.500``, ``96``, ``13,1``."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return (
        f"{value:,.2f}".rstrip("0").replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    )


def _fact_id(area_ids: str, fact_type: str, part: str, date: str, source_url: str) -> str:
    key = "\u001f".join((area_ids, fact_type, part, date, source_url))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def empty_frame() -> pd.DataFrame:
    """A plan-facts table with no rows and the store's columns and types."""
    frame = pd.DataFrame({c: pd.Series([], dtype=str) for c in COLUMNS})
    frame["number"] = pd.Series([], dtype=float)
    frame["approximate"] = pd.Series([], dtype=bool)
    return frame


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in ("note_en", "conflict_note_en"):  # a store written before the English texts
        if col not in frame.columns:
            frame[col] = ""
    frame["number"] = pd.to_numeric(frame["number"]).astype(float)
    frame["approximate"] = frame["approximate"].astype(bool)
    for col in COLUMNS:
        if col not in ("number", "approximate"):
            frame[col] = frame[col].fillna("").astype(str)
    return frame[COLUMNS]


# -- validation (one code path for the embedded file and for imports) -----------------------


def _conflict_notes() -> dict[str, tuple[str, str]]:
    """Conflict key → (Danish description, our English)."""
    table = pd.read_csv(CONFLICTS_FILE, dtype=str, keep_default_na=False)
    if "description_en" not in table.columns or (table["description_en"].str.strip() == "").any():
        raise ValueError(f"{CONFLICTS_FILE}: every conflict needs description_en (its English)")
    return {
        k: (da, en)
        for k, da, en in zip(
            table["conflict"], table["description"], table["description_en"], strict=True
        )
    }


def matcher_from(areas: pd.DataFrame, aliases: pd.DataFrame) -> AreaMatcher:
    """An :class:`AreaMatcher` over an areas frame and an aliases frame."""
    municipality_of = [m if isinstance(m, str) and m else None for m in areas["municipality_code"]]
    return AreaMatcher(
        list(zip(areas["area_id"], areas["name"], municipality_of, strict=True)),
        list(zip(aliases["alias"], aliases["area_id"], strict=True)),
    )


def _split_value(raw: str) -> tuple[str, bool]:
    """Strip a leading "ca." / "cirka" and say whether it was there."""
    text = raw.strip()
    for prefix in ("ca.", "ca ", "cirka"):
        if text.lower().startswith(prefix):
            return text[len(prefix) :].strip(), True
    return text, False


@dataclass
class _Row:
    """One data row of an import being checked: its cells and the problems found in it."""

    number: int
    record: dict
    keys: dict[str, str]
    optional: dict[str, str | None]
    problems: list[Problem] = field(default_factory=list)

    def cell(self, name: str) -> str:
        column = self.optional[name]
        return str(self.record[column]).strip() if column else ""

    def required(self, name: str) -> str:
        return str(self.record[self.keys[name]]).strip()

    def column(self, name: str) -> str:
        return self.keys.get(name) or self.optional.get(name) or name

    def refuse(self, message: str, name: str, value: object, expected: str | None = None) -> None:
        self.problems.append(
            Problem(
                message, row=self.number, column=self.column(name), value=value, expected=expected
            )
        )


def _check_areas(row: _Row, matcher: AreaMatcher) -> list[str]:
    raw_area = row.required("area")
    municipality = None
    raw_muni = row.cell("municipality_code")
    if raw_muni:
        try:
            municipality = municipality_code(raw_muni)
        except ValueError:
            row.refuse(
                "not a municipality code", "municipality_code", raw_muni, "a code from 101 to 999"
            )
    if raw_area == NATIONAL:
        return []
    if not raw_area:
        row.refuse(
            "area is blank",
            "area",
            raw_area,
            f"the name of an area in the store, several separated by ';', or {NATIONAL!r}",
        )
        return []
    area_ids: list[str] = []
    for name in (n.strip() for n in raw_area.split(";")):
        area_id = matcher.match(name, municipality) if name else None
        if area_id is None:
            row.refuse(
                "unknown area",
                "area",
                name or raw_area,
                "the name or id of an area in the store (see /omraader), several "
                f"separated by ';', or {NATIONAL!r}",
            )
        elif area_id not in area_ids:
            area_ids.append(area_id)
    return area_ids


def _check_figure(row: _Row, fact_type: FactType) -> tuple[float | None, bool]:
    """The number of a numeric fact (None when the source states none) and whether "ca."."""
    raw_value = row.required("value")
    digits, approximate = _split_value(raw_value)
    try:
        amount = parse_number(digits)
    except ValueError:
        row.refuse(
            f"not a number (fact type {fact_type.code} is a figure in {fact_type.unit})",
            "value",
            raw_value,
            "a number such as 260 or ca. 1500; put words in the value_text column",
        )
        return None, approximate
    if amount is None:
        if approximate:
            row.refuse("'ca.' without a number", "value", raw_value, "ca. followed by a number")
        return None, approximate
    if math.isnan(amount) or amount < 0 or (fact_type.unit == "pct" and amount > 100):
        row.refuse(
            f"value outside the range of {fact_type.code}",
            "value",
            raw_value,
            "0 to 100 (%)" if fact_type.unit == "pct" else "0 or more",
        )
    elif fact_type.unit != "pct" and amount != int(amount):
        row.refuse(f"not a whole number of {fact_type.unit}", "value", raw_value, "a whole number")
    return amount, approximate


def _check_unit(row: _Row, fact_type: FactType) -> None:
    raw_unit = row.cell("unit")
    if not raw_unit:
        return
    if raw_unit not in UNIT_LABELS_DA:
        row.refuse(
            "unknown unit", "unit", raw_unit, "one of " + ", ".join(UNIT_LABELS_DA) + " or blank"
        )
    elif fact_type.unit is not None and raw_unit != fact_type.unit:
        row.refuse(
            f"unit does not fit fact type {fact_type.code}", "unit", raw_unit, fact_type.unit
        )


def _check_date(row: _Row) -> str:
    raw_date = row.cell("date")
    if not raw_date:
        return ""
    date = parse_date(raw_date)
    if date is None:
        row.refuse("not a date", "date", raw_date, "YYYY, YYYY-MM or YYYY-MM-DD")
        return ""
    return date


def _check_row(row: _Row, matcher: AreaMatcher) -> dict | None:
    """The row in the store's columns, or None when its fact type is unknown."""
    area_ids = _check_areas(row, matcher)
    raw_type = row.required("fact_type")
    fact_type = FACT_TYPES.get(raw_type.lower())
    if fact_type is None:
        row.refuse("unknown fact type", "fact_type", raw_type, "one of " + ", ".join(FACT_TYPES))
    amount, approximate = (
        _check_figure(row, fact_type)
        if fact_type is not None and fact_type.unit is not None
        else (None, False)
    )
    if fact_type is not None:
        _check_unit(row, fact_type)
    date = _check_date(row)
    url = row.cell("source_url")
    if not url:
        row.refuse(
            "no source",
            "source_url",
            url,
            "the address (or name) of the source that states the fact",
        )
    part = row.cell("part")
    if fact_type is not None and fact_type.code == "demolition_by_afdeling" and not part:
        row.refuse(
            "no afdeling", "part", part, "the housing department (afdeling) the figure concerns"
        )
    if fact_type is None:
        return None
    joined = ";".join(area_ids)
    return {
        "fact_id": _fact_id(joined, fact_type.code, part, date, url),
        "area_ids": joined,
        "area_label": row.required("area"),
        "fact_type": fact_type.code,
        "part": part,
        "number": amount if amount is not None else float("nan"),
        "approximate": approximate,
        "text": row.required("value") if fact_type.unit is None else row.cell("value_text"),
        "unit": fact_type.unit or "",
        "date": date,
        "decided_by": row.cell("decided_by"),
        "source_url": url,
        "evidence_quote": row.cell("evidence_quote"),
        "note": row.cell("note"),
        "note_en": row.cell("note_en"),
        "conflict": row.cell("conflict"),
        "conflict_note": row.cell("conflict_note"),
        "conflict_note_en": row.cell("conflict_note_en"),
    }


def validate_plan_table(
    frame: pd.DataFrame,
    source: str,
    matcher: AreaMatcher,
    *,
    dataset: str,
    conflict_notes: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Check a table of plan facts and return it in the store's columns.

    Parameters
    ----------
    frame
        All cells as text (see :func:`geo.tabular.read_table`), lowercase headers.
    source
        The file name, for messages.
    matcher
        Resolves area names (combined areas are separated by ``;``).
    dataset
        Written into every row.
    conflict_notes
        Descriptions of known conflict keys (Danish, English).

    Raises
    ------
    InputRejected
        Listing every problem with row, column and value; nothing is returned then.
    """
    keys = require_columns(frame, source, _COLUMNS)
    optional = {
        name: next((a for a in accepted if a in frame.columns), None)
        for name, accepted in _OPTIONAL.items()
    }
    notes = conflict_notes or {}
    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(frame.to_dict("records"), start=1):
        row = _Row(number, record, keys, optional)
        fact = _check_row(row, matcher)
        problems.extend(row.problems)
        if fact is None:
            continue
        if fact["fact_id"] in seen:
            problems.append(
                Problem(
                    f"duplicate of row {seen[fact['fact_id']]} (same area, fact type, part, "
                    "date and source)",
                    row=number,
                    column=keys["fact_type"],
                    value=row.required("fact_type"),
                    expected="one row per fact",
                )
            )
            continue
        seen[fact["fact_id"]] = number
        known = notes.get(fact["conflict"], ("", ""))
        if not fact["conflict_note"]:
            fact["conflict_note"], fact["conflict_note_en"] = known
        fact["dataset"] = dataset
        out.append(fact)
    if problems:
        raise InputRejected(source, problems)
    if not out:
        raise InputRejected(source, [Problem("the file has no plan facts")])
    return _normalise(pd.DataFrame(out))


# -- the embedded defaults -------------------------------------------------------------------


def load_default_plans(areas: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """The embedded plan facts (``data/default/development_plans.csv``), validated against
    the given areas exactly like an import.
    """
    raw = pd.read_csv(DEFAULT_FILE, dtype=str, keep_default_na=False)
    return validate_plan_table(
        raw,
        str(DEFAULT_FILE),
        matcher_from(areas, aliases),
        dataset=DEFAULT_DATASET,
        conflict_notes=_conflict_notes(),
    )


def write_default_plans(writer, areas: pd.DataFrame, aliases: pd.DataFrame) -> int:
    """Write the embedded plan facts and their provenance inside a store transaction."""
    facts = load_default_plans(areas, aliases)
    writer.write(TABLE, facts)
    writer.record_provenance(
        "plan_facts",
        description="Facts on the development plans of the omdannelsesområder (approvals, "
        "demolitions, sales, conversions, new homes, dispensations, status); conflicting "
        "sources kept side by side",
        source="data/default/development_plans.csv (per-row sources and quotes; transcribed "
        "from the compiled development_plans.csv)",
        licence=FACTS_LICENCE,
        records=len(facts),
    )
    return len(facts)


# -- reading ---------------------------------------------------------------------------------


_DEFAULTS_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def _defaults_for(store) -> pd.DataFrame:
    key = (str(store.path), store.data_version)
    if key not in _DEFAULTS_CACHE:
        _DEFAULTS_CACHE.clear()
        _DEFAULTS_CACHE[key] = load_default_plans(store.read("areas"), store.read("aliases"))
    return _DEFAULTS_CACHE[key]


def read_plan_facts(store) -> pd.DataFrame:
    """Every plan fact in the store. A store built before plans were stored reads the
    embedded facts (matched to its areas), so no page says "ikke oplyst" for a known fact.
    """
    if TABLE in store.layers():
        return _normalise(store.read(TABLE))
    return _defaults_for(store)


def _facts_of(facts: pd.DataFrame, area_id: str) -> pd.DataFrame:
    mask = facts["area_ids"].map(lambda ids: area_id in ids.split(";") if ids else False)
    return facts[mask.astype(bool)]


# -- importing -------------------------------------------------------------------------------


def import_plans(store, path: str | Path, *, source: str | None = None) -> dict:
    """Import plan facts from a CSV or Excel file.

    Columns: ``area_name`` (several areas separated by ``;``, or ``(national)``),
    ``fact_type``, ``value`` (a number for numeric fact types, optionally ``ca. 1500``; text
    for text fact types), ``source_url``; optional ``municipality_code``, ``part``, ``unit``,
    ``date``, ``decided_by``, ``value_text``, ``evidence_quote``, ``note``, ``conflict``,
    ``conflict_note``. A row with the same area, fact type, part, date and source as a fact in
    the store replaces it; other rows are added.

    Returns
    -------
    dict
        ``facts`` imported, ``replaced``, ``areas``, ``dataset``.

    Raises
    ------
    InputRejected
        Anything wrong with the file; the store is not touched.
    """
    path = Path(path)
    frame = read_table(path)
    dataset = "import:" + path.name
    existing = read_plan_facts(store)
    known_notes = {
        k: (n, en)
        for k, n, en in zip(
            existing["conflict"],
            existing["conflict_note"],
            existing["conflict_note_en"],
            strict=True,
        )
        if k
    }
    incoming = validate_plan_table(
        frame,
        str(path),
        matcher_from(store.read("areas"), store.read("aliases")),
        dataset=dataset,
        conflict_notes={**_conflict_notes(), **known_notes},
    )
    clash = existing["fact_id"].isin(set(incoming["fact_id"]))
    merged = pd.concat([existing[~clash], incoming], ignore_index=True)
    with store.transaction() as w:
        w.write(TABLE, merged)
        w.record_provenance(
            f"plan_facts:{dataset}",
            description=f"Plan facts imported from {path.name} ({len(incoming)} facts)",
            source=source or path.name,
            licence=IMPORT_LICENCE,
            records=len(incoming),
        )
    areas = {a for ids in incoming["area_ids"] for a in ids.split(";") if a}
    return {
        "facts": len(incoming),
        "replaced": int(clash.sum()),
        "areas": len(areas),
        "dataset": dataset,
    }


# -- views -----------------------------------------------------------------------------------


@dataclass
class Fact:
    """One plan fact as shown: the figure in words, when, who, the source."""

    fact_id: str
    fact_type: str
    label_da: str
    part: str
    number: float | None
    approximate: bool
    text: str
    unit: str
    date: str
    date_da: str
    decided_by: str
    source_url: str
    evidence_quote: str
    note: str
    conflict: str
    conflict_note: str
    shared_with: list[str]  # other areas a combined figure also covers (names)
    other_areas: list[str] = field(default_factory=list)  # a conflicting fact of other areas
    note_en: str = ""
    conflict_note_en: str = ""

    @property
    def figure_da(self) -> str:
        """``ca. 1.500 boliger`` / ``96 %`` / the text; "ikke oplyst" when nothing is given."""
        if self.number is not None:
            unit = UNIT_LABELS_DA.get(self.unit, "")
            return ("ca. " if self.approximate else "") + f"{number_da(self.number)} {unit}"
        # A decision whose content the source does not summarise still happened.
        return self.text or DECIDED_DA.get(self.fact_type, "ikke oplyst")

    def as_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return {
            "fact_id": self.fact_id,
            "fact_type": self.fact_type,
            "label_da": self.label_da,
            "part": self.part or None,
            "value": self.number,
            "approximate": self.approximate,
            "unit": self.unit or None,
            "text": self.text or None,
            "figure_da": self.figure_da,
            "date": self.date or None,
            "decided_by": self.decided_by or None,
            "source_url": self.source_url,
            "evidence_quote": self.evidence_quote or None,
            "note": self.note or None,
            "note_en": self.note_en or None,
            "conflict": self.conflict or None,
            "conflict_note": self.conflict_note or None,
            "conflict_note_en": self.conflict_note_en or None,
            "shared_with": self.shared_with,
            "other_areas": self.other_areas,
        }


@dataclass
class PlanRow:
    """A row of an area's plan table: its facts, or none ("ikke oplyst")."""

    key: str
    label_da: str
    facts: list[Fact]
    conflicts: list[str]  # conflict notes of the facts in this row
    conflicts_en: list[str] = field(default_factory=list)  # their English ("" when none)

    @property
    def known(self) -> bool:
        """True when any fact about this row is known."""
        return bool(self.facts)


@dataclass
class SharePoint:
    """One point of the 40 % path: a year, the share and where it comes from."""

    year: int
    value: float
    kind: str  # baseline | measured | target
    source: str
    label_da: str


@dataclass
class SharePath:
    """The route to 40 %: baseline, every imported value, the target at 1 January 2030."""

    area_id: str
    name: str
    baseline: SharePoint | None
    measured: list[SharePoint]
    target: SharePoint
    target_kind: str  # law | plan | dispensation
    missing_years: list[int]

    def as_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""

        def point(p: SharePoint | None) -> dict | None:
            return None if p is None else {"year": p.year, "value": p.value, "source": p.source}

        return {
            "baseline": point(self.baseline),
            "values": [point(p) for p in self.measured],
            "target": {**(point(self.target) or {}), "date": DEADLINE, "kind": self.target_kind},
            "missing_years": self.missing_years,
        }


@dataclass
class AreaPlan:
    """Everything the service shows about one area's development plan."""

    area_id: str
    name: str
    municipality_code: str
    omdannelse_years: list[int]
    rows: list[PlanRow]
    path: SharePath
    other_facts: list[Fact] = field(default_factory=list)

    @property
    def has_facts(self) -> bool:
        """True when the plan has any fact."""
        return any(r.facts for r in self.rows)

    def as_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return {
            "area_id": self.area_id,
            "name": self.name,
            "municipality_code": self.municipality_code,
            "omdannelsesomraade_years": self.omdannelse_years,
            "facts": [f.as_dict() for r in self.rows for f in r.facts],
            "rows": [
                {"key": r.key, "label_da": r.label_da, "fact_ids": [f.fact_id for f in r.facts]}
                for r in self.rows
            ],
            "share_path": self.path.as_dict(),
        }


def _names(store) -> dict[str, tuple[str, str]]:
    areas = store.read("areas")
    return {
        a: (n, m if isinstance(m, str) else "")
        for a, n, m in zip(areas["area_id"], areas["name"], areas["municipality_code"], strict=True)
    }


def _omdannelse_years(store) -> dict[str, list[int]]:
    designations = store.read("designations")
    rows = designations[designations["category"] == "omdannelsesomraade"]
    out: dict[str, list[int]] = {}
    for area_id, year in zip(rows["area_id"], rows["year"], strict=True):
        out.setdefault(area_id, []).append(int(year))
    return {a: sorted(set(y)) for a, y in out.items()}


def _to_fact(row: dict, area_id: str, names: dict[str, tuple[str, str]]) -> Fact:
    number = row["number"]
    ids = [i for i in row["area_ids"].split(";") if i]
    others = [i for i in ids if i != area_id]
    mine = area_id in ids
    return Fact(
        fact_id=row["fact_id"],
        fact_type=row["fact_type"],
        label_da=FACT_TYPES[row["fact_type"]].label_da,
        part=row["part"],
        number=None if pd.isna(number) else float(number),
        approximate=bool(row["approximate"]),
        text=row["text"],
        unit=row["unit"],
        date=row["date"],
        date_da=date_da(row["date"]),
        decided_by=row["decided_by"],
        source_url=row["source_url"],
        evidence_quote=row["evidence_quote"],
        note=row["note"],
        conflict=row["conflict"],
        conflict_note=row["conflict_note"],
        note_en=row["note_en"],
        conflict_note_en=row["conflict_note_en"],
        shared_with=[names.get(i, (i, ""))[0] for i in others] if mine else [],
        other_areas=[] if mine else [names.get(i, (i, ""))[0] for i in others],
    )


def _share_values(store) -> pd.DataFrame:
    """Real (not synthetic) values of the indicator almene_familieboliger_share with a year."""
    from indicators.values import read_indicators

    values = read_indicators(store)
    return values[(values["code"] == SHARE_CODE) & values["year"].notna() & values["value"].notna()]


def _share_path(
    area_id: str, name: str, facts: list[Fact], values: pd.DataFrame, last_year: int
) -> SharePath:
    baseline = None
    for f in facts:
        if f.fact_type == "baseline_share_almene_familieboliger" and f.number is not None:
            year = int(f.date[:4]) if f.date else 0
            baseline = SharePoint(year, f.number, "baseline", f.source_url, N_("Udgangspunkt"))
            break
    target = SharePoint(2030, TARGET_SHARE, "target", LAW, N_("Lovens krav"))
    kind = "law"
    for wanted, label in (
        ("dispensation", N_("Dispensation")),
        ("target_share_almene_familieboliger", N_("Planens mål")),
    ):
        hits = [f for f in facts if f.fact_type == wanted and f.number is not None]
        if hits:
            f = hits[0]
            assert f.number is not None  # hits keep only facts with a number
            target = SharePoint(2030, f.number, "target", f.source_url, label)
            kind = "dispensation" if wanted == "dispensation" else "plan"
            break
    own = values[values["area_id"] == area_id].sort_values("year")
    measured = [
        SharePoint(int(y), float(v), "measured", str(s), N_("Indlæst værdi"))
        for y, v, s in zip(own["year"], own["value"], own["source"], strict=True)
    ]
    seen = {p.year for p in measured}
    start = baseline.year + 1 if baseline else 2019
    end = max([last_year, *seen]) if seen else last_year
    missing = [y for y in range(start, end + 1) if y not in seen]
    return SharePath(area_id, name, baseline, measured, target, kind, missing)


def _last_list_year(store) -> int:
    counts = store.read("list_counts")
    return int(counts["year"].max()) if len(counts) else 2018


def _rows_for(facts: list[Fact]) -> list[PlanRow]:
    rows = []
    for key, label, types in PLAN_ROWS:
        chosen = [f for f in facts if f.fact_type in types]
        chosen.sort(key=lambda f: (types.index(f.fact_type), f.conflict, f.date, f.part))
        notes: list[str] = []
        notes_en: list[str] = []
        for f in chosen:
            if f.conflict and f.conflict_note not in notes:
                notes.append(f.conflict_note or N_("Kilderne er uenige."))
                notes_en.append(f.conflict_note_en if f.conflict_note else "")
        rows.append(PlanRow(key, label, chosen, notes, notes_en))
    return rows


def plan_areas(store) -> list[str]:
    """Areas that have been omdannelsesområde, or have plan facts, sorted by name."""
    names = _names(store)
    facts = read_plan_facts(store)
    with_facts = {a for ids in facts["area_ids"] for a in ids.split(";") if a}
    ids = (set(_omdannelse_years(store)) | with_facts) & set(names)
    return sorted(ids, key=lambda a: names[a][0])


def plan_facts(store, area_id: str) -> AreaPlan:
    """The development plan of one area, ready to show (also for the PDF fact sheets).

    Every row of :data:`PLAN_ROWS` is present; a row without facts is "ikke oplyst".

    Raises
    ------
    NotFound
        ``area_id`` is not an area of the store.
    """
    names = _names(store)
    if area_id not in names:
        raise NotFound(f"no area with id {area_id!r}")
    return _area_plan(store, area_id, names, read_plan_facts(store), _share_values(store))


def _area_plan(store, area_id, names, facts, values) -> AreaPlan:
    own = [_to_fact(r, area_id, names) for r in _facts_of(facts, area_id).to_dict("records")]
    # Conflicting facts of other areas belong with this area's figure when they share a key.
    keys = {f.conflict for f in own if f.conflict}
    if keys:
        have = {f.fact_id for f in own}
        for r in facts[facts["conflict"].isin(keys)].to_dict("records"):
            if r["fact_id"] not in have:
                own.append(_to_fact(r, area_id, names))
    mine = [f for f in own if f.fact_type in FACT_TYPES]
    rows = _rows_for(mine)
    name, municipality = names[area_id]
    path = _share_path(area_id, name, mine, values, _last_list_year(store))
    years = _omdannelse_years(store).get(area_id, [])
    return AreaPlan(area_id, name, municipality, years, rows, path)


def all_plans(store) -> list[AreaPlan]:
    """:func:`plan_facts` for every area of :func:`plan_areas`."""
    names = _names(store)
    facts = read_plan_facts(store)
    values = _share_values(store)
    return [_area_plan(store, a, names, facts, values) for a in plan_areas(store)]


def national_facts(store) -> list[Fact]:
    """Facts that concern all areas (count with a plan, status reports)."""
    facts = read_plan_facts(store)
    return [_to_fact(r, "", {}) for r in facts[facts["area_ids"] == ""].to_dict("records")]


# -- the side-by-side overview ---------------------------------------------------------------


@dataclass
class OverviewCell:
    """One cell of the plans overview: its facts and the value it sorts by."""

    facts: list[Fact]
    sort_value: float | str | None
    conflict: bool


@dataclass
class OverviewRow:
    """One area of the plans overview: its plan and a cell per column."""

    plan: AreaPlan
    cells: dict[str, OverviewCell]


def _cell(plan: AreaPlan, area_id: str, types: tuple[str, ...], numeric: bool) -> OverviewCell:
    # Other areas' figures are shown on the area page beside a conflict, not in the overview.
    facts = [f for r in plan.rows for f in r.facts if f.fact_type in types and not f.other_areas]
    own = [f for f in facts if not f.shared_with]
    conflict = any(f.conflict for f in facts)
    sort_value: float | str | None = None
    if numeric:
        # The area's own whole-area figures; when sources disagree, the lowest (documented).
        whole = [f.number for f in own if f.number is not None and not f.part]
        if whole:
            sort_value = min(whole)
        if types == ("target_share_almene_familieboliger", "dispensation"):
            sort_value = plan.path.target.value
    else:
        dated = sorted(f.date for f in own if f.date)
        sort_value = dated[0] if dated else None
    return OverviewCell(facts, sort_value, conflict)


def plans_overview(store, sort: str = "area", descending: bool = False) -> list[OverviewRow]:
    """Every plan side by side, sorted by ``sort`` (one of :data:`SORT_KEYS`).

    Rows without a value in the sort column come last whatever the direction. A numeric cell
    sorts by the area's own whole-area figure; where sources disagree, by the lowest of them.

    Raises
    ------
    ValueError
        ``sort`` is not a key of :data:`SORT_KEYS`.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort was {sort!r} but is expected to be one of {list(SORT_KEYS)}")
    rows = []
    for plan in all_plans(store):
        cells = {
            key: _cell(plan, plan.area_id, types, numeric)
            for key, _label, types, numeric in OVERVIEW_COLUMNS
        }
        rows.append(OverviewRow(plan, cells))
    if sort in ("area", "municipality"):
        rows.sort(
            key=lambda r: (
                r.plan.name if sort == "area" else r.plan.municipality_code,
                r.plan.name,
            ),
            reverse=descending,
        )
        return rows
    known = [r for r in rows if r.cells[sort].sort_value is not None]
    unknown = [r for r in rows if r.cells[sort].sort_value is None]
    known.sort(key=lambda r: r.plan.name)
    known.sort(key=lambda r: r.cells[sort].sort_value, reverse=descending)  # type: ignore[arg-type,return-value]
    unknown.sort(key=lambda r: r.plan.name)
    return known + unknown
