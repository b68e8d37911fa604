"""The JSON/GeoJSON API under /api: one blueprint per module; each describes its routes for
OpenAPI in ``openapi_fragment()`` (collected by :mod:`service.api.openapi`)."""
