"""The one accessor for the store inside the web service."""

from __future__ import annotations

from flask import Flask, current_app

from geo.store import Store


def init_app(app: Flask) -> None:
    app.extensions["omraadekort.store"] = Store(app.config["STORE_PATH"])


def get_store() -> Store:
    return current_app.extensions["omraadekort.store"]
