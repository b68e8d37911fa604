"""A static export of every embed, for a web server to serve without Python.

For a municipality whose site sends heavy traffic, a static web server in front (nginx, a
CDN of its own) serves embeds at a fraction of the cost of rendering. The export holds, per
list year and language, each embed's page, its table view and its map script, plus the
service's CSS, icon and Leaflet, laid out as::

    DIR/static/...                                  CSS, icon, vendored Leaflet
    DIR/embed/national/<year>/<lang>/index.html     map view (tabel.html, kort.js beside it)
    DIR/embed/kommune/<code>/<year>/<lang>/...
    DIR/embed/omraade/<slug>/<lang>/...

Serve DIR at the root of a host. Links to the full site (area pages, "Åbn i Områdekort") point
at ``base_url``. ``omraadekort export-embeds`` writes it; every import through the command line
rewrites it when ``OMRAADEKORT_EXPORT_DIR`` is set, so it never lags the store.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Flask

from geo.areas import all_areas, list_years, municipality_names

SCRIPT = re.compile(r'<script src="(/embed/[^"]+/kort\.js[^"]*)"></script>')
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@dataclass
class ExportReport:
    directory: Path
    pages: int
    files: int
    bytes: int


def _rewrite(html: str, *, base_url: str, page_url: str) -> str:
    html = SCRIPT.sub('<script src="kort.js"></script>', html)
    path = page_url.split("?")[0]
    # the switch between map and table view
    html = re.sub(rf'href="{re.escape(path)}\?[^"]*visning=tabel[^"]*"', 'href="tabel.html"', html)
    html = re.sub(rf'href="{re.escape(path)}(\?[^"]*)?"', 'href="index.html"', html)
    # the oEmbed discovery link: the static copy cannot answer it, the live service can
    html = html.replace('href="/oembed?', f'href="{base_url}/oembed?')
    # links to the full site, also where a link carries one as a parameter (oEmbed discovery)
    html = html.replace("http://export.invalid", base_url)
    return html.replace(quote("http://export.invalid", safe=""), quote(base_url, safe=""))


def _rewrite_script(js: str, base_url: str) -> str:
    return js.replace('href=\\"/omraader/', f'href=\\"{base_url}/omraader/')


def export_embeds(
    app: Flask,
    directory: str | Path,
    *,
    base_url: str,
    languages: tuple[str, ...] = ("da",),
    years: tuple[int, ...] | None = None,
) -> ExportReport:
    """Write the static export into ``directory`` (replaced atomically as a whole).

    ``years`` limits the list years exported (default: every list year).
    """
    from service.store_access import get_store

    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    base_url = base_url.rstrip("/")
    tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
    tmp.chmod(0o755)  # a web server's workers must be able to read it
    pages = files = size = 0
    # absolute links are built from PUBLIC_BASE_URL: a placeholder, replaced below by base_url
    app.config["PUBLIC_BASE_URL"] = "http://export.invalid"
    client = app.test_client()
    statics: set[str] = set()

    def get(url: str) -> str:
        response = client.get(url, base_url="http://export.invalid")
        if response.status_code != 200:
            raise RuntimeError(f"export of {url} failed with {response.status_code}")
        return response.get_data(as_text=True)

    def write(path: Path, text: str) -> None:
        nonlocal files, size
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        files += 1
        size += len(data)

    def export_one(url: str, target: Path) -> None:
        nonlocal pages
        html = get(url)
        statics.update(STATIC.findall(html))
        script = SCRIPT.search(html)
        if script:
            write(
                target / "kort.js",
                _rewrite_script(get(script.group(1).replace("&amp;", "&")), base_url),
            )
        write(target / "index.html", _rewrite(html, base_url=base_url, page_url=url))
        sep = "&" if "?" in url else "?"
        table = get(f"{url}{sep}visning=tabel")
        statics.update(STATIC.findall(table))
        write(target / "tabel.html", _rewrite(table, base_url=base_url, page_url=url))
        pages += 2

    try:
        with app.app_context():
            store = get_store()
            available = list_years(store)
            unknown = sorted(set(years or ()) - set(available))
            if unknown:
                raise ValueError(f"no list for {unknown}; the lists are {available}")
            years = tuple(years) if years else tuple(available)
            areas = all_areas(store)
            codes = sorted(set(areas["municipality_code"]) & set(municipality_names(store)))
            slugs = list(areas["area_id"])
        for lang in languages:
            for year in years:
                export_one(
                    f"/embed/national?aar={year}&sprog={lang}",
                    tmp / "embed" / "national" / str(year) / lang,
                )
                for code in codes:
                    export_one(
                        f"/embed/kommune/{code}?aar={year}&sprog={lang}",
                        tmp / "embed" / "kommune" / code / str(year) / lang,
                    )
            for slug in slugs:
                export_one(
                    f"/embed/omraade/{slug}?sprog={lang}", tmp / "embed" / "omraade" / slug / lang
                )
        for url in sorted(statics):
            response = client.get(url)
            target = tmp / url.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.get_data())
            files += 1
            size += len(response.get_data())
        old = None
        if directory.exists():
            old = directory.with_name(directory.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(directory, old)
        os.replace(tmp, directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return ExportReport(directory=directory, pages=pages, files=files, bytes=size)
