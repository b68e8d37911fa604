"""Benchmark: the PDF fact sheet of Gellerupparken/Toveshøj (and Aarhus Kommune), cold and warm.

Builds a store (the embedded facts plus the labelled synthetic demo moves), then times
``/omraader/gellerupparken-toveshoej/faktaark.pdf`` through the Flask test client: the first
request of a fresh app (cold: flows cube, map, fonts) and the next ones (warm: every cache of the
app warm, but the response cache switched off, so each request really makes the PDF). A
repeated request in production is answered from the response cache (per URL and data
version); that figure is printed too. "warm CPU" is the process's CPU time per request: on a
shared, loaded machine it is what the request costs, whatever the wait for a core. Writes the
last PDF and its first page as PNG (pdftoppm, 100 dpi) to ``var/bench/`` so it can be looked at.

    .venv/bin/python bench/factsheet.py [--store PATH] [--repeats N]

Target (issue 16): under 2 s warm.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from geo.relocation.synthetic import store_demo_moves  # noqa: E402
from geo.seed import build_default_store  # noqa: E402
from geo.store import Store  # noqa: E402
from service import create_app  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "var" / "bench"
SHEETS = {
    "area": "/omraader/gellerupparken-toveshoej/faktaark.pdf",
    "area (en)": "/omraader/gellerupparken-toveshoej/faktaark.pdf?sprog=en",
    "municipality": "/kommuner/0751/faktaark.pdf",
}


def _timed(client, url: str, cpu: list[float] | None = None) -> tuple[float, bytes]:
    t0, c0 = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(time.process_time() - c0)
    assert response.status_code == 200, response.data[:300]
    return elapsed, response.data


def measure(
    store_path: Path, url: str, repeats: int
) -> tuple[float, list[float], list[float], float, bytes]:
    config = {"STORE_PATH": str(store_path), "ACCESS_LOG": False, "WARM_ON_NEW_VERSION": False}
    # every cache of rendered responses off (memory and the shared disk cache), so each
    # request really makes the PDF
    uncached = {"RESPONSE_CACHE_SIZE": 0, "GZIP_CACHE_SIZE": 0, "RESPONSE_CACHE_DISK": False}
    making = create_app({**config, **uncached}).test_client()
    cold, body = _timed(making, url)
    warm: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        elapsed, body = _timed(making, url, cpu)
        warm.append(elapsed)
    cached = create_app(config).test_client()
    _timed(cached, url)
    hit, _ = _timed(cached, url)
    return cold, warm, cpu, hit, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            store_path = Path(tmp) / "store.gpkg"
            build_default_store(Store(store_path))
            store_demo_moves(Store(store_path))
        OUT.mkdir(parents=True, exist_ok=True)
        print(
            f"{'sheet':<14} {'cold s':>7} {'warm median s':>14} {'warm max s':>11} "
            f"{'warm CPU s':>10} {'cached s':>9} {'KB':>6} {'pages':>5}"
        )
        for name, url in SHEETS.items():
            cold, warm, cpu, hit, body = measure(store_path, url, args.repeats)
            pdf = OUT / f"factsheet-{name.replace(' ', '').replace('(', '-').strip(')')}.pdf"
            pdf.write_bytes(body)
            pages = len(PdfReader(io.BytesIO(body)).pages)
            print(
                f"{name:<14} {cold:7.2f} {statistics.median(warm):14.2f} {max(warm):11.2f} "
                f"{statistics.median(cpu):10.2f} {hit:9.3f} {len(body) / 1024:6.0f} {pages:5d}"
            )
            subprocess.run(
                ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf), str(pdf)[:-4]],
                check=True,
            )
        print(f"PDFs and first pages (PNG) in {OUT}")
        with open("/proc/loadavg") as f:
            print("load average:", f.read().strip())


if __name__ == "__main__":
    main()
