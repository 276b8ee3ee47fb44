"""Per-user write rate limits: saves spend from an allowance kept in the database, priced by
the text they render, so one account cannot keep the workers rendering Markdown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from journal.auth.models import User, WriteAllowance
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage

from .support import HX, PASSWORD, at_once, text


@pytest.fixture
def app(make_app):
    return make_app(WRITE_BURST=60, WRITES_PER_MINUTE=60)  # the production settings


def quick_add(client, app, notes="a short note", key=None, user="alice"):
    with app.app_context():
        owner = select(User.id).where(User.username == user).scalar_subquery()
        stage = db.session.scalar(select(Stage.id).where(Stage.user_id == owner).limit(1))
    data = {"date": utcnow().date().isoformat(), "duration": "30", "stage": stage, "notes": notes}
    if key:
        data["idempotency_key"] = key
    return client.post("/entries", data=data, headers=HX)


def entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Entry.id)))


def allowance(app) -> float:
    with app.app_context():
        return db.session.scalar(select(WriteAllowance.tokens))


def test_a_save_costs_one_unit_and_one_more_per_kilobyte_of_notes(app, client, auth):
    auth.login()
    assert quick_add(client, app, "short").status_code == 200
    assert 59 - 0.01 <= allowance(app) < 59 + 2  # a little refills meanwhile
    assert quick_add(client, app, "x" * 9_900).status_code == 200
    assert 49 - 0.01 <= allowance(app) < 49 + 4


def test_the_form_comes_back_when_the_allowance_is_spent(app, client, auth):
    auth.login()
    long_note = "x" * 9_900  # 1 + 9 units each
    for _ in range(6):
        assert quick_add(client, app, long_note).status_code == 200
    refused = quick_add(client, app, long_note + " the seventh")
    assert refused.status_code == 429
    body = text(refused)
    assert "You are saving faster than the journal allows: nothing was saved." in body
    assert "the seventh" in body  # the form, as typed
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 10
    assert f"Try again in {wait} second" in body
    assert entries(app) == 6


def test_the_allowance_refills_with_time(app, client, auth):
    auth.login()
    for _ in range(6):
        quick_add(client, app, "x" * 9_900)
    assert quick_add(client, app, "x" * 9_900).status_code == 429
    with app.app_context():
        db.session.execute(
            update(WriteAllowance).values(updated_at=utcnow() - timedelta(seconds=10))
        )
        db.session.commit()
    assert quick_add(client, app, "x" * 9_900).status_code == 200


def test_parallel_saves_spend_the_allowance_exactly_once_each(app, auth):
    """Eight 10 kB quick-adds at once, then eight more, as one account's burst: the
    allowance (60 units; 10 each) lets six through, whatever the threads' timing."""
    auth.create()
    clients = [app.test_client() for _ in range(16)]
    for client in clients:
        client.post("/login", data={"username": "alice", "password": PASSWORD})
    statuses = at_once(
        len(clients),
        lambda number: quick_add(clients[number], app, "y" * 9_000, key=f"parallel-{number:04d}"),
    )
    assert statuses == [200] * 6 + [429] * 10
    assert entries(app) == 6


def test_each_user_has_an_allowance_of_their_own(app, auth):
    alice, bob = app.test_client(), app.test_client()
    for client, name in ((alice, "alice"), (bob, "bob")):
        auth.create(name)
        client.post("/login", data={"username": name, "password": PASSWORD})
    for _ in range(6):
        quick_add(alice, app, "x" * 9_900)
    assert quick_add(alice, app, "x" * 9_900).status_code == 429
    assert quick_add(bob, app, "x" * 9_900, user="bob").status_code == 200


def test_weekly_review_saves_spend_the_same_allowance(app, client, auth):
    auth.login()
    for _ in range(6):
        assert quick_add(client, app, "x" * 9_900).status_code == 200
    refused = client.post("/review/2026-11-16", data={"notes": "z" * 9_900}, headers=HX)
    assert refused.status_code == 429
    assert "z" * 9_900 in text(refused)  # the review, as typed
