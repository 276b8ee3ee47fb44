"""Deleting an account removes every row of the user, after the password confirms it."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX, PASSWORD, AuthActions, differences, row_counts, snapshot, text

# Tables whose rows belong to no one in particular (none so far). Every other table must
# get rows from the user below, so that the deletion is proven for it too.
NOT_PERSONAL: set[str] = set()


@pytest.fixture
def app(make_app):
    # With the write allowance on (as in production), so that its rows are made too.
    return make_app(WRITE_BURST=60)


def password_error(response) -> str | None:
    match = re.search(r'<p class="field-error" id="password-error">([^<]*)</p>', text(response))
    return match.group(1) if match else None


def first_stage_and_topic(app, username):
    with app.app_context():
        user = get_user_by_name(username)
        stage = db.session.scalar(
            select(Stage).where(Stage.user_id == user.id).order_by(Stage.position)
        )
        topic = db.session.scalar(select(Topic).where(Topic.stage_id == stage.id))
        return stage.id, topic.id


def fill_journal(app, client, username):
    """Everything a user can own: entries with tags and topics, stages, topics, a deleted
    entry, a running timer, an entry template, a weekly review, an API token, and editor
    time (a key, settings, a project, heartbeats, a dismissed suggestion)."""
    stage_id, topic_id = first_stage_and_topic(app, username)
    for number in range(3):
        response = client.post(
            "/entries",
            data={
                "date": "2026-01-0" + str(number + 1),
                "duration": "1h",
                "stage": stage_id,
                "topics": topic_id,
                "notes": f"Day {number} of #python and #{username}",
                "idempotency_key": f"{username}-entry-{number}",
            },
        )
        assert response.status_code == 303
    client.post("/roadmap/stages", data={"name": f"{username}'s stage", "color": "#123456"})
    client.post(f"/roadmap/stages/{stage_id}/topics", data={"name": f"{username}'s topic"})
    client.post("/timer/start", data={"stage": stage_id})
    client.post("/settings/template", data={"enabled": "1", "text": "### What I did\n"})
    client.post("/review/2026-01-05", data={"notes": f"{username}'s week"})
    client.post(f"/roadmap/stages/{stage_id}/archive")
    client.post("/settings/tokens", data={"name": "laptop", "scope": "write", "expires": ""})
    send_editor_time(client, username)
    with app.app_context():
        user_id = get_user_by_name(username).id
        entry_id = db.session.scalar(select(Entry.id).where(Entry.user_id == user_id).limit(1))
    assert client.post(f"/entries/{entry_id}/delete").status_code == 303


def send_editor_time(client, username):
    page = text(client.post("/settings/editor/key"))
    key = re.search(r'id="editor-new-key"[^>]* value="([^"]+)"', page).group(1)
    start = time.time() - 3600
    beats = [
        {"time": start + minute * 60, "entity": f"/home/{username}/site/app.py", "project": "site"}
        for minute in range(0, 40, 5)
    ]
    assert client.post(f"/api/v1?api_key={key}", json=beats).status_code == 202
    client.post("/settings/editor", data={"retention_days": "90", "session_gap_minutes": "15"})
    today = text(client.get("/"))
    dismissal = {
        name: re.search(rf'name="{name}" value="([^"]+)"', today).group(1)
        for name in ("date", "project", "until")
    }
    assert client.post("/editor/dismiss", data=dismissal).status_code == 303


def test_deleting_an_account_removes_exactly_its_rows(app, auth):
    # Bob uses the journal too: his rows must survive untouched.
    bob = app.test_client()
    AuthActions(app, bob).login("bob", remember=True)
    fill_journal(app, bob, "bob")
    app.test_client().post("/login", data={"username": "bob", "password": "a wrong guess"})
    without_alice = snapshot(app, ignore=())
    counts_without_alice = row_counts(app)
    assert counts_without_alice["failed_logins"] == 1

    alice = app.test_client()
    AuthActions(app, alice).login("alice", remember=True)
    fill_journal(app, alice, "alice")
    laptop = app.test_client()
    AuthActions(app, laptop).login("alice")
    laptop.post("/login", data={"username": "alice", "password": "a wrong guess"})
    stranger = app.test_client()
    stranger.post("/login", data={"username": "alice", "password": "another guess"})

    with_alice = row_counts(app)
    for table, count in with_alice.items():
        if table not in NOT_PERSONAL:
            assert count > counts_without_alice[table], f"alice owns no row in {table}"

    page = alice.get("/settings/delete")
    assert page.status_code == 200
    assert 'href="/data"' in text(page)  # the offer to export first
    wrong = alice.post("/settings/delete", data={"password": "not my password"})
    assert wrong.status_code == 422
    assert password_error(wrong) == "Password is not correct."
    assert row_counts(app)["users"] == with_alice["users"]

    deleted = alice.post("/settings/delete", data={"password": PASSWORD})
    assert deleted.status_code == 303
    assert deleted.location == "/login"
    assert "Your account and everything in it have been deleted." in text(alice.get("/login"))

    assert row_counts(app) == counts_without_alice
    assert differences(without_alice, snapshot(app, ignore=())) == {}
    # Every device of alice's is signed out; bob is not.
    for device in (alice, laptop):
        assert device.get("/").status_code == 302
    assert bob.get("/").status_code == 200
    assert AuthActions(app, app.test_client()).logout().status_code == 303
    login = app.test_client().post("/login", data={"username": "alice", "password": PASSWORD})
    assert login.status_code == 401


def test_settings_offer_deletion_and_export(client, auth):
    auth.login()
    page = text(client.get("/settings"))
    assert 'href="/settings/delete"' in page
    assert 'href="/data"' in page
    assert page.index("Delete your account") > page.index("Change your password")


def test_deletion_needs_the_password(app, client, auth):
    auth.login()
    before = snapshot(app)
    for data in ({}, {"password": ""}, {"password": PASSWORD + "x"}):
        response = client.post("/settings/delete", data=data)
        assert response.status_code == 422
        assert password_error(response) == "Password is not correct."
    after = snapshot(app)
    assert set(differences(before, after)) <= {"failed_logins"}  # only the guesses counted
    assert client.get("/").status_code == 200


def test_deletion_is_a_post_and_needs_signing_in(app, client, auth):
    auth.create()
    response = client.post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert row_counts(app)["users"] == 1
    auth.login()
    assert client.open("/settings/delete", method="DELETE").status_code == 405


def test_deleting_the_last_account_offers_a_fresh_start(app, client, auth):
    auth.login()
    client.get("/")  # the app has now seen that accounts exist
    response = client.post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    assert client.get("/").location == "/setup"
    assert client.get("/login").location == "/setup"
    assert client.get("/setup").status_code == 200


def test_deletion_page_renders_for_htmx_too(client, auth):
    auth.login()
    response = client.get("/settings/delete", headers=HX)
    assert response.status_code == 200
    assert "Delete your account" in text(response)


def test_only_your_own_account_can_be_deleted(app, auth):
    """There is no id to change: the signed-in account is the one deleted, with its password."""
    AuthActions(app, app.test_client()).create("alice", password="a secret only she knows")
    bob = app.test_client()
    AuthActions(app, bob).login("bob")
    response = bob.post("/settings/delete", data={"password": "a secret only she knows"})
    assert response.status_code == 422
    for name in ("alice", "bob"):
        with app.app_context():
            assert get_user_by_name(name) is not None
