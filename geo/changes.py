"""What changed on 1 December: one list year against the year before.

For every area named on either list the status in each category is worked out from the
official lists alone, in three values: ``True`` (named), ``False`` (not on the list, and that
is *known*: the list is complete in the store, the category did not exist that year, or the
law excludes it) and ``None`` (not named, but the loaded list is incomplete, so it may have
been on it). A change is only called *entered* or *left* when both sides are known; otherwise
it is *possibly* entered or left, and the area's overall kind is ``uncertain``.

What is known from the law, not from the data:

- every parallelsamfund is an udsat boligområde and every omdannelsesområde a parallelsamfund
  (almenboligloven § 61 a), so an area that is known not to be udsat is known not to be the
  other two;
- a forebyggelsesområde is never udsat (§ 61 b), so being named on one of the two lists says
  the area is not on the other.

Renamed and split areas: when the store holds two areas that a known alias ties together (the
``aliases`` table: the alias of one is the other's name, or both are aliases of the same
area), and one leaves while the other enters, the pair is reported once, as ``renamed`` (one
to one), ``split`` (one to several) or ``merged`` (several to one), never as a departure and
an arrival.

Why: for each category entered or left, the rules engine (:mod:`indicators.rules`) evaluates
the area in both years with the values the store has. The criteria that were decisive in the
later year, with their values, thresholds and margins in both years, are the explanation,
but only when the verdict agrees with the official list; otherwise ``decided`` is False with
a reason code (``no_values``, ``values_undecided``, ``values_disagree``, ``new_category``),
which the pages show as "ikke oplyst".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd

from geo.areas import list_years, municipality_names, require_year
from geo.errors import NotFound
from geo.i18n import N_
from geo.naming import area_slug
from geo.store import Store
from indicators.categories import CATEGORIES, SEVERITY
from indicators.rules import Verdict, evaluate, rule_for_year
from indicators.rules.history import ListHistory
from indicators.values import read_indicators, values_by_area

NOT_PUBLISHED = N_("ikke oplyst")
KINDS = ("entered", "left", "changed", "renamed", "split", "merged", "uncertain")

# Which criterion groups of a verdict bear on each category.
_GROUPS = {
    "udsat": {"residents", "udsat", "ghettoomraade"},
    "parallelsamfund": {"residents", "udsat", "ghettoomraade", "parallelsamfund"},
    "omdannelsesomraade": {"residents", "udsat", "ghettoomraade", "parallelsamfund"},
    "forebyggelsesomraade": {"residents", "forebyggelsesomraade"},
}
_BELOW = {"omdannelsesomraade": "parallelsamfund", "parallelsamfund": "udsat"}

Status = dict[str, bool | None]


@dataclass
class CriterionShift:
    """One decisive criterion of the later year, with its value in both years."""

    key: str
    label_da: str
    indicator: str
    comparison: str
    threshold: float
    value_before: float | None
    value_after: float | None
    met_before: bool | None
    met_after: bool | None
    margin: float | None  # value_after − threshold, in the indicator's unit
    crossed: bool  # met in one year and not in the other
    basis: str = ""


@dataclass
class Explanation:
    """Why an area entered or left one category, as far as the published values tell."""

    category: str
    direction: str  # "entered" or "left"
    decided: bool
    reason: str  # "criteria", "no_values", "values_undecided", "values_disagree", "new_category"
    rule_before: str
    rule_after: str
    residents_assumed: bool = False
    criteria: list[CriterionShift] = field(default_factory=list)


@dataclass
class AreaChange:
    """One area (or a renamed / split pair) whose status changed between the two lists."""

    area_id: str
    name: str
    municipality_code: str | None
    municipality_name: str
    kind: str
    before: Status
    after: Status
    most_severe_before: str | None
    most_severe_after: str | None
    entered: list[str]
    left: list[str]
    possibly_entered: list[str]
    possibly_left: list[str]
    explanations: list[Explanation] = field(default_factory=list)
    sources_before: list[str] = field(default_factory=list)
    sources_after: list[str] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    counterparts: list[dict] = field(default_factory=list)  # the other side of a rename

    @property
    def map_class(self) -> str:
        """``entered``, ``left``, ``changed`` or ``renamed``: the colour on the changes map.

        An ``uncertain`` area is drawn by the direction its known and possible changes take
        (only arrivals: entered; only departures: left; both: changed).
        """
        if self.kind in ("renamed", "split", "merged"):
            return "renamed"
        if self.kind != "uncertain":
            return self.kind
        up = bool(self.entered or self.possibly_entered)
        down = bool(self.left or self.possibly_left)
        return "changed" if up == down else ("entered" if up else "left")


@dataclass
class CategoryChanges:
    """One category: official counts before and after, and who entered and left."""

    category: str
    official_before: int | None  # None: no such list that year
    official_after: int | None
    named_before: int
    named_after: int
    complete_before: bool
    complete_after: bool
    entered: list[str]
    left: list[str]
    possibly_entered: list[str]
    possibly_left: list[str]
    renamed: list[dict]  # {"from": [...], "to": [...], "kind": ...}
    stayed: int


@dataclass
class ListChanges:
    """The changes from the list of ``previous_year`` to the list of ``year``."""

    year: int
    previous_year: int
    rule_before: str
    rule_after: str
    categories: list[CategoryChanges]
    areas: list[AreaChange]

    @property
    def rules_changed(self) -> bool:
        """True when the two list years were drawn up under different rule versions."""
        return self.rule_before != self.rule_after

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (area entries and categories as dicts)."""
        return {
            "year": self.year,
            "previous_year": self.previous_year,
            "rule_before": self.rule_before,
            "rule_after": self.rule_after,
            "rules_changed": self.rules_changed,
            "categories": [asdict(c) for c in self.categories],
            "areas": [{**asdict(a), "map_class": a.map_class} for a in self.areas],
        }


# -- validate --------------------------------------------------------------------------------


def change_years(store: Store) -> list[int]:
    """List years that have a list the year before (the years changes can be shown for)."""
    years = list_years(store)
    return [y for y in years if y - 1 in years]


def _require_change_year(store: Store, year: int) -> None:
    require_year(store, year)
    if year - 1 not in list_years(store):
        raise NotFound(
            f"no list for {year - 1} in the store, so the changes to {year} cannot be shown; "
            "changes are known for " + ", ".join(str(y) for y in change_years(store))
        )


# -- compute: statuses -----------------------------------------------------------------------


@dataclass
class _YearLists:
    year: int
    named: dict[str, set[str]]  # category → area ids named
    official: dict[str, int]  # category → official count (absent: no such list)
    sources: dict[str, list[str]]  # area_id → sources of its rows that year

    def complete(self, category: str) -> bool:
        return category in self.official and len(self.named.get(category, ())) == int(
            self.official[category]
        )

    def status(self, area_id: str) -> Status:
        """The area's status in every category, three-valued (see the module docstring)."""
        out: Status = {}
        for c in CATEGORIES:
            if c not in self.official:
                out[c] = False
            elif area_id in self.named.get(c, ()):
                out[c] = True
            elif self.complete(c):
                out[c] = False
            else:
                out[c] = None
        udsat_side = ("udsat", "parallelsamfund", "omdannelsesomraade")
        if out["forebyggelsesomraade"] is True:
            for c in udsat_side:
                out[c] = False if out[c] is None else out[c]
        if any(out[c] is True for c in udsat_side) and out["forebyggelsesomraade"] is None:
            out["forebyggelsesomraade"] = False
        for narrower, broader in (
            ("parallelsamfund", "udsat"),
            ("omdannelsesomraade", "parallelsamfund"),
        ):
            if out[broader] is False and out[narrower] is None:
                out[narrower] = False
        return out


def _year_lists(designations: pd.DataFrame, counts: pd.DataFrame, year: int) -> _YearLists:
    rows = designations[designations["year"] == year]
    named: dict[str, set[str]] = {}
    sources: dict[str, list[str]] = {}
    for area_id, category, source in zip(
        rows["area_id"], rows["category"], rows["source"], strict=True
    ):
        named.setdefault(category, set()).add(area_id)
        for part in str(source).replace(";", "|").split("|"):
            part = part.strip()
            if part and part not in sources.setdefault(area_id, []):
                sources[area_id].append(part)
    year_counts = counts[counts["year"] == year]
    official = {
        c: int(n) for c, n in zip(year_counts["category"], year_counts["count"], strict=True)
    }
    return _YearLists(year, named, official, sources)


def _most_severe(status: Status) -> str | None:
    listed = [c for c, v in status.items() if v is True]
    return max(listed, key=SEVERITY.__getitem__) if listed else None


def _diff(before: Status, after: Status) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {
        "entered": [],
        "left": [],
        "possibly_entered": [],
        "possibly_left": [],
    }
    for c in CATEGORIES:
        b, a = before[c], after[c]
        if b is False and a is True:
            out["entered"].append(c)
        elif b is True and a is False:
            out["left"].append(c)
        elif b is None and a is True:
            out["possibly_entered"].append(c)
        elif b is True and a is None:
            out["possibly_left"].append(c)
    return out


def _kind(before: Status, after: Status, diff: Mapping[str, list[str]]) -> str | None:
    on_b = any(v is True for v in before.values())
    on_a = any(v is True for v in after.values())
    off_b = all(v is False for v in before.values())
    off_a = all(v is False for v in after.values())
    if off_b and on_a:
        return "entered"
    if on_b and off_a:
        return "left"
    if on_b and on_a and _most_severe(before) != _most_severe(after):
        return "changed"
    if any(diff.values()):
        return "uncertain"
    return None


# -- compute: why ----------------------------------------------------------------------------


class _Evaluator:
    """The rules engine applied to one area in one year, with the store's values."""

    def __init__(self, store: Store):
        self.frame = read_indicators(store)
        self.history = ListHistory(store.read("designations"), store.read("list_counts"), None)
        self._values: dict[int, dict[str, dict[str, float | None]]] = {}

    def values(self, year: int, area_id: str) -> dict[str, float | None]:
        if year not in self._values:
            self._values[year] = values_by_area(self.frame, year)
        return self._values[year].get(area_id, {})

    def verdict(self, area_id: str, year: int, *, listed: bool) -> tuple[Verdict | None, bool]:
        """The verdict (None without values) and whether the residents floor was assumed."""
        values = self.values(year, area_id)
        if not any(v is not None for v in values.values()):
            return None, False
        assumed = listed and values.get("residents") is None
        inputs = {**values, "residents": 1000.0} if assumed else values
        verdict = evaluate(
            rule_for_year(year),
            inputs,
            area_id=area_id,
            year=year,
            history=self.history.statuses(area_id, use_earlier=False),
        )
        return verdict, assumed


def _explain(
    ev: _Evaluator,
    area_id: str,
    category: str,
    direction: str,
    years: tuple[int, int],
    listed: tuple[bool, bool],
) -> Explanation:
    before_year, year = years
    rule_b, rule_a = rule_for_year(before_year).name, rule_for_year(year).name

    def explanation(
        reason: str, assumed: bool = False, criteria: list[CriterionShift] | None = None
    ) -> Explanation:
        return Explanation(
            category=category,
            direction=direction,
            decided=criteria is not None,
            reason=reason,
            rule_before=rule_b,
            rule_after=rule_a,
            residents_assumed=assumed,
            criteria=criteria or [],
        )

    if category not in rule_for_year(before_year).categories:
        return explanation("new_category")
    after, assumed = ev.verdict(area_id, year, listed=listed[1])
    before, _ = ev.verdict(area_id, before_year, listed=listed[0])
    if after is None:
        return explanation("no_values")
    expected = direction == "entered"
    computed = after.status.get(category)
    if computed is None:
        return explanation("values_undecided", assumed)
    if computed is not expected:
        return explanation("values_disagree", assumed)
    earlier = {c.key: c for c in before.criteria} if before is not None else {}
    shifts = []
    for c in after.criteria:
        if not c.decisive or c.met is None or c.group not in _GROUPS[category]:
            continue
        if c.key == "residents" and assumed:
            continue  # the floor was supplied, not published: it explains nothing
        prior = earlier.get(c.key)
        met_before = prior.met if prior is not None else None
        shifts.append(
            CriterionShift(
                key=c.key,
                label_da=c.label_da,
                indicator=c.indicator,
                comparison=c.comparison,
                threshold=c.threshold,
                value_before=prior.value if prior is not None else None,
                value_after=c.value,
                met_before=met_before,
                met_after=c.met,
                margin=c.margin,
                crossed=met_before is not None and met_before != c.met,
                basis=c.basis,
            )
        )
    if not shifts:
        return explanation("values_undecided", assumed)
    return explanation("criteria", assumed, shifts)


# -- renames ---------------------------------------------------------------------------------


def _alias_links(
    store: Store, area_ids: set[str]
) -> tuple[dict[str, set[str]], dict[str, list[dict]]]:
    """Area id → the other areas a known alias ties it to; area id → its aliases."""
    aliases = store.read("aliases") if "aliases" in store.layers() else pd.DataFrame()
    target: dict[str, str] = {}
    by_area: dict[str, list[dict]] = {}
    for alias, area_id, source in zip(
        aliases.get("alias", []), aliases.get("area_id", []), aliases.get("source", []), strict=True
    ):
        try:
            target[area_slug(alias)] = area_id
        except ValueError:
            continue
        by_area.setdefault(area_id, []).append({"alias": alias, "source": source})
    links: dict[str, set[str]] = {}
    for a in area_ids:
        for b in area_ids:
            if a == b:
                continue
            ta, tb = target.get(a), target.get(b)
            if ta == b or tb == a or (ta is not None and ta == tb):
                links.setdefault(a, set()).add(b)
    return links, by_area


def _pair_renames(
    entries: dict[str, AreaChange], links: dict[str, set[str]]
) -> list[tuple[list[str], list[str], str]]:
    """(from ids, to ids, kind) for every alias-linked group of leaving and arriving areas."""

    def leaving(e: AreaChange) -> bool:
        return _most_severe(e.before) is not None and _most_severe(e.after) is None

    def arriving(e: AreaChange) -> bool:
        return _most_severe(e.before) is None and _most_severe(e.after) is not None

    groups = []
    used: set[str] = set()
    for a in sorted(entries):
        if a in used or not leaving(entries[a]):
            continue
        to = sorted(b for b in links.get(a, ()) if b in entries and arriving(entries[b]))
        if not to:
            continue
        sources = sorted(
            {x for b in to for x in links.get(b, ()) if x in entries and leaving(entries[x])}
        )
        kind = (
            "renamed"
            if len(to) == 1 and len(sources) == 1
            else "split"
            if len(sources) == 1
            else "merged"
        )
        groups.append((sources, to, kind))
        used.update(sources, to)
    return groups


def _combine(a: Status, b: Status) -> Status:
    return {
        c: True
        if a[c] is True or b[c] is True
        else (False if a[c] is False and b[c] is False else None)
        for c in CATEGORIES
    }


# -- assemble --------------------------------------------------------------------------------


def list_changes(store: Store, year: int) -> ListChanges:
    """Every area that entered, left or changed category between the lists of ``year - 1``
    and ``year``, with the official counts and the criterion that decided it where known.

    Parameters
    ----------
    store
        The store (designations, list_counts, aliases, indicators, areas).
    year
        A list year whose previous year also has a list.

    Returns
    -------
    ListChanges
        Areas ordered by kind (see :data:`KINDS`), then name; categories most severe first.

    Raises
    ------
    NotFound
        ``year`` has no list, or the year before has none.
    """
    _require_change_year(store, year)
    designations = store.read("designations")
    counts = store.read("list_counts")
    before = _year_lists(designations, counts, year - 1)
    after = _year_lists(designations, counts, year)
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    municipality_of = dict(zip(areas["area_id"], areas["municipality_code"], strict=True))
    municipalities = municipality_names(store)
    candidates = set().union(*before.named.values(), *after.named.values())
    ev = _Evaluator(store)
    links, aliases = _alias_links(store, candidates | set(names))

    def entry(area_id: str, b: Status, a: Status, kind: str | None) -> AreaChange | None:
        diff = _diff(b, a)
        kind = kind or _kind(b, a, diff)
        if kind is None:
            return None
        code = municipality_of.get(area_id)
        code = code if isinstance(code, str) and code else None
        return AreaChange(
            area_id=area_id,
            name=names.get(area_id, area_id),
            municipality_code=code,
            municipality_name=municipalities.get(code, NOT_PUBLISHED) if code else NOT_PUBLISHED,
            kind=kind,
            before=b,
            after=a,
            most_severe_before=_most_severe(b),
            most_severe_after=_most_severe(a),
            entered=diff["entered"],
            left=diff["left"],
            possibly_entered=diff["possibly_entered"],
            possibly_left=diff["possibly_left"],
            sources_before=before.sources.get(area_id, []),
            sources_after=after.sources.get(area_id, []),
            aliases=aliases.get(area_id, []),
        )

    entries = {}
    for area_id in sorted(candidates):
        e = entry(area_id, before.status(area_id), after.status(area_id), None)
        if e is not None:
            entries[area_id] = e

    renamed = []
    for sources, targets, kind in _pair_renames(entries, links):
        b = entries[sources[0]].before
        for s in sources[1:]:
            b = _combine(b, entries[s].before)
        for t in targets:
            e = entry(t, b, entries[t].after, kind)
            assert e is not None
            e.sources_before = sorted({x for s in sources for x in entries[s].sources_before})
            e.counterparts = [
                {"area_id": s, "name": names.get(s, s), "role": "before"} for s in sources
            ]
            entries[t] = e
        for s in sources:
            del entries[s]
        renamed.append({"from": sources, "to": targets, "kind": kind})

    for e in entries.values():
        listed = (e.most_severe_before is not None, e.most_severe_after is not None)
        e.explanations = [
            _explain(ev, e.area_id, c, "entered", (year - 1, year), listed) for c in e.entered
        ] + [_explain(ev, e.area_id, c, "left", (year - 1, year), listed) for c in e.left]

    renamed_ids = {x for r in renamed for side in ("from", "to") for x in r[side]}
    categories = []
    for c in reversed(CATEGORIES):
        if c not in before.official and c not in after.official:
            continue
        named_b, named_a = before.named.get(c, set()), after.named.get(c, set())
        plain = [e for e in entries.values() if e.area_id not in renamed_ids]
        categories.append(
            CategoryChanges(
                category=c,
                official_before=before.official.get(c),
                official_after=after.official.get(c),
                named_before=len(named_b),
                named_after=len(named_a),
                complete_before=before.complete(c) or c not in before.official,
                complete_after=after.complete(c) or c not in after.official,
                entered=sorted(e.area_id for e in plain if c in e.entered),
                left=sorted(e.area_id for e in plain if c in e.left),
                possibly_entered=sorted(e.area_id for e in plain if c in e.possibly_entered),
                possibly_left=sorted(e.area_id for e in plain if c in e.possibly_left),
                renamed=[
                    r
                    for r in renamed
                    if any(x in named_b for x in r["from"]) or any(x in named_a for x in r["to"])
                ],
                stayed=len(named_b & named_a),
            )
        )
    order = {k: i for i, k in enumerate(KINDS)}
    ordered = sorted(entries.values(), key=lambda e: (order[e.kind], e.name.casefold()))
    return ListChanges(
        year=year,
        previous_year=year - 1,
        rule_before=rule_for_year(year - 1).name,
        rule_after=rule_for_year(year).name,
        categories=categories,
        areas=ordered,
    )
