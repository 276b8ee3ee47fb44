"""Fixtures: ``app`` (a fresh migrated database per test), ``client``, ``runner``, ``auth``."""

from __future__ import annotations

import shutil

import pytest

from journal import create_app
from journal.extensions import db
from journal.schema import upgrade_database

PASSWORD = "a long test passphrase"
# Fast hashing for tests; production uses argon2-cffi's defaults.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}


def make_config(tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'journal.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_PARAMS": CHEAP_ARGON2,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """One database built by the migrations; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("template")
    app = create_app(make_config(folder))
    upgrade_database(app)
    return folder / "journal.sqlite3"


@pytest.fixture
def make_app(migrated_database, tmp_path):
    """Build an app on a fresh copy of the migrated database, with config overrides."""
    apps = []

    def build(**overrides):
        shutil.copy(migrated_database, tmp_path / "journal.sqlite3")
        app = create_app(make_config(tmp_path, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Create accounts and sign in and out through the real pages."""

    def __init__(self, app, client):
        self._app = app
        self._client = client

    def create(self, username="alice", password=PASSWORD, timezone="UTC"):
        from journal.auth.services import create_user, get_user_by_name

        with self._app.app_context():
            user = get_user_by_name(username) or create_user(username, password, timezone=timezone)
            return user.id

    def login(self, username="alice", password=PASSWORD, remember=False, timezone="UTC"):
        self.create(username, password, timezone)
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "1"
        return self._client.post("/login", data=data)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)
