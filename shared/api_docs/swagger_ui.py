"""Swagger UI at /docs, served from the ``swagger-ui-bundle`` package: no CDN, no inline script.

The page loads the bundle from ``/docs/assets/`` and starts it from ``/docs/static/init.js``,
so the Content-Security-Policy can forbid every other script source.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

api_docs = Blueprint(
    "api_docs",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/docs/static",
)


@api_docs.get("/docs")
def docs():
    """The interactive API documentation of this service."""
    return render_template(
        "api_docs/swagger_ui.html",
        spec_url=url_for("api-docs.openapi_json"),
        assets=url_for("api_docs.assets", filename=""),
    )


@api_docs.get("/docs/assets/<path:filename>")
def assets(filename: str):
    """Swagger UI's own files, from the installed package."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_api_docs(app: Flask) -> None:
    """Serve /docs (the OpenAPI document itself stays at /openapi.json)."""
    app.register_blueprint(api_docs)
