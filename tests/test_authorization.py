"""Every route that takes an id answers 404 to another user, whatever the method."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from journal.api import tokens
from journal.api.models import ApiToken
from journal.auth.services import get_user_by_name
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX

ID_ARGUMENTS = {"entry_id": Entry, "stage_id": Stage, "topic_id": Topic, "token_id": ApiToken}


def bearer(app, username: str) -> dict[str, str]:
    """A read-and-write API token of ``username``, as the header that carries it."""
    with app.app_context():
        made = tokens.create_token(
            get_user_by_name(username), tokens.TokenInput("laptop", "write", None)
        )
    return {"Authorization": f"Bearer {made.secret}"}


def request_as(client, rule, method: str, url: str, headers: dict, token: dict):
    """A page's route with the browser's session; an API route with the user's token."""
    if rule.endpoint.startswith("api."):
        return client.open(url, method=method, headers=token, json={"duration": "1h"})
    return client.open(url, method=method, headers=headers, data={"direction": "up"})


def routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        if set(rule.arguments) & ID_ARGUMENTS.keys():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def alices_ids(app):
    """One id of each kind that belongs to alice (her entry is deleted-then-kept alive)."""
    with app.app_context():
        user = get_user_by_name("alice")
        return {
            name: db.session.scalar(select(model.id).where(model.user_id == user.id).limit(1))
            for name, model in ID_ARGUMENTS.items()
        }


def snapshot(app):
    """Everything alice owns, to prove bob's requests changed nothing."""
    with app.app_context():
        alice = get_user_by_name("alice").id
        return [
            sorted(
                (row.id, row.name, row.scope)
                for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == alice))
            ),
            sorted(
                (row.id, row.name, row.color, row.position, row.archived_at)
                for row in db.session.scalars(select(Stage).where(Stage.user_id == alice))
            ),
            sorted(
                (row.id, row.name, row.position, row.archived_at)
                for row in db.session.scalars(select(Topic).where(Topic.user_id == alice))
            ),
            sorted(
                (row.id, row.minutes, row.notes, row.deleted_at)
                for row in db.session.scalars(select(Entry).where(Entry.user_id == alice))
            ),
        ]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_another_users_ids_answer_404_everywhere(app, auth, headers):
    client = app.test_client()
    auth_alice = type(auth)(app, client)
    auth_alice.login("alice")
    stage_id = alices_ids(app)["stage_id"]
    client.post("/entries", data={"date": "2026-01-01", "duration": "1h", "stage": stage_id})
    bearer(app, "alice")
    ids = alices_ids(app)
    before = snapshot(app)

    bob = app.test_client()
    type(auth)(app, bob).login("bob")
    bobs_token = bearer(app, "bob")
    checked = 0
    for rule, method in routes_with_ids(app):
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        response = request_as(bob, rule, method, url, headers, bobs_token)
        assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 15
    assert snapshot(app) == before


def test_alice_can_reach_her_own_ids(app, client, auth):
    """The walk above is meaningful: the same GET routes work for the owner."""
    auth.login("alice")
    stage_id = alices_ids(app)["stage_id"]
    client.post("/entries", data={"date": "2026-01-01", "duration": "1h", "stage": stage_id})
    token = bearer(app, "alice")
    ids = alices_ids(app)
    for rule, method in routes_with_ids(app):
        if method == "GET":
            url = rule.build({name: ids[name] for name in rule.arguments})[1]
            response = request_as(client, rule, method, url, {}, token)
            assert response.status_code == 200, url


def test_another_users_stage_and_topics_cannot_be_used_in_an_entry(app, client, auth):
    auth.create("alice")
    alice_stage = alices_ids(app)["stage_id"]
    alice_topic = alices_ids(app)["topic_id"]
    auth.login("bob")
    response = client.post(
        "/entries",
        data={"date": "2026-01-01", "duration": "1h", "stage": alice_stage, "form_id": "quick-add"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "Stage: choose a stage of your roadmap." in response.get_data(as_text=True)
    with app.app_context():
        bob = get_user_by_name("bob")
        own_stage = db.session.scalar(select(Stage.id).where(Stage.user_id == bob.id).limit(1))
    response = client.post(
        "/entries",
        data={"date": "2026-01-01", "duration": "1h", "stage": own_stage, "topics": alice_topic},
        headers=HX,
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Entry.id)) is None


def test_lists_never_show_another_users_entries(app, auth):
    alice = app.test_client()
    type(auth)(app, alice).login("alice")
    stage_id = alices_ids(app)["stage_id"]
    alice.post(
        "/entries",
        data={
            "date": "2026-01-01",
            "duration": "1h",
            "stage": stage_id,
            "notes": "alice-secret #mine",
        },
    )
    bob = app.test_client()
    type(auth)(app, bob).login("bob")
    for url in (
        "/",
        "/journal",
        "/journal?q=alice-secret",
        "/journal?tag=mine",
        f"/journal?stage={stage_id}",
        "/week",
    ):
        body = bob.get(url).get_data(as_text=True)
        assert "<p>alice-secret" not in body, url
        assert not re.search(r'id="entry-\d+"', body), url
