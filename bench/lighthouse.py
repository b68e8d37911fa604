"""Lighthouse (performance and accessibility) on the pages issue 11 names, in one run.

Starts ``omraadekort serve`` (the default server) on a free loopback port over the given store,
warms it, then runs Google Lighthouse (npm ``lighthouse``, installed by ``make lighthouse`` into
``bench/lighthouse/node_modules``) with Debian's Chromium, headless, Lighthouse's default mobile
settings (simulated slow 4G and a 4× slower CPU), once per page, and prints each page's
performance and accessibility scores with the metrics behind the performance score. Prints
figures; asserts nothing.

    .venv/bin/python bench/lighthouse.py [--store var/omraadekort.gpkg]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from embeds import free_port, wait_for  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = [
    "/kort",
    "/omraader/gellerupparken-toveshoej",
    "/flytninger",
    "/embed/kommune/0751",
]
METRICS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(ROOT / "var" / "omraadekort.gpkg"))
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse`")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    omraadekort = str(Path(sys.executable).with_name("omraadekort"))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        server = subprocess.Popen(
            [omraadekort, "serve", "--store", args.store, "--port", str(port), "--no-warm"],
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        try:
            wait_for(base + "/healthz", timeout=60)
            subprocess.run(
                [omraadekort, "warm", "--store", args.store, "--base-url", base], check=True
            )
            load = os.getloadavg()[0]
            print(f"Lighthouse on {base} ({len(PAGES)} pages), load average before: {load:.2f}")
            print("| page | performance | accessibility | " + " | ".join(METRICS) + " |")
            print("| --- " * (3 + len(METRICS)) + "|")
            for path in PAGES:
                out = Path(tmp) / "report.json"
                subprocess.run(
                    [
                        str(LIGHTHOUSE),
                        base + path,
                        "--quiet",
                        f"--chrome-flags={CHROME_FLAGS}",
                        "--only-categories=performance,accessibility",
                        "--output=json",
                        f"--output-path={out}",
                    ],
                    env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                report = json.loads(out.read_text())
                scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
                metrics = [report["audits"][m]["displayValue"] for m in METRICS]
                print(
                    f"| `{path}` | {scores['performance']} | {scores['accessibility']} | "
                    + " | ".join(metrics)
                    + " |"
                )
            print(f"load average after: {os.getloadavg()[0]:.2f}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
