"""Errors as ``application/problem+json`` (RFC 9457), each bad field named in ``errors``."""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException

from ..validation import ValidationError

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"


class Problem(Exception):
    """An API request that cannot be answered as asked: raised anywhere, answered as JSON."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.headers = headers or {}
        self.extra = extra or {}

    @classmethod
    def invalid(cls, errors: dict[str, str] | ValidationError, status: int = 422) -> Problem:
        """Bad input (a service's ValidationError, or its errors): a message per field."""
        if isinstance(errors, ValidationError):
            errors = errors.errors
        return cls(status, " ".join(errors.values()), errors=errors)


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def problem_response(problem: Problem):
    body = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        **problem.extra,
    }
    if problem.errors:
        body["errors"] = [
            {"field": field, "detail": message} for field, message in problem.errors.items()
        ]
    response = current_app.json.response(body)
    response.status_code = problem.status
    response.mimetype = MEDIA_TYPE
    response.headers.update(problem.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


HTTP_DETAILS = {
    404: "There is nothing here: no such address in the API, or no such item of yours.",
    405: "This address does not take that method.",
    413: "The request body is larger than the API accepts.",
    500: "The journal hit an error. Nothing you sent was half-saved.",
}


def http_problem(error: HTTPException):
    """Werkzeug's HTTP errors (no such route, wrong method, too large...) for the API."""
    status = error.code or 500
    detail = HTTP_DETAILS.get(status) or error.description or HTTPStatus(status).phrase
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(Problem(status, detail, headers=headers))


def answer_with_problems(blueprint: Blueprint) -> None:
    """The errors of ``blueprint``'s views as problems: the Problems they raise, and HTTP
    errors (too large, wrong method...)."""
    blueprint.register_error_handler(Problem, problem_response)
    blueprint.register_error_handler(HTTPException, http_problem)


def json_body():
    """The request's body, parsed: a Problem when it is not sent as JSON (415) or does not
    parse (400)."""
    if not request.is_json:
        raise Problem(415, "Send the body as JSON, with “Content-Type: application/json”.")
    try:
        return request.get_json()
    except BadRequest:
        raise Problem(
            400, "The body is not valid JSON.", errors={"body": "Not valid JSON."}
        ) from None
