"""Jinja filters and globals shared by every template."""

from __future__ import annotations

import threading

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape

from indicators.catalogue import CATALOGUE
from indicators.plans import date_da
from service.assets import vendor_url


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app of this process.

    Each Flask app has its own Jinja environment and would compile every template again
    (about 0.25 s for a handful of pages); the apps of one process (gunicorn's worker, the CLI,
    each test's app) share this instead. Jinja keys a bucket by the template's name and the
    checksum of its source, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _ProcessBytecodeCache()


def init_app(app: Flask) -> None:
    """Register the filters and globals on ``app``'s Jinja environment."""
    app.jinja_env.bytecode_cache = _BYTECODE
    app.jinja_env.globals["vendor_url"] = vendor_url
    app.jinja_env.globals["indicator_choices"] = indicator_choices
    app.jinja_env.filters["source_items"] = source_items
    app.jinja_env.filters["source_host"] = source_host
    app.jinja_env.filters["dato"] = danish_date
    app.jinja_env.globals["source_link"] = source_link
    app.jinja_env.globals["oembed_discovery_url"] = oembed_discovery_url


def danish_date(iso: str | None) -> str:
    """``2018-12-01`` → ``1. december 2018``; "ikke oplyst" for a missing date."""
    if not isinstance(iso, str) or len(iso) < 10:
        return "ikke oplyst"
    return date_da(iso[:10])


def indicator_choices() -> list[tuple[str, str]]:
    """(code, short label) of every catalogue indicator in the page's language (English:
    the catalogue's English label), for selection lists."""
    from service.formats import page_language

    english = page_language() == "en"
    return [(code, ind.label_en if english else ind.short_da) for code, ind in CATALOGUE.items()]


def source_items(sources: list[str]) -> list[str]:
    """Split '|' or ';' separated source strings into unique items, in order."""
    items: list[str] = []
    for text in sources:
        for part in str(text).replace(";", "|").split("|"):
            part = part.strip()
            if part and part not in items:
                items.append(part)
    return items


def source_host(url: str) -> str:
    """A short label for a source URL: its host without ``www.``."""
    host = url.split("/")[2] if "//" in url else url
    return host.removeprefix("www.")


def source_link(url: object, label: object = None) -> Markup:
    """A source as a link whose text is its short label (the host when there is none).

    Never shows a raw URL as text: an entry that is not a URL is shown as plain text.
    """
    url_text = "" if url is None else str(url).strip()
    label_text = "" if label is None or str(label) in ("", "nan", "None") else str(label)
    if not url_text.startswith(("http://", "https://")):
        return escape(label_text or url_text)
    text = label_text or source_host(url_text)
    return Markup('<a href="{}" rel="noopener">{}</a>').format(url_text, text)


def oembed_discovery_url() -> str:
    """The oEmbed address of the page being rendered (for the discovery ``<link>``), built
    from ``PUBLIC_BASE_URL`` like every absolute URL of the service."""
    from flask import request, url_for

    from service.settings import public_base

    page = public_base() + request.full_path.rstrip("?")
    return url_for("embeds.oembed", url=page)
