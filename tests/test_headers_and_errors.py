"""Security headers on every response, errors and static files included; friendly error pages."""

from __future__ import annotations

import pytest

from journal.extensions import db

from .support import (
    HX,
    PASSWORD,
    AuthActions,
    csrf_token,
    is_full_page,
    snapshot,
    stage_id_of,
    text,
)


def assert_security_headers(response, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ") if part}
    assert directives.get("script-src") == ["'self'"], what
    assert directives.get("style-src") == ["'self'"], what
    assert directives.get("frame-ancestors") == ["'none'"], what
    assert directives.get("object-src") == ["'none'"], what
    assert directives.get("base-uri") == ["'none'"], what
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what


@pytest.fixture
def prod_app(make_app):
    """Errors handled as in production (TESTING would let exceptions through to pytest)."""
    return make_app(TESTING=False, MAX_CONTENT_LENGTH=10_000)


def test_headers_on_every_kind_of_response(prod_app, monkeypatch):
    client = prod_app.test_client()
    auth = AuthActions(prod_app, client)
    responses = {"setup redirect": client.get("/")}
    responses["login redirect"] = (auth.create(), client.get("/journal"))[1]
    responses["login page"] = client.get("/login")
    responses["failed login 401"] = client.post(
        "/login", data={"username": "alice", "password": "wrong"}
    )
    responses["login 303"] = auth.login()
    responses["page"] = client.get("/")
    responses["fragment"] = client.get("/journal", headers=HX)
    responses["422"] = client.post("/entries", data={"duration": "?"}, headers=HX)
    responses["404"] = client.get("/no-such-page")
    responses["404 fragment"] = client.get("/entries/999", headers=HX)
    responses["405"] = client.get("/logout")
    responses["413"] = client.post("/entries", data={"notes": "x" * 20_000})
    responses["healthz"] = client.get("/healthz")
    for path in ("css/app.css", "js/app.js", "favicon.svg", "vendor/htmx.min.js", "nothing.js"):
        responses[f"static {path}"] = client.get(f"/static/{path}")
    monkeypatch.setattr("journal.entries.queries.journal_page", _explode)
    # A query never asked before: no rendering of it is kept, the page must be built.
    responses["500"] = client.get("/journal?q=explode")
    responses["500 fragment"] = client.get("/journal?q=explode", headers=HX)
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses["500"] == statuses["500 fragment"] == 500
    assert (
        statuses["413"] == 413 and statuses["405"] == 405 and statuses["static nothing.js"] == 404
    )
    for name, response in responses.items():
        assert_security_headers(response, name)


def test_headers_on_the_csrf_error(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    AuthActions(app, app.test_client()).create()
    response = app.test_client().post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in text(response)
    assert_security_headers(response, "csrf")


def test_headers_on_the_429(client, auth):
    auth.create()
    for _ in range(6):
        response = client.post("/login", data={"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert_security_headers(response, "429")


def _explode(*_args, **_kwargs):
    raise RuntimeError("boom: a secret detail")


# Friendly error pages, full and fragment


def test_a_server_error_is_a_friendly_page_in_both_renderings(prod_app, monkeypatch):
    client = prod_app.test_client()
    AuthActions(prod_app, client).login()
    monkeypatch.setattr("journal.entries.queries.journal_page", _explode)
    page = client.get("/journal")
    assert page.status_code == 500
    assert is_full_page(page)
    assert "Something went wrong" in text(page)
    assert "Nothing you sent was half-saved" in text(page)
    assert 'href="/"' in text(page)  # a way back
    fragment = client.get("/journal", headers=HX)
    assert fragment.status_code == 500
    assert not is_full_page(fragment)
    assert 'role="alert"' in text(fragment) and "Something went wrong" in text(fragment)
    for response in (page, fragment):
        assert "boom" not in text(response) and "Traceback" not in text(response)


def test_a_failure_in_the_middle_of_a_save_leaves_nothing_behind(prod_app, monkeypatch):
    """The error page's promise: the write transaction is rolled back whole."""
    import journal.entries.services as services

    client = prod_app.test_client()
    AuthActions(prod_app, client).login()
    before = snapshot(prod_app)
    original = services._apply

    def half_then_fail(entry, *args):
        original(entry, *args)
        db.session.add(entry)
        db.session.flush()  # the entry, its tags and topics are written, then it fails
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "_apply", half_then_fail)
    data = {"date": "2026-01-01", "duration": "1h", "stage": stage_id_of(prod_app), "notes": "#tag"}
    for headers in ({}, HX):
        response = client.post("/entries", data=data, headers=headers)
        assert response.status_code == 500
        assert "Something went wrong" in text(response)
    assert snapshot(prod_app) == before
    monkeypatch.undo()
    assert client.post("/entries", data=data).status_code == 303  # the app carries on


def test_a_test_only_route_that_fails_answers_500(prod_app):
    @prod_app.get("/__boom")
    def boom():
        raise ZeroDivisionError

    AuthActions(prod_app, prod_app.test_client()).create()
    response = prod_app.test_client().get("/__boom")
    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert_security_headers(response, "500 from a route")


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [
        ("GET", "/nothing-here", 404, "Not found"),
        ("GET", "/entries/999", 404, "Not found"),
        ("GET", "/logout", 405, "Not allowed"),
        ("POST", "/entries", 413, "Too large"),
    ],
)
def test_client_errors_are_friendly_in_both_renderings(prod_app, method, path, status, title):
    client = prod_app.test_client()
    AuthActions(prod_app, client).login()
    data = {"notes": "x" * 20_000} if status == 413 else None
    page = client.open(path, method=method, data=data)
    fragment = client.open(path, method=method, data=data, headers=HX)
    assert (page.status_code, fragment.status_code) == (status, status)
    assert is_full_page(page) and not is_full_page(fragment)
    for response in (page, fragment):
        assert f"<h1>{title}</h1>" in text(response)


def test_the_csrf_error_explains_what_to_do_in_both_renderings(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    AuthActions(app, client).create()
    token = csrf_token(client.get("/login"))
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    page = client.post("/entries", data={"duration": "1h"})
    fragment = client.post("/entries", data={"duration": "1h"}, headers=HX)
    assert page.status_code == fragment.status_code == 400
    assert is_full_page(page) and not is_full_page(fragment)
    for response in (page, fragment):
        assert "Reload the page and try again." in text(response)
