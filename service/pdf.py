"""HTML to PDF with WeasyPrint, with every fetch outside the document refused.

A fact sheet is one HTML document: its styles come in as strings, its map is inline SVG.
WeasyPrint is handed a URL fetcher that accepts ``data:`` URLs only and raises a fatal error
for anything else, so a sheet that tries to load a font, image or stylesheet from anywhere
(another host, or a file) fails loudly instead of reaching out. Fonts are the system's
(Debian's DejaVu and Liberation, installed by ``make pdf-libs``), found through fontconfig.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


class RefusedFetch(Exception):
    """A document asked for a resource outside itself."""


@cache
def _fetcher():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class DocumentOnly(URLFetcher):
        """Only ``data:`` URLs; anything else stops the rendering."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"refused to fetch {url!r}: fact sheets load nothing")

    return DocumentOnly(allowed_protocols=("data",))


@cache
def _stylesheet(name: str):
    from weasyprint import CSS

    return CSS(string=(STATIC / "css" / name).read_text(encoding="utf-8"), url_fetcher=_fetcher())


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# WeasyPrint's font configuration is not documented as thread-safe; gunicorn runs threads.
_LOCK = threading.Lock()


def html_to_pdf(html: str, stylesheet: str = "factsheet.css") -> bytes:
    """Render ``html`` (a whole document) with the service's ``stylesheet`` to PDF bytes."""
    from weasyprint import HTML

    with _LOCK:
        document = HTML(string=html, url_fetcher=_fetcher(), base_url=None)
        return document.write_pdf(stylesheets=[_stylesheet(stylesheet)], font_config=_fonts())
