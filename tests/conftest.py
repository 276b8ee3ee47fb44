"""Fixtures: ``app`` (a fresh migrated database per test), ``client``, ``runner``, ``auth``.

The suite runs on SQLite by default. With ``JOURNAL_TEST_DATABASE_URL`` set to a PostgreSQL
URL (a role allowed to create databases), every ``app`` gets a fresh PostgreSQL database
instead, copied from a migrated template, and tests marked ``sqlite_only`` are skipped.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from journal import create_app
from journal.extensions import db
from journal.schema import upgrade_database

PASSWORD = "a long test passphrase"
# Fast hashing for tests; production uses argon2-cffi's defaults.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
TEST_DATABASE_URL = os.environ.get("JOURNAL_TEST_DATABASE_URL", "").strip()
NO_POSTGRES = "no PostgreSQL server configured (set JOURNAL_TEST_DATABASE_URL, see README)"


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


def postgres_url(url: str):
    """``url`` as a SQLAlchemy URL for psycopg 3, whatever driver it names."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise pytest.UsageError(f"JOURNAL_TEST_DATABASE_URL must be a PostgreSQL URL, not {url}")
    return parsed.set(drivername="postgresql+psycopg")


class Databases:
    """Hands out fresh databases: copies of one migrated template, on SQLite or PostgreSQL."""

    def __init__(self, folder: Path, server_url: str = ""):
        self.folder = folder
        self.backend = "postgresql" if server_url else "sqlite"
        self._counter = itertools.count(1)
        self._created: list[str] = []
        if server_url:
            self._server = postgres_url(server_url)
            base = self._server.database or "roadbook_test"
            self._prefix = f"{base}_{os.getpid()}"
            self._admin = create_engine(self._server, isolation_level="AUTOCOMMIT")
            self.template = f"{self._prefix}_template"
            self._drop(self.template)
            self._execute(f'CREATE DATABASE "{self.template}"')
            self._migrate(self.url_of(self.template))
        else:
            self.template_file = folder / "journal.sqlite3"
            self._migrate(f"sqlite:///{self.template_file}")

    def _migrate(self, url: str) -> None:
        app = create_app(make_config(self.folder, SQLALCHEMY_DATABASE_URI=url))
        upgrade_database(app)
        with app.app_context():
            db.engine.dispose()

    def url_of(self, name: str) -> str:
        return self._server.set(database=name).render_as_string(hide_password=False)

    def fresh(self, folder: Path) -> str:
        """The URL of a new database holding the migrated schema and no rows."""
        if self.backend == "sqlite":
            target = folder / "journal.sqlite3"
            for leftover in folder.glob("journal.sqlite3-*"):
                leftover.unlink()
            shutil.copy(self.template_file, target)
            return f"sqlite:///{target}"
        name = f"{self._prefix}_{next(self._counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._created.append(name)
        return self.url_of(name)

    def empty(self) -> str:
        """The URL of a new PostgreSQL database without any table."""
        name = f"{self._prefix}_{next(self._counter)}"
        self._execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self.url_of(name)

    def release(self, *urls: str) -> None:
        """Drop the PostgreSQL databases at ``urls`` (their engines must be disposed)."""
        for name in (make_url(url).database for url in urls):
            if name in self._created:
                self._created.remove(name)
                self._drop(name)

    def close(self) -> None:
        if self.backend == "postgresql":
            for name in self._created:
                self._drop(name)
            self._drop(self.template)
            self._admin.dispose()

    def _drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(statement)


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("template"), TEST_DATABASE_URL)
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def migrated_database(databases):
    """The migrated SQLite template file (SQLite runs only; use ``databases`` elsewhere)."""
    if databases.backend != "sqlite":
        pytest.skip("needs the SQLite template database")
    return databases.template_file


def pytest_collection_modifyitems(config, items):
    if not TEST_DATABASE_URL:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "tests SQLite itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture
def postgres(databases):
    """A factory of empty PostgreSQL databases; skips when no server is configured."""
    if databases.backend != "postgresql":
        pytest.skip(NO_POSTGRES)
    urls = []

    def empty() -> str:
        urls.append(databases.empty())
        return urls[-1]

    yield empty
    databases.release(*urls)


@pytest.fixture
def empty_database(databases, tmp_path):
    """The URL of a database with no table at all, on the backend the suite runs on."""
    if databases.backend == "postgresql":
        url = databases.empty()
        yield url
        databases.release(url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def make_app(databases, tmp_path):
    """Build an app on a fresh migrated database, with config overrides."""
    apps = []

    def build(**overrides):
        url = databases.fresh(tmp_path)
        app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    databases.release(*(app.config["SQLALCHEMY_DATABASE_URI"] for app in apps))


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
