"""Personal access tokens: made in Settings, shown once, stored hashed, scoped, expiring,
revocable, throttled when guessed, rate-limited across workers."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal.api.models import ApiToken
from journal.auth.models import FailedLogin
from journal.auth.services import get_user_by_name
from journal.db import utcnow
from journal.entries.models import Entry
from journal.extensions import db

from .support import HX, PASSWORD, text

NEW_TOKEN = re.compile(r'id="new-token" class="token-secret" type="text" value="(rb_[^"]+)"')


def create(client, name="laptop", scope="write", expires="", headers=None):
    data = {"name": name, "scope": scope, "expires": expires}
    return client.post("/settings/tokens", data=data, headers=headers or {})


def secret_of(response) -> str:
    found = NEW_TOKEN.search(text(response))
    assert found, "the new token is not shown"
    return found.group(1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def stored(app):
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def entry_body(app, username="alice"):
    return {"duration": "30m", "stage": "python", "notes": "from a script"}


def test_a_token_is_shown_once_and_stored_only_as_its_hash(app, client, auth):
    auth.login()
    response = create(client, "laptop")
    assert response.status_code == 201
    secret = secret_of(response)
    assert re.fullmatch(r"rb_[A-Za-z0-9_-]{43}", secret)  # 256 random bits
    assert "roadbook login http://localhost</code>" in text(response)

    [row] = stored(app)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.name, row.prefix, row.token_hash}
    assert secret.startswith(row.prefix) and len(row.prefix) == 9

    page = text(client.get("/settings"))
    assert "laptop" in page and f"{row.prefix}…" in page
    assert secret not in page  # never again
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_the_settings_section_works_in_place_with_htmx(app, client, auth):
    auth.login()
    response = create(client, "editor", headers=HX)
    assert response.status_code == 201
    body = text(response)
    assert body.lstrip().startswith('<section id="api-tokens"')
    assert "<html" not in body.lower()
    secret_of(response)
    listed = text(client.get("/settings/tokens", headers=HX))
    assert "editor" in listed and 'id="new-token"' not in listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "scope": "write", "expires": ""}, "name", "Name is required"),
        ({"name": "x" * 61, "scope": "write", "expires": ""}, "name", "at most 60 characters"),
        ({"name": "ci", "scope": "admin", "expires": ""}, "scope", "Access must be read"),
        ({"name": "ci", "scope": "read", "expires": "7"}, "expires", "Expiry: choose one"),
    ],
)
def test_a_bad_form_names_the_field_and_saves_nothing(app, client, auth, data, field, message):
    auth.login()
    response = client.post("/settings/tokens", data=data)
    assert response.status_code == 422
    error = re.search(rf'id="token-{field}-error">([^<]*)<', text(response))
    assert error and message in error.group(1)
    assert stored(app) == []


def test_a_handful_at_most(app, client, auth):
    auth.login()
    for number in range(10):
        assert create(client, f"token {number}").status_code == 201
    response = create(client, "one too many")
    assert response.status_code == 422
    assert "You have 10 tokens, the most allowed: revoke one first." in text(response)
    assert len(stored(app)) == 10


def test_scope_a_read_token_reads_but_cannot_write(app, client, auth):
    auth.login()
    reader = secret_of(create(client, "dashboard", scope="read"))
    assert client.get("/api/v1/entries", headers=bearer(reader)).status_code == 200
    for method, url in (
        ("POST", "/api/v1/entries"),
        ("POST", "/api/v1/timer/start"),
        ("DELETE", "/api/v1/timer"),
    ):
        response = client.open(url, method=method, headers=bearer(reader), json=entry_body(app))
        assert response.status_code == 403, url
        assert response.mimetype == "application/problem+json"
        assert "“dashboard” may only read" in response.json["detail"]
    with app.app_context():
        assert db.session.scalar(select(Entry.id)) is None
    writer = secret_of(create(client, "laptop", scope="write"))
    response = client.post("/api/v1/entries", headers=bearer(writer), json=entry_body(app))
    assert response.status_code == 201


def test_an_expired_token_is_refused_with_its_date(app, client, auth):
    auth.login()
    secret = secret_of(create(client, "old", expires="30"))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        day = row.expires_at.date().isoformat()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.json["detail"].startswith(f"This token expired on {day}")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "Read and write · expired " in text(client.get("/settings/tokens"))


def test_revoking_stops_a_token_at_once(app, client, auth):
    auth.login()
    first = secret_of(create(client, "laptop"))
    second = secret_of(create(client, "phone"))
    [laptop, _phone] = stored(app)
    response = client.post(f"/settings/tokens/{laptop.id}/revoke")
    assert response.status_code == 303
    assert "revoked" in text(client.get("/settings/tokens"))
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200

    response = client.post("/settings/tokens/revoke-all", headers=HX)
    assert "1 token revoked." in text(response)
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401
    assert stored(app) == []


def test_another_users_token_cannot_be_revoked(app, auth):
    alice = app.test_client()
    type(auth)(app, alice).login("alice")
    secret = secret_of(create(alice, "laptop"))
    [row] = stored(app)
    bob = app.test_client()
    type(auth)(app, bob).login("bob")
    assert bob.post(f"/settings/tokens/{row.id}/revoke").status_code == 404
    assert bob.post("/settings/tokens/revoke-all").status_code == 303
    assert alice.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_changing_the_password_offers_to_revoke_the_tokens(app, client, auth):
    auth.login()
    assert "revoke_tokens" not in text(client.get("/settings/password"))  # none to revoke
    kept = secret_of(create(client, "laptop"))
    assert "Also revoke your 1 API token" in text(client.get("/settings/password"))
    new = "another long passphrase"
    data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    assert client.post("/settings/password", data=data).status_code == 303
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 200

    secret_of(create(client, "phone"))
    data = {"current_password": new, "new_password": PASSWORD, "confirm_password": PASSWORD}
    response = client.post("/settings/password", data={**data, "revoke_tokens": "1"})
    assert response.status_code == 303
    assert "2 API tokens revoked." in text(client.get("/settings"))
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 401


def test_deleting_the_account_says_the_tokens_go_with_it(app, client, auth):
    auth.login()
    secret = secret_of(create(client, "laptop"))
    assert "Your 1 API token stops working with it." in text(client.get("/settings/delete"))
    client.post("/settings/delete", data={"password": PASSWORD})
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert stored(app) == []


def test_a_session_cookie_alone_is_not_accepted_by_the_api(app, client, auth):
    auth.login()
    assert client.get("/").status_code == 200  # signed in
    for method, url in (("GET", "/api/v1/me"), ("POST", "/api/v1/entries")):
        response = client.open(url, method=method, json=entry_body(app))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="roadbook"')
    with app.app_context():
        assert db.session.scalar(select(Entry.id)) is None


@pytest.mark.parametrize(
    "header",
    ["Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer", "Token rb_x", "bearer    "],
)
def test_only_a_bearer_token_is_read(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json["detail"]


def test_failed_tokens_are_throttled_like_log_ins(make_app):
    app = make_app(LOGIN_ADDRESS_FREE_FAILURES=3)
    client = app.test_client()
    from .support import AuthActions

    AuthActions(app, client).login()
    secret = secret_of(create(client, "laptop"))
    wrong = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(wrong)).status_code == 401
    response = client.get("/api/v1/me", headers=bearer(wrong))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in response.json["detail"]
    # As with log-ins, the right token waits too: guesses stay worthless while refused.
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 429
    with app.app_context():
        failures = db.session.scalars(select(FailedLogin.username)).all()
    assert failures == [f"token {wrong[:9].lower()}"] * 3


def test_each_tokens_requests_are_rate_limited_across_workers(
    make_app, databases, tmp_path, monkeypatch
):
    # The clock stands still, so a slow machine cannot refill the allowance meanwhile.
    frozen = utcnow()
    monkeypatch.setattr("journal.api.ratelimit.utcnow", lambda: frozen)
    limits = {"API_RATE_PER_MINUTE": 60, "API_RATE_BURST": 3}
    first = make_app(**limits)
    # A second app on the same database: another worker process, as gunicorn runs them.
    from journal import create_app

    from .support import AuthActions, make_config

    second = create_app(
        make_config(
            tmp_path, SQLALCHEMY_DATABASE_URI=first.config["SQLALCHEMY_DATABASE_URI"], **limits
        )
    )
    browser = first.test_client()
    AuthActions(first, browser).login()
    secret = secret_of(create(browser, "laptop"))
    other = second.test_client()
    answers = [
        client.get("/api/v1/me", headers=bearer(secret)).status_code
        for client in (browser, other, browser)
    ]
    assert answers == [200, 200, 200]
    refused = other.get("/api/v1/me", headers=bearer(secret))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"  # one request a second comes back
    assert "Too many requests with this token" in refused.json["detail"]
    with second.app_context():
        db.engine.dispose()


def test_last_use_is_written_at_most_once_a_minute(app, client, auth):
    auth.login()
    secret = secret_of(create(client, "laptop"))
    assert "never expires · never used" in text(client.get("/settings/tokens"))
    client.get("/api/v1/me", headers=bearer(secret))
    [row] = stored(app)
    first_use = row.last_used_at
    assert first_use is not None and utcnow() - first_use < timedelta(seconds=30)
    client.get("/api/v1/me", headers=bearer(secret))
    assert stored(app)[0].last_used_at == first_use  # within the minute: not written again
    with app.app_context():
        row = db.session.get(ApiToken, row.id)
        row.last_used_at = first_use - timedelta(minutes=2)
        db.session.commit()
    client.get("/api/v1/me", headers=bearer(secret))
    assert stored(app)[0].last_used_at > first_use
    assert "never expires · last used " in text(client.get("/settings/tokens"))


def test_tokens_are_private_to_the_signed_in_browser(client):
    assert client.get("/settings/tokens").status_code == 302
    assert client.post("/settings/tokens", data={"name": "x"}).status_code == 302


def test_the_user_of_a_token_is_its_owner(app, auth):
    for name in ("alice", "bob"):
        browser = app.test_client()
        type(auth)(app, browser).login(name)
        secret = secret_of(create(browser, "laptop"))
        assert browser.get("/api/v1/me", headers=bearer(secret)).json["username"] == name
    with app.app_context():
        owners = {row.user_id for row in db.session.scalars(select(ApiToken))}
        assert owners == {get_user_by_name("alice").id, get_user_by_name("bob").id}
