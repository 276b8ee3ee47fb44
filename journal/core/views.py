"""Health check and error pages (a full page, or a fragment for htmx)."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import InternalServerError

from ..api.problems import http_problem, is_api_request
from ..extensions import db
from ..htmx import is_htmx, is_partial, not_saved
from ..validation import Refused

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    """``{"status": "ok"}`` while the database answers; 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.error("health check failed: %s", error)
        db.session.rollback()
        return {"status": "error", "detail": "database unavailable"}, 503
    return {"status": "ok"}


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what a phone needs to install the journal to its home screen.
    Built here so that its addresses follow wherever the journal is served."""

    def icon(name: str, size: str, kind: str = "image/png", **extra) -> dict:
        return {"src": url_for("static", filename=name), "sizes": size, "type": kind, **extra}

    body = {
        "name": "Roadbook",
        "short_name": "Roadbook",
        "description": "Your learning journal: log study sessions and watch the hours add up.",
        "start_url": url_for("entries.today"),
        "scope": url_for("entries.today"),
        "display": "standalone",
        "background_color": "#f7f7f4",
        "theme_color": "#2457c5",
        "icons": [
            icon("icons/icon-192.png", "192x192"),
            icon("icons/icon-512.png", "512x512"),
            icon("icons/maskable-512.png", "512x512", purpose="maskable"),
            icon("favicon.svg", "any", "image/svg+xml"),
        ],
    }
    response = current_app.response_class(
        json.dumps(body, indent=2), mimetype="application/manifest+json"
    )
    response.cache_control.max_age = 86400
    return response


ERRORS = {
    400: ("Bad request", "The request could not be understood."),
    404: ("Not found", "There is nothing here. It may have been deleted, or never existed."),
    405: ("Not allowed", "That action is not possible here."),
    413: ("Too large", "What you sent is larger than the journal accepts."),
    500: ("Something went wrong", "The journal hit an error. Nothing you sent was half-saved."),
}


def error_page(status: int, title: str, message: str):
    template = "errors/_error.html" if is_partial() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


def _http_error(error):
    if is_api_request():  # an address under /api/ that no route takes, or a wrong method
        return http_problem(error)
    title, message = ERRORS.get(error.code, (error.name, error.description))
    return error_page(error.code, title, message)


def _csrf_error(_error):
    return error_page(
        400,
        "Form expired",
        "This form has expired or was sent from elsewhere. Reload the page and try again.",
    )


def _server_error(_error):
    db.session.rollback()
    if is_api_request():
        return http_problem(InternalServerError())
    return error_page(500, *ERRORS[500])


def _refused(error: Refused):
    """A request refused for now (busy database, too many saves) that no form took back.

    htmx keeps the page as it is and shows the message; a page without JavaScript gets the
    message and a button that sends the same form again (password fields are never kept).
    """
    db.session.rollback()
    if is_htmx():
        response = not_saved(render_template("errors/_refused.html", message=error.message), error)
        response.headers["HX-Reswap"] = "none"
        return response
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if "password" not in name
        for value in values
    ]
    page = render_template(
        "errors/refused.html",
        status=error.status,
        message=error.message,
        fields=fields,
        again=bool(fields) and not any("password" in name for name in request.form),
    )
    return not_saved(page, error)


def register_error_pages(app) -> None:
    for code in (400, 404, 405, 413):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Refused, _refused)
    app.register_error_handler(500, _server_error)
