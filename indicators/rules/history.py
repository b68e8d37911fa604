"""The list-history rules, checked against the official lists themselves.

Two rules of § 61 a can be checked without any indicator value:

1. every parallelsamfund is also an udsat boligområde (and every omdannelsesområde a
   parallelsamfund; a forebyggelsesområde is never udsat);
2. an omdannelsesområde has met the parallelsamfund conditions in each of the last N years.

The sources disagree on N (rules.md: five years for the lists 2018–2020 and for the current
lists, while the 2018 law's base rule said four), so :func:`omdannelse_check` is run for both
and :func:`history_report` says which N reproduces each year. Years before 2018 can be counted
from the old ghetto lists (``data/default/earlier_ghetto_lists.csv``, lists of 2015–2017 as far
as the sources name them), but those lists used other criteria, so they are a proxy only and
the report keeps the two counts apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.i18n import N_, fill
from geo.naming import area_slug
from indicators.rules.evaluate import parallel_run
from indicators.rules.model import YearStatus
from indicators.rules.versions import run_reaches

EARLIER_TABLE = "earlier_lists"
EARLIER_FILE = Path(__file__).resolve().parents[2] / "data" / "default" / "earlier_ghetto_lists.csv"
EARLIER_DESCRIPTION = (
    "Old ghetto lists of 1 December 2015–2017 (rules before 2018) as far as news coverage "
    "names them: 2017 complete (21 named + 1 derived), 2016 23 of 25, 2015 29 of 31; rows "
    "with listed=false are areas a source says were not on that list"
)
CANDIDATE_YEARS = (4, 5)

# Every disagreement the check finds, with its cause (Danish: shown on /om-reglerne). The
# reproduction test fails on any disagreement that is not explained here.
EXPLANATIONS = {
    (4, False, 2021, "aldersrogade"): N_(
        "Aldersrogade var parallelsamfund på listerne 2018–2021 (fire år), men ikke "
        "omdannelsesområde i 2021: listen 2021 er ikke beregnet med fire år."
    ),
    (4, True, 2018, "solbakken"): N_(
        "Solbakken står på de gamle ghettolister 2015–2017, men var ikke hårdt ghettoområde i "
        "2018: 2018-loven tæller de år, hvor området opfyldte 2018-betingelserne (genberegnet af "
        "ministeriet), ikke de gamle lister, hvis kriterier var andre (3 af 5; andelen af "
        "ikke-vestlige var ikke et krav)."
    ),
    (4, True, 2018, "noerager-soestjernevej"): N_(
        "Som Solbakken: på de gamle ghettolister 2015–2017, ikke hårdt ghettoområde i 2018; de "
        "gamle lister er en tilnærmelse med andre kriterier."
    ),
    (4, True, 2018, "lindholm"): N_(
        "Lindholm står på de gamle ghettolister 2015–2017, men var ikke hårdt ghettoområde i "
        "2018; de gamle lister er en tilnærmelse med andre kriterier."
    ),
    (4, True, 2018, "skovgaardsparken"): N_(
        "Skovgårdsparken står på de gamle ghettolister 2015–2017, men var ikke hårdt "
        "ghettoområde i 2018; de gamle lister er en tilnærmelse med andre kriterier."
    ),
    (4, True, 2019, "solbakken"): N_(
        "Med de gamle lister som tilnærmelse har Solbakken 2016–2019; området blev først hårdt "
        "ghettoområde i 2020, så i 2019 havde det ikke opfyldt 2018-betingelserne i de "
        "krævede år."
    ),
    (4, True, 2019, "noerager-soestjernevej"): N_(
        "Som Solbakken: de gamle lister giver ghettoår 2016–2019; området blev først hårdt "
        "ghettoområde i 2020."
    ),
    (4, True, 2019, "lindholm"): N_(
        "Lindholm: de gamle lister 2016–2017 og listerne 2018–2019 giver fire år, men området "
        "blev aldrig hårdt ghettoområde; de gamle lister er en tilnærmelse med andre kriterier."
    ),
    (4, True, 2019, "skovgaardsparken"): N_(
        "Skovgårdsparken: de gamle lister 2016–2017 og listerne 2018–2019 giver fire år, men "
        "området blev aldrig hårdt ghettoområde; de gamle lister er en tilnærmelse med andre "
        "kriterier."
    ),
    (4, True, 2021, "aldersrogade"): N_(
        "Aldersrogade var parallelsamfund 2018–2021 og ikke på ghettolisten 2017: fire år, men "
        "ikke omdannelsesområde i 2021, så listen 2021 brugte ikke fire år."
    ),
    (5, True, 2019, "solbakken"): N_(
        "De gamle ghettolister har Solbakken 2015–2017, hvilket med 2018–2019 giver fem år, "
        "men området blev først hårdt ghettoområde i 2020: loven tæller de år, hvor "
        "2018-betingelserne (over 50 % ikke-vestlige som krav) var opfyldt, genberegnet af "
        "ministeriet, ikke de gamle lister."
    ),
    (5, True, 2019, "noerager-soestjernevej"): N_(
        "Som Solbakken: fem år efter de gamle lister, hårdt ghettoområde først fra 2020; de "
        "gamle lister er en tilnærmelse med andre kriterier."
    ),
    (5, True, 2019, "lindholm"): N_(
        "Lindholm: på de gamle lister 2015–2017 og listerne 2018–2019, men aldrig hårdt "
        "ghettoområde; de gamle lister er en tilnærmelse med andre kriterier."
    ),
    (5, True, 2019, "skovgaardsparken"): N_(
        "Skovgårdsparken: på de gamle lister 2015–2017 og listerne 2018–2019, men aldrig hårdt "
        "ghettoområde; de gamle lister er en tilnærmelse med andre kriterier."
    ),
}


# -- the earlier lists -----------------------------------------------------------------------


def load_earlier_lists() -> pd.DataFrame:
    """The embedded old ghetto lists (``data/default/earlier_ghetto_lists.csv``)."""
    raw = pd.read_csv(EARLIER_FILE, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "year": raw["year"].astype(int),
            "area_id": raw["area_name"].map(area_slug),
            "area_name": raw["area_name"],
            "municipality_name": raw["municipality_name"],
            "listed": raw["listed"].map({"1": True, "0": False}).astype(bool),
            "basis": raw["basis"],
            "source": raw["source"],
            "list_total": raw["list_total"].astype(int),
        }
    )


def write_earlier_lists(writer) -> int:
    """Write the old ghetto lists and their provenance inside a store transaction."""
    frame = load_earlier_lists()
    writer.write(EARLIER_TABLE, frame)
    writer.record_provenance(
        EARLIER_TABLE,
        description=EARLIER_DESCRIPTION,
        source="data/default/earlier_ghetto_lists.csv (Jyllands-Posten Jan 2018, DR May and "
        "Dec 2018, bha.dk Dec 2017, BT Dec 2016; per row)",
        licence="facts from public sources (no copyright in facts); compiled by Områdekort",
        records=len(frame),
    )
    return len(frame)


def read_earlier_lists(store) -> pd.DataFrame:
    """The store's old ghetto lists (empty for a store built without them)."""
    if EARLIER_TABLE not in store.layers():
        return load_earlier_lists().iloc[0:0]
    frame = store.read(EARLIER_TABLE).copy()
    frame["year"] = frame["year"].astype(int)
    frame["listed"] = frame["listed"].astype(bool)
    return frame


# -- the history of one area -----------------------------------------------------------------


def _complete_parallel_years(designations: pd.DataFrame, counts: pd.DataFrame) -> dict[int, bool]:
    named = (
        designations[designations["category"] == "parallelsamfund"].groupby("year")["area_id"]
    ).nunique()
    official = counts[counts["category"] == "parallelsamfund"].set_index("year")["count"]
    return {int(y): int(named.get(y, 0)) == int(n) for y, n in official.items()}


class ListHistory:
    """Parallelsamfund status of every area in every year the lists tell.

    Built once from the designations, the official counts and (optionally) the old ghetto
    lists; :meth:`statuses` gives one area's :class:`YearStatus` list.
    """

    def __init__(
        self,
        designations: pd.DataFrame,
        counts: pd.DataFrame,
        earlier: pd.DataFrame | None = None,
    ):
        parallel = designations[designations["category"] == "parallelsamfund"]
        self.parallel = set(zip(parallel["area_id"], parallel["year"].astype(int), strict=True))
        self.complete = _complete_parallel_years(designations, counts)
        self.list_years = sorted(self.complete)
        self.earlier: dict[tuple[str, int], tuple[bool, str]] = {}
        self.earlier_complete: dict[int, bool] = {}
        if earlier is not None and len(earlier):
            for row in earlier.itertuples():
                self.earlier[(row.area_id, int(row.year))] = (bool(row.listed), row.basis)
            for year, rows in earlier.groupby("year"):
                self.earlier_complete[int(year)] = int(rows["listed"].sum()) == int(
                    rows["list_total"].iloc[0]
                )

    def statuses(self, area_id: str, *, use_earlier: bool = True) -> list[YearStatus]:
        """The area's parallelsamfund status per list year (old ghetto lists as proxy if asked)."""
        out = []
        for year in self.list_years:
            if (area_id, year) in self.parallel:
                out.append(
                    YearStatus(year, True, fill(N_("officiel liste %(year)s"), year=str(year)))
                )
            elif self.complete[year]:
                basis: str = fill(N_("ikke på den fuldstændige liste %(year)s"), year=str(year))
                out.append(YearStatus(year, False, basis))
            else:
                basis = fill(N_("listen %(year)s er ufuldstændig"), year=str(year))
                out.append(YearStatus(year, None, basis))
        if use_earlier:
            for year, complete in self.earlier_complete.items():
                if year in self.complete:
                    continue
                fact = self.earlier.get((area_id, year))
                if fact is not None:
                    listed, basis = fact
                    kind = "derived" if basis.startswith("derived") else "explicit"
                    template = (
                        N_("på ghettolisten %(year)s (regler før 2018; %(kind)s)")
                        if listed
                        else N_("ikke på ghettolisten %(year)s (regler før 2018; %(kind)s)")
                    )
                    out.append(YearStatus(year, listed, fill(template, year=str(year), kind=kind)))
                elif complete:
                    basis = fill(
                        N_("ikke på den fuldstændige ghettoliste %(year)s"), year=str(year)
                    )
                    out.append(YearStatus(year, False, basis))
                else:
                    basis = fill(N_("ghettolisten %(year)s er kun delvist kendt"), year=str(year))
                    out.append(YearStatus(year, None, basis))
        return sorted(out, key=lambda s: s.year)


# -- the checks ------------------------------------------------------------------------------


def subset_check(designations: pd.DataFrame, counts: pd.DataFrame) -> list[dict]:
    """Per list year: parallelsamfund ⊂ udsat, omdannelse ⊂ parallelsamfund, forebyggelse ∩
    udsat = ∅ in the named lists, and the same order in the official counts.
    """
    out = []
    sets = {
        (int(y), c): set(g["area_id"]) for (y, c), g in designations.groupby(["year", "category"])
    }
    official = {
        (int(y), c): int(n)
        for y, c, n in zip(counts["year"], counts["category"], counts["count"], strict=True)
    }
    implied = designations["basis"].astype(str).str.startswith("implied")
    for year in sorted({int(y) for y in counts["year"]}):
        p = sets.get((year, "parallelsamfund"), set())
        u = sets.get((year, "udsat"), set())
        o = sets.get((year, "omdannelsesomraade"), set())
        f = sets.get((year, "forebyggelsesomraade"), set())
        udsat_rows = designations[
            (designations["year"] == year) & (designations["category"] == "udsat")
        ]
        p_udsat_implied = int((udsat_rows["area_id"].isin(p) & implied.loc[udsat_rows.index]).sum())
        out.append(
            {
                "year": year,
                "parallelsamfund": len(p),
                "parallel_not_udsat": sorted(p - u),
                "udsat_rows_implied": p_udsat_implied,
                "omdannelse": len(o),
                "omdannelse_not_parallel": sorted(o - p),
                "forebyggelse_and_udsat": sorted(f & u),
                "counts_ordered": official.get((year, "omdannelsesomraade"), 0)
                <= official.get((year, "parallelsamfund"), 0)
                <= official.get((year, "udsat"), 0),
            }
        )
    return out


def omdannelse_check(
    history: ListHistory,
    designations: pd.DataFrame,
    *,
    required_years: int,
    use_earlier: bool,
) -> pd.DataFrame:
    """For every parallelsamfund of every list year: does N years predict its omdannelse
    status?

    Columns: year, area_id, consecutive (this year included), at_least (the run reaches an
    unknown year), predicted (True / False / None), official, outcome (``agrees``,
    ``disagrees``, ``undetermined``).
    """
    omdannelse = designations[designations["category"] == "omdannelsesomraade"]
    official_o = set(zip(omdannelse["area_id"], omdannelse["year"].astype(int), strict=True))
    rows = []
    for area_id, year in sorted(history.parallel, key=lambda t: (t[1], t[0])):
        statuses = history.statuses(area_id, use_earlier=use_earlier)
        run, open_ended, _used = parallel_run(statuses, year)
        predicted = run_reaches(required_years, run + 1, open_ended)
        official = (area_id, year) in official_o
        outcome = (
            "undetermined"
            if predicted is None
            else ("agrees" if predicted == official else "disagrees")
        )
        rows.append(
            {
                "year": year,
                "area_id": area_id,
                "consecutive": run + 1,
                "at_least": open_ended,
                "predicted": predicted,
                "official": official,
                "outcome": outcome,
            }
        )
    return pd.DataFrame(rows)


def history_report(
    designations: pd.DataFrame, counts: pd.DataFrame, earlier: pd.DataFrame | None
) -> dict:
    """The whole list-history check: subsets, and the omdannelse years for N = 4 and 5,
    counted from the lists since 2018 alone and with the old ghetto lists as proxy.
    """
    history = ListHistory(designations, counts, earlier)
    report: dict = {"subsets": subset_check(designations, counts), "omdannelse": []}
    for use_earlier in (False, True):
        for n in CANDIDATE_YEARS:
            table = omdannelse_check(
                history, designations, required_years=n, use_earlier=use_earlier
            )
            for year, rows in table.groupby("year"):
                disagreements = rows[rows["outcome"] == "disagrees"]
                report["omdannelse"].append(
                    {
                        "years_required": n,
                        "with_earlier_lists": use_earlier,
                        "year": int(year),
                        "checked": len(rows),
                        "agrees": int((rows["outcome"] == "agrees").sum()),
                        "disagrees": len(disagreements),
                        "undetermined": int((rows["outcome"] == "undetermined").sum()),
                        "disagreements": [
                            {
                                "area_id": r.area_id,
                                "predicted": bool(r.predicted),
                                "official": bool(r.official),
                                "consecutive": int(r.consecutive),
                                "explanation": EXPLANATIONS.get(
                                    (n, use_earlier, int(year), r.area_id)
                                ),
                            }
                            for r in disagreements.itertuples()
                        ],
                    }
                )
    report["verdict"] = _verdict(report["omdannelse"])
    return report


def _verdict(rows: list[dict]) -> list[dict]:
    """Per list year and counting mode: which N has no disagreement, and whether the year
    tells them apart (one N disagrees while the other does not).
    """
    out = []
    by_key: dict[tuple[bool, int], dict[int, dict]] = {}
    for r in rows:
        by_key.setdefault((r["with_earlier_lists"], r["year"]), {})[r["years_required"]] = r
    for (use_earlier, year), per_n in sorted(by_key.items()):
        consistent = [n for n, r in sorted(per_n.items()) if r["disagrees"] == 0]
        out.append(
            {
                "year": year,
                "with_earlier_lists": use_earlier,
                "consistent_with": consistent,
                "decided": len(consistent) == 1,
            }
        )
    return out


def history_report_for_store(store) -> dict:
    """The list-history check (:func:`history_report`) on the store's lists."""
    return history_report(
        store.read("designations"), store.read("list_counts"), read_earlier_lists(store)
    )
