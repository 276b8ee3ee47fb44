"""With CSRF protection on (as in production), every state change needs the token."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from journal.entries.models import Entry
from journal.extensions import db

from .support import HX, PASSWORD, AuthActions, csrf_token, text


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def entry_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Entry.id)))


def signed_in(app):
    client = app.test_client()
    AuthActions(app, client).create()
    token = csrf_token(client.get("/login"))
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    return client


def test_login_needs_the_token(csrf_app):
    client = csrf_app.test_client()
    AuthActions(csrf_app, client).create()
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in text(response)
    assert client.get("/").status_code == 302


def test_every_form_on_the_pages_carries_the_token(csrf_app):
    client = signed_in(csrf_app)
    for url in ("/", "/journal", "/roadmap", "/settings", "/settings/password", "/entries/new"):
        body = text(client.get(url))
        forms = body.count('method="post"')
        assert forms and body.count('name="csrf_token"') >= forms, url


def test_body_hands_the_token_to_htmx(csrf_app):
    client = signed_in(csrf_app)
    body = text(client.get("/"))
    assert 'hx-headers:inherited=\'{"X-CSRFToken": "' in body


def test_entry_post_without_token_is_refused_and_saves_nothing(csrf_app):
    client = signed_in(csrf_app)
    page = client.get("/")
    stage = page.get_data(as_text=True).split('<option value="')[1].split('"')[0]
    data = {"date": "2026-01-01", "duration": "1h", "stage": stage}
    assert client.post("/entries", data=data, headers=HX).status_code == 400
    assert entry_count(csrf_app) == 0
    token = csrf_token(page)
    assert (
        client.post("/entries", data=data, headers={**HX, "X-CSRFToken": token}).status_code == 200
    )
    assert client.post("/entries", data={**data, "csrf_token": token}).status_code == 303
    assert entry_count(csrf_app) == 2


def test_logout_is_a_post_with_the_token(csrf_app):
    client = signed_in(csrf_app)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    token = csrf_token(client.get("/"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 302
