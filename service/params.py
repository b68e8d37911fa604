"""Query and path parameters: parsed once, refused with a message naming the allowed values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from werkzeug.datastructures import ImmutableMultiDict

from geo.naming import municipality_code
from geo.relocation.analyses import LEVELS
from geo.tabular import ascii_digits, parse_number
from indicators.catalogue import CATALOGUE
from indicators.rules import get_rule, override_keys, rule_for_year
from service.errors import BadParameter, NotFoundError
from service.text import LANGUAGES

if TYPE_CHECKING:
    from geo.relocation.analyses import FlowData

REAL, SYNTHETIC = "real", "synthetic"

REASON_WORDS = {
    "planned": "planned",
    "planlagt": "planned",
    "other": "other",
    "andet": "other",
    "unknown": "unknown",
    "ukendt": "unknown",
    "all": None,
    "alle": None,
    "": None,
}


# ``aar=seneste``: always the latest list (embeds that do not go stale after 1 December).
LATEST = ("seneste", "latest")


def parse_year(raw: str | None, years: list[int], param: str = "aar") -> int:
    """The list year asked for, or the latest; 400 for a value that is not a year."""
    if raw is None or raw == "" or raw in LATEST:
        return years[-1]
    if not ascii_digits(raw) or len(raw) != 4:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as {years[-1]}"
        )
    return int(raw)


def choice(param: str, allowed, default: str) -> str:
    """A query argument that must be one of ``allowed`` (blank gives ``default``)."""
    raw = request.args.get(param, "") or default
    if raw not in allowed:
        raise BadParameter(f"`{param}` was {raw!r} but is expected to be one of {list(allowed)}")
    return raw


def optional_choice(param: str, allowed) -> str | None:
    """A query argument that, when given, must be one of ``allowed``; None when blank."""
    raw = request.args.get(param, "")
    if raw == "":
        return None
    if raw not in allowed:
        raise BadParameter(f"`{param}` was {raw!r} but is expected to be one of {list(allowed)}")
    return raw


def optional_year(param: str) -> int | None:
    """A four-digit year, when given; None when blank."""
    raw = request.args.get(param, "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise BadParameter(f"`{param}` was {raw!r} but is expected to be a year such as 2022")
    return int(raw)


def optional_area(param: str, known_ids) -> str | None:
    """An area id, when given; 404 for an id the store does not know."""
    raw = request.args.get(param, "")
    if raw == "":
        return None
    if raw not in known_ids:
        raise NotFoundError(f"no area with id {raw!r}")
    return raw


def year_arg(years: list[int]) -> int:
    """``aar`` (Danish) or ``year``."""
    if "aar" in request.args:
        return parse_year(request.args.get("aar"), years, "aar")
    return parse_year(request.args.get("year"), years, "year")


def lang_arg() -> str:
    """``sprog`` or ``lang``: da (default) or en."""
    name = "sprog" if "sprog" in request.args else "lang"
    raw = request.args.get(name, "da") or "da"
    if raw not in LANGUAGES:
        raise BadParameter(f"`{name}` was {raw!r} but is expected to be one of {list(LANGUAGES)}")
    return raw


def view_arg() -> str:
    """``visning``: kort (map, default) or tabel (the same content as a table)."""
    return choice("visning", ("kort", "tabel"), "kort")


def municipality_arg(raw: str) -> str:
    """A municipality code in the path, 3 or 4 digits (``751`` or ``0751``)."""
    try:
        return municipality_code(raw)
    except ValueError:
        raise NotFoundError(f"no municipality with code {raw!r}") from None


# -- relocation flows ------------------------------------------------------------------------------


def parse_flow_year(raw: str | None, flows: FlowData, param: str = "year") -> int | None:
    """None (all years) for blank or ``alle``/``all``; 400 for a non-year; 404 outside the data."""
    if raw is None or raw in ("", "alle", "all"):
        return None
    if not ascii_digits(raw) or len(raw) != 4:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as {flows.years[-1]} "
            "(or empty for all years)"
        )
    year = int(raw)
    if year not in flows.years:
        raise NotFoundError(
            f"no moves in {year}: the data cover " + ", ".join(str(y) for y in flows.years)
        )
    return year


def parse_reason(raw: str | None, param: str = "reason") -> str | None:
    key = (raw or "").strip().lower()
    if key not in REASON_WORDS:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be one of "
            "['planned', 'other', 'unknown', 'all'] (or planlagt, andet, ukendt, alle)"
        )
    return REASON_WORDS[key]


def parse_level(raw: str | None) -> str:
    if raw is None or raw == "":
        return "area-area"
    if raw not in LEVELS:
        raise BadParameter(f"`level` was {raw!r} but is expected to be one of {list(LEVELS)}")
    return raw


# -- indicators ------------------------------------------------------------------------------------


def parse_code(raw: str | None, *, param: str, default: str | None = None) -> str:
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(f"`{param}` is required: one of " + ", ".join(CATALOGUE))
        return default
    if raw not in CATALOGUE:
        raise NotFoundError(f"no indicator with code {raw!r}; known codes: " + ", ".join(CATALOGUE))
    return raw


def parse_dataset(raw: str | None, *, param: str = "dataset") -> bool:
    """True for the synthetic example data; the default is the real values."""
    if raw in (None, "", REAL, "rigtige"):
        return False
    if raw in (SYNTHETIC, "syntetisk"):
        return True
    raise BadParameter(f"`{param}` was {raw!r} but is expected to be one of 'real', 'synthetic'")


def parse_indicator_year(raw: str | None, *, param: str) -> int | None | str:
    """A four-digit year, ``undated`` (``uden``) for values without a year, or ``""``."""
    if raw is None or raw == "":
        return ""
    if raw in ("undated", "uden"):
        return None
    if not (ascii_digits(raw) and len(raw) == 4):
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as 2022 or 'undated'"
        )
    return int(raw)


def parse_rule(raw: str | None, year: int, *, param: str):
    if raw is None or raw == "":
        try:
            return rule_for_year(year)
        except KeyError as exc:
            raise NotFoundError(str(exc.args[0])) from None
    try:
        return get_rule(raw)
    except KeyError as exc:
        raise NotFoundError(str(exc.args[0])) from None


def parse_overrides(args, rule, *, reserved: set[str], skip_defaults: bool = False) -> dict:
    """Threshold overrides from query arguments; 400 naming the allowed keys."""
    allowed = override_keys(rule)
    defaults = rule_defaults(rule)
    out: dict[str, float] = {}
    for key in args:
        if key in reserved or key in ALWAYS_ALLOWED:  # the page language is no override
            continue
        raw = args.get(key, "")
        if key not in allowed:
            raise BadParameter(
                f"`{key}` is not a parameter of rule {rule.name}; expected one of "
                + ", ".join(sorted(reserved) + list(allowed))
            )
        if raw == "":
            continue
        try:
            value = parse_number(raw)
        except ValueError:
            value = None
        if value is None:
            raise BadParameter(f"`{key}` was {raw!r} but is expected to be a number")
        if skip_defaults and value == defaults.get(key):
            continue
        out[key] = value
    return out


def rule_defaults(rule) -> dict[str, float]:
    """The value of every override key in the unmodified rule."""
    values = {c.key: c.threshold for c in rule.criteria()}
    values["min_residents"] = float(rule.min_residents)
    values["min_met"] = float(rule.base.min_met)
    if rule.omdannelse_years is not None:
        values["omdannelse_years"] = float(rule.omdannelse_years)
    if rule.forebyggelse is not None:
        values["forebyggelse_min_met"] = float(rule.forebyggelse.min_met)
    return values


# -- unknown query parameters ----------------------------------------------------------------
#
# Every route reads its parameters through ``request.args``; a parameter the route never
# looked at is one it ignores, and ignoring it silently misleads (``?municipality=0751``
# returning every municipality). So the arguments are wrapped in a mapping that remembers
# which names were read, and after the view ran a request that supplied a name the route did
# not read is refused with 400 — the same JSON error shape on /api, the Danish error page
# elsewhere. This holds for every route without a list per route to keep in step.

# Read by the site frame (language switch) on every page, or never meaningful to refuse.
ALWAYS_ALLOWED = frozenset({"sprog", "lang", "v"})
# Routes whose parameters are not ours to judge (static files are immutable by URL).
UNCHECKED_ENDPOINTS = frozenset({"static"})


class TrackedArgs(ImmutableMultiDict):
    """Query arguments that remember which names the view read."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self.read.add(key)
        return super().get(key, default=default, type=type)

    def getlist(self, key, type=None):  # noqa: A002
        self.read.add(key)
        return super().getlist(key, type=type)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def _all_read(self):
        self.read.update(super().keys())

    def items(self, multi=False):
        self._all_read()
        return super().items(multi=multi)

    def to_dict(self, flat=True):
        self._all_read()
        return super().to_dict(flat=flat)

    def unread(self) -> list[str]:
        """Names supplied in the query string that the view never read."""
        # a blank parameter (an empty form field) is the same as none
        given = {k for k, v in super().items(multi=True) if v != ""}
        return sorted(given - self.read - ALWAYS_ALLOWED)


def init_app(app) -> None:
    """Wrap ``request.args`` for every request and refuse unread parameters afterwards."""

    @app.before_request
    def _track_args():
        request.args = TrackedArgs(request.args)  # type: ignore[misc]

    @app.after_request
    def _refuse_unread(response):
        args = request.args
        if (
            not isinstance(args, TrackedArgs)
            or response.status_code >= 400
            or request.endpoint in UNCHECKED_ENDPOINTS
        ):
            return response
        unread = args.unread()
        if not unread:
            return response
        from service.errors import error_response

        names = ", ".join(f"`{n}`" for n in unread)
        return error_response(
            BadParameter(
                f"unknown parameter {names}: this address does not use it "
                "(see the API documentation at /api/ for the parameters of each route)"
            )
        )
