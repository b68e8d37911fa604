"""Turn indicator values into verdicts: validate → compute → assemble.

:func:`evaluate` is the one entry point: it takes a rule version (or its name), the values of
one area in one list year, the area's earlier parallelsamfund years and optional threshold
overrides, and returns a :class:`~indicators.rules.model.Verdict` that names, for every
criterion, the value, the threshold, the comparison, whether it is met and by how much, and
whether it was decisive (changing that criterion alone would change a category).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from geo.i18n import N_, fill
from indicators.catalogue import CATALOGUE
from indicators.rules.model import (
    Criterion,
    CriterionResult,
    Gate,
    OmdannelseCount,
    RuleVersion,
    Verdict,
    YearStatus,
    compare,
)
from indicators.rules.versions import STATUS_FUNCTIONS, VERSIONS

# Overrides that are not a criterion threshold.
STRUCTURAL_OVERRIDES = {
    "min_residents": "the minimum number of residents (whole number, default 1000)",
    "min_met": "how many of the udsat (before 2018: ghetto) criteria must be met",
    "omdannelse_years": "consecutive parallelsamfund years for an omdannelsesområde",
    "forebyggelse_min_met": "how many of the forebyggelse criteria must be met",
}


def get_rule(name: str) -> RuleVersion:
    """The rule version registered as ``name``; KeyError naming the known versions."""
    try:
        return VERSIONS[name]
    except KeyError:
        raise KeyError(
            f"unknown rule version {name!r}; known versions: " + ", ".join(VERSIONS)
        ) from None


def rule_for_year(year: int) -> RuleVersion:
    """The rule version that applied to the list of 1 December ``year``."""
    for rule in VERSIONS.values():
        if rule.applies_to(year):
            return rule
    raise KeyError(f"no rule version applies to {year}: the lists began on 1 December 2010")


def override_keys(rule: RuleVersion) -> dict[str, str]:
    """Every override ``rule`` accepts, with what it changes."""
    keys = {c.key: f"threshold of: {c.label_da}" for c in rule.criteria()}
    keys["min_residents"] = STRUCTURAL_OVERRIDES["min_residents"]
    keys["min_met"] = STRUCTURAL_OVERRIDES["min_met"]
    if rule.omdannelse_years is not None:
        keys["omdannelse_years"] = STRUCTURAL_OVERRIDES["omdannelse_years"]
    if rule.forebyggelse is not None:
        keys["forebyggelse_min_met"] = STRUCTURAL_OVERRIDES["forebyggelse_min_met"]
    return keys


def _replace_criterion(c: Criterion, thresholds: Mapping[str, float]) -> Criterion:
    if c.key not in thresholds:
        return c
    new = float(thresholds[c.key])
    # A published absolute threshold is the ratio times the national average: scale it.
    fallback = tuple(
        (y, ind, round(t * new / c.threshold, 6) if c.threshold else t, src)
        for y, ind, t, src in c.fallback
    )
    return dataclasses.replace(c, threshold=new, fallback=fallback)


def _replace_gate(gate: Gate, thresholds: Mapping[str, float], min_met: float | None) -> Gate:
    return Gate(
        tuple(_replace_criterion(c, thresholds) for c in gate.criteria),
        int(min_met) if min_met is not None else gate.min_met,
    )


def with_overrides(rule: RuleVersion, overrides: Mapping[str, float] | None) -> RuleVersion:
    """A copy of ``rule`` with thresholds set by the user (what-if).

    Raises
    ------
    ValueError
        Naming the key and the allowed keys or values, for an unknown key or a value
        outside what the key allows.
    """
    if not overrides:
        return rule
    allowed = override_keys(rule)
    criteria = {c.key: c for c in rule.criteria()}
    for key, value in overrides.items():
        if key not in allowed:
            raise ValueError(
                f"`{key}` is not a threshold of rule {rule.name}; expected one of "
                + ", ".join(allowed)
            )
        if key in criteria:
            unit = CATALOGUE[criteria[key].indicator].unit_info
            if not unit.contains(value):
                raise ValueError(
                    f"`{key}` was {value!r} but is expected to be within {unit.range_text()}"
                )
        elif key == "min_residents":
            if value < 0 or value != int(value):
                raise ValueError(f"`min_residents` was {value!r} but must be a whole number ≥ 0")
        elif key == "omdannelse_years":
            if value != int(value) or not 1 <= value <= 15:
                raise ValueError(f"`omdannelse_years` was {value!r} but must be from 1 to 15")
        else:
            gate = rule.base if key == "min_met" else rule.forebyggelse
            assert gate is not None  # override_keys() offers forebyggelse keys only with a gate
            if value != int(value) or not 1 <= value <= len(gate.criteria):
                raise ValueError(
                    f"`{key}` was {value!r} but must be a whole number from 1 to "
                    f"{len(gate.criteria)}"
                )
    thresholds = {k: v for k, v in overrides.items() if k in criteria}
    return dataclasses.replace(
        rule,
        min_residents=int(overrides.get("min_residents", rule.min_residents)),
        base=_replace_gate(rule.base, thresholds, overrides.get("min_met")),
        parallel=rule.parallel and _replace_criterion(rule.parallel, thresholds),
        omdannelse_years=int(overrides["omdannelse_years"])
        if "omdannelse_years" in overrides
        else rule.omdannelse_years,
        forebyggelse_gate=rule.forebyggelse_gate
        and _replace_criterion(rule.forebyggelse_gate, thresholds),
        forebyggelse=rule.forebyggelse
        and _replace_gate(rule.forebyggelse, thresholds, overrides.get("forebyggelse_min_met")),
    )


# -- compute ---------------------------------------------------------------------------------


def _margin(value: float, threshold: float) -> float:
    return round(value - threshold, 6)


def _criterion_result(
    c: Criterion, group: str, values: Mapping[str, float | None], year: int
) -> CriterionResult:
    value = values.get(c.indicator)
    if value is not None:
        return CriterionResult(
            key=c.key,
            group=group,
            label_da=c.label_da,
            indicator=c.indicator,
            value=value,
            threshold=c.threshold,
            comparison=c.comparison,
            met=compare(value, c.comparison, c.threshold),
            margin=_margin(value, c.threshold),
        )
    fallback = c.fallback_for(year)
    if fallback is not None and values.get(fallback[0]) is not None:
        indicator, threshold, source = fallback
        value = values[indicator]
        assert value is not None  # checked in the condition above
        return CriterionResult(
            key=c.key,
            group=group,
            label_da=c.label_da,
            indicator=indicator,
            value=value,
            threshold=threshold,
            comparison=c.comparison,
            met=compare(value, c.comparison, threshold),
            margin=_margin(value, threshold),
            basis=fill(
                N_(
                    "sammenlignet med grænsen %(threshold)s %%, som er offentliggjort for listen "
                    "%(year)s (%(source)s), fordi forholdet til landsgennemsnittet ikke er "
                    "offentliggjort"
                ),
                threshold=threshold,
                year=str(year),
                source=source,
            ),
        )
    basis = N_("ikke oplyst")
    related = {indicator for _y, indicator, _t, _s in c.fallback}
    for indicator in sorted(related):
        share = values.get(indicator)
        if share is not None:
            basis = fill(
                N_(
                    "ikke oplyst: andelen (%(share)s %%) er offentliggjort, men hverken forholdet "
                    "til landsgennemsnittet eller grænsen som andel for listen %(year)s"
                ),
                share=float(share),
                year=str(year),
            )
    return CriterionResult(
        key=c.key,
        group=group,
        label_da=c.label_da,
        indicator=c.indicator,
        value=None,
        threshold=c.threshold,
        comparison=c.comparison,
        met=None,
        margin=None,
        basis=basis,
    )


def _results(
    rule: RuleVersion, values: Mapping[str, float | None], year: int
) -> list[CriterionResult]:
    base_group = "ghettoomraade" if "ghettoomraade" in rule.categories else "udsat"
    residents = values.get("residents")
    out = [
        CriterionResult(
            key="residents",
            group="residents",
            label_da=fill(
                N_("Området har mindst %(residents)s beboere"), residents=rule.min_residents
            ),
            indicator="residents",
            value=residents,
            threshold=float(rule.min_residents),
            comparison="ge",
            met=None if residents is None else residents >= rule.min_residents,
            margin=None if residents is None else _margin(residents, rule.min_residents),
            basis="" if residents is not None else N_("ikke oplyst"),
        )
    ]
    out += [_criterion_result(c, base_group, values, year) for c in rule.base.criteria]
    if rule.parallel is not None:
        out.append(_criterion_result(rule.parallel, "parallelsamfund", values, year))
    if rule.forebyggelse_gate is not None and rule.forebyggelse is not None:
        out.append(_criterion_result(rule.forebyggelse_gate, "forebyggelsesomraade", values, year))
        out += [
            _criterion_result(c, "forebyggelsesomraade", values, year)
            for c in rule.forebyggelse.criteria
        ]
    return out


def parallel_run(history: Iterable[YearStatus], year: int) -> tuple[int, bool, list[YearStatus]]:
    """Consecutive parallelsamfund years directly before ``year``.

    Returns ``(count, open_ended, years)``: ``open_ended`` is True when the run stops at a
    year whose status is unknown (or absent), so the true run may be longer.
    """
    by_year = {h.year: h for h in history if h.year < year}
    count, used = 0, []
    y = year - 1
    while True:
        status = by_year.get(y)
        if status is None or status.parallel is None:
            if status is not None:
                used.append(status)
            return count, True, used
        used.append(status)
        if status.parallel is False:
            return count, False, used
        count += 1
        y -= 1


# -- assemble --------------------------------------------------------------------------------


def evaluate(
    rule: RuleVersion | str,
    values: Mapping[str, float | None],
    *,
    area_id: str,
    year: int,
    history: Iterable[YearStatus] = (),
    overrides: Mapping[str, float] | None = None,
) -> Verdict:
    """Evaluate one area in one list year under a rule version.

    Parameters
    ----------
    rule
        A :class:`RuleVersion` or its registered name (``"2010"``, ``"2014"``, ``"2018"``,
        ``"2021"``).
    values
        Indicator code → value (None or absent when not published). Values are the ones the
        ministry computes for the list (already averaged over the years the rule names).
    history
        The area's parallelsamfund status in earlier years (for omdannelsesområder).
    overrides
        What-if thresholds, see :func:`override_keys`.
    """
    rule = get_rule(rule) if isinstance(rule, str) else rule
    rule = with_overrides(rule, overrides)
    status_of = STATUS_FUNCTIONS[rule.name]
    criteria = _results(rule, values, year)
    met = {c.key: c.met for c in criteria}
    run, open_ended, used = parallel_run(history, year)
    status = status_of(rule, met, run, open_ended)

    for c in criteria:
        if c.met is None:
            continue
        flipped = status_of(rule, {**met, c.key: not c.met}, run, open_ended)
        c.decisive = flipped != status

    groups: dict[str, list[CriterionResult]] = {}
    for c in criteria:
        groups.setdefault(c.group, []).append(c)
    met_count, required = {}, {}
    base_group = "ghettoomraade" if "ghettoomraade" in rule.categories else "udsat"
    met_count[base_group] = sum(c.met is True for c in groups[base_group])
    required[base_group] = rule.base.min_met
    if rule.forebyggelse is not None:
        keys = {c.key for c in rule.forebyggelse.criteria}
        met_count["forebyggelsesomraade"] = sum(c.met is True for c in criteria if c.key in keys)
        required["forebyggelsesomraade"] = rule.forebyggelse.min_met

    omdannelse = None
    if rule.omdannelse_years is not None:
        parallel_now = status["parallelsamfund"]
        omdannelse = OmdannelseCount(
            required_years=rule.omdannelse_years,
            consecutive_years=run + (1 if parallel_now else 0),
            at_least=open_ended,
            met=status["omdannelsesomraade"],
            years=sorted(used, key=lambda s: s.year, reverse=True),
        )

    notes = []
    if not rule.applies_to(year):
        notes.append(f"rule {rule.name} did not apply to the list of {year}")
    if overrides:
        notes.append("what-if thresholds: " + ", ".join(f"{k}={v:g}" for k, v in overrides.items()))
    order = list(rule.categories)
    return Verdict(
        area_id=area_id,
        year=year,
        rule=rule.name,
        categories=[c for c in order if status[c] is True],
        undetermined=[c for c in order if status[c] is None],
        status=status,
        criteria=criteria,
        met_count=met_count,
        required=required,
        omdannelse=omdannelse,
        uncertainties=list(rule.uncertainties),
        notes=notes,
    )
