"""The three boligsociale programmes 2006–18 and the safety-and-well-being survey 2018/2021.

Figures transcribed from VIVE's booklet and Landsbyggefonden's news of December 2022
(``data/default/programmes.csv`` and ``survey_2018_2021.csv``). Where the booklet's text and
its table disagree, both figures are kept and :attr:`Programme.per_plan_disagrees` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.i18n import N_

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "default"

GROUPS = {
    "helhedsplan": N_("Boligområder med en boligsocial helhedsplan"),
    "almen": N_("Den almene sektor"),
    "befolkning": N_("Befolkningen"),
}

GROUPS_SHORT = {
    "helhedsplan": N_("Med helhedsplan"),
    "almen": N_("Almene sektor"),
    "befolkning": N_("Befolkningen"),
}


@dataclass(frozen=True)
class Programme:
    """One programme's funding (``*_mio`` in million kroner)."""

    programme: str
    total_grant_dkk: int
    helhedsplaner: int
    boligafdelinger: int
    per_plan_table_mio: float
    per_plan_text_mio: float
    per_plan_text_decimals: int
    per_afdeling_table_mio: float
    source: str
    note: str
    note_en: str = ""

    @property
    def per_plan_disagrees(self) -> bool:
        """True when the table's figure, rounded as the text rounds, is not the text's."""
        return round(self.per_plan_table_mio, self.per_plan_text_decimals) != round(
            self.per_plan_text_mio, self.per_plan_text_decimals
        )

    def as_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return {
            "programme": self.programme,
            "total_grant_dkk": self.total_grant_dkk,
            "helhedsplaner": self.helhedsplaner,
            "boligafdelinger": self.boligafdelinger,
            "grant_per_helhedsplan_table_mio_dkk": self.per_plan_table_mio,
            "grant_per_helhedsplan_text_mio_dkk": self.per_plan_text_mio,
            "grant_per_helhedsplan_disagree": self.per_plan_disagrees,
            "grant_per_boligafdeling_table_mio_dkk": self.per_afdeling_table_mio,
            "source": self.source,
            "note": self.note,
            "note_en": self.note_en,
        }


@lru_cache(maxsize=1)
def programmes() -> tuple[Programme, ...]:
    """The three programmes, oldest first."""
    table = pd.read_csv(DATA_DIR / "programmes.csv", dtype=str, keep_default_na=False)
    if "note_en" not in table.columns or (table["note_en"].str.strip() == "").any():
        raise ValueError("programmes.csv: every programme needs note_en (the note in English)")
    out = []
    for r in table.to_dict("records"):
        text = r["grant_per_helhedsplan_text_mio"]
        out.append(
            Programme(
                programme=r["programme"],
                total_grant_dkk=int(r["total_grant_dkk"]),
                helhedsplaner=int(r["helhedsplaner"]),
                boligafdelinger=int(r["boligafdelinger"]),
                per_plan_table_mio=float(r["grant_per_helhedsplan_table_mio"]),
                per_plan_text_mio=float(text),
                per_plan_text_decimals=len(text.split(".")[1]) if "." in text else 0,
                per_afdeling_table_mio=float(r["grant_per_boligafdeling_table_mio"]),
                source=r["source"],
                note=r["note"],
                note_en=r["note_en"],
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class SurveyValue:
    """One figure of the safety and well-being survey (2018 or 2021) with its source."""

    dimension: str
    measure: str
    group: str
    year: int
    pct: float
    source: str
    dimension_en: str = ""
    measure_en: str = ""


@lru_cache(maxsize=1)
def survey() -> tuple[SurveyValue, ...]:
    """The survey's shares (percent), in the order of the source."""
    table = pd.read_csv(DATA_DIR / "survey_2018_2021.csv", dtype=str, keep_default_na=False)
    unknown = set(table["group"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"survey_2018_2021.csv: unknown groups {sorted(unknown)}")
    for column in ("dimension_en", "measure_en"):
        blank = table[table.get(column, pd.Series("", index=table.index)).str.strip() == ""]
        if len(blank):
            raise ValueError(
                f"survey_2018_2021.csv: {column} is blank or missing in rows "
                f"{[int(i) + 1 for i in blank.index]}"
            )
    return tuple(
        SurveyValue(
            dimension=r["dimension"],
            measure=r["measure"],
            group=r["group"],
            year=int(r["year"]),
            pct=float(r["pct"]),
            source=r["source"],
            dimension_en=r["dimension_en"],
            measure_en=r["measure_en"],
        )
        for r in table.to_dict("records")
    )


def survey_by_measure() -> list[dict]:
    """The survey grouped for charts and tables: one entry per measure with its values per
    (group, year), in a fixed order (helhedsplan, almen, befolkning; older year first).
    """
    order = list(GROUPS)
    out: dict[str, dict] = {}
    for v in survey():
        entry = out.setdefault(
            v.measure,
            {
                "dimension": v.dimension,
                "dimension_en": v.dimension_en,
                "measure": v.measure,
                "measure_en": v.measure_en,
                "values": [],
                "sources": [],
            },
        )
        entry["values"].append({"group": v.group, "year": v.year, "pct": v.pct})
        if v.source not in entry["sources"]:
            entry["sources"].append(v.source)
    for entry in out.values():
        entry["values"].sort(key=lambda x: (order.index(x["group"]), x["year"]))
    return list(out.values())
