"""Map scripts are the same bytes in every worker: built in two separate processes they are
identical, so their ETags agree and revalidation gets 304 whichever worker answers."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

URLS = [
    "/kort/2024/kort.js",
    "/kort/2018/indikator/youth_not_in_education/kort.js",
    "/omraader/gellerupparken-toveshoej/kort.js",
    "/kommuner/0751/kort.js",
    "/embed/national/kort.js?aar=2024",
    "/embed/omraade/vollsmose/kort.js",
    "/embed/kommune/0461/kort.js",
]

BUILD = textwrap.dedent(
    """
    import hashlib, json, sys
    from service import create_app
    app = create_app({"STORE_PATH": sys.argv[1], "ACCESS_LOG": False})
    client = app.test_client()
    out = {}
    for url in sys.argv[2:]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        out[url] = [hashlib.sha256(r.get_data()).hexdigest(), r.headers.get("ETag")]
    print(json.dumps(out))
    """
)


def _build(store_path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(store_path), *URLS],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # starts fresh Python processes
def test_map_scripts_are_identical_across_processes(store_path):
    first, second = _build(store_path), _build(store_path)
    assert first.keys() == set(URLS)
    for url in URLS:
        assert first[url][0] == second[url][0], f"{url} differs between processes"
        assert first[url][1] == second[url][1], f"{url}: different ETags"
