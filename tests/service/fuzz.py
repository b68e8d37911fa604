"""schemathesis, driven through Hypothesis, on one operation of the API description.

(schemathesis' own pytest plugin does not support pytest 9 yet.)
"""

from __future__ import annotations

import hypothesis
import schemathesis
from flask import Flask
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def operations(app: Flask) -> dict:
    """Every operation of the app's /api/openapi.json, by label (``GET /api/years``)."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return {r.ok().label: r.ok() for r in schema.get_all_operations()}


def fuzz(operation, *, max_examples: int = 30) -> None:
    """Call ``operation`` with generated requests; every response must match the description."""

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        # the WSGI test client does not undo gzip; compression has its own tests
        headers = {"Accept-Encoding": "identity"}
        if operation.label == "GET /oembed" and case.query and case.query.get("format") == "xml":
            # The oEmbed specification prescribes 501 for a format the provider does not
            # offer; that is the one 5xx the API answers on purpose (a missing or foreign
            # url is refused first, with 400 or 404).
            response = case.call(headers=headers)
            assert response.status_code in (400, 404, 501)
            assert set(response.json()) == {"status", "code", "message"}
            return
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
