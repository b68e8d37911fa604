"""Benchmark: serving at municipal-site traffic (issue 14), in one run on loopback.

1. Every WSGI server (``omraadekort serve --server …``: uWSGI, the default; granian,
   gunicorn gthread, gunicorn sync) on the same cached municipality embed, then
   nginx serving the same bytes as a static file, then ``deploy/nginx.conf`` (proxy cache) in
   front of the default server: requests per second, p50, p99, errors and the ratio to nginx.
2. The heavy pages (``/flytninger/modtagere``, ``/sammenlign``, ``/flytninger``), warm, on the
   default server, against the cached embed's rate.
3. Freshness: another process writes the store (as every import does); how long until the
   proxy serves the new list.

    .venv/bin/python bench/serving.py [--duration 10] [--connections 64] [--ports 8200]

Extends ``bench/embeds.py`` (same wrk settings and parsing). Needs Debian's wrk and nginx
(``make bench`` installs them). Only loopback is used. Prints the load average before and after:
the two cores are shared with whatever else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from embeds import LOAD_PATH, fetch, free_port, run_wrk, start_nginx, wait_for  # noqa: E402

from geo.relocation.synthetic import store_demo_moves  # noqa: E402
from geo.seed import build_default_store  # noqa: E402
from geo.store import Store  # noqa: E402
from service.cli.serving import DEFAULT_SERVER  # noqa: E402

BIN = Path(sys.executable).parent
HEAVY = ["/flytninger/modtagere", "/sammenlign", "/flytninger"]
SERVERS = {
    "uwsgi": "uWSGI 2.0 (pyuwsgi), 3 processes × 2 threads",
    "granian": "granian (WSGI), 2 workers × 4 threads",
    "gunicorn-gthread": "gunicorn gthread, 5 workers × 4",
    "gunicorn-sync": "gunicorn sync, 5 workers",
}
DEFAULT = DEFAULT_SERVER  # the heavy pages and the proxy run on `serve`'s default


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" 1/")[0].rsplit(" ", 1)[0]


def start_server(kind: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    args = [
        str(BIN / "omraadekort"),
        "serve",
        "--server",
        kind,
        "--port",
        str(port),
        "--no-warm",
    ]
    return subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"), cwd=str(log.parent)
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def proxy_conf(workdir: Path, nport: int, sport: int) -> Path:
    """deploy/nginx.conf with this run's ports and paths, inside a minimal main config."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{nport};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{sport};")
    site = site.replace("/var/cache/nginx/omraadekort", str(workdir / "proxy-cache"))
    site = re.sub(r"access_log [^;]+;", "access_log off;", site)
    (workdir / "site.conf").write_text(site)
    conf = workdir / "proxy-nginx.conf"
    conf.write_text(
        textwrap.dedent(f"""
        worker_processes 2;
        pid {workdir}/proxy-nginx.pid;
        error_log {workdir}/proxy-error.log;
        events {{ worker_connections 1024; }}
        http {{
            client_body_temp_path {workdir}/pbody;
            proxy_temp_path {workdir}/pproxy;
            fastcgi_temp_path {workdir}/pfastcgi;
            uwsgi_temp_path {workdir}/puwsgi;
            scgi_temp_path {workdir}/pscgi;
            include {workdir}/site.conf;
        }}
    """)
    )
    return conf


def freshness(proxy: str, store: Store, timeout: float = 120) -> dict:
    """Seconds from a store write by another process until the proxy shows the new list."""
    url = proxy + "/api/areas?year=2024"
    before = json.loads(fetch(url))["count"]
    script = textwrap.dedent(f"""
        from geo.store import Store
        store = Store({str(store.path)!r})
        with store.transaction() as w:
            d = store.read("designations")
            w.write("designations", d[~((d["year"] == 2024) & (d["area_id"] == "vollsmose"))])
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=str(ROOT))
    written = time.monotonic()
    seen: dict[str, float] = {}
    page = proxy + "/kort?aar=2024"
    version = store.data_version
    while len(seen) < 2 and time.monotonic() - written < timeout:
        if "list" not in seen and json.loads(fetch(url))["count"] == before - 1:
            seen["list"] = time.monotonic() - written
        if "page" not in seen and f"v={version}" in fetch(page).decode():
            seen["page"] = time.monotonic() - written
        time.sleep(0.05)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--ports",
        type=int,
        default=None,
        help="first of three consecutive ports to use (default: free ports the system picks)",
    )
    args = parser.parse_args()
    if args.ports:
        ports = iter(range(args.ports, args.ports + 3))
    else:
        ports = iter(free_port() for _ in range(3))
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: run `make bench` (installs Debian's wrk and nginx)")
    servers = list(SERVERS)
    load_before = loadavg()

    def wrk(url: str) -> dict:
        return run_wrk(url, args.duration, args.connections)

    runs: dict[str, dict] = {}
    heavy: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
        store = Store(tmp / "store.gpkg")
        build_default_store(store)
        store_demo_moves(store, seed=1, n=20_000)
        env = {**os.environ, "OMRAADEKORT_STORE": str(store.path)}
        sport = next(ports)
        base = f"http://127.0.0.1:{sport}"
        # the warm-up every deployment runs, into the cache the workers share
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "omraadekort"), "warm", "--base-url", base],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        warm_seconds = time.perf_counter() - started

        for kind in servers:
            proc = start_server(kind, sport, env, tmp / f"{kind}.log")
            try:
                wait_for(base + "/healthz", timeout=60)
                for _ in range(40):  # every worker reads the entry once
                    fetch(base + LOAD_PATH)
                runs[SERVERS[kind]] = wrk(base + LOAD_PATH)
                if kind == DEFAULT:
                    body = fetch(base + LOAD_PATH)
                    for page in HEAVY:
                        for _ in range(20):
                            fetch(base + page)
                        heavy[page] = wrk(base + page)
            finally:
                stop(proc, signal.SIGINT if kind == "uwsgi" else signal.SIGTERM)

        (tmp / "static" / "embed").mkdir(parents=True)
        (tmp / "static" / "embed" / "kommune.html").write_bytes(body)
        nport = next(ports)
        nginx = start_nginx(tmp, nport, tmp)
        proc = start_server(DEFAULT, sport, env, tmp / "proxied.log")
        pport = next(ports)
        proxy = subprocess.Popen(
            ["nginx", "-c", str(proxy_conf(tmp, pport, sport)), "-g", "daemon off;"]
        )
        try:
            wait_for(f"http://127.0.0.1:{nport}/static/embed/kommune.html")
            wait_for(base + "/healthz", timeout=60)
            purl = f"http://127.0.0.1:{pport}"
            wait_for(purl + "/healthz")
            for _ in range(10):
                fetch(purl + LOAD_PATH)
            runs["nginx, same bytes as a static file"] = wrk(
                f"http://127.0.0.1:{nport}/static/embed/kommune.html"
            )
            runs[f"deploy/nginx.conf in front of {DEFAULT}"] = wrk(purl + LOAD_PATH)
            fresh = freshness(purl, store)
        finally:
            stop(proc)
            stop(nginx, signal.SIGQUIT)
            stop(proxy, signal.SIGQUIT)
    load_after = loadavg()

    print(
        f"Load: {LOAD_PATH} ({len(body)} bytes), wrk 2 threads, {args.connections} connections, "
        f"{args.duration} s each, loopback, access log on; warm-up of every page took "
        f"{warm_seconds:.0f} s"
    )
    print(f"load average before: {load_before}; after: {load_after}")
    print("| server | req/s | p50 ms | p99 ms | errors | vs nginx |")
    print("| --- | --- | --- | --- | --- | --- |")
    reference = runs["nginx, same bytes as a static file"]["rps"]
    for name, r in runs.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | "
            f"{r['rps'] / reference:.2f} |"
        )
    embed = runs[SERVERS[DEFAULT]]["rps"]
    print(f"\nWarm heavy pages on {SERVERS[DEFAULT]}")
    print("| page | req/s | p50 ms | p99 ms | errors | vs cached embed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for page, r in heavy.items():
        print(
            f"| {page} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | "
            f"{r['rps'] / embed:.2f} |"
        )
    print(
        "\nFreshness through the proxy after a store write by another process: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in fresh.items())
        + ("" if len(fresh) == 2 else " (not seen within the timeout)")
    )


if __name__ == "__main__":
    main()
