"""Marking Danish UI texts made below ``service/`` for the translation catalogue.

Analysis and rule packages know no request and no language: they give Danish text, the
language of the law and the lists. Where such a text is shown in the interface (a criterion's
name, a status line, a category), wrap the literal in :func:`N_`; ``make extract-messages``
collects it into ``service/translations`` and the service translates it on output
(``service.i18n.translate``, ``_()`` in templates). Data read from files (names, quotes of the
law, report titles) is not UI text and is never marked.

A text made from a marked template and values (``"%(name)s Kommune"``, ``"mindst
%(n)s beboere"``) is a :class:`Phrase`: it *is* the Danish text (it reads, compares, sorts and
serialises as the plain string), and keeps the template and the values, so the service can
say it again in another language (``service.i18n.say``).
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """The message itself; marks it for extraction (gettext's ``N_`` convention)."""
    return message


def danish_number(value: Any) -> str:
    """A number written the Danish way (``1.000``, ``2,27``); text stays as it is."""
    if isinstance(value, str):  # a year, a name, a URL: the same in every language
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:g}".replace(".", ",")


def _rebuild(template: str, numbers: bool, values: dict[str, Any]) -> Phrase:
    return Phrase(template, numbers=numbers, **values)


class Phrase(str):
    """The Danish text ``template % values``, remembering ``template`` and ``values``.

    With ``numbers`` the numeric values are written as numbers of the language (Danish here,
    the page's language when said again); without, values go in as they are (a year, a
    name). Values that are phrases are said again in the other language too.
    """

    template: str
    values: dict[str, Any]
    numbers: bool

    def __new__(cls, template: str, /, *, numbers: bool = False, **values: Any) -> Phrase:
        """The phrase ``template % values`` (``template`` alone when there are no values)."""
        shown = {k: danish_number(v) for k, v in values.items()} if numbers else values
        self = super().__new__(cls, template % shown if values else template)
        self.template = template
        self.values = values
        self.numbers = numbers
        return self

    def __reduce__(self):
        return (_rebuild, (self.template, self.numbers, self.values))


def fill(template: str, **values: Any) -> Phrase:
    """``template`` (an :func:`N_` message with ``%(name)s`` fields) filled in with
    ``values``, numbers written in Danish (``1.000``, ``2,27``).
    """
    return Phrase(template, numbers=True, **values)
