"""Values made JSON-ready, once: NaN, ``pd.NA`` and numpy scalars.

Every API response, CSV and page that shows a number that may be missing goes through
:func:`clean` (one value) or :func:`records` (a frame), so a suppressed or unpublished value is
``null`` everywhere and never ``NaN``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, NaN and ``pd.NA``."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def clean(value: Any) -> Any:
    """A JSON-safe scalar: missing values become None, numpy scalars plain Python."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: missing values (suppressed counts) become null."""
    return [{key: clean(value) for key, value in row.items()} for row in frame.to_dict("records")]
