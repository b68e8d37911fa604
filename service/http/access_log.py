"""One JSON line per request on the ``omraadekort.access`` logger (no client addresses).

The Flask path and the fast path write the same fields; ``cache`` says who answered:
``miss`` (rendered by Flask), ``memory`` or ``disk`` (the fast path, from this process's memory
or from another process's rendering on disk), ``none`` (not a cacheable request).
"""

from __future__ import annotations

import json
import logging
import sys
import time

LOGGER = "omraadekort.access"


def access_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def line(
    method: str,
    path: str,
    query: str,
    status: int,
    size: int | None,
    started: float | None,
    cache: str,
) -> str:
    return json.dumps(
        {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "method": method,
            "path": path,
            "query": query[:200],
            "status": status,
            "bytes": size,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "cache": cache,
        },
        ensure_ascii=False,
    )
