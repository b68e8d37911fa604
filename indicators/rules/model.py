"""Data types of the legal rules and of their verdicts.

A rule version is *data*: its criteria with thresholds and comparisons, how many must be met,
how many consecutive years an omdannelsesområde needs. The pure functions in
:mod:`indicators.rules.versions` read that data; :mod:`indicators.rules.evaluate` turns values
into a :class:`Verdict` that explains itself (each criterion's value, threshold, comparison,
whether it is met and by how much).

Truth values are three-valued throughout: ``True`` (met), ``False`` (not met) and ``None``
(cannot be decided because a value is not published). An area's category is only asserted
when the known values decide it whatever the missing values are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Comparison codes, their meaning and their plain Danish wording.
COMPARISONS = {
    "gt": ("exceeds", "over"),
    "ge": ("at least", "mindst"),
    "lt": ("below", "under"),
    "le": ("at most", "højst"),
}


def compare(value: float, comparison: str, threshold: float) -> bool:
    """Apply a comparison code. ``gt`` is strict (a value *on* the threshold does not exceed
    it); ``ge`` includes the threshold.
    """
    if comparison == "gt":
        return value > threshold
    if comparison == "ge":
        return value >= threshold
    if comparison == "lt":
        return value < threshold
    if comparison == "le":
        return value <= threshold
    raise ValueError(f"comparison {comparison!r} is not one of {sorted(COMPARISONS)}")


@dataclass(frozen=True)
class Criterion:
    """One legal criterion: an indicator compared with a threshold.

    ``key`` is the stable name used for threshold overrides (what-if). ``fallback`` gives, for
    some list years, an absolute threshold on another indicator that the sources published
    (the convicted criterion is relative to the national average from 2018; its absolute
    value is reported only for some years): ``(year, indicator, threshold, source)``.
    """

    key: str
    indicator: str
    comparison: str
    threshold: float
    label_da: str
    period_da: str = ""
    fallback: tuple[tuple[int, str, float, str], ...] = ()

    def fallback_for(self, year: int) -> tuple[str, float, str] | None:
        """The (indicator, threshold, source) used instead in ``year``, if any."""
        for y, indicator, threshold, source in self.fallback:
            if y == year:
                return indicator, threshold, source
        return None


@dataclass(frozen=True)
class Gate:
    """A set of criteria of which at least ``min_met`` must be met."""

    criteria: tuple[Criterion, ...]
    min_met: int


@dataclass(frozen=True)
class RuleVersion:
    """One version of the rules, valid for the lists of ``first_year`` to ``last_year``."""

    name: str
    title_da: str
    law_da: str
    first_year: int
    last_year: int | None
    categories: tuple[str, ...]
    min_residents: int
    base: Gate  # the udsat criteria (2010–2017: the ghetto criteria themselves)
    parallel: Criterion | None = None  # parallelsamfund / ghettoområde on top of udsat
    omdannelse_years: int | None = None
    forebyggelse_gate: Criterion | None = None
    forebyggelse: Gate | None = None
    plain_da: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def applies_to(self, year: int) -> bool:
        """True when the rule version is in force for the list of ``year``."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def criteria(self) -> list[Criterion]:
        """Every criterion of this version, each once, in reading order."""
        out: list[Criterion] = []
        for c in (
            *self.base.criteria,
            self.parallel,
            self.forebyggelse_gate,
            *(self.forebyggelse.criteria if self.forebyggelse else ()),
        ):
            if c is not None and c.key not in {x.key for x in out}:
                out.append(c)
        return out


@dataclass
class CriterionResult:
    """One criterion evaluated for one area and year."""

    key: str
    group: str  # "residents", "udsat", "parallelsamfund", "forebyggelse" ...
    label_da: str
    indicator: str
    value: float | None
    threshold: float
    comparison: str
    met: bool | None
    margin: float | None  # value − threshold, in the indicator's unit
    decisive: bool = False
    basis: str = ""  # how the value was compared (e.g. the fallback used)

    def to_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return asdict(self)


@dataclass
class YearStatus:
    """Whether an area met the parallelsamfund conditions in one earlier year, and why."""

    year: int
    parallel: bool | None
    basis: str


@dataclass
class OmdannelseCount:
    """The consecutive-years requirement of an omdannelsesområde."""

    required_years: int
    consecutive_years: int  # this year included (0 when not parallelsamfund this year)
    at_least: bool  # the run reaches a year whose status is unknown, so it may be longer
    met: bool | None
    years: list[YearStatus] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return asdict(self)


@dataclass
class Verdict:
    """Everything a rule version says about one area in one list year."""

    area_id: str
    year: int
    rule: str
    categories: list[str]  # categories the area certainly falls into, least severe first
    undetermined: list[str]  # categories the published values cannot decide
    status: dict[str, bool | None]
    criteria: list[CriterionResult]
    met_count: dict[str, int]
    required: dict[str, int]
    omdannelse: OmdannelseCount | None
    uncertainties: list[str]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The record as plain data (JSON-ready)."""
        return {
            "area_id": self.area_id,
            "year": self.year,
            "rule": self.rule,
            "categories": list(self.categories),
            "undetermined": list(self.undetermined),
            "status": dict(self.status),
            "criteria": [c.to_dict() for c in self.criteria],
            "met_count": dict(self.met_count),
            "required": dict(self.required),
            "omdannelse": None if self.omdannelse is None else self.omdannelse.to_dict(),
            "uncertainties": list(self.uncertainties),
            "notes": list(self.notes),
        }
