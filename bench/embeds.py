"""Benchmark: embed page weight, and a cached embed under load next to nginx.

1. Weight: every embed kind, HTML plus everything it loads (CSS, Leaflet, map script, icon),
   uncompressed and gzip-compressed as the service sends it.
2. Load: ``wrk`` against gunicorn serving a cached municipality embed, then against nginx
   serving the same bytes as a static file, in the same run, on loopback, fixed duration.
   Prints requests per second, p50/p99 latency, errors and the ratio to nginx; then the same
   for the static export (``omraadekort export-embeds``) served by nginx.

    .venv/bin/python bench/embeds.py [--duration 10] [--connections 64]

Needs Debian's wrk and nginx (``make bench`` installs them). Only loopback is used.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.seed import build_default_store  # noqa: E402
from geo.store import Store  # noqa: E402

EMBEDS = {
    "national (2024)": "/embed/national?aar=2024",
    "kommune Aarhus (2022)": "/embed/kommune/0751?aar=2022",
    "kommune København (2019)": "/embed/kommune/0101?aar=2019",
    "område Vollsmose": "/embed/omraade/vollsmose",
}
LOAD_PATH = "/embed/kommune/0751?aar=2022"
ASSET = re.compile(r'<(?:link rel="(?:stylesheet|icon)"[^>]*? href|script src)="(/[^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, gz: bool = False) -> bytes:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read()


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def weight(base: str) -> None:
    print("Embed page weight (HTML + every asset it loads)")
    print(f"{'embed':<28} {'uncompressed KB':>16} {'transferred (gzip) KB':>22}")
    for name, path in EMBEDS.items():
        html = fetch(base + path)
        total, packed = len(html), len(fetch(base + path, gz=True))
        for asset in sorted(set(ASSET.findall(html.decode()))):
            asset = asset.replace("&amp;", "&")
            total += len(fetch(base + asset))
            packed += len(fetch(base + asset, gz=True))
        print(f"{name:<28} {total / 1000:>16.1f} {packed / 1000:>22.1f}")
    print()


def run_wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": errors}


def start_nginx(root: Path, port: int, workdir: Path) -> subprocess.Popen:
    conf = workdir / "nginx.conf"
    conf.write_text(
        textwrap.dedent(f"""
        worker_processes 2;
        pid {workdir}/nginx.pid;
        error_log {workdir}/nginx-error.log;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            client_body_temp_path {workdir}/body;
            proxy_temp_path {workdir}/proxy;
            fastcgi_temp_path {workdir}/fastcgi;
            uwsgi_temp_path {workdir}/uwsgi;
            scgi_temp_path {workdir}/scgi;
            types {{ text/html html; text/javascript js; text/css css; }}
            server {{
                listen 127.0.0.1:{port};
                root {root};
                location / {{ try_files $uri $uri/index.html =404; }}
            }}
        }}
    """)
    )
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: run `make bench` (installs Debian's wrk and nginx)")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
        store = Store(tmp / "store.gpkg")
        build_default_store(store)
        port = free_port()
        env = {
            **os.environ,
            "OMRAADEKORT_STORE": str(store.path),
            "OMRAADEKORT_ACCESS_LOG": "false",
        }
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "service:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        nginx = None
        try:
            wait_for(base + "/healthz")
            weight(base)

            # the same bytes as a static file for nginx
            static = tmp / "static"
            body = fetch(base + LOAD_PATH)
            (static / "embed").mkdir(parents=True)
            (static / "embed" / "kommune.html").write_bytes(body)
            # and the documented static export of every embed
            export = tmp / "export"
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("omraadekort")),
                    "export-embeds",
                    "--store",
                    str(store.path),
                    str(export),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            nport = free_port()
            nginx = start_nginx(tmp, nport, tmp)
            wait_for(f"http://127.0.0.1:{nport}/static/embed/kommune.html")
            for _ in range(args.workers * 8):  # warm every worker's response cache
                fetch(base + LOAD_PATH)

            runs = {
                "gunicorn (cached embed)": run_wrk(
                    base + LOAD_PATH, args.duration, args.connections
                ),
                "nginx (same bytes, static)": run_wrk(
                    f"http://127.0.0.1:{nport}/static/embed/kommune.html",
                    args.duration,
                    args.connections,
                ),
                "nginx (static export)": run_wrk(
                    f"http://127.0.0.1:{nport}/export/embed/kommune/0751/2022/da/index.html",
                    args.duration,
                    args.connections,
                ),
            }
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=20)
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=20)

    print(
        f"Load: {LOAD_PATH}, wrk 2 threads, {args.connections} connections, "
        f"{args.duration} s each, loopback; gunicorn {args.workers} gthread workers × 4"
    )
    print(f"{'server':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs nginx':>9}")
    reference = runs["nginx (same bytes, static)"]["rps"]
    for name, r in runs.items():
        print(
            f"{name:<28} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7} "
            f"{r['rps'] / reference:>9.2f}"
        )
    print(f"\nembed size: {len(body)} bytes uncompressed, {len(gzip.compress(body))} gzip")


if __name__ == "__main__":
    main()
