"""Session and remember cookies: their flags, their lifetime, and refusal after they end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from journal import create_app
from journal.auth.models import LoginSession
from journal.db import utcnow
from journal.extensions import db

from .support import PASSWORD, AuthActions, make_config

NEW_PASSWORD = "a brand new passphrase"


def set_cookie(response, name: str) -> str:
    """The Set-Cookie header for ``name``."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, f"expected one {name} cookie, got {headers}"
    return headers[0]


def attributes(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";")[1:]]
    return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}


def login(client, remember=True, **kwargs):
    data = {"username": "alice", "password": PASSWORD}
    if remember:
        data["remember"] = "1"
    return client.post("/login", data=data, **kwargs)


def expires(header: str) -> datetime:
    return parsedate_to_datetime(attributes(header)["expires"])


# Flags


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_cookies_are_httponly_and_samesite_lax_but_not_secure_over_http(client, auth, name):
    auth.create()
    header = set_cookie(login(client), name)
    flags = attributes(header)
    assert "httponly" in flags
    assert flags["samesite"] == "Lax"
    assert "secure" not in flags  # plain HTTP (a local install): the browser would drop it


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_cookies_are_secure_over_https(client, auth, name):
    auth.create()
    header = set_cookie(login(client, base_url="https://journal.test"), name)
    flags = attributes(header)
    assert "secure" in flags
    assert "httponly" in flags
    assert flags["samesite"] == "Lax"


def test_secure_follows_the_proxy_once_the_app_trusts_it(app, auth):
    """Behind a TLS proxy, X-Forwarded-Proto makes the request HTTPS only when trusted."""
    auth.create()
    forwarded = {"X-Forwarded-Proto": "https"}
    untrusted = login(app.test_client(), headers=forwarded)
    assert "secure" not in attributes(set_cookie(untrusted, "session"))
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)
    trusted = login(app.test_client(), headers=forwarded)
    assert "secure" in attributes(set_cookie(trusted, "session"))
    assert "secure" in attributes(set_cookie(trusted, "remember_token"))


@pytest.mark.parametrize(
    ("setting", "over_http", "over_https"),
    [("auto", False, True), ("true", True, True), (True, True, True), ("false", False, False)],
)
def test_secure_cookies_setting(make_app, setting, over_http, over_https):
    app = make_app(SECURE_COOKIES=setting)
    AuthActions(app, app.test_client()).create()
    for base_url, expected in (("http://localhost", over_http), ("https://localhost", over_https)):
        response = login(app.test_client(), base_url=base_url)
        for name in ("session", "remember_token"):
            assert ("secure" in attributes(set_cookie(response, name))) is expected, (
                setting,
                base_url,
                name,
            )


def test_secure_cookies_setting_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_SECURE_COOKIES", "true")
    assert create_app(make_config(tmp_path)).config["SECURE_COOKIES"] == "true"
    monkeypatch.setenv("JOURNAL_SECURE_COOKIES", "sometimes")
    with pytest.raises(ValueError, match="auto, true or false"):
        create_app(make_config(tmp_path))


def test_logging_out_over_https_deletes_the_cookies_securely(client, auth):
    auth.create()
    login(client, base_url="https://localhost")
    response = client.post("/logout", base_url="https://localhost")
    remember = set_cookie(response, "remember_token")
    assert expires(remember) < datetime.now(UTC)  # deleted in the browser too
    assert "secure" in attributes(remember)


# Lifetime


def test_the_session_cookie_ends_with_the_browser(client, auth):
    auth.create()
    flags = attributes(set_cookie(login(client, remember=False), "session"))
    assert "expires" not in flags and "max-age" not in flags


def test_the_remember_cookie_has_a_bounded_lifetime(make_app):
    app = make_app(REMEMBER_DAYS=7)
    client = app.test_client()
    AuthActions(app, client).create()
    response = login(client)
    lifetime = expires(set_cookie(response, "remember_token")) - datetime.now(UTC)
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)
    with app.app_context():
        row = db.session.scalar(select(LoginSession))
        assert row.remember
        assert row.expires_at - row.created_at == timedelta(days=7)
    # Using the journal does not stretch it.
    assert "remember_token=" not in str(client.get("/").headers.getlist("Set-Cookie"))


def test_a_remember_cookie_past_its_lifetime_is_refused_by_the_server(app, client, auth):
    """Even if a browser (or a thief) keeps the cookie longer, the server has its own end date."""
    auth.create()
    login(client)
    remember = client.get_cookie("remember_token").value
    with app.app_context():
        row = db.session.scalar(select(LoginSession))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/").status_code == 302


@pytest.mark.parametrize("days", [0, 366, "30"])
def test_remember_days_must_be_sensible(tmp_path, days):
    with pytest.raises(ValueError, match="REMEMBER_DAYS"):
        create_app(make_config(tmp_path, REMEMBER_DAYS=days))


# Replay


def signed_in_cookies(app):
    client = app.test_client()
    AuthActions(app, client).create()
    login(client)
    return client, client.get_cookie("session").value, client.get_cookie("remember_token").value


def replay(app, name: str, value: str):
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief.get("/")


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_cookies_replayed_after_logout_are_refused(app, name):
    client, session_cookie, remember_cookie = signed_in_cookies(app)
    value = session_cookie if name == "session" else remember_cookie
    assert replay(app, name, value).status_code == 200  # the cookie works on its own
    client.post("/logout")
    response = replay(app, name, value)
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_cookies_replayed_after_a_password_change_elsewhere_are_refused(app, name):
    _, session_cookie, remember_cookie = signed_in_cookies(app)
    value = session_cookie if name == "session" else remember_cookie
    assert replay(app, name, value).status_code == 200
    other = app.test_client()
    login(other, remember=False)
    response = other.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert other.get("/").status_code == 200  # the device that changed it stays in
    assert replay(app, name, value).status_code == 302


# Idle timeout


def test_an_idle_session_ends_but_an_active_one_does_not(make_app):
    app = make_app(SESSION_IDLE_HOURS=2)
    client = app.test_client()
    AuthActions(app, client).create()
    login(client, remember=False)

    def last_seen(hours_ago: float):
        with app.app_context():
            row = db.session.scalar(select(LoginSession))
            row.last_seen_at = utcnow() - timedelta(hours=hours_ago)
            db.session.commit()

    last_seen(1.9)
    assert client.get("/").status_code == 200
    with app.app_context():  # the visit counted as activity: the idle clock restarted
        row = db.session.scalar(select(LoginSession))
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)
        assert row.expires_at - row.last_seen_at == timedelta(hours=2)
    last_seen(2.1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    with app.app_context():
        assert db.session.scalar(select(LoginSession)) is None
