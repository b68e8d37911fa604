"""Class breaks for choropleths, with a legal threshold as a class bound.

mapclassify's convention holds throughout: class *j* holds the values ``y`` with
``C[j-1] < y <= C[j]`` (the first class from the minimum, included). A threshold that lies
inside the values' range becomes a class bound, so no class straddles it and a reader can tell
from the colour alone on which side of the threshold an area lies.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import mapclassify
import numpy as np

MAX_CLASSES = 5
# Scheme codes; the service words them for the page.
DISTINCT = "distinct"  # fewer distinct values than classes: one class per value
FISHER_JENKS = "fisher_jenks"
NO_VALUES = "none"


@dataclass(frozen=True)
class Classes:
    """The classes of a set of values: upper bounds, scheme, and each key's class."""

    bins: list[float]  # upper bounds, ascending; the last is the maximum
    scheme: str  # DISTINCT, FISHER_JENKS or NO_VALUES
    minimum: float | None
    membership: dict[str, int]  # key -> class index
    counts: list[int]  # members per class


def class_breaks(values: list[float], threshold: float | None) -> tuple[list[float], str]:
    """Upper bounds of the classes (ascending, at most five) and the scheme's code.

    Parameters
    ----------
    values
        The values to classify (at least one).
    threshold
        A legal threshold; when it lies strictly inside the values' range it becomes a bound.

    Returns
    -------
    tuple
        The upper bounds and :data:`DISTINCT` or :data:`FISHER_JENKS`.
    """
    inside = threshold is not None and min(values) < threshold < max(values)
    k = MAX_CLASSES - (1 if inside else 0)
    distinct = sorted(set(values))
    if len(distinct) <= k:
        bins, scheme = distinct, DISTINCT
    else:
        with warnings.catch_warnings():
            # mapclassify suggests numba for speed; the pure-Python path is exact and fast
            # enough for a few hundred areas.
            warnings.filterwarnings("ignore", message="Numba not installed")
            bins = list(mapclassify.FisherJenks(np.array(values), k=k).bins)
        scheme = FISHER_JENKS
    if inside:
        assert threshold is not None
        bins = sorted(set(bins) | {threshold})
    return [float(b) for b in bins], scheme


def classify(values: Mapping[str, float], threshold: float | None) -> Classes:
    """Classes of ``values`` (key → value) with ``threshold`` as a bound where it falls inside.

    Membership is mapclassify's :class:`~mapclassify.UserDefined` on the bounds, so it follows
    the documented ``C[j-1] < y <= C[j]`` exactly.
    """
    if not values:
        return Classes([], NO_VALUES, None, {}, [])
    keys = list(values)
    y = np.array([values[k] for k in keys], dtype=float)
    bins, scheme = class_breaks(list(y), threshold)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        yb = mapclassify.UserDefined(y, bins).yb
    membership = {key: int(b) for key, b in zip(keys, yb, strict=True)}
    counts = [int(np.sum(yb == i)) for i in range(len(bins))]
    return Classes(bins, scheme, float(y.min()), membership, counts)
