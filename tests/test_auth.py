"""Accounts: first visit, sign-up, log in and out, sessions, passwords, the CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.auth.models import LoginSession, User
from journal.auth.services import get_user_by_name
from journal.db import utcnow
from journal.extensions import db
from journal.roadmap.models import Stage, Topic

from .support import HX, PASSWORD, text


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# First visit and sign-up


def test_fresh_install_offers_to_create_the_owner(client):
    for path in ("/", "/journal", "/login"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location == "/setup"
    page = client.get("/setup")
    assert "Create the owner account" in text(page)


def test_setup_creates_the_owner_with_a_copy_of_the_roadmap(app, client):
    response = client.post(
        "/setup", data={"username": "Alice", "password": PASSWORD, "timezone": "Europe/Paris"}
    )
    assert response.status_code == 303
    assert response.location == "/"
    with app.app_context():
        user = get_user_by_name("alice")
        assert user.is_owner
        assert user.username == "alice"
        assert user.timezone == "Europe/Paris"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    assert count(app, Stage, Stage.user_id == user.id) == 7
    assert count(app, Topic, Topic.user_id == user.id) > 40
    assert "Today" in text(client.get("/"))


def test_setup_is_closed_once_an_account_exists(client, auth):
    auth.create("owner")
    assert client.get("/setup").location == "/login"
    response = client.post("/setup", data={"username": "intruder", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/login"


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("a", PASSWORD, "username", "Username must be 3 to 32 characters"),
        ("bad name", PASSWORD, "username", "Username must be 3 to 32 characters"),
        ("<script>", PASSWORD, "username", "Username must be 3 to 32 characters"),
        ("alice", "short", "password", "at least 8 characters"),
        ("alice", "password123", "password", "too easy to guess"),
        ("alice", "aaaaaaaaaaaa", "password", "too easy to guess"),
        ("alice", "alice-is-great", "password", "must not contain the username"),
    ],
)
def test_setup_rejects_bad_input_and_saves_nothing(app, client, username, password, field, message):
    response = client.post("/setup", data={"username": username, "password": password})
    assert response.status_code == 422
    assert message in text(response)
    assert f'id="{field}-error"' in text(response)
    assert count(app, User) == 0


def test_setup_shows_every_error_at_once(app, client):
    response = client.post("/setup", data={"username": "a", "password": "short"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="username-error">Username must be 3 to 32 characters' in page
    assert 'id="password-error">Password must be at least 8 characters long.' in page
    # Each field is described by its hint, then by its error.
    assert 'aria-describedby="username-hint username-error"' in page
    assert 'aria-describedby="password-hint password-error"' in page
    assert count(app, User) == 0


def test_signup_is_off_by_default(client, auth):
    auth.create("owner")
    assert client.get("/signup").status_code == 404
    assert client.post("/signup", data={"username": "bob", "password": PASSWORD}).status_code == 404
    assert "Create an account" not in text(client.get("/login"))


def test_signup_when_open(make_app):
    app = make_app(SIGNUP="open")
    client = app.test_client()
    with app.app_context():
        from journal.auth.services import create_user

        create_user("owner", PASSWORD)
    assert "Create an account" in text(client.get("/login"))
    response = client.post("/signup", data={"username": "bob", "password": PASSWORD})
    assert response.status_code == 303
    taken = app.test_client().post("/signup", data={"username": "BOB", "password": PASSWORD})
    assert taken.status_code == 422
    assert "already taken" in text(taken)
    with app.app_context():
        assert not get_user_by_name("bob").is_owner


# Log in and out


def test_login_page_labels(client, auth):
    auth.create()
    page = text(client.get("/login"))
    assert '<label for="username">Username</label>' in page
    assert '<label for="password">Password</label>' in page


def test_login_and_logout(client, auth):
    response = auth.login()
    assert response.status_code == 303
    assert response.location == "/"
    assert client.get("/").status_code == 200
    logout = auth.logout()
    assert logout.status_code == 303
    assert client.get("/").location.startswith("/login")


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password"), ("nobody", PASSWORD)]
)
def test_failed_login_says_the_same_for_unknown_names(client, auth, username, password):
    auth.create()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 401
    assert "Username or password is not correct." in text(response)
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for(client, auth):
    auth.create()
    redirect = client.get("/journal?q=x")
    assert redirect.location == "/login?next=/journal?q%3Dx"
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "next": "/journal?q=x"}
    )
    assert response.location == "/journal?q=x"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.test/",
        "//evil.test/",
        "/\\evil.test",
        "/\t/evil.test",
        "/\n/evil.test",
        "/\r\n/evil.test",
        "/ /evil.test",
        "/\x7f/evil.test",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client, auth, target):
    auth.create()
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "next": target}
    )
    assert response.location == "/"


def test_session_is_rotated_at_login(client, auth):
    auth.create()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_cookie_replayed_after_logout_is_refused(app, client, auth):
    auth.login()
    cookie = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_remember_me_cookie(app, client, auth):
    response = auth.login(remember=True)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Expires=" in header
    remember = client.get_cookie("remember_token").value
    # A new browser session (no session cookie) is signed in by the remember cookie alone.
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/").status_code == 200
    # After logging out, the same remember cookie no longer works.
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/").status_code == 302


def test_idle_session_expires(app, client, auth):
    auth.login()
    with app.app_context():
        session = db.session.scalar(select(LoginSession))
        session.last_seen_at = utcnow() - timedelta(hours=13)
        db.session.commit()
    assert client.get("/").status_code == 302
    assert count(app, LoginSession) == 0


def test_htmx_request_after_the_session_ended_is_sent_to_login(client, auth):
    auth.login()
    auth.logout()
    response = client.get("/journal", headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_after_login_a_user_returns_to_the_page_not_to_a_post_only_url(client, auth):
    auth.login()
    auth.logout()
    headers = {**HX, "HX-Current-URL": "http://localhost/journal?q=x"}
    response = client.post("/entries/5/delete", headers=headers)
    assert response.headers["HX-Redirect"] == "/login?next=/journal"
    plain = client.post("/entries")
    assert plain.location == "/login"


def test_logout_removes_the_remember_cookie(client, auth):
    auth.login(remember=True)
    response = auth.logout()
    cleared = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert client.get_cookie("remember_token") is None


def test_only_one_owner_even_when_first_visits_race(app, auth):
    from journal.auth.services import create_user
    from journal.validation import ValidationError

    with app.app_context():
        create_user("first", PASSWORD, is_owner=True)
        with pytest.raises(ValidationError, match="already has its owner"):
            create_user("second", PASSWORD, is_owner=True)
    assert count(app, User) == 1


# Settings and password


def test_change_password_signs_out_other_devices(app, client, auth):
    auth.login()
    other = app.test_client()
    other.post("/login", data={"username": "alice", "password": PASSWORD})
    assert other.get("/").status_code == 200
    response = client.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 401
    assert auth.login(password="a brand new passphrase").status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        (
            "wrong",
            "a brand new passphrase",
            "a brand new passphrase",
            "current_password",
            "not correct",
        ),
        (PASSWORD, "short", "short", "new_password", "at least 8"),
        (PASSWORD, "a brand new passphrase", "something else", "confirm_password", "do not match"),
    ],
)
def test_change_password_errors(app, client, auth, current, new, confirm, field, message):
    auth.login()
    response = client.post(
        "/settings/password",
        data={"current_password": current, "new_password": new, "confirm_password": confirm},
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in text(response)
    assert message in text(response)
    auth.logout()
    assert auth.login().status_code == 303


def test_settings_change_the_time_zone(app, client, auth):
    auth.login()
    response = client.post("/settings", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 303
    with app.app_context():
        assert get_user_by_name("alice").timezone == "Asia/Tokyo"
    bad = client.post("/settings", data={"timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "Time zone must be one from the list" in text(bad)


# The command line


def test_cli_create_user_reads_one_line_of_standard_input(app, runner):
    result = runner.invoke(args=["create-user", "Carol"], input=PASSWORD + "\nignored\n")
    assert result.exit_code == 0, result.output
    assert "Created user “carol”" in result.output
    with app.app_context():
        user = get_user_by_name("carol")
        assert user.is_owner  # the first account of an install is its owner
    assert count(app, Stage, Stage.user_id == user.id) == 7
    assert (
        app.test_client()
        .post("/login", data={"username": "carol", "password": PASSWORD})
        .status_code
        == 303
    )


def test_cli_create_user_asks_on_a_terminal_without_echoing(app, tmp_path):
    """A real pseudo-terminal: the password is asked twice and never shown."""
    import os
    import pty
    import subprocess
    import sys
    import time
    from pathlib import Path

    flask = Path(sys.executable).parent / "flask"
    env = {
        **os.environ,
        "JOURNAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "JOURNAL_SECRET_KEY": "test",
        "JOURNAL_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(flask), "--app", "journal", "create-user", "dave"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    output = b""

    def read_until(marker: bytes, seconds: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while marker not in output and time.monotonic() < deadline:
            try:
                output += os.read(controller, 1024)
            except OSError:
                break

    read_until(b"Password:")
    os.write(controller, (PASSWORD + "\n").encode())
    read_until(b"Repeat for confirmation:")
    os.write(controller, (PASSWORD + "\n").encode())
    read_until(b"Created user")
    assert process.wait(timeout=30) == 0, output
    os.close(controller)
    assert b"Created user \xe2\x80\x9cdave\xe2\x80\x9d" in output
    assert PASSWORD.encode() not in output
    with app.app_context():
        assert get_user_by_name("dave") is not None


def test_cli_create_user_brings_a_new_database_up_to_date(tmp_path):
    from journal import create_app

    from .support import make_config

    app = create_app(make_config(tmp_path / "fresh"))
    result = app.test_cli_runner().invoke(args=["create-user", "hana"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_user_by_name("hana") is not None


def test_cli_refuses_an_existing_name(app, runner, auth):
    auth.create("erin")
    result = runner.invoke(args=["create-user", "erin"], input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "already taken" in result.output


def test_cli_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["create-user", "frank"], input="12345678\n")
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert count(app, User) == 0


def test_cli_refuses_an_unknown_time_zone(app, runner):
    result = runner.invoke(
        args=["create-user", "gina", "--timezone", "Nowhere/City"], input=PASSWORD
    )
    assert result.exit_code != 0
    assert "Unknown time zone" in result.output


def test_the_settings_page_has_a_plain_title_and_each_section_once(client, auth):
    auth.login()
    page = text(client.get("/settings"))
    assert "<title>Settings · Roadbook</title>" in page
    for heading in (
        'id="settings-general"',
        'id="insights-settings-title"',
        'id="settings-daily"',
        'id="settings-data-title"',
        'id="api-tokens-title"',
        'id="editor-settings-title"',
        'id="settings-delete"',
    ):
        assert page.count(heading) == 1, heading
