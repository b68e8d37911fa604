"""One number per fact: a crawl of the flows pages, CSVs and API finds no fact with two values.

Every count cell of a page names the fact it shows (``data-fact``, see
``templates/flows/_flows_macros.html``); the API and CSV rows name theirs by their fields. The
crawl reads them all — overview, origin and receiving pages for all years and each year,
every origin, "vis alle" so that whole tables are read — and requires one value per fact.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from geo.relocation.synthetic import store_demo_moves
from geo.seed import build_default_store
from geo.store import Store
from service import create_app


class _Facts(HTMLParser):
    """(fact, text) of every element with a ``data-fact`` attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[list] = []  # [fact, depth, text]

    def handle_starttag(self, tag, attrs):
        for entry in self._open:
            entry[1] += 1
        fact = dict(attrs).get("data-fact")
        if fact:
            self._open.append([fact, 1, ""])

    def handle_endtag(self, tag):
        for entry in self._open:
            entry[1] -= 1
        while self._open and self._open[-1][1] == 0:
            fact, _depth, text = self._open.pop()
            self.found.append((fact, text))

    def handle_data(self, data):
        for entry in self._open:
            entry[2] += data


def _value(text: str) -> str | None:
    """'1.234' → '1234', 'mindst 176' → '176', 'skjult' → 'skjult', '–' → None."""
    text = " ".join(text.split())
    if text == "skjult":
        return "skjult"
    match = re.fullmatch(r"(?:mindst )?([\d.]+)", text)
    return match.group(1).replace(".", "") if match else None


def _count(movers, suppressed) -> str | None:
    if movers is None:
        return "skjult" if suppressed else None
    return str(movers)


def _key(value) -> str:
    return "*" if value is None else str(value)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("crawl") / "store.gpkg"
    store = Store(path)
    build_default_store(store, with_outline=False)
    store_demo_moves(store, seed=3, n=20_000)
    app = create_app({"TESTING": True, "STORE_PATH": str(path), "ACCESS_LOG": False})
    return app.test_client()


@pytest.mark.slow  # crawls every flows page, CSV and API answer
def test_no_fact_has_two_values_across_pages_csvs_and_api(client):
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def note(fact: str, value: str | None, where: str) -> None:
        kind, *rest = fact.split("|")
        if kind == "kind" and rest[-1] == "same_area":
            # "moved within the area" is the flow from the area to itself: one fact.
            fact = "|".join(["flow", *rest[:-1], rest[-2]])
        if value is not None:
            seen[fact][value].add(where)

    def page(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Facts()
        parser.feed(response.get_data(as_text=True))
        assert parser.found, f"{url} shows no facts"
        for fact, text in parser.found:
            note(fact, _value(text), url)

    def api(url: str) -> dict:
        response = client.get(url)
        assert response.status_code == 200, url
        return response.get_json()

    meta = api("/api/flows/origins")
    years, reasons = meta["years"], meta["reasons"]
    origins = [o["area_id"] for o in meta["origins"]]
    for o in meta["origins"]:
        note(f"flow|*|*|a:{o['area_id']}|*", _count(o["movers"], o["suppressed"]), "origins")

    year_choices = [None, *years]
    for year in year_choices:
        y = "" if year is None else str(year)
        for level, word in (("area-area", "omraade"), ("area-municipality", "kommune")):
            page(f"/flytninger?niveau={word}&aar={y}&vis=alle")
            for reason in (None, *reasons):
                url = f"/api/flows?level={level}&year={y}&reason={reason or ''}"
                body = api(url)
                for f in body["flows"]:
                    fact = f"flow|{_key(year)}|{_key(reason)}|{f['origin_id']}|{f['dest_id']}"
                    note(fact, _count(f["movers"], f["suppressed"]), url)
                for t in body["totals"]:
                    fact = f"flow|{_key(year)}|{_key(reason)}|{t['origin_id']}|*"
                    note(fact, _count(t["movers"], t["suppressed"]), url)
                text = client.get(
                    url.replace("/api/flows?", "/api/flows.csv?") + "&dialekt=rfc4180"
                ).get_data(as_text=True)
                for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
                    fact = f"flow|{_key(year)}|{_key(reason)}|{row['origin_id']}|{row['dest_id']}"
                    movers = row["movers"] or None
                    note(
                        fact,
                        movers if movers else ("skjult" if row["suppressed"] == "true" else None),
                        "csv:" + url,
                    )
        page(f"/flytninger/modtagere?aar={y}&vis=alle")
        body = api(f"/api/flows/receiving?year={y}")
        for a in body["areas"]:
            note(
                f"flow|{_key(year)}|*|*|a:{a['area_id']}",
                _count(a["inflow_total"], False),
                "receiving",
            )
            note(
                f"omdsum|{_key(year)}|a:{a['area_id']}",
                _count(a["inflow_from_omdannelse"], a["suppressed"]),
                "receiving",
            )
            for p in a["per_year"]:
                note(
                    f"omd|{p['year']}|a:{a['area_id']}",
                    _count(p["inflow"], p["suppressed"]),
                    "receiving",
                )

    for origin in origins:
        o = f"a:{origin}"
        page(f"/flytninger/{origin}?vis=alle")
        page(f"/flytninger/{origin}?niveau=kommune&vis=alle")
        for s in api(f"/api/flows/series?origin={origin}")["series"]:
            note(
                f"flow|{_key(s['year'])}|{s['reason']}|{o}|*",
                _count(s["movers"], s["suppressed"]),
                "series",
            )
        for reason in (None, *reasons):
            body = api(f"/api/flows/profiles?origin={origin}&reason={reason or ''}")
            for p in body["profiles"]:
                fact = f"profile|{_key(reason)}|{o}|{p['attribute']}={p['value']}"
                note(fact, _count(p["movers"], p["suppressed"]), "profiles")
        for year in year_choices:
            y = "" if year is None else str(year)
            body = api(f"/api/flows/origins/{origin}?year={y}")
            for d in body["destinations"]:
                if d["measure"] == "class":
                    fact = f"kind|{_key(year)}|*|{o}|{d['class']}"
                    note(fact, _count(d["movers"], d["suppressed"]), "origin api")
                elif d["measure"] == "total":
                    note(
                        f"flow|{_key(year)}|*|{o}|*",
                        _count(d["movers"], d["suppressed"]),
                        "origin api",
                    )
            for d in body["distances"]:
                note(
                    f"flow|{_key(year)}|*|{o}|b:{d['band']}",
                    _count(d["movers"], d["suppressed"]),
                    "distances",
                )
            for r in body["reasons_split"]:
                note(
                    f"flow|{_key(year)}|{r['reason']}|{o}|*",
                    _count(r["movers"], r["suppressed"]),
                    "reasons",
                )
    # One origin with every year and reason on its page.
    first = origins[0]
    for year in years:
        for word in ("planlagt", "andet"):
            page(f"/flytninger/{first}?aar={year}&aarsag={word}&vis=alle")
    page("/flytninger")  # all origins: series and profiles

    contradictions = {
        fact: {value: sorted(where)[:3] for value, where in values.items()}
        for fact, values in seen.items()
        if len(values) > 1
    }
    assert not contradictions, list(contradictions.items())[:5]
    # The crawl did compare: many facts were seen in more than one place.
    shared = [f for f, values in seen.items() if len(next(iter(values.values()))) > 1]
    assert len(seen) > 2000 and len(shared) > 1000, (len(seen), len(shared))
    kinds = {f.split("|")[0] for f in seen}
    assert kinds == {"flow", "kind", "profile", "omd", "omdsum"}
