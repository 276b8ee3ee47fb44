"""Fixtures: ``app`` (a fresh migrated database per test), ``client``, ``runner``, ``auth``,
``stage_id``. What tests share besides fixtures is in support.py.

The suite runs on SQLite by default. With ``JOURNAL_TEST_DATABASE_URL`` set to a PostgreSQL
URL (a role allowed to create databases; ``make test-postgres``), every ``app`` gets a
migrated PostgreSQL database with no rows instead (see ``Databases``), and tests marked
``sqlite_only`` are skipped with their reason.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from jinja2 import FileSystemBytecodeCache

from journal import create_app
from journal.extensions import db

from .databases import NO_POSTGRES, TEST_DATABASE_URL, Databases
from .support import AuthActions, make_config, stage_id_of


@pytest.fixture
def server_in_new_york(monkeypatch):
    """The process's own local time is New York's (the server's zone must not leak in)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("template"), TEST_DATABASE_URL)
    yield databases
    databases.close()


BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config, items):
    # Marked here: a ``pytestmark`` in a conftest.py applies to no test.
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
    if not TEST_DATABASE_URL:
        return
    # A test that never opens the test database (no ``databases`` among its fixtures) runs
    # the same on either database: the PostgreSQL run leaves it to the SQLite run.
    on_sqlite_alone = [item for item in items if "databases" not in item.fixturenames]
    if on_sqlite_alone:
        config.hook.pytest_deselected(items=on_sqlite_alone)
        items[:] = [item for item in items if "databases" in item.fixturenames]
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


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory):
    """Jinja's own cache of compiled templates, shared by every app of a test process
    (``make_app``'s and the browser tests' live servers): each app has a Jinja environment
    of its own, and compiling the templates again for each test took about a quarter of a
    test's time. The cache writes each file whole before moving it in place, so the live
    servers' threads can share it too. The cache knows a template by its name and source
    alone, so it holds only while every app builds its Jinja environment the same way
    (journal/templating.py): a test that changed autoescaping or an extension would be
    handed templates compiled without the change."""
    return FileSystemBytecodeCache(str(tmp_path_factory.mktemp("templates")))


@pytest.fixture
def make_app(databases, tmp_path, template_cache):
    """Build an app on a fresh migrated database, with config overrides."""
    apps = []

    def build(**overrides):
        url = databases.fresh(tmp_path)
        app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url, **overrides))
        app.jinja_env.bytecode_cache = template_cache
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


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


@pytest.fixture
def stage_id(app, auth) -> int:
    """Alice's first stage (her account is made if the test has not made it yet)."""
    auth.create("alice")
    return stage_id_of(app)
