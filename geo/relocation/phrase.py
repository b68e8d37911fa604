"""Danish UI texts built from a marked template and values, sayable in another language.

A :class:`Phrase` *is* the Danish text (it reads, compares, sorts and serialises exactly as
the plain string did), and keeps the template (marked with :func:`geo.i18n.N_`) and the values
it was made from, so the service can translate the template and fill in the same values
(``service.maps.flows.localise``). Values that are themselves phrases are translated too;
other values (area names, years) are data and stay as they are.
"""

from __future__ import annotations

from typing import Any


def _rebuild(template: str, values: dict[str, Any]) -> Phrase:
    return Phrase(template, **values)


class Phrase(str):
    """The Danish text ``template % values``, remembering ``template`` and ``values``."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Phrase:
        """The phrase ``template % values`` (``template`` alone when there are no values)."""
        self = super().__new__(cls, template % values if values else template)
        self.template = template
        self.values = values
        return self

    def __reduce__(self):
        return (_rebuild, (self.template, self.values))
