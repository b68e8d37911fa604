"""The fast path: a WSGI layer in front of Flask that answers cache hits by itself.

A hit is looked up by the request key (:func:`request_key`) in the current namespace
(:class:`Namespace`) and answered straight from the stored entry — identity or gzip,
200 or 304, GET or HEAD — without building werkzeug request or response objects. Anything
else (a miss, another method, a conditional it does not handle, a broken store) falls through
to Flask unchanged. ``tests/service/test_fastpath.py`` holds it to the Flask path's bytes and
headers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from geo.store import Store
from service.http.access_log import emit, line
from service.http.cache import ResponseCache, namespace_for
from service.http.negotiation import accepts_gzip, etag_matches, preferred_language

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]
_STATUS = {200: "200 OK", 304: "304 Not Modified"}


def request_key(environ: dict, *, include_host: bool, negotiate_language: bool) -> str:
    """What a cached response is looked up by, besides the namespace.

    The path and the raw query string; the scheme and host while absolute links are made
    from the request's host (no ``PUBLIC_BASE_URL``); the language when it is negotiated from
    ``Accept-Language`` (``?sprog=`` is in the query already).
    """
    parts = [environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")]
    if include_host:
        parts.append(environ.get("wsgi.url_scheme", "http"))
        parts.append(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
    if negotiate_language:
        parts.append(preferred_language(environ.get("HTTP_ACCEPT_LANGUAGE")))
    return "\x1f".join(parts)


class Namespace:
    """The current namespace of a store, recomputed only when the store file is replaced."""

    def __init__(self, store: Store, settings: tuple):
        self.store = store
        self.settings = settings
        self._seen: tuple[tuple[int, int, int], tuple[str, str]] | None = None

    def current(self) -> tuple[str, str]:
        """(namespace, data version); raises what the store raises when it is unreadable.

        Asked on every request: while the store file's signature (one ``stat``) is unchanged
        the last answer stands, since every write replaces the file; otherwise the metadata is
        read (and checked) again.
        """
        signature = self.store.signature()
        seen = self._seen
        if signature is not None and seen is not None and seen[0] == signature:
            return seen[1]
        meta = self.store.meta()
        answer = (namespace_for(meta, self.settings), meta.get("data_version", "0"))
        if signature is not None:
            self._seen = (signature, answer)  # one tuple, swapped whole: safe across threads
        return answer


class FastPath:
    """WSGI middleware: cache hits here, everything else to ``app``."""

    def __init__(
        self,
        app: WSGIApp,
        cache: ResponseCache,
        namespace: Namespace,
        *,
        include_host: bool,
        negotiate_language: bool,
        log: logging.Logger | None,
        on_namespace: Callable[[str, dict], None] | None = None,
    ):
        self.app = app
        self.cache = cache
        self.namespace = namespace
        self.include_host = include_host
        self.negotiate_language = negotiate_language
        self.log = log
        self.on_namespace = on_namespace
        self._seen: str | None = None
        self.hits = 0  # answered here (not thread-exact; for tests and curiosity)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if (method != "GET" and method != "HEAD") or "HTTP_IF_MATCH" in environ:
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            namespace, _version = self.namespace.current()
        except Exception:  # a missing or broken store: Flask answers with the error page
            return self.app(environ, start_response)
        if namespace != self._seen:
            self._seen = namespace
            if self.on_namespace is not None:
                self.on_namespace(namespace, environ)
        key = request_key(
            environ, include_host=self.include_host, negotiate_language=self.negotiate_language
        )
        found = self.cache.get(namespace, key)
        if found is None:
            return self.app(environ, start_response)
        entry, source = found
        self.hits += 1
        variant = entry.variant(accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")))
        if etag_matches(environ.get("HTTP_IF_NONE_MATCH"), variant.etag):
            status, headers, body = 304, variant.headers_304, b""
        else:
            status, headers = entry.status, variant.headers
            body = variant.body if method == "GET" else b""
        start_response(_STATUS.get(status) or str(status), headers)
        if self.log is not None and not environ.get("omraadekort.warm"):
            emit(
                self.log,
                line(
                    method,
                    environ.get("PATH_INFO", ""),
                    environ.get("QUERY_STRING", ""),
                    status,
                    len(body),
                    started,
                    source,
                ),
            )
        return [body]
