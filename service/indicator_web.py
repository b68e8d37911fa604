"""Wiring of the indicator pages and API into the app, and their shared parameter parsing.

``init_app`` registers the two blueprints and the template global ``indicator_panel_for``
that the area page's ``_indicator_panel.html`` calls, so the area view itself needs no change.
"""

from __future__ import annotations

from flask import Flask, request

from geo.tabular import parse_number
from indicators.catalogue import CATALOGUE
from indicators.rules import get_rule, override_keys, rule_for_year
from service.errors import BadParameter, NotFoundError
from service.store_access import get_store

REAL, SYNTHETIC = "real", "synthetic"


def init_app(app: Flask) -> None:
    from service import indicator_api, indicator_pages

    app.register_blueprint(indicator_pages.bp)
    app.register_blueprint(indicator_api.bp)
    app.jinja_env.globals["indicator_panel_for"] = indicator_panel_for
    app.jinja_env.globals["indicator_choices"] = indicator_choices


def indicator_choices() -> list[tuple[str, str]]:
    """(code, short Danish label) of every catalogue indicator, for selection lists."""
    return [(code, ind.short_da) for code, ind in CATALOGUE.items()]


def indicator_panel_for(area_id: str) -> dict:
    """Template global: the indicator panel data of an area (reads ``indikatoraar`` and
    ``data`` from the query string)."""
    from service.indicator_panel import area_panel

    synthetic = request.args.get("data") == "syntetisk"
    return area_panel(
        get_store(),
        area_id,
        year_arg=request.args.get("indikatoraar"),
        synthetic=synthetic,
    )


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
    if not (raw.isdigit() and len(raw) == 4):
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
        if key in reserved:
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
