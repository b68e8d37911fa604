"""The legal rules of the Danish lists as versioned data plus small pure functions.

- :mod:`indicators.rules.model` — the data types (criteria, rule versions, verdicts);
- :mod:`indicators.rules.versions` — the versions 2010, 2014, 2018 and 2021, each with its
  registered status function;
- :mod:`indicators.rules.evaluate` — values in, verdict with reasons out;
- :mod:`indicators.rules.history` — the list-history checks (parallelsamfund ⊂ udsat, the
  consecutive years of omdannelsesområder) against the official lists.
"""

from indicators.rules.evaluate import (
    evaluate,
    get_rule,
    override_keys,
    rule_for_year,
    with_overrides,
)
from indicators.rules.model import COMPARISONS, Verdict, YearStatus
from indicators.rules.versions import VERSIONS

__all__ = [
    "COMPARISONS",
    "VERSIONS",
    "Verdict",
    "YearStatus",
    "evaluate",
    "get_rule",
    "override_keys",
    "rule_for_year",
    "with_overrides",
]
