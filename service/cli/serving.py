"""Serving commands: run the service under a production server, and warm its response cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from geo.errors import StoreError
from geo.store import Store
from service.cli.common import open_store, store_option

SERVERS = ("uwsgi", "granian", "gunicorn-gthread", "gunicorn-sync")
DEFAULT_SERVER = "uwsgi"


def server_command(server: str, host: str, port: int, workers: int | None) -> list[str]:
    """The command line of a production server for the service.

    uWSGI (C HTTP/1.1 parser, from PyPI's ``pyuwsgi`` wheel; cores + 1 processes × 2 threads)
    is the default: it serves the cached embed about five times faster than gunicorn and
    keeps every behaviour of ``tests/service/test_servers.py`` (headers, access log,
    /healthz, a graceful restart on SIGHUP that drops no request, a clean stop on SIGTERM):
    its master holds the listening socket across a reload, so connections wait in the
    kernel's queue instead of being dropped. The app is loaded once in the master and the
    workers fork from it. granian (WSGI, Rust HTTP; one worker per core, 4 threads each) is
    as fast but its restart drops the connections queued for a worker that exits (granian
    issues 567 and 921), so it is selectable, not the default; a granian worker that receives
    its SIGTERM while still booting misses it, so ``--workers-kill-timeout`` ends such a
    worker after 20 s. gunicorn gthread and sync are selectable too (README: Performance,
    ``bench/serving.py``).
    """
    cores = os.cpu_count() or 1
    here = Path(sys.executable).parent  # the servers installed beside this Python
    if server == "uwsgi":
        return [
            str(here / "uwsgi"),
            "--strict",  # an unknown option is an error, not ignored
            "--master",
            "--http11-socket",  # HTTP/1.1 with keep-alive, parsed in C by each worker
            f"{host}:{port}",
            "--processes",
            str(workers or cores + 1),
            "--threads",
            "2",
            "--thunder-lock",  # one accepting worker at a time: no thundering herd
            "--listen",
            "1024",  # the queue that holds connections while the workers reload
            "--buffer-size",
            "32768",  # request headers up to 32 KB (uWSGI's default is 4 KB)
            "--module",
            "service.wsgi:application",
            "--need-app",  # exit if the app cannot be loaded, rather than serve 500s
            "--die-on-term",  # SIGTERM stops (uWSGI 2.0 would reload); SIGHUP reloads
            "--worker-reload-mercy",
            "30",  # a reload lets a worker finish its requests for up to 30 s
            "--no-orphans",
            "--disable-logging",  # the service writes its own JSON access log
            # a reload re-executes the master: with this venv's Python, which finds pyuwsgi
            # (the real executable behind the venv's symlink would not)
            "--binary-path",
            sys.executable,
        ]
    if server == "granian":
        return [
            str(here / "granian"),
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers or cores),
            "--blocking-threads",
            "4",
            # a worker that missed its SIGTERM (sent while it was still booting) is killed
            # after this long instead of holding the stop or the restart forever
            "--workers-kill-timeout",
            "20",
            # On SIGHUP granian starts a new worker, waits this long, then stops an old one,
            # without checking that the new one listens yet (granian issue 921): the wait must
            # be longer than a worker's boot (about 1 s idle, several seconds on a loaded
            # machine), or requests queued for the old worker are dropped.
            "--respawn-interval",
            "10",
            "--log-level",
            "warning",
            "--factory",
            "service:create_app",
        ]
    if server not in SERVERS:
        raise click.UsageError(f"--server {server!r} is not one of {SERVERS}")
    worker = ["gthread", "--threads", "4"] if server == "gunicorn-gthread" else ["sync"]
    return [
        str(here / "gunicorn"),
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers or 2 * cores + 1),
        "--worker-class",
        *worker,
        "service:create_app()",
    ]


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default=DEFAULT_SERVER,
    show_default=True,
    help="Production server (README, Performance: bench/serving.py).",
)
@click.option(
    "--workers",
    default=None,
    type=int,
    help="Worker processes (default: cores + 1 for uWSGI, one per core for granian, "
    "2 × cores + 1 for gunicorn).",
)
@click.option(
    "--warm/--no-warm",
    default=True,
    show_default=True,
    help="Warm every page into the shared response cache at start (in the background).",
)
@click.option("--dev", is_flag=True, help="Flask's reloading development server instead.")
def serve(store_path, host, port, server, workers, warm, dev):
    """Run the web service (uWSGI by default; --dev for Flask's development server)."""
    store = open_store(store_path)
    os.environ["OMRAADEKORT_STORE"] = str(store.path)
    # refuse to start on a broken store or a bad setting, with the reason, rather than start
    # workers that answer every request with 503 or fail to boot
    problems = store.check()
    if problems:
        raise StoreError("; ".join(problems))
    from service import create_app

    create_app({"ACCESS_LOG": False})  # validates the OMRAADEKORT_* settings
    if dev:
        create_app().run(host=host, port=port, debug=True)
        return
    if warm:
        # Detached (the shell exits at once), so init reaps it, not the server this becomes.
        base_url = os.environ.get("OMRAADEKORT_PUBLIC_BASE_URL") or f"http://{host}:{port}"
        omraadekort = str(Path(sys.executable).with_name("omraadekort"))
        subprocess.run(
            [
                "/bin/sh",
                "-c",
                'exec "$0" warm --store "$1" --base-url "$2" </dev/null &',
                omraadekort,
                str(store.path),
                base_url,
            ],
            check=True,
        )
    args = server_command(server, host, port, workers)
    os.execvp(args[0], args)


@click.command("warm")
@store_option
@click.option(
    "--base-url",
    default=None,
    help="The address visitors use (default: $OMRAADEKORT_PUBLIC_BASE_URL, else "
    "http://127.0.0.1:8000); absolute links in pages are made from it.",
)
def warm_cmd(store_path, base_url):
    """Render every page once into the response cache that the workers share."""
    if warm_cache(open_store(store_path), base_url) is None:
        click.echo("already warm for this data version (or another process is warming it)")


def warm_cache(store: Store, base_url: str | None = None):
    """Warm the response cache of ``store`` for its current version; report on stderr."""
    from service import create_app
    from service.http.warm import base_url_of, warm_namespace

    app = create_app({"STORE_PATH": str(store.path), "ACCESS_LOG": False})
    base_url = base_url or base_url_of(app, None)
    namespace, _version = app.extensions["omraadekort.namespace"].current()
    report = warm_namespace(app, namespace, base_url)
    if report is not None:
        failed = f"; not 200: {report.failed}" if report.failed else ""
        click.echo(
            f"warmed {report.urls} URLs for {base_url} in {report.seconds:.1f} s{failed}",
            err=True,
        )
    return report


def warm_after_change(store: Store) -> None:
    """After an import: warm the cache a service of this store uses (the ``cache``
    directory beside the store, present once a service or a warm-up has run), so no
    visitor pays for the first rendering of the new version."""
    from service import create_app
    from service.http import cache_dir

    if cache_dir(create_app({"STORE_PATH": str(store.path)})).is_dir():
        warm_cache(store)
