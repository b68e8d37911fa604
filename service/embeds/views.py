"""Embeds for municipal websites, the page that makes their snippet, and oEmbed.

An embed is a minimal page made for an ``<iframe>``: the map fills it, the controls work with
the keyboard, a link shows the same content as a table, and nothing is loaded from any host
but this service. Options: ``aar`` (list year), ``sprog`` (da or en), ``visning`` (kort or
tabel).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape

from geo.areas import (
    all_areas,
    areas_for_year,
    get_area,
    get_municipality,
    list_years,
    municipality_names,
    municipality_status,
)
from service.api.openapi import error_responses, json_ok
from service.errors import BadParameter, NotFoundError
from service.maps.base import CATEGORY_COLOURS, MapOptions, boundary_label, script_response
from service.maps.built import area_built, municipality_built, national_built
from service.params import LATEST, lang_arg, municipality_arg, view_arg, year_arg
from service.settings import public_base, public_url
from service.store_access import get_store
from service.text import category_label, text

bp = Blueprint("embeds", __name__)

PATHS = {
    "embeds.oembed": {
        "get": {
            "summary": "oEmbed 1.0 for a page or embed URL of the service",
            "parameters": [
                {"name": "url", "in": "query", "required": True, "schema": {"type": "string"}},
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "xml"]},
                },
                {
                    "name": "maxwidth",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                },
                {
                    "name": "maxheight",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                },
            ],
            "responses": {"200": json_ok("OEmbed"), **error_responses(400, 404, 501)},
        }
    },
}


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths (collected by :mod:`service.api.openapi`)."""
    return PATHS, {}


DEFAULT_HEIGHT = 500


def _options_query(**extra) -> dict:
    """The embed's own options, to carry into its links (table/map switch)."""
    query = {k: request.args[k] for k in ("aar", "year", "sprog", "lang") if k in request.args}
    query.update({k: v for k, v in extra.items() if v is not None})
    return query


def _render_embed(
    *,
    kind: str,
    title: str,
    built,
    script_url: str | None,
    rows: list[dict],
    full_url: str,
    lang: str,
    view: str,
    year: int | None,
    self_endpoint: str,
    endpoint_args: dict,
):
    present = sorted(
        {r["category"] for r in rows if r.get("category")},
        key=lambda c: list(CATEGORY_COLOURS).index(c),
    )
    # A map with nothing to draw is not shown: the embed says why and shows the table.
    drawable = any(r["located"] for r in rows)
    listed = sum(1 for r in rows if r["category"])
    if year is not None and kind != "omraade":
        caption = text(
            lang, "caption_listed_one" if listed == 1 else "caption_listed", n=listed, year=year
        )
        if len(rows) > listed:
            others = len(rows) - listed
            caption += text(
                lang, "caption_others_one" if others == 1 else "caption_others", n=others, year=year
            )
    else:
        caption = text(lang, "caption", n=len(rows))
    return render_template(
        "embeds/embed.html",
        kind=kind,
        title=title,
        built=built if view == "kort" and drawable else None,
        script_url=script_url if view == "kort" and drawable else None,
        drawable=drawable,
        caption=caption,
        rows=rows,
        full_url=full_url,
        lang=lang,
        t=lambda key, **kw: text(lang, key, **kw),
        category_label=lambda c: category_label(c, lang, year),
        legend=present,
        official_shown=any(r.get("official") for r in rows),
        view=view,
        year=year,
        table_url=url_for(self_endpoint, **endpoint_args, **_options_query(visning="tabel")),
        map_url=url_for(self_endpoint, **endpoint_args, **_options_query()),
    )


def _row(area: dict, category: str | None, lang: str) -> dict:
    located = area["boundary_source"] != "none"
    return {
        "area_id": area["area_id"],
        "name": area["name"],
        "municipality": area["municipality_name"],
        "category": category,
        "located": located,
        "official": area["boundary_source"] == "official",
        "location": boundary_label(area, lang)
        or (text(lang, "no_location") if not located else area["boundary_note"]),
    }


@bp.route("/embed/national")
def national():
    store = get_store()
    year = year_arg(list_years(store))
    lang, view = lang_arg(), view_arg()
    areas = areas_for_year(store, year).drop(columns="geometry").to_dict("records")
    opts = MapOptions(embed=True, lang=lang)
    return _render_embed(
        kind="national",
        title=text(lang, "national_title", year=year),
        built=national_built(year, opts) if view == "kort" else None,
        script_url=url_for("embeds.national_script", aar=year, sprog=lang, v=store.data_version),
        rows=[_row(a, a["most_severe_category"], lang) for a in areas],
        full_url=public_url("pages.national_page", aar=year),
        lang=lang,
        view=view,
        year=year,
        self_endpoint="embeds.national",
        endpoint_args={},
    )


@bp.route("/embed/national/kort.js")
def national_script():
    store = get_store()
    year = year_arg(list_years(store))
    areas_for_year(store, year)
    return script_response(national_built(year, MapOptions(embed=True, lang=lang_arg())).script)


@bp.route("/embed/kommune/<code>")
def municipality(code: str):
    store = get_store()
    code = municipality_arg(code)
    info = get_municipality(store, code)
    year = year_arg(list_years(store))
    lang, view = lang_arg(), view_arg()
    areas_for_year(store, year)
    status = municipality_status(store, code).set_index("area_id")
    areas = all_areas(store)
    areas = areas[areas["municipality_code"] == code].drop(columns="geometry").to_dict("records")
    opts = MapOptions(embed=True, lang=lang)
    return _render_embed(
        kind="kommune",
        title=text(lang, "municipality_title", name=info["name"], year=year),
        built=municipality_built(code, year, opts) if view == "kort" else None,
        script_url=url_for(
            "embeds.municipality_script", code=code, aar=year, sprog=lang, v=store.data_version
        ),
        rows=[_row(a, status.loc[a["area_id"], year], lang) for a in areas],
        full_url=public_url("pages.municipality_page", code=code, aar=year),
        lang=lang,
        view=view,
        year=year,
        self_endpoint="embeds.municipality",
        endpoint_args={"code": code},
    )


@bp.route("/embed/kommune/<code>/kort.js")
def municipality_script(code: str):
    store = get_store()
    code = municipality_arg(code)
    get_municipality(store, code)
    year = year_arg(list_years(store))
    areas_for_year(store, year)
    return script_response(
        municipality_built(code, year, MapOptions(embed=True, lang=lang_arg())).script
    )


@bp.route("/embed/omraade/<slug>")
def area(slug: str):
    store = get_store()
    lang, view = lang_arg(), view_arg()
    info, _history, built = area_built(slug, MapOptions(embed=True, lang=lang))
    latest = info.get("most_severe_category")
    row = _row(info, latest, lang)
    return _render_embed(
        kind="omraade",
        title=text(lang, "area_title", name=info["name"], municipality=info["municipality_name"]),
        built=built if view == "kort" else None,
        script_url=built
        and url_for("embeds.area_script", slug=slug, sprog=lang, v=store.data_version),
        rows=[row],
        full_url=public_url("pages.area_page", slug=slug),
        lang=lang,
        view=view,
        year=None,
        self_endpoint="embeds.area",
        endpoint_args={"slug": slug},
    )


@bp.route("/embed/omraade/<slug>/kort.js")
def area_script(slug: str):
    _info, _history, built = area_built(slug, MapOptions(embed=True, lang=lang_arg()))
    if built is None:
        raise NotFoundError(f"area {slug!r} has no location to draw")
    return script_response(built.script)


def _embed_target() -> tuple[str, dict]:
    """Which embed the picker form asks for: (endpoint, args)."""
    store = get_store()
    if request.args.get("omraade"):
        slug = request.args["omraade"]
        get_area(store, slug)
        return "embeds.area", {"slug": slug}
    if request.args.get("kommune"):
        code = municipality_arg(request.args["kommune"])
        get_municipality(store, code)
        return "embeds.municipality", {"code": code}
    return "embeds.national", {}


def _height_arg() -> int:
    raw = request.args.get("hoejde", str(DEFAULT_HEIGHT))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4 or not 200 <= int(raw) <= 2000:
        raise BadParameter(
            f"`hoejde` was {raw!r} but is expected to be a whole number of pixels from 200 to 2000"
        )
    return int(raw)


def iframe_snippet(src: str, title: str, height: int, width: str = "100%") -> str:
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{escape(width)}" '
        f'height="{height}" style="border:0" loading="lazy"></iframe>'
    )


@bp.route("/embed")
def picker():
    store = get_store()
    years = list_years(store)
    year = year_arg(years)
    lang = lang_arg()
    height = _height_arg()
    endpoint, args = _embed_target()
    # New snippets follow the latest list unless a year is chosen explicitly.
    pinned = request.args.get("aar", "") not in ("", *LATEST)
    # "seneste" and "latest" are the same; an English snippet says it in English
    query = {"aar": year if pinned else ("seneste" if lang == "da" else "latest")}
    if lang != "da":
        query["sprog"] = lang
    src = public_url(endpoint, **args, **query)
    preview = url_for(endpoint, **args, **query)
    if endpoint == "embeds.area":
        info = get_area(store, args["slug"])
        title = text(lang, "area_title", name=info["name"], municipality=info["municipality_name"])
    elif endpoint == "embeds.municipality":
        name = get_municipality(store, args["code"])["name"]
        title = text(lang, "municipality_title", name=name, year=year)
    else:
        title = text(lang, "national_title", year=year)
    every_area = all_areas(store)
    areas = every_area[["area_id", "name", "municipality_name"]].to_dict("records")
    names = municipality_names(store)
    with_areas = sorted(set(every_area["municipality_code"]), key=lambda c: names.get(c, c))
    return render_template(
        "embeds/embed_picker.html",
        years=years,
        year=year,
        lang=lang,
        height=height,
        selected_area=request.args.get("omraade", ""),
        selected_municipality=args.get("code", ""),
        areas=areas,
        municipalities=[{"code": c, "name": names.get(c, c)} for c in with_areas],
        snippet=iframe_snippet(src, title, height),
        preview=preview,
        oembed=public_url("embeds.oembed", url=src),
        languages={"da": _("dansk"), "en": _("engelsk")},
        pinned=pinned,
    )


# -- oEmbed (https://oembed.com) ----------------------------------------------------------------


_DEFAULT_PORT = {"http": 80, "https": 443}


def _resolve(url: str) -> tuple[str, dict, dict]:
    """Map a page or embed URL of this service to (embed endpoint, args, query)."""
    not_ours = NotFoundError(f"{url[:200]!r} is not a page of this service ({public_base()}/…)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise not_ours from None
    own = urlsplit(public_base())
    base_path = own.path.rstrip("/")
    if (
        parts.scheme not in ("http", "https")
        or (parts.hostname or "").lower() != (own.hostname or "").lower()
        or (port or _DEFAULT_PORT[parts.scheme]) != (own.port or _DEFAULT_PORT[own.scheme])
        or parts.username
        or parts.password
        or not parts.path.startswith(base_path + "/")
    ):
        raise not_ours
    parts = parts._replace(path=parts.path[len(base_path) :])
    query = {k: v[-1] for k, v in parse_qs(parts.query).items() if k in ("aar", "sprog")}
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0] == "embed":
        segments = segments[1:]
    match segments:
        case [] | ["kort"] | ["national"]:
            return "embeds.national", {}, query
        case ["kommune" | "kommuner", code]:
            return "embeds.municipality", {"code": municipality_arg(code)}, query
        case ["omraade" | "omraader", slug]:
            return "embeds.area", {"slug": slug}, query
    raise NotFoundError(f"{url[:200]!r} is not a page of this service that can be embedded")


def _dimension(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 5 or int(raw) < 100:
        raise BadParameter(f"`{name}` was {raw!r} but is expected to be a whole number ≥ 100")
    return int(raw)


@bp.route("/oembed")
def oembed():
    url = request.args.get("url")
    if not url:
        raise BadParameter("`url` is required: the page or embed URL to embed")
    fmt = request.args.get("format", "json")
    if fmt != "json":
        raise NotImplementedFormat(f"`format` was {fmt!r}; only 'json' is implemented")
    endpoint, args, query = _resolve(url)
    store = get_store()
    years = list_years(store)
    lang = query.get("sprog", "da")
    if lang not in ("da", "en"):
        raise BadParameter(f"`sprog` in the url was {lang!r} but is expected to be da or en")
    raw_year = query.get("aar", "")
    if raw_year in LATEST:  # the embed follows the latest list
        raw_year = ""
    if raw_year and not (raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4):
        raise BadParameter(f"`aar` in the url was {raw_year!r} but is expected to be a year")
    year = int(raw_year) if raw_year else years[-1]
    if year not in years:
        raise NotFoundError(f"no list for {year}")
    if endpoint == "embeds.area":
        info = get_area(store, args["slug"])
        title = text(lang, "area_title", name=info["name"], municipality=info["municipality_name"])
    elif endpoint == "embeds.municipality":
        info = get_municipality(store, args["code"])
        title = text(lang, "municipality_title", name=info["name"], year=year)
    else:
        title = text(lang, "national_title", year=year)
    width = _dimension("maxwidth") or 800
    height = min(_dimension("maxheight") or DEFAULT_HEIGHT, DEFAULT_HEIGHT)
    # a page or embed without a fixed year gives an embed that follows the latest list
    src_query = {"aar": year if raw_year else "seneste"} | ({"sprog": lang} if lang != "da" else {})
    src = public_url(endpoint, **args) + "?" + urlencode(src_query)
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Områdekort",
        "provider_url": public_url("pages.national_page"),
        "title": title,
        "html": iframe_snippet(src, title, height, width=str(width)),
        "width": width,
        "height": height,
        "cache_age": 3600,
    }


class NotImplementedFormat(BadParameter):
    status = 501
    code = "not_implemented"
