"""What is published of the relocation counts: the views and their information loss.

Every import protects its counts with :func:`geo.relocation.disclosure.protect_audited`
(through :func:`geo.relocation.analyses.protect_views`), which ends only when the attacker's
audit (:func:`geo.relocation.audit.audit`) passes and otherwise raises
:class:`~geo.relocation.disclosure.DisclosureRefused` naming the cells, so a store never
holds flows that fail the audit. This module names the published views as masks of the flow
cube and measures what the suppression hides of each: cells with movers and persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.i18n import N_
from geo.relocation.disclosure import Cube, Dimension

ALL = "*"


@dataclass
class ViewLoss:
    """Information loss of one published view: what the suppression hides of it."""

    key: str
    label: str
    cells: int  # cells with movers
    cells_hidden: int
    persons: int  # movers in the view's cells (each counted once per cell)
    persons_hidden: int

    @property
    def share_hidden(self) -> float:
        """Persons hidden as a share of the view's persons."""
        return self.persons_hidden / self.persons if self.persons else 0.0

    def line(self) -> str:
        """One line of text for the import's output."""
        return (
            f"{self.label}: {self.cells_hidden} of {self.cells} cells and "
            f"{self.persons_hidden} of {self.persons} persons hidden "
            f"({100 * self.share_hidden:.2f} %)"
        )


def _kind(node: str) -> str:
    if node == ALL:
        return "all"
    return {"a": "leaf", "r": "leaf", "m": "municipality", "b": "band"}.get(node[0], "other")


def flow_views(dims: list[Dimension]) -> dict[str, tuple[str, np.ndarray]]:
    """The flow pages' views as masks of the flow cube: key → (Danish label, mask).

    The first is the default view of ``/flytninger`` (all years, all reasons, origin areas
    and the rest of each municipality to destination municipalities).
    """
    year, reason, origin, dest = dims[:4]
    shape = tuple(len(d) for d in dims)
    o_kind = np.array([_kind(n) for n in origin.nodes])
    d_kind = np.array([_kind(n) for n in dest.nodes])
    y_all = np.array([n == ALL for n in year.nodes])
    r_all = np.array([n == ALL for n in reason.nodes])

    def mask(years: np.ndarray, reasons: np.ndarray, o: str, d: str) -> np.ndarray:
        m = (
            years[:, None, None, None]
            & reasons[None, :, None, None]
            & (o_kind == o)[None, None, :, None]
            & (d_kind == d)[None, None, None, :]
        )
        return np.broadcast_to(
            m.reshape(m.shape + (1,) * (len(shape) - 4)), shape
        ) & _first_of_rest(shape)

    return {
        "default": (
            N_("Område → kommune, alle år, alle årsager (standardvisningen)"),
            mask(y_all, r_all, "leaf", "municipality"),
        ),
        "area_area": (
            N_("Område → område, alle år, alle årsager"),
            mask(y_all, r_all, "leaf", "leaf"),
        ),
        "municipality": (
            N_("Kommune → kommune, alle år, alle årsager"),
            mask(y_all, r_all, "municipality", "municipality"),
        ),
        "years": (
            N_("Område → kommune, hvert år og årsag"),
            mask(~y_all, ~r_all, "leaf", "municipality"),
        ),
        "years_area": (
            N_("Område → område, hvert år og årsag"),
            mask(~y_all, ~r_all, "leaf", "leaf"),
        ),
        "bands": (
            N_("Område efter afstand, alle år, alle årsager"),
            mask(y_all, r_all, "leaf", "band"),
        ),
    }


def _first_of_rest(shape: tuple[int, ...]) -> np.ndarray:
    """Extra dimensions (profiles) beyond the first four: their totals (index 0 is the root)."""
    m = np.ones(shape, dtype=bool)
    for axis in range(4, len(shape)):
        keep = np.zeros(shape[axis], dtype=bool)
        keep[0] = True
        m &= keep.reshape((1,) * axis + (-1,) + (1,) * (len(shape) - axis - 1))
    return m


def information_loss(
    cube: Cube, suppressed: np.ndarray, views: dict[str, tuple[str, np.ndarray]]
) -> list[ViewLoss]:
    """Cells with movers and persons hidden, per view."""
    out = []
    for key, (label, mask) in views.items():
        present = mask & (cube.values > 0)
        hidden = present & suppressed
        out.append(
            ViewLoss(
                key,
                label,
                int(present.sum()),
                int(hidden.sum()),
                int(cube.values[present].sum()),
                int(cube.values[hidden].sum()),
            )
        )
    return out


def loss_table(losses: list[ViewLoss]) -> pd.DataFrame:
    """The losses as rows (for the store and ``/om``)."""
    return pd.DataFrame(
        [
            {
                "view": v.key,
                "label": v.label,
                "cells": v.cells,
                "cells_hidden": v.cells_hidden,
                "persons": v.persons,
                "persons_hidden": v.persons_hidden,
            }
            for v in losses
        ],
        columns=["view", "label", "cells", "cells_hidden", "persons", "persons_hidden"],
    )
