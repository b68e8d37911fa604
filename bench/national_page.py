"""Benchmark: the national page for every list year.

Prints, per year: the page's total weight (HTML plus every asset it loads: the map script,
Leaflet's JS and CSS, the site's CSS and icon), the same gzip-compressed, and the time to build
the page and its map cold (empty map cache, store already on disk) and warm.

    .venv/bin/python bench/national_page.py [--store PATH]

Target (issue 2): under 400 KB in all, built in under 1 s.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.areas import list_years  # noqa: E402
from geo.seed import build_default_store  # noqa: E402
from geo.store import Store  # noqa: E402
from service import create_app  # noqa: E402

# What a browser loads with the page: stylesheets, icons and scripts (not navigation links).
ASSET = re.compile(r'<(?:link rel="(?:stylesheet|icon)"[^>]*? href|script src)="(/[^"]+)"')


def measure(store_path: Path, year: int, repeats: int = 5) -> dict:
    cold = []
    for _ in range(repeats):
        app = create_app({"STORE_PATH": str(store_path)})  # fresh map cache
        client = app.test_client()
        t0 = time.perf_counter()
        page = client.get(f"/kort?aar={year}")
        script_url = re.search(r'<script src="(/kort/[^"]+)"', page.get_data(as_text=True))[1]
        client.get(script_url)
        cold.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    page = client.get(f"/kort?aar={year}")
    warm = time.perf_counter() - t0
    html = page.get_data()
    sizes = {"page": (len(html), len(gzip.compress(html)))}
    for url in sorted(set(ASSET.findall(html.decode()))):
        with client.get(url) as response:
            assert response.status_code == 200, url
            body = response.get_data()
        sizes[url.split("?")[0]] = (len(body), len(gzip.compress(body)))
    return {
        "year": year,
        "bytes": sum(s[0] for s in sizes.values()),
        "gzip": sum(s[1] for s in sizes.values()),
        "cold_s": statistics.median(cold),
        "warm_s": warm,
        "parts": sizes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    tmp = None
    store_path = args.store
    if store_path is None:
        tmp = tempfile.TemporaryDirectory()
        store_path = Path(tmp.name) / "bench.gpkg"
        t0 = time.perf_counter()
        build_default_store(Store(store_path))
        print(f"default store built in {time.perf_counter() - t0:.2f} s")
    years = list_years(Store(store_path))
    print(f"{'year':>4} {'total KB':>9} {'gzip KB':>8} {'cold build s':>13} {'warm s':>7}")
    results = [measure(store_path, y) for y in years]
    for r in results:
        print(
            f"{r['year']:>4} {r['bytes'] / 1000:>9.1f} {r['gzip'] / 1000:>8.1f} "
            f"{r['cold_s']:>13.3f} {r['warm_s']:>7.3f}"
        )
    worst = max(results, key=lambda r: r["bytes"])
    print(f"\nparts of the heaviest page ({worst['year']}):")
    for name, (raw, packed) in worst["parts"].items():
        print(f"  {name:<45} {raw / 1000:>7.1f} KB  gzip {packed / 1000:>6.1f} KB")
    print(
        f"\nmax total {max(r['bytes'] for r in results) / 1000:.1f} KB (target < 400 KB); "
        f"max cold build {max(r['cold_s'] for r in results):.3f} s (target < 1 s)"
    )
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
