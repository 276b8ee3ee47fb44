"""A save that cannot get the database in time is never lost: 503 with Retry-After, the form
again with everything typed, and nothing half-saved; the same form sent again saves once.
A page never fails because its bookkeeping write could not run."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from journal.auth.models import LoginSession
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db
from journal.ops.backup import sqlite_path
from journal.roadmap.models import Stage, Topic

from .support import HX, text

pytestmark = pytest.mark.sqlite_only("holds SQLite's write lock from another connection")

BUSY = "The journal is busy: nothing was saved. Please try again in a moment."


@pytest.fixture
def app(make_app):
    # A short wait, so that each refused save answers at once.
    return make_app(SQLITE_BUSY_TIMEOUT_MS=150)


@contextlib.contextmanager
def write_lock_held(app):
    """Another connection holds SQLite's write lock, as a long write by another process does."""
    connection = sqlite3.connect(sqlite_path(app), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def first(app, model, **where):
    with app.app_context():
        query = select(model).filter_by(**where).order_by(model.id)
        return db.session.scalars(query).first()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def assert_busy(response, *typed):
    body = text(response)
    assert response.status_code == 503, body[:500]
    assert response.headers["Retry-After"] == "2"
    assert BUSY in body
    for value in typed:
        assert value in body, value


def entry_form(app, **changes):
    stage = first(app, Stage)
    form = {
        "date": utcnow().date().isoformat(),
        "duration": "1h30",
        "stage": str(stage.id),
        "notes": "Typed while the journal was busy #sql",
        "link": "https://example.com/typed",
        "idempotency_key": "busy-key-0001",
        "form_id": "quick-add",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no JavaScript"])
def test_a_quick_add_refused_by_a_busy_database_comes_back_and_saves_once_on_retry(
    app, client, auth, headers
):
    auth.login()
    form = entry_form(app)
    with write_lock_held(app):
        refused = client.post("/entries", data=form, headers=headers)
    assert_busy(refused, "Typed while the journal was busy #sql", "https://example.com/typed")
    assert 'value="1h30"' in text(refused) and 'value="busy-key-0001"' in text(refused)
    assert ("<!doctype html>" in text(refused).lower()) is (not headers)
    assert count(app, Entry) == 0
    # Sent again, as the user does with the form that came back: saved, once.
    assert client.post("/entries", data=form, headers=headers).status_code in (200, 303)
    assert client.post("/entries", data=form, headers=headers).status_code in (200, 303)
    assert count(app, Entry) == 1
    assert first(app, Entry).notes == "Typed while the journal was busy #sql"


def test_an_inline_edit_refused_by_a_busy_database_keeps_what_was_typed(app, client, auth):
    auth.login()
    client.post("/entries", data=entry_form(app, notes="before"))
    entry = first(app, Entry)
    changed = entry_form(app, notes="after, typed while busy", form_id=f"entry-{entry.id}")
    with write_lock_held(app):
        refused = client.post(f"/entries/{entry.id}", data=changed, headers=HX)
    assert_busy(refused, "after, typed while busy")
    assert first(app, Entry).notes == "before"
    assert client.post(f"/entries/{entry.id}", data=changed, headers=HX).status_code == 200
    assert first(app, Entry).notes == "after, typed while busy"


def stage_and_topic(app):
    stage = first(app, Stage)
    return stage.id, first(app, Topic, stage_id=stage.id).id


# Every other form that saves what a user typed: (address, form, what must come back).
TYPED_FORMS = {
    "weekly review": ("/review/2026-11-16", {"notes": "A busy week"}, ["A busy week"]),
    "reflection prompts": (
        "/settings/template",
        {"enabled": "1", "text": "### Typed prompt"},
        ["### Typed prompt"],
    ),
    "goals": (
        "/dashboard/settings",
        {"daily_minimum": "25", "weekly_goal": "7.5", "week_start": "6", "rest_days": "2"},
        ['value="25"', 'value="7.5"'],
    ),
    "time zone": ("/settings", {"timezone": "Asia/Tokyo"}, ['value="Asia/Tokyo" selected']),
    "new stage": (
        "/roadmap/stages",
        {"name": "Typed stage", "color": "#123456", "weeks": "3", "description": "typed"},
        ['value="Typed stage"'],
    ),
    "stage": (
        "/roadmap/stages/{stage}",
        {"name": "Renamed stage", "color": "#123456", "weeks": "", "description": ""},
        ['value="Renamed stage"'],
    ),
    "new topic": ("/roadmap/stages/{stage}/topics", {"name": "Typed topic"}, ["Typed topic"]),
    "topic": ("/roadmap/topics/{topic}", {"name": "Renamed topic"}, ['value="Renamed topic"']),
}


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no JavaScript"])
@pytest.mark.parametrize("name", TYPED_FORMS)
def test_every_typed_form_refused_by_a_busy_database_comes_back_as_typed(
    app, client, auth, name, headers
):
    auth.login()
    stage, topic = stage_and_topic(app)
    url, form, typed = TYPED_FORMS[name]
    url = url.format(stage=stage, topic=topic)
    with write_lock_held(app):
        refused = client.post(url, data=form, headers=headers)
    assert_busy(refused, *typed)
    saved = client.post(url, data=form, headers=headers)
    assert saved.status_code in (200, 303), text(saved)[:500]


def test_a_log_in_refused_by_a_busy_database_keeps_the_name(app, client, auth):
    auth.create()
    with write_lock_held(app):
        refused = client.post("/login", data={"username": "alice", "password": "whatever x"})
    assert_busy(refused, 'value="alice"')
    assert "whatever x" not in text(refused)


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no JavaScript"])
def test_a_button_refused_by_a_busy_database_changes_nothing_and_can_be_sent_again(
    app, client, auth, headers
):
    auth.login()
    client.post("/entries", data=entry_form(app))
    entry = first(app, Entry)
    with write_lock_held(app):
        refused = client.post(
            f"/entries/{entry.id}/delete", data={"next": "/journal"}, headers=headers
        )
    assert_busy(refused)
    if headers:
        assert refused.headers["HX-Reswap"] == "none"  # the page stays as it is
    else:  # a button that sends the same form again
        assert f'<form method="post" action="/entries/{entry.id}/delete">' in text(refused)
        assert '<input type="hidden" name="next" value="/journal">' in text(refused)
    assert first(app, Entry).deleted_at is None


def test_a_page_is_shown_when_its_session_cannot_be_noted_as_seen(app, client, auth):
    auth.login()
    with app.app_context():
        db.session.execute(
            update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=30))
        )
        db.session.commit()
    with write_lock_held(app):
        for page in ("/", "/journal", "/dashboard", "/roadmap"):
            assert client.get(page).status_code == 200, page
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert utcnow() - seen > timedelta(minutes=29)  # noted another time
    assert client.get("/").status_code == 200
    with app.app_context():
        assert utcnow() - db.session.scalar(select(LoginSession.last_seen_at)) < timedelta(
            minutes=1
        )
