"""Reports of the evaluation (and of the earlier programme evaluations) as data.

The store's ``reports`` table has one row per report: ``report_id``, ``title``, ``track``
(a key of :data:`TRACKS`), ``publisher``, ``year`` (empty when the source does not say),
``area_ids`` (``;``-joined slugs; empty for reports across all areas), ``url`` (empty when no
address is known), ``summary``, ``summary_en`` (our English summary; empty when none),
``source`` (where the report is named) and ``dataset``.

``omraadekort import-reports FILE`` adds reports or replaces those with the same id; a bad
file is refused whole with row, column and value named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import InputRejected, Problem
from geo.naming import AreaMatcher, area_slug
from geo.tabular import parse_number, read_table, require_columns

TABLE = "reports"
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "default" / "reports.csv"
DEFAULT_DATASET = "default"
FACTS_LICENCE = "facts from public sources (no copyright in facts); compiled by Områdekort"
COLUMNS = [
    "report_id",
    "title",
    "track",
    "publisher",
    "year",
    "area_ids",
    "url",
    "summary",
    "summary_en",
    "source",
    "dataset",
]
YEAR_RANGE = (1990, 2100)


@dataclass(frozen=True)
class Track:
    """An evaluation track (physical, social) with its Danish name."""

    code: str
    label_da: str
    label_en: str
    description_da: str
    description_en: str


TRACKS: dict[str, Track] = {
    t.code: t
    for t in (
        Track(
            "fysisk",
            "Det fysiske spor (BUILD/AAU)",
            "The physical track (BUILD/AAU)",
            "Delrapporter for hvert omdannelsesområde – fire pr. område frem til 2029 – "
            "tværgående rapporter og en afsluttende rapport om de fysiske forandringer.",
            "Interim reports for each transformation area – four per area until 2029 – "
            "cross-cutting reports and a final report on the physical changes.",
        ),
        Track(
            "socialt",
            "Det sociale spor (VIVE)",
            "The social track (VIVE)",
            "Tre rapporter på tværs af områderne – en baselinerapport, en midtvejsrapport og "
            "en afsluttende rapport – om fremdriften mod målene i 2030.",
            "Three reports across the areas – a baseline report, a mid-term report and a "
            "final report – on the progress towards the 2030 goals.",
        ),
        Track(
            "programmer",
            "Evalueringer af de boligsociale programmer",
            "Evaluations of the social-housing programmes",
            "De landsdækkende evalueringer af Landsbyggefondens boligsociale midler "
            "2006-10, 2011-14 og 2015-18.",
            "The national evaluations of Landsbyggefonden's social housing funds 2006-10, "
            "2011-14 and 2015-18.",
        ),
        Track(
            "myndighed",
            "Redegørelser fra myndighederne",
            "Reports by the authorities",
            "Ministeriets redegørelser, blandt andet om status for udviklingsplanerne.",
            "The ministry's reports, among them on the status of the development plans.",
        ),
    )
}

_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "titel"),
    "track": ("track", "spor"),
}
_OPTIONAL = {
    "report_id": ("report_id", "id"),
    "publisher": ("publisher", "udgiver"),
    "year": ("year", "aar", "år"),
    "areas": ("areas", "area", "omraader", "områder"),
    "url": ("url", "link"),
    "summary": ("summary", "resume", "resumé"),
    "summary_en": ("summary_en", "resume_en", "resumé_en"),
    "source": ("source", "kilde"),
}


def empty_frame() -> pd.DataFrame:
    """A reports table with no rows and the store's columns and types."""
    frame = pd.DataFrame({c: pd.Series([], dtype=str) for c in COLUMNS})
    frame["year"] = pd.Series([], dtype="Int64")
    return frame


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "summary_en" not in frame.columns:  # a store written before English summaries
        frame["summary_en"] = ""
    frame["year"] = pd.to_numeric(frame["year"]).round().astype("Int64")
    for col in COLUMNS:
        if col != "year":
            frame[col] = frame[col].fillna("").astype(str)
    return frame[COLUMNS]


def validate_reports(
    frame: pd.DataFrame, source: str, matcher: AreaMatcher, *, dataset: str
) -> pd.DataFrame:
    """Check a table of reports and return it in the store's columns.

    Raises
    ------
    InputRejected
        Listing every problem (unknown track or area, a year that is not a year, a link that
        is not an http(s) address, a blank title, a duplicate id) with row, column and value.
    """
    keys = require_columns(frame, source, _COLUMNS)
    optional = {
        name: next((a for a in accepted if a in frame.columns), None)
        for name, accepted in _OPTIONAL.items()
    }

    def cell(record: dict, name: str) -> str:
        column = optional[name]
        return str(record[column]).strip() if column else ""

    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(frame.to_dict("records"), start=1):
        title = str(record[keys["title"]]).strip()
        if not title:
            problems.append(
                Problem("title is blank", row=number, column=keys["title"], value=title)
            )
        track = str(record[keys["track"]]).strip().lower()
        if track not in TRACKS:
            problems.append(
                Problem(
                    "unknown track",
                    row=number,
                    column=keys["track"],
                    value=record[keys["track"]],
                    expected="one of " + ", ".join(TRACKS),
                )
            )
        raw_year = cell(record, "year")
        year: int | None = None
        if raw_year:
            try:
                number_value = parse_number(raw_year)
            except ValueError:
                number_value = None
            if (
                number_value is None
                or number_value != int(number_value)
                or not YEAR_RANGE[0] <= number_value <= YEAR_RANGE[1]
            ):
                problems.append(
                    Problem(
                        "not a year",
                        row=number,
                        column=optional["year"],
                        value=raw_year,
                        expected=f"a whole year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}, or "
                        "blank when not known",
                    )
                )
            else:
                year = int(number_value)
        area_ids: list[str] = []
        raw_areas = cell(record, "areas")
        for name in (n.strip() for n in raw_areas.split(";") if n.strip()):
            area_id = matcher.match(name)
            if area_id is None:
                problems.append(
                    Problem(
                        "unknown area",
                        row=number,
                        column=optional["areas"],
                        value=name,
                        expected="names or ids of areas in the store separated by ';', or "
                        "blank for all areas",
                    )
                )
            elif area_id not in area_ids:
                area_ids.append(area_id)
        url = cell(record, "url")
        if url and not url.startswith(("https://", "http://")):
            problems.append(
                Problem(
                    "not a web address",
                    row=number,
                    column=optional["url"],
                    value=url,
                    expected="an address starting with https:// or http://, or blank",
                )
            )
        report_id = cell(record, "report_id")
        if not report_id and title:
            try:
                report_id = area_slug(title)[:80].strip("-")
            except ValueError:
                report_id = ""
        if report_id in seen:
            problems.append(
                Problem(
                    f"duplicate of row {seen[report_id]} (same report id {report_id!r})",
                    row=number,
                    column=optional["report_id"] or keys["title"],
                    value=report_id,
                    expected="one row per report",
                )
            )
            continue
        seen[report_id] = number
        out.append(
            {
                "report_id": report_id,
                "title": title,
                "track": track,
                "publisher": cell(record, "publisher"),
                "year": year,
                "area_ids": ";".join(area_ids),
                "url": url,
                "summary": cell(record, "summary"),
                "summary_en": cell(record, "summary_en"),
                "source": cell(record, "source"),
                "dataset": dataset,
            }
        )
    if problems:
        raise InputRejected(source, problems)
    if not out:
        raise InputRejected(source, [Problem("the file has no reports")])
    return _normalise(pd.DataFrame(out))


def _matcher(areas: pd.DataFrame, aliases: pd.DataFrame) -> AreaMatcher:
    from indicators.plans import matcher_from

    return matcher_from(areas, aliases)


def load_default_reports(areas: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """The reports named on udsatteområder.dk and in VIVE's booklet
    (``data/default/reports.csv``).
    """
    raw = pd.read_csv(DEFAULT_FILE, dtype=str, keep_default_na=False)
    return validate_reports(
        raw, str(DEFAULT_FILE), _matcher(areas, aliases), dataset=DEFAULT_DATASET
    )


def write_default_reports(writer, areas: pd.DataFrame, aliases: pd.DataFrame) -> int:
    """Write the embedded reports and their provenance inside a store transaction."""
    reports = load_default_reports(areas, aliases)
    writer.write(TABLE, reports)
    writer.record_provenance(
        "reports",
        description="Reports named on udsatteområder.dk and in VIVE's booklet: the evaluations "
        "of the three boligsociale programmes and the ministry's status report on the "
        "development plans",
        source="data/default/reports.csv (per-row sources: VIVE's booklet, Landsbyggefonden)",
        licence=FACTS_LICENCE,
        records=len(reports),
    )
    return len(reports)


_DEFAULTS_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def read_reports(store) -> pd.DataFrame:
    """Every report in the store; a store built before reports were stored reads the
    embedded ones.
    """
    if TABLE in store.layers():
        return _normalise(store.read(TABLE))
    key = (str(store.path), store.data_version)
    if key not in _DEFAULTS_CACHE:
        _DEFAULTS_CACHE.clear()
        _DEFAULTS_CACHE[key] = load_default_reports(store.read("areas"), store.read("aliases"))
    return _DEFAULTS_CACHE[key]


def filter_reports(
    reports: pd.DataFrame,
    *,
    track: str | None = None,
    area_id: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Reports of one track, one area (reports naming the area) and one year; newest first,
    reports without a year last.
    """
    if track is not None and track not in TRACKS:
        raise ValueError(f"track was {track!r} but is expected to be one of {list(TRACKS)}")
    out = reports
    if track is not None:
        out = out[out["track"] == track]
    if area_id is not None:
        wanted = out["area_ids"].map(lambda ids: area_id in ids.split(";") if ids else False)
        out = out[wanted.astype(bool)]
    if year is not None:
        out = out[out["year"] == year]
    return out.sort_values(["year", "title"], ascending=[False, True], na_position="last")


def report_records(reports: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """Reports as plain dicts (for the API and the pages); ``names`` maps area ids to names."""
    out = []
    for r in reports.to_dict("records"):
        ids = [i for i in r["area_ids"].split(";") if i]
        out.append(
            {
                "id": r["report_id"],
                "title": r["title"],
                "track": r["track"],
                "track_label_da": TRACKS[r["track"]].label_da,
                "track_label_en": TRACKS[r["track"]].label_en,
                "publisher": r["publisher"] or None,
                "year": None if pd.isna(r["year"]) else int(r["year"]),
                "areas": [{"id": i, "name": names.get(i, i)} for i in ids],
                "url": r["url"] or None,
                "summary": r["summary"] or None,
                "summary_en": r["summary_en"] or None,
                "source": r["source"] or None,
            }
        )
    return out


def import_reports(store, path: str | Path, *, source: str | None = None) -> dict:
    """Import reports from a CSV or Excel file.

    Columns: ``title``, ``track`` (fysisk, socialt, programmer, myndighed); optional
    ``report_id`` (default: from the title), ``publisher``, ``year``, ``areas`` (names
    separated by ``;``), ``url``, ``summary``, ``summary_en``, ``source``. A report with the
    id of a report in the store replaces it.

    Raises
    ------
    InputRejected
        Anything wrong with the file; the store is not touched.
    """
    path = Path(path)
    frame = read_table(path)
    dataset = "import:" + path.name
    incoming = validate_reports(
        frame,
        str(path),
        _matcher(store.read("areas"), store.read("aliases")),
        dataset=dataset,
    )
    existing = read_reports(store)
    clash = existing["report_id"].isin(set(incoming["report_id"]))
    merged = pd.concat([existing[~clash], incoming], ignore_index=True)
    with store.transaction() as w:
        w.write(TABLE, merged)
        w.record_provenance(
            f"reports:{dataset}",
            description=f"Reports imported from {path.name} ({len(incoming)} reports)",
            source=source or path.name,
            licence="as supplied by the importer",
            records=len(incoming),
        )
    return {"reports": len(incoming), "replaced": int(clash.sum()), "dataset": dataset}
