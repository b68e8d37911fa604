"""Marking Danish UI texts made below ``service/`` for the translation catalogue.

Analysis and rule packages know no request and no language: they give Danish text, the
language of the law and the lists. Where such a text is shown in the interface (a criterion's
name, a status line, a category), wrap the literal in :func:`N_`; ``make extract-messages``
collects it into ``service/translations`` and the service translates it on output
(``service.i18n.translate``, ``_()`` in templates). Data read from files (names, quotes of the
law, report titles) is not UI text and is never marked.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """The message itself; marks it for extraction (gettext's ``N_`` convention)."""
    return message
