"""One JSON line per request on the ``omraadekort.access`` logger (no client addresses).

The Flask path and the fast path write the same fields; ``cache`` says who answered:
``miss`` (rendered by Flask), ``memory`` or ``disk`` (the fast path, from this process's memory
or from another process's rendering on disk), ``none`` (not a cacheable request).

The line is written on every request, so it is made without ``json.dumps`` of a dict (the
strings go through the json module's own C string encoder, numbers through ``repr`` as
``json.dumps`` writes them: the same text) and, while the logger has only its own stream
handler, written to that stream without building a ``logging.LogRecord``. Any other handler (a
deployment's, a test's ``caplog``) gets the line through ``logging`` as before.
"""

from __future__ import annotations

import json.encoder
import logging
import sys
import time

LOGGER = "omraadekort.access"

_encode = json.encoder.encode_basestring  # the C encoder when available; ensure_ascii=False
_OWN = "omraadekort-access-stream"  # the name of the handler access_logger() installs
_clock: tuple[int, str] = (0, "")


def access_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_OWN)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def _now() -> str:
    """The local time to the second, formatted once per second."""
    global _clock
    second = int(time.time())
    clock = _clock
    if clock[0] != second:
        clock = (second, time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(second)))
        _clock = clock
    return clock[1]


def line(
    method: str,
    path: str,
    query: str,
    status: int,
    size: int | None,
    started: float | None,
    cache: str,
) -> str:
    ms = "null" if not started else repr(round((time.perf_counter() - started) * 1000, 2))
    return (
        f'{{"time": {_encode(_now())}, "method": {_encode(method)}, "path": {_encode(path)}, '
        f'"query": {_encode(query[:200])}, "status": {int(status)}, '
        f'"bytes": {"null" if size is None else int(size)}, "ms": {ms}, '
        f'"cache": {_encode(cache)}}}'
    )


def emit(logger: logging.Logger, text: str) -> None:
    """Write one access line: straight to the stream of the logger's own handler when that is
    its only handler and INFO is on, else through ``logging``."""
    handlers = logger.handlers
    if (
        len(handlers) == 1
        and handlers[0].name == _OWN
        and not logger.disabled
        and logger.isEnabledFor(logging.INFO)
    ):
        handler = handlers[0]
        stream = getattr(handler, "stream", None)
        if stream is not None:
            handler.acquire()
            try:
                stream.write(text + "\n")
                stream.flush()
            except Exception:  # as logging does: a broken stream never fails the request
                pass
            finally:
                handler.release()
            return
    logger.info(text)
