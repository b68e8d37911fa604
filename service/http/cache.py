"""The response cache: whole successful GET responses per (request key, namespace).

An entry is the uncompressed body, its gzip bytes (for text types), the headers the Flask
path produced, and the ETag. The **namespace** names everything a response was built from
besides the URL: the store's data version and write time, the settings that change output,
and a fingerprint of the code and templates. An import, a changed setting or a new release
therefore never serves an old entry.

Entries live in each process's memory (an LRU) and on disk, one directory per namespace
(``RESPONSE_CACHE_DIR``, default ``cache/`` beside the store): a page rendered by one worker —
or by the warm-up — is read by every other worker instead of being built again. While one
process builds a URL it holds a lock on that URL's file, so when an entry is missing (an
import, an expiry at a proxy) at most one request per URL renders it; the others wait and
read the file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import gzip
import hashlib
import importlib.metadata
import json
import os
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.cache import LRU

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/schema+json",
        "application/vnd.oai.openapi+json",
        "image/svg+xml",
        "text/csv",
    }
)
MIN_COMPRESS_BYTES = 512
# Headers the cache sets itself per representation; the rest are kept as the view made them.
OWN_HEADERS = frozenset({"content-length", "content-encoding", "etag", "vary", "date"})
# What werkzeug drops from a 304 (werkzeug.http.remove_entity_headers), so both paths agree.
ENTITY_HEADERS = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    }
)
_MAGIC = b"OMRK1\n"


def gzip_bytes(body: bytes) -> bytes:
    """Deterministic gzip (no timestamp), so every worker makes the same bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def mimetype_of(headers: tuple[tuple[str, str], ...]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return ""


def add_vary(existing: str | None, name: str) -> str:
    values = [v.strip() for v in (existing or "").split(",") if v.strip()]
    if name.lower() not in {v.lower() for v in values}:
        values.append(name)
    return ", ".join(values)


@dataclass(frozen=True)
class Variant:
    """One representation (identity or gzip) ready to send."""

    etag: str
    body: bytes
    headers: list[tuple[str, str]]
    headers_304: list[tuple[str, str]]


@dataclass(frozen=True)
class Entry:
    """A cached 200 response: ``headers`` as the view made them, minus :data:`OWN_HEADERS`."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str  # quoted, strong
    vary: str | None  # the view's own Vary, if any
    gz: bytes | None = None
    status: int = 200
    plain: Variant = field(init=False, repr=False, compare=False)
    packed: Variant | None = field(init=False, repr=False, compare=False)

    @classmethod
    def build(
        cls, headers: tuple[tuple[str, str], ...], body: bytes, etag: str, vary: str | None
    ) -> Entry:
        headers = tuple((k, v) for k, v in headers if k.lower() not in OWN_HEADERS)
        compressible = mimetype_of(headers) in COMPRESSIBLE and len(body) >= MIN_COMPRESS_BYTES
        return cls(headers, body, etag, vary, gzip_bytes(body) if compressible else None)

    def __post_init__(self) -> None:
        base = list(self.headers)
        vary = add_vary(self.vary, "Accept-Encoding") if self.gz is not None else self.vary
        extra = [("Vary", vary)] if vary else []
        plain = self._variant(base, extra, self.etag, self.body, None)
        object.__setattr__(self, "plain", plain)
        packed = None
        if self.gz is not None:
            gz_etag = self.etag[:-1] + '-gz"'
            packed = self._variant(base, extra, gz_etag, self.gz, "gzip")
        object.__setattr__(self, "packed", packed)

    @staticmethod
    def _variant(base, extra, etag, body, encoding) -> Variant:
        headers = [*base, ("ETag", etag), *extra]
        if encoding:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        not_modified = [(k, v) for k, v in headers if k.lower() not in ENTITY_HEADERS]
        return Variant(etag, body, headers, not_modified)

    def variant(self, gzip_ok: bool) -> Variant:
        return self.packed if gzip_ok and self.packed is not None else self.plain

    # -- on disk ---------------------------------------------------------------------------

    def dumps(self, key: str) -> bytes:
        head = json.dumps(
            {
                "key": key,
                "status": self.status,
                "headers": self.headers,
                "etag": self.etag,
                "vary": self.vary,
                "body": len(self.body),
                "gz": -1 if self.gz is None else len(self.gz),
            }
        ).encode()
        return b"".join([_MAGIC, struct.pack("<I", len(head)), head, self.body, self.gz or b""])

    @classmethod
    def loads(cls, data: bytes, key: str) -> Entry | None:
        """The entry in ``data`` if it is whole and was stored for ``key``, else None."""
        if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 4:
            return None
        start = len(_MAGIC) + 4
        (length,) = struct.unpack("<I", data[len(_MAGIC) : start])
        try:
            head = json.loads(data[start : start + length])
        except ValueError:
            return None
        if head.get("key") != key:
            return None
        offset = start + length
        body = data[offset : offset + head["body"]]
        offset += head["body"]
        gz = None if head["gz"] < 0 else data[offset : offset + head["gz"]]
        if len(body) != head["body"] or (gz is not None and len(gz) != head["gz"]):
            return None
        return cls(
            tuple((k, v) for k, v in head["headers"]),
            body,
            head["etag"],
            head["vary"],
            gz,
            head["status"],
        )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:40]


class DiskCache:
    """Entries as files under ``root/<namespace>/``; writes are atomic (temp file + rename).

    At most ``max_entries`` files per namespace are written (URLs with arbitrary query strings
    could otherwise fill the disk); past that, entries are kept in memory only.
    """

    def __init__(self, root: str | os.PathLike[str], max_entries: int = 5000):
        self.root = Path(root)
        self.max_entries = max_entries
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def directory(self, namespace: str) -> Path:
        return self.root / namespace

    def load(self, namespace: str, key: str) -> Entry | None:
        try:
            data = (self.root / namespace / _digest(key)).read_bytes()
        except OSError:
            return None
        return Entry.loads(data, key)

    def save(self, namespace: str, key: str, entry: Entry) -> bool:
        directory = self.root / namespace
        with self._lock:
            count = self._counts.get(namespace)
            if count is None:
                directory.mkdir(parents=True, exist_ok=True)
                count = sum(1 for p in directory.iterdir() if len(p.name) == 40)
            if count >= self.max_entries:
                self._counts[namespace] = count
                return False
            self._counts[namespace] = count + 1
        target = directory / _digest(key)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(entry.dumps(key))
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return False
        return True

    @contextlib.contextmanager
    def building(self, namespace: str, key: str, timeout: float = 30.0) -> Iterator[bool]:
        """Hold the build lock of one URL (across processes); yields False if it could not
        be had within ``timeout`` seconds (the caller then builds without it)."""
        directory = self.root / namespace
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / (_digest(key) + ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        yield False
                        return
                    time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def prune(self, keep: str, older_than: float = 60.0) -> list[str]:
        """Remove other namespaces' directories not touched for ``older_than`` seconds."""
        removed = []
        if not self.root.is_dir():
            return removed
        now = time.time()
        for child in self.root.iterdir():
            if child.name == keep or not child.is_dir():
                continue
            if now - child.stat().st_mtime > older_than:
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
        return removed


class ResponseCache:
    """Memory (per process, LRU) in front of :class:`DiskCache` (shared by every process)."""

    def __init__(self, memory_entries: int, disk: DiskCache | None):
        self.memory: LRU[Entry] = LRU(memory_entries)
        self.disk = disk

    def get(self, namespace: str, key: str) -> tuple[Entry, str] | None:
        """The entry and where it came from (``"memory"`` or ``"disk"``), or None."""
        entry = self.memory.get((namespace, key))
        if entry is not None:
            return entry, "memory"
        if self.disk is None:
            return None
        entry = self.disk.load(namespace, key)
        if entry is None:
            return None
        self.memory.put((namespace, key), entry)
        return entry, "disk"

    def put(self, namespace: str, key: str, entry: Entry) -> None:
        self.memory.put((namespace, key), entry)
        if self.disk is not None:
            self.disk.save(namespace, key, entry)


# -- namespace -------------------------------------------------------------------------------

_PACKAGES = ("service", "geo", "indicators", "boundaries", "data")
# everything that shapes a page: code, templates, static files, the translation catalogues
# and the data files read at request time
_SUFFIXES = (".py", ".html", ".css", ".js", ".svg", ".json", ".po", ".mo", ".csv", ".txt")
_LIBRARIES = ("flask", "werkzeug", "jinja2", "folium", "branca", "xstatic-leaflet", "pandas")


@functools.cache
def code_fingerprint() -> str:
    """A hash of this release: the packages' sources, templates, static files, translation
    catalogues and data files, and the versions of the libraries that shape the output.
    Computed once per process."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in _SUFFIXES:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()[:16]


def namespace_for(meta: dict[str, str], settings: tuple) -> str:
    """The namespace of a store version: ``v<data version>-<hash>``; the hash covers the
    store's write time and build time, the output-changing ``settings`` and the code."""
    digest = hashlib.sha256(
        repr(
            (
                meta.get("data_version"),
                meta.get("written_at"),
                meta.get("built_at"),
                settings,
                code_fingerprint(),
            )
        ).encode()
    ).hexdigest()[:16]
    return f"v{meta.get('data_version', '0')}-{digest}"
