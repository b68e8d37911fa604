"""Errors with their HTTP meaning, and one JSON shape for every API error.

Under ``/api`` every error is ``{"status": 404, "code": "not_found", "message": "..."}``;
elsewhere the same error renders as a page in the request's language (its title and frame
translated; the message is the API's English message, or a Danish one where the error has it,
shown on the Danish page).
"""

from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from geo.errors import NotFound, StoreError
from geo.i18n import N_
from service.i18n import translate

STORE_UNAVAILABLE = (
    "the data store cannot be read at the moment; the service's operator can see why in the "
    "log (try again later)"
)
STORE_UNAVAILABLE_DA = (
    "Datalageret kan ikke læses lige nu. Tjenestens drift kan se årsagen i loggen; prøv igen "
    "senere."
)


class APIError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadParameter(APIError):
    status = 400
    code = "bad_parameter"


class NotFoundError(APIError):
    status = 404
    code = "not_found"


_TITLES_DA = {
    400: N_("Ugyldig forespørgsel"),
    404: N_("Siden findes ikke"),
    405: N_("Metoden er ikke tilladt"),
    500: N_("Der opstod en fejl"),
    503: N_("Tjenesten er ikke klar"),
}
_TITLE_DA = N_("Fejl")


def _respond(status: int, code: str, message: str, message_da: str | None = None):
    if request.path.startswith("/api") or request.path in ("/oembed", "/healthz"):
        response = jsonify({"status": status, "code": code, "message": message})
        response.status_code = status
        return response
    danish = g.get("lang", "da") == "da"
    return (
        render_template(
            "error.html",
            status=status,
            title=translate(_TITLES_DA.get(status, _TITLE_DA)),
            message=(message_da if danish else None) or message,
        ),
        status,
    )


def error_response(exc: APIError):
    """The response for ``exc`` (JSON on /api and /oembed, the error page elsewhere)."""
    response = make_response(_respond(exc.status, exc.code, exc.message))
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(exc: APIError):
        return _respond(exc.status, exc.code, exc.message)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return _respond(404, "not_found", str(exc.args[0]) if exc.args else "not found")

    @app.errorhandler(StoreError)
    def _store_error(exc: StoreError):
        # the detail (paths, layers) goes to the log, not to the public
        app.logger.error("store unavailable: %s", exc)
        return _respond(503, "store_unavailable", STORE_UNAVAILABLE, STORE_UNAVAILABLE_DA)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return _respond(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # an error while the store is broken is the store's: 503, not 500
        store = app.extensions.get("omraadekort.store")
        problems = store.check() if store is not None else []
        if problems:
            app.logger.error("store unavailable: %s (%s)", "; ".join(problems), exc)
            return _respond(503, "store_unavailable", STORE_UNAVAILABLE, STORE_UNAVAILABLE_DA)
        app.logger.exception("unhandled error")
        return _respond(500, "internal_error", "an unexpected error occurred")
