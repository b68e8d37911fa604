"""Flows pages at register scale: page bytes and HTML bytes of every flows page.

Builds a store from the embedded default data with ``--moves`` synthetic moves (default
5 million, the demo generator of :mod:`geo.relocation.synthetic`, seeded), then requests every
flows page through the app — the overview at both levels, the receiving areas at both levels
(all years and each year), and every origin area's page at both levels (all years) — and
prints, per page, the bytes of the HTML and of the page in all (the HTML plus every script
and stylesheet it loads from the service: its map script, Leaflet, the site's CSS), and
whether a second request was answered from the response cache. Budgets: every page under
400 KB in all, its HTML under 150 KB (issue 9). The script prints figures; it asserts nothing
about time.

    .venv/bin/python bench/flows_pages.py [--moves 5000000] [--store PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo.relocation.synthetic import store_demo_moves  # noqa: E402
from geo.seed import build_default_store  # noqa: E402
from geo.store import Store  # noqa: E402
from service import create_app  # noqa: E402

PAGE_LIMIT, HTML_LIMIT = 400 * 1024, 150 * 1024


def _assets(html: bytes) -> list[str]:
    found = re.findall(rb'<(?:script[^>]*src|link[^>]*href)="(/[^"]+)"', html)
    return [f.decode().replace("&amp;", "&") for f in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=5_000_000)
    parser.add_argument("--store", help="an existing store with moves (skips the build)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            path = Path(args.store)
        else:
            path = Path(tmp) / "store.gpkg"
            started = time.perf_counter()
            store = Store(path)
            build_default_store(store, with_outline=True)
            result = store_demo_moves(store, seed=1, n=args.moves)
            print(
                f"store: {result.rows:,} synthetic moves, {result.cells:,} counted cells, "
                f"built in {time.perf_counter() - started:.0f} s"
            )
        app = create_app({"STORE_PATH": str(path), "ACCESS_LOG": False})
        client = app.test_client()
        responses = app.extensions["omraadekort.responses"]
        origins = client.get("/api/flows/origins").get_json()
        years = origins["years"]
        urls = []
        for word in ("kommune", "omraade"):
            urls.append(f"/flytninger?niveau={word}")
            urls.append(f"/flytninger/modtagere?niveau={word}")
        for year in years:
            urls.append(f"/flytninger?niveau=omraade&aar={year}")
            urls.append(f"/flytninger/modtagere?aar={year}")
        for origin in origins["origins"]:
            for word in ("omraade", "kommune"):
                urls.append(f"/flytninger/{origin['area_id']}?niveau={word}")
        print(f"{'page':<66} {'HTML KB':>8} {'all KB':>8} {'first s':>8} cached")
        worst_html = worst_all = 0
        over = []
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            html = response.get_data()
            total = len(html)
            for asset in _assets(html):
                total += len(client.get(asset).get_data())
            with app.test_request_context(url):
                from flask import request

                from service.http.fastpath import request_key

                namespace, _version = app.extensions["omraadekort.namespace"].current()
                key = request_key(
                    request.environ,
                    include_host=not app.config["PUBLIC_BASE_URL"],
                    negotiate_language=bool(app.config["NEGOTIATE_LANGUAGE"]),
                )
            cached = responses.get(namespace, key) is not None
            worst_html, worst_all = max(worst_html, len(html)), max(worst_all, total)
            if len(html) > HTML_LIMIT or total > PAGE_LIMIT or not cached:
                over.append(url)
            print(
                f"{url:<66} {len(html) / 1024:>8.1f} {total / 1024:>8.1f} {seconds:>8.2f} "
                f"{'yes' if cached else 'NO'}"
            )
        print(
            f"{len(urls)} flows pages: largest HTML {worst_html / 1024:.1f} KB (limit 150), "
            f"largest page in all {worst_all / 1024:.1f} KB (limit 400); "
            f"over a limit or not cached: {over or 'none'}"
        )


if __name__ == "__main__":
    main()
