"""Build the embedded default store from the text sources in ``data/default``.

Every dataset here is a transcription of published facts with its source named per row
(``data/default/SOURCES.md`` says where each file comes from). Nothing is invented: an area
whose location is unknown gets no shape, a figure that was not published is not there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from boundaries.approximate import APPROXIMATE_LABEL_DA, approximate_areas
from boundaries.outline import LICENCE as OUTLINE_LICENCE
from boundaries.outline import SOURCE as OUTLINE_SOURCE
from boundaries.outline import load_outline
from geo.naming import area_slug, municipality_code
from geo.store import Store
from indicators.lists import add_implied, check_against_counts, parse_list_rows
from indicators.plans import write_default_plans
from indicators.reports import write_default_reports
from indicators.rules.history import write_earlier_lists
from indicators.values import write_default_indicators

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "default"
FACTS_LICENCE = "facts from public sources (no copyright in facts); compiled by Områdekort"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False)


def load_counts() -> pd.DataFrame:
    """The official number of areas per list year and category (``list_counts.csv``)."""
    counts = _read("list_counts.csv")
    counts["year"] = counts["year"].astype(int)
    counts["count"] = counts["count"].astype(int)
    return counts


def load_municipality_info() -> pd.DataFrame:
    """Names of all 98 municipalities (``municipality_names.csv``, DAGI) and the main towns
    of the municipalities concerned (``municipalities.csv``).
    """
    info = _read("municipalities.csv")
    info["code"] = info["code"].map(municipality_code)
    names = _read("municipality_names.csv")
    names["code"] = names["code"].map(municipality_code)
    info["name_source"] = info["code"].map(names.set_index("code")["source"]).fillna("")
    missing = names[~names["code"].isin(info["code"])].rename(columns={"source": "name_source"})
    info = pd.concat([info, missing], ignore_index=True).fillna("")
    info = info.sort_values("code").reset_index(drop=True)
    for col in ("town_lat", "town_lon"):
        info[col] = pd.to_numeric(info[col].replace("", None))
    return info


def build_default_store(
    store: Store, outline_path: str | Path | None = None, with_outline: bool = True
) -> dict[str, int]:
    """(Re)build ``store`` from the embedded default data; returns record counts."""
    counts = load_counts()
    rows = parse_list_rows(
        _read("designations.csv"),
        str(DATA_DIR / "designations.csv"),
        counted_years=set(counts["year"]),
    )
    designations = pd.DataFrame(
        {
            "area_id": [area_slug(r.area_name) for r in rows],
            "year": [r.year for r in rows],
            "category": [r.category for r in rows],
            "basis": [r.basis for r in rows],
            "source": [r.source for r in rows],
        }
    )
    designations = add_implied(designations)
    check_against_counts(designations, counts, str(DATA_DIR / "designations.csv"))

    names = (
        pd.DataFrame(
            {
                "area_id": [area_slug(r.area_name) for r in rows],
                "name": [r.area_name for r in rows],
                "municipality_code": [r.municipality_code for r in rows],
            }
        )
        .drop_duplicates("area_id")
        .sort_values("area_id")
        .reset_index(drop=True)
    )
    locations = _read("area_locations.csv")
    locations["area_id"] = locations["area_name"].map(area_slug)
    for col in ("lat", "lon", "uncertainty_m"):
        locations[col] = pd.to_numeric(locations[col])
    locations = locations[locations["area_id"].isin(names["area_id"])]
    info = load_municipality_info()
    areas = approximate_areas(
        names, locations.drop(columns=["area_name", "municipality_name"]), info
    )
    areas["boundary_note"] = APPROXIMATE_LABEL_DA
    areas.loc[areas["boundary_source"] == "none", "boundary_note"] = "placering ikke oplyst"

    aliases = _read("aliases.csv")
    aliases["area_id"] = aliases["area_name"].map(area_slug)
    aliases = aliases[["alias", "area_id", "source"]]

    outline = load_outline(outline_path) if with_outline else None

    with store.transaction(create=True) as w:
        w.write("areas", areas)
        w.write("designations", designations)
        w.write("list_counts", counts)
        w.write("municipality_info", info)
        w.write("aliases", aliases)
        indicator_count = write_default_indicators(w, set(areas["area_id"]))
        write_earlier_lists(w)
        plan_count = write_default_plans(w, areas, aliases)
        report_count = write_default_reports(w, areas, aliases)
        w.record_provenance(
            "designations",
            description="Official designation lists 1 Dec 2018–2024 (complete for "
            "parallelsamfund and omdannelsesområder, partial for udsatte boligområder and "
            "forebyggelsesområder)",
            source="data/default/designations.csv (per-row sources: news coverage, ministry "
            "notes, law texts)",
            licence=FACTS_LICENCE,
            records=len(designations),
        )
        w.record_provenance(
            "list_counts",
            description="Official number of areas per list year and category",
            source="data/default/list_counts.csv (bl.dk, mondaq, per row)",
            licence=FACTS_LICENCE,
            records=len(counts),
        )
        w.record_provenance(
            "areas",
            description="Approximate area locations drawn as discs whose radius is the "
            "location's uncertainty — not official boundaries",
            source="data/default/area_locations.csv and municipalities.csv (per-row sources)",
            licence=FACTS_LICENCE,
            records=len(areas),
        )
        w.record_provenance(
            "municipality_info",
            description="Names of all 98 municipalities; main towns of the municipalities "
            "concerned",
            source="data/default/municipality_names.csv (DAGI kommuner, Geodatastyrelsen og "
            "Danske Kommuner) and municipalities.csv (per-row town sources)",
            licence=FACTS_LICENCE,
            records=len(info),
        )
        if outline is not None:
            w.write("outline", outline)
            w.record_provenance(
                "outline",
                description="Denmark's outline for the national map",
                source=OUTLINE_SOURCE,
                licence=OUTLINE_LICENCE,
                records=len(outline),
            )
    return {
        "areas": len(areas),
        "designations": len(designations),
        "list_counts": len(counts),
        "indicators": indicator_count,
        "plan_facts": plan_count,
        "reports": report_count,
        "outline": 0 if outline is None else len(outline),
    }
