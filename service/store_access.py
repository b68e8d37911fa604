"""The one accessor for the store inside the web service."""

from __future__ import annotations

from flask import Flask, current_app

from geo.errors import StoreError
from geo.relocation.analyses import FlowData, load_flows
from geo.relocation.disclosure import check_threshold
from geo.store import Store
from service.errors import NotFoundError

NO_MOVES = (
    "the store has no moves: import them with `omraadekort import-moves FILE` "
    "(or synthetic example data with `omraadekort demo-moves`)"
)


def init_app(app: Flask) -> None:
    app.extensions["omraadekort.store"] = Store(app.config["STORE_PATH"])


def get_store() -> Store:
    """The app's store, checked: a store that is missing, unreadable or broken
    (:meth:`geo.store.Store.check`, kept per file version) raises StoreError, which every
    route answers with 503 — never a page half built from a broken store, never a 500."""
    store: Store = current_app.extensions["omraadekort.store"]
    problems = store.check()
    if problems:
        raise StoreError("; ".join(problems))
    return store


def threshold() -> int:
    """The smallest count published (``MIN_PUBLISHED_COUNT``, never below the floor)."""
    return check_threshold(current_app.config["MIN_PUBLISHED_COUNT"])


def get_flows(required: bool = True) -> FlowData | None:
    """The store's protected relocation flows; 404 when required and the store has no moves."""
    flows = load_flows(get_store(), threshold())
    if flows is None and required:
        raise NotFoundError(NO_MOVES)
    return flows


def has_flows_from(area_id: str) -> bool:
    """Whether the store's moves have any from ``area_id`` (so its flows page exists)."""
    flows = get_flows(required=False)
    return flows is not None and flows.has(2, "a:" + area_id)
