"""No state change on GET; no state change without the CSRF token, on any route.

Both tests walk the app's URL map, so routes added later are covered as they appear.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journal.api import tokens
from journal.api.models import ApiToken
from journal.auth.services import get_user_by_name
from journal.entries.models import Entry
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX, HX_FULL, PASSWORD, AuthActions, csrf_token, differences, snapshot, text

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that read a credential from the request (an API token, an editor key), no cookie.
API_ENDPOINTS = ("api.", "editor_api.")


def url_values(app, username="alice") -> dict[str, object]:
    """A value for each URL argument the app's routes take, owned by ``username``."""
    with app.app_context():
        user = get_user_by_name(username)
        values = {
            name: db.session.scalar(select(model.id).where(model.user_id == user.id).limit(1))
            for name, model in (("entry_id", Entry), ("stage_id", Stage), ("topic_id", Topic))
        }
        values["token_id"] = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == user.id).limit(1)
        )
    values["filename"] = "css/app.css"
    values["name"] = "week"  # a dashboard panel
    values["week"] = "2026-01-05"  # a weekly review
    return values


def give_a_token(app, username="alice") -> str:
    with app.app_context():
        data = tokens.TokenInput("laptop", "write", None)
        return tokens.create_token(get_user_by_name(username), data).secret


def build(rule, values) -> str:
    missing = set(rule.arguments) - values.keys()
    assert not missing, f"{rule.rule}: teach this test a value for {sorted(missing)}"
    return rule.build({name: values[name] for name in rule.arguments})[1]


def alice_with_a_journal(app):
    client = app.test_client()
    AuthActions(app, client).login("alice", remember=True)
    give_a_token(app)
    stage = url_values(app)["stage_id"]
    for number in range(2):
        client.post(
            "/entries",
            data={"date": "2026-01-02", "duration": "1h", "stage": stage, "notes": f"#t{number}"},
        )
    return client


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_no_get_route_changes_the_database(app, signed_in):
    client = alice_with_a_journal(app)
    if not signed_in:
        client = app.test_client()
    values = url_values(app)
    before = snapshot(app)
    visited = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = build(rule, values)
        for headers in ({}, HX, HX_FULL):
            response = client.get(url, headers=headers)
            assert response.status_code < 500, url
        visited.append(url)
        assert differences(before, snapshot(app)) == {}, f"GET {url} changed the database"
    assert len(visited) >= 15


def test_the_walk_would_notice_a_change(app):
    """The snapshot sees a change anywhere, the session bookkeeping aside."""
    alice_with_a_journal(app)
    before = snapshot(app)
    with app.app_context():
        entry = db.session.scalar(select(Entry))
        entry.minutes += 1
        db.session.commit()
    # The entry, and its owner's revision (the key of cached renderings) with it.
    assert set(differences(before, snapshot(app))) == {"entries", "users"}


def post_routes(app, *, api: bool = False):
    """Routes that change state: the pages' (``api=False``) or the JSON API's and the
    heartbeats' (``api=True``)."""
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.methods & STATE_CHANGING and r.endpoint.startswith(API_ENDPOINTS) == api
    ]
    # Logging out ends the session (and its CSRF token): walk it last.
    return sorted(rules, key=lambda rule: rule.endpoint == "auth.logout")


def test_no_state_change_without_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, SIGNUP="open")
    client = app.test_client()
    AuthActions(app, client).create()
    give_a_token(app)
    token = csrf_token(client.get("/login"))
    assert (
        client.post(
            "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 303
    )
    stage = url_values(app)["stage_id"]
    token = csrf_token(client.get("/"))  # a fresh session at login, with a fresh token
    assert (
        client.post(
            "/entries",
            data={"date": "2026-01-02", "duration": "1h", "stage": stage, "csrf_token": token},
        ).status_code
        == 303
    )
    values = url_values(app)
    before = snapshot(app)
    walked = 0
    for rule in post_routes(app):
        url = build(rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            # Everything a real form would send, but the token: missing, or forged.
            data = {"password": PASSWORD, "direction": "up", "name": "x", "duration": "1h"}
            for forged in ({}, {"csrf_token": "forged"}):
                for headers in ({}, HX, {**HX, "X-CSRFToken": "forged"}):
                    response = client.open(
                        url, method=method, data={**data, **forged}, headers=headers
                    )
                    assert response.status_code == 400, f"{method} {url} {headers}"
                    assert "Form expired" in text(response)
            walked += 1
    assert walked >= 15
    # The JSON API and the heartbeats take no CSRF token because they read no cookie: the
    # signed-in browser's session alone is refused there, whatever else the request carries.
    walked = 0
    for rule in post_routes(app, api=True):
        url = build(rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            for headers in ({}, HX, {"X-CSRFToken": token}):
                response = client.open(
                    url, method=method, json={"duration": "1h", "stage": stage}, headers=headers
                )
                assert response.status_code == 401, f"{method} {url} {headers}"
                assert response.mimetype == "application/problem+json"
            walked += 1
    assert walked >= 6
    assert differences(before, snapshot(app)) == {}
    assert client.get("/").status_code == 200  # still signed in: not even logout went through

    # With the token, the same requests get past the check (the walk above means something).
    for rule in post_routes(app):
        url = build(rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, data={}, headers={"X-CSRFToken": token})
            assert "Form expired" not in text(response), f"{method} {url}"
