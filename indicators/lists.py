"""The official designation lists: validation, legal implication and merging.

A list row says that an area was designated in a category on 1 December of a year. Rows come
from the embedded default data or from a user's file (CSV or Excel) with the columns year,
area (name or id), municipality_code and category, and optionally source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from geo.errors import InputRejected, Problem
from geo.naming import area_slug, check_name, municipality_code
from geo.plausible import year_bounds
from geo.tabular import NumberError, parse_year, read_table, require_columns
from indicators.categories import CATEGORIES, IMPLIES, PLURAL_DA, parse_category

DESIGNATION_COLUMNS = ["area_id", "year", "category", "basis", "source"]

_FILE_COLUMNS = {
    "year": ("year", "aar", "år", "listeaar", "listeår"),
    "area": ("area", "area_name", "area_id", "omraade", "område", "boligomraade", "boligområde"),
    "municipality_code": ("municipality_code", "kommunekode", "komkode", "kommune_kode"),
    "category": ("category", "kategori", "type"),
}


@dataclass
class ListRow:
    """One row of a designation list: an area named on a year's list in a category."""

    year: int
    area_name: str
    municipality_code: str
    category: str
    basis: str
    source: str


def parse_list_rows(
    frame: pd.DataFrame,
    source: str,
    *,
    counted_years: set[int],
    default_source: str | None = None,
) -> list[ListRow]:
    """Validate every row of a designation list; refuse the whole file on any problem.

    Checks: the required columns exist; year is a whole number with official counts
    (``counted_years``); category is one of the four (Danish spellings and the pre-2021 terms
    accepted); municipality code is a valid code; area name is not blank; no duplicate
    (year, area, category); an area has one municipality code within a file.
    """
    cols = require_columns(frame, source, _FILE_COLUMNS)
    src_col = "source" if "source" in frame.columns else None
    basis_col = "basis" if "basis" in frame.columns else None
    problems: list[Problem] = []
    rows: list[ListRow] = []
    seen: dict[tuple[int, str, str], int] = {}
    municipality_of: dict[str, tuple[str, int]] = {}
    for i, record in enumerate(frame.to_dict("records"), start=1):
        row_problems: list[Problem] = []
        raw_year = str(record[cols["year"]])
        year = None
        lo, hi = year_bounds()
        try:
            year = parse_year(raw_year, lo=lo, hi=hi)
        except NumberError as exc:
            row_problems.append(
                Problem(
                    exc.reason,
                    row=i,
                    column=cols["year"],
                    value=raw_year,
                    expected="a whole year such as 2022",
                )
            )
        if year is not None and year not in counted_years:
            row_problems.append(
                Problem(
                    "no official count is known for this list year, so the list cannot be "
                    "checked against it",
                    row=i,
                    column=cols["year"],
                    value=raw_year,
                    expected="one of " + ", ".join(str(y) for y in sorted(counted_years)),
                )
            )
        raw_cat = record[cols["category"]]
        category = parse_category(raw_cat)
        if category is None:
            row_problems.append(
                Problem(
                    "unknown category",
                    row=i,
                    column=cols["category"],
                    value=raw_cat,
                    expected="one of " + ", ".join(CATEGORIES),
                )
            )
        raw_code = record[cols["municipality_code"]]
        try:
            code = municipality_code(raw_code)
        except ValueError:
            code = None
            row_problems.append(
                Problem(
                    "not a municipality code",
                    row=i,
                    column=cols["municipality_code"],
                    value=raw_code,
                    expected="a code from 101 to 999, e.g. 751 for Aarhus",
                )
            )
        name = str(record[cols["area"]])
        try:
            name = check_name(name)
            area_slug(name)
        except ValueError as exc:
            row_problems.append(
                Problem(
                    str(exc),
                    row=i,
                    column=cols["area"],
                    value=name if len(name) <= 60 else name[:60] + "…",
                    expected="the area's name as on the official list",
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        # every cell parsed (a problem would have been recorded above)
        assert year is not None and code is not None and category is not None
        slug = area_slug(name)
        key = (year, slug, category)
        if key in seen:
            problems.append(
                Problem(
                    f"duplicate of row {seen[key]} (same year, area and category)",
                    row=i,
                    column=cols["area"],
                    value=name,
                )
            )
            continue
        seen[key] = i
        if slug in municipality_of and municipality_of[slug][0] != code:
            first_code, first_row = municipality_of[slug]
            problems.append(
                Problem(
                    f"area has municipality code {first_code} in row {first_row}",
                    row=i,
                    column=cols["municipality_code"],
                    value=raw_code,
                    expected=f"the same code, {first_code}",
                )
            )
            continue
        municipality_of.setdefault(slug, (code, i))
        rows.append(
            ListRow(
                year=year,
                area_name=name,
                municipality_code=code,
                category=category,
                basis=str(record[basis_col]) if basis_col else "",
                source=str(record[src_col])
                if src_col and record[src_col]
                else (default_source or source),
            )
        )
    if problems:
        raise InputRejected(source, problems)
    return rows


def read_list_file(path, *, counted_years: set[int], sheet: str | None = None) -> list[ListRow]:
    """Read and validate a designation list file (CSV or Excel)."""
    frame = read_table(path, sheet=sheet)
    return parse_list_rows(frame, str(path), counted_years=counted_years)


def add_implied(designations: pd.DataFrame) -> pd.DataFrame:
    """Add the rows the law implies (omdannelsesområde ⇒ parallelsamfund ⇒ udsat)."""
    frame = designations
    for _ in range(len(IMPLIES)):
        have = set(zip(frame["area_id"], frame["year"], frame["category"], strict=True))
        extra = []
        for area_id, year, category in list(have):
            broader = IMPLIES.get(category)
            if broader and (area_id, year, broader) not in have:
                extra.append(
                    {
                        "area_id": area_id,
                        "year": year,
                        "category": broader,
                        "basis": f"implied: every {category} is by law also {broader} "
                        "(almenboligloven § 61 a)",
                        "source": "almenboligloven § 61 a",
                    }
                )
        if not extra:
            break
        frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    return frame.sort_values(["year", "category", "area_id"]).reset_index(drop=True)


def check_against_counts(
    designations: pd.DataFrame,
    counts: pd.DataFrame,
    source: str,
    describe: Callable[[str], str] = str,
) -> None:
    """Refuse a list that names more areas in a (year, category) than the official count."""
    named = designations.groupby(["year", "category"]).size()
    official = counts.set_index(["year", "category"])["count"]
    problems = []
    for (year, category), n in named.items():
        limit = official.get((year, category))
        if limit is None:
            problems.append(
                Problem(
                    f"{n} {PLURAL_DA[category]} named for {year}, but no official count "
                    f"exists for that year and category",
                    column="category",
                    value=category,
                )
            )
        elif n > limit:
            problems.append(
                Problem(
                    f"{n} {PLURAL_DA[category]} named for {year}, more than the official {limit}",
                    column="year",
                    value=year,
                    expected=f"at most {limit}",
                )
            )
    if problems:
        raise InputRejected(source, problems)


def merge_lists(existing: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Replace the (year, category) lists present in ``incoming``; keep all others."""
    replaced = set(zip(incoming["year"], incoming["category"], strict=True))
    keep = [
        (y, c) not in replaced for y, c in zip(existing["year"], existing["category"], strict=True)
    ]
    # Implied rows are recomputed after the merge, so drop the old ones.
    base = existing[keep]
    base = base[~base["basis"].astype(str).str.startswith("implied: every")]
    merged = pd.concat([base, incoming[DESIGNATION_COLUMNS]], ignore_index=True)
    merged = merged.drop_duplicates(["area_id", "year", "category"], keep="last")
    return add_implied(merged)


def list_summary(designations: pd.DataFrame, counts: pd.DataFrame, year: int) -> list[dict]:
    """Official total and named count per category for one list year.

    Also gives the count per *most severe* category as the front page of udsatteområder.dk
    shows it (7 udsatte, 1 parallelsamfund, 9 omdannelsesområder on 1 Dec 2022), derived from
    the official totals: udsat only = udsat − parallelsamfund, parallelsamfund only =
    parallelsamfund − omdannelsesområder.
    """
    year_counts = counts[counts["year"] == year].set_index("category")["count"]
    year_rows = designations[designations["year"] == year]
    named = year_rows.groupby("category")["area_id"].nunique()
    exclusive = {
        "udsat": "parallelsamfund",
        "parallelsamfund": "omdannelsesomraade",
    }
    out = []
    for category in reversed(CATEGORIES):
        if category not in year_counts.index:
            continue
        official = int(year_counts[category])
        narrower = exclusive.get(category)
        only = official - int(year_counts[narrower]) if narrower in year_counts.index else official
        out.append(
            {
                "category": category,
                "official": official,
                "named": int(named.get(category, 0)),
                "most_severe_official": only,
                "complete": int(named.get(category, 0)) == official,
            }
        )
    return out


IMPORT_LICENCE = "as supplied by the importer"


def _extend_provenance(store, dataset: str, description: str, source: str) -> tuple[str, str]:
    """Description and source of ``dataset`` with this import appended to what was there."""
    table = store.read("provenance")
    rows = table[table["dataset"] == dataset]
    if not len(rows):
        return description, source
    old_description, old_source = str(rows.iloc[-1]["description"]), str(rows.iloc[-1]["source"])
    sources = [s for s in old_source.split("; ") if s]
    if source not in sources:
        sources.append(source)
    return f"{old_description}; {description}", "; ".join(sources)


def import_designations(
    store, path, *, source: str | None = None, add_new: bool = False, sheet: str | None = None
) -> dict:
    """Import a designation list file (CSV or Excel) into the store.

    Every (year, category) list present in the file replaces the store's list for that year
    and category; all other lists stay. Areas are matched to the store's areas by name
    (:class:`geo.naming.AreaMatcher`: exact names and aliases under the documented
    normalisations, narrowed to the row's municipality; never a prefix or a similar name). A
    name the store does not know refuses the file, naming the closest areas, unless
    ``add_new``: then it is added, drawn as a 3 km disc around its municipality's main town
    (or with no shape when the town is unknown). The merged lists must not name more areas
    than the official counts.

    Parameters
    ----------
    store
        A :class:`geo.store.Store` (must exist).
    path
        CSV or Excel file with the columns year, area, municipality_code and category (Danish
        header spellings accepted), optionally source.
    source
        Where the list comes from, recorded per row and as provenance (default: the file name;
        a source column in the file wins for its rows).
    add_new
        Add areas the store does not know instead of refusing the file.
    sheet
        The sheet to read from a workbook with several.

    Returns
    -------
    dict
        ``rows`` (rows read), ``years`` (list years in the file), ``new_areas`` (ids of areas
        added), ``replaced`` ((year, category) lists replaced), ``matched`` (names in the file
        that matched an area under a different name → area id).

    Raises
    ------
    InputRejected
        Anything wrong with the file; nothing is written.
    """
    from pathlib import Path

    import geopandas as gpd

    from boundaries.approximate import APPROXIMATE_LABEL_DA, approximate_areas, no_locations
    from geo import STORE_CRS
    from geo.naming import AreaMatcher

    path = Path(path)
    counts = store.read("list_counts")
    rows = read_list_file(path, counted_years={int(y) for y in counts["year"]}, sheet=sheet)
    areas = store.read("areas")
    aliases = store.read("aliases")
    # An area without a municipality code (None, not NaN) is a candidate in every municipality.
    municipality_of = [m if isinstance(m, str) and m else None for m in areas["municipality_code"]]
    matcher = AreaMatcher(
        list(zip(areas["area_id"], areas["name"], municipality_of, strict=True)),
        list(zip(aliases["alias"], aliases["area_id"], strict=True)),
    )
    known = dict(zip(areas["area_id"], municipality_of, strict=True))
    default_source = source or path.name

    problems: list[Problem] = []
    new_areas: dict[str, tuple[str, str]] = {}
    matched: dict[str, str] = {}
    records = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        area_id = matcher.match(row.area_name, row.municipality_code)
        if area_id is None:
            slug = area_slug(row.area_name)
            if slug in known and known[slug] not in (None, row.municipality_code):
                problems.append(
                    Problem(
                        f"the store has the area {row.area_name!r} in municipality {known[slug]}",
                        row=number,
                        column="municipality_code",
                        value=row.municipality_code,
                        expected=f"{known[slug]}, or a different area name",
                    )
                )
                continue
            if not add_new or matcher.ambiguous(row.area_name, row.municipality_code):
                problems.append(
                    Problem(
                        matcher.explain(row.area_name, row.municipality_code),
                        row=number,
                        column="area",
                        value=row.area_name,
                        expected="the name of an area in the store (see /omraader), a known "
                        "alias, or --add-new to add it as a new area",
                    )
                )
                continue
            if slug not in known:
                new_areas.setdefault(slug, (row.area_name, row.municipality_code))
            area_id = slug
        elif area_id != area_slug(row.area_name):
            matched[row.area_name] = area_id
        key = (row.year, area_id, row.category)
        if key in seen:
            problems.append(
                Problem(
                    f"names the same area ({area_id}) as row {seen[key]} for the same year and "
                    "category",
                    row=number,
                    column="area",
                    value=row.area_name,
                )
            )
            continue
        seen[key] = number
        records.append(
            {
                "area_id": area_id,
                "year": row.year,
                "category": row.category,
                "basis": "imported list",
                # read_list_file gives rows without a source column the file path.
                "source": default_source if row.source == str(path) else row.source,
            }
        )
    if problems:
        raise InputRejected(str(path), problems)

    incoming = pd.DataFrame(records, columns=DESIGNATION_COLUMNS)
    incoming["year"] = incoming["year"].astype("int64")
    merged = merge_lists(store.read("designations"), incoming)
    check_against_counts(merged, counts, str(path))
    replaced = sorted(set(zip(incoming["year"].tolist(), incoming["category"], strict=True)))
    lists_text = ", ".join(f"{y} {PLURAL_DA[c]}" for y, c in replaced)

    added = None
    if new_areas:
        names = pd.DataFrame(
            {
                "area_id": list(new_areas),
                "name": [name for name, _ in new_areas.values()],
                "municipality_code": [code for _, code in new_areas.values()],
            }
        )
        added = approximate_areas(names, no_locations(), store.read("municipality_info"))
        added["boundary_note"] = APPROXIMATE_LABEL_DA
        added.loc[added["boundary_source"] == "none", "boundary_note"] = "placering ikke oplyst"
        added = (
            gpd.GeoDataFrame(
                pd.concat([areas, added[areas.columns]], ignore_index=True),
                geometry="geometry",
                crs=STORE_CRS,
            )
            .sort_values("area_id")
            .reset_index(drop=True)
        )

    description, provenance_source = _extend_provenance(
        store,
        "designations",
        f"lists replaced by an import from {path.name}: {lists_text}",
        default_source,
    )
    with store.transaction() as w:
        w.write("designations", merged)
        w.record_provenance(
            "designations",
            description=description,
            source=provenance_source,
            licence=IMPORT_LICENCE,
            records=len(merged),
        )
        if added is not None:
            description, area_source = _extend_provenance(
                store,
                "areas",
                f"{len(new_areas)} areas added by the list import from {path.name}, drawn "
                "around their municipality's main town (not their own location)",
                default_source,
            )
            w.write("areas", added)
            w.record_provenance(
                "areas",
                description=description,
                source=area_source,
                licence=IMPORT_LICENCE,
                records=len(added),
            )
    return {
        "rows": len(rows),
        "years": sorted({r.year for r in rows}),
        "new_areas": list(new_areas),
        "replaced": replaced,
        "matched": matched,
    }
