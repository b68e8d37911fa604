"""Settings: read from ``OMRAADEKORT_*`` environment variables, validated at start-up.

A bad setting stops :func:`service.create_app` with one clear :class:`SettingsError` naming the
variable, instead of every request failing later (a CR/LF in a header value, a threshold below
the privacy floor, an embed snippet pointing at whatever ``Host`` a client sent).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, url_for

from geo.relocation.disclosure import MINIMUM_THRESHOLD as MIN_THRESHOLD_FLOOR

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"

# CSP source expressions allowed in frame-ancestors (CSP Level 3): *, 'self', 'none',
# scheme-source (https:) and host-source ([scheme://]host[:port][/path]).
_KEYWORD = {"*", "'self'", "'none'"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:$")
_HOST = re.compile(
    r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?"  # scheme
    r"(?:\*|(?:\*\.)?[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)"  # host, *.host
    r"(?::(?:\*|[0-9]{1,5}))?"  # port
    r"(?:/[A-Za-z0-9._~!&'()*+,=:@%/-]*)?$"  # path (no ; or ,)
)


class SettingsError(ValueError):
    """A setting that cannot work; the message names the variable and what is expected."""


def _var(key: str) -> str:
    return f"OMRAADEKORT_{key}"


def check_frame_ancestors(value: object) -> str:
    """Validate a CSP ``frame-ancestors`` source list; return it normalised to one space."""
    if not isinstance(value, str):
        raise SettingsError(
            f'{_var("EMBED_FRAME_ANCESTORS")} must be text, e.g. "https://www.aarhus.dk"'
        )
    if any(ord(c) < 0x20 and c != " " or ord(c) == 0x7F for c in value) and value.strip():
        bad = next(c for c in value if ord(c) < 0x20 or ord(c) == 0x7F)
        raise SettingsError(
            f"{_var('EMBED_FRAME_ANCESTORS')} contains a control character "
            f"(U+{ord(bad):04X}); it goes into a response header: give sources separated by "
            'spaces, e.g. "https://www.aarhus.dk https://aarhus.dk"'
        )
    tokens = value.split()
    if not tokens:
        raise SettingsError(
            f"{_var('EMBED_FRAME_ANCESTORS')} is empty: give * , 'self', 'none' or the sites "
            "allowed to frame the embeds"
        )
    for token in tokens:
        if token in _KEYWORD or _SCHEME.match(token) or _HOST.match(token):
            continue
        raise SettingsError(
            f"{_var('EMBED_FRAME_ANCESTORS')}: {token!r} is not a CSP source (expected *, "
            "'self', 'none', a scheme such as https: or a site such as https://www.aarhus.dk)"
        )
    if "'none'" in tokens and len(tokens) > 1:
        raise SettingsError(f"{_var('EMBED_FRAME_ANCESTORS')}: 'none' must stand alone")
    return " ".join(tokens)


def check_public_base_url(value: object) -> str:
    """Validate the public address of the service; return it without a trailing slash."""
    name = _var("PUBLIC_BASE_URL")
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{name} must be the service's public address, e.g. https://kort.dk")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise SettingsError(f"{name} contains spaces or control characters: {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} {value!r} is not an http(s) address such as https://kort.dk")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(f"{name} {value!r} must have no query, fragment or user name")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise SettingsError(f"{name} {value!r} has an invalid port") from exc
    return value.rstrip("/")


def _check_int(config: dict, key: str, *, minimum: int, maximum: int, why: str) -> None:
    value = config[key]
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{_var(key)} must be a whole number ({why}), not {value!r}")
    if not minimum <= value <= maximum:
        raise SettingsError(
            f"{_var(key)} is {value}; it must be from {minimum} to {maximum} ({why})"
        )
    config[key] = value


def _check_bool(config: dict, key: str) -> None:
    value = config[key]
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "false", "0", "no"):
        value = value.strip().lower() in ("true", "1", "yes")
    if not isinstance(value, bool):
        raise SettingsError(f"{_var(key)} must be true or false, not {value!r}")
    config[key] = value


def _check_threshold(config: dict) -> None:
    _check_int(
        config,
        "MIN_PUBLISHED_COUNT",
        minimum=MIN_THRESHOLD_FLOOR,
        maximum=1000,
        why=f"the smallest count published; never below {MIN_THRESHOLD_FLOOR}",
    )


def min_published_count() -> int:
    """``MIN_PUBLISHED_COUNT`` for the commands, which run without an app: read and validated
    exactly as :func:`service.create_app` reads it (``OMRAADEKORT_MIN_PUBLISHED_COUNT``, else
    5), so an import protects its counts for the threshold the service publishes with."""
    import os

    config = {"MIN_PUBLISHED_COUNT": os.environ.get(_var("MIN_PUBLISHED_COUNT"), 5)}
    _check_threshold(config)
    return config["MIN_PUBLISHED_COUNT"]


def validate(config: dict) -> None:
    """Check and normalise the settings in place; raise :class:`SettingsError` on the first
    that cannot work."""
    store = config.get("STORE_PATH")
    if not isinstance(store, str) or not store.strip() or "\x00" in store:
        raise SettingsError(f"{_var('STORE')} must be the path of the store, not {store!r}")
    _check_threshold(config)
    config["EMBED_FRAME_ANCESTORS"] = check_frame_ancestors(config.get("EMBED_FRAME_ANCESTORS"))
    config["PUBLIC_BASE_URL"] = check_public_base_url(config.get("PUBLIC_BASE_URL"))
    _check_bool(config, "ACCESS_LOG")


def public_url(endpoint: str, **values: object) -> str:
    """An absolute URL of this service built from ``PUBLIC_BASE_URL``, never from the request's
    ``Host`` header (which a client chooses, and which cached responses would repeat)."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def public_base() -> str:
    """``PUBLIC_BASE_URL``, without a trailing slash."""
    return current_app.config["PUBLIC_BASE_URL"]
