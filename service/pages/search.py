"""Search: find an area or a municipality by name, from every page, without JavaScript."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from geo.areas import search_places
from service.errors import BadParameter
from service.store_access import get_store

bp = Blueprint("search", __name__)

MAX_QUERY = 100


@bp.route("/soeg")
def search_page():
    query = (request.args.get("q") or "").strip()
    if len(query) > MAX_QUERY:
        raise BadParameter(f"`q` is longer than {MAX_QUERY} characters")
    hits = search_places(get_store(), query) if query else []
    return render_template("search/search.html", query=query, hits=hits)
