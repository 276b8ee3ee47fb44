"""The app factory, configuration, health check, headers and the database plumbing."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, text

from journal import create_app
from journal.db import write_transaction
from journal.extensions import db
from journal.schema import SchemaError, script_directory, upgrade_database

from .support import HX, make_config


def test_testing_config(tmp_path):
    config = make_config(tmp_path)
    assert create_app(config).testing
    config.pop("TESTING")
    assert not create_app(config).testing


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    config = make_config(tmp_path)
    config.pop("SECRET_KEY")
    first = create_app(config)
    second = create_app(config)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) == 64


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    monkeypatch.setenv("JOURNAL_DATABASE_URL", url)
    monkeypatch.setenv("JOURNAL_SIGNUP", "open")
    config = make_config(tmp_path)
    config.pop("SQLALCHEMY_DATABASE_URI")
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SIGNUP"] == "open"


def test_default_database_lives_in_the_instance_folder(tmp_path):
    config = make_config(tmp_path)
    config.pop("SQLALCHEMY_DATABASE_URI")
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'journal.sqlite3'}"
    )


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_the_database_does_not_answer(tmp_path):
    folder = tmp_path / "missing-dir"  # SQLite cannot create a file in a missing folder
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/x.db"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_security_headers_on_pages_and_errors(client):
    for response in (client.get("/login"), client.get("/no-such-page"), client.get("/healthz")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_responses_vary_on_the_htmx_headers(client):
    vary = client.get("/login").headers["Vary"]
    assert "HX-Request" in vary and "HX-Request-Type" in vary


def test_not_found_in_both_renderings(client, auth):
    auth.login()
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert "<!doctype html>" in page.get_data(as_text=True).lower()
    assert "Not found" in page.get_data(as_text=True)
    fragment = client.get("/nothing-here", headers=HX)
    assert fragment.status_code == 404
    assert "<!doctype html>" not in fragment.get_data(as_text=True).lower()
    assert "Not found" in fragment.get_data(as_text=True)


@pytest.mark.sqlite_only("SQLite connection pragmas")
def test_sqlite_connections_are_tuned(app):
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.sqlite_only("BEGIN IMMEDIATE is SQLite's")
def test_write_transactions_begin_immediate(app):
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _record(statements))
        db.session.execute(text("SELECT 1"))  # a read transaction already open
        with write_transaction() as session:
            session.execute(text("SELECT 1"))
    assert "BEGIN DEFERRED" in statements
    assert "BEGIN IMMEDIATE" in statements
    assert statements.index("BEGIN IMMEDIATE") > statements.index("BEGIN DEFERRED")


def _record(statements):
    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    return listener


def test_a_failed_write_transaction_leaves_nothing(app):
    from journal.auth.models import User

    with app.app_context():
        with pytest.raises(RuntimeError), write_transaction() as session:
            session.add(User(username="half", password_hash="x"))
            session.flush()
            raise RuntimeError("boom")
        assert db.session.scalar(text("SELECT count(*) FROM users")) == 0


def test_migrations_build_exactly_the_models_schema(app):
    """The newest revision and the models agree: nothing left for autogenerate to find."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_startup_upgrade_creates_a_fresh_database_and_is_idempotent(tmp_path):
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    upgrade_database(app)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert {"users", "stages", "topics", "entries", "entry_tags", "entry_topics"} <= tables
    with app.app_context():
        assert version == script_directory(app).get_current_head()


def test_startup_refuses_a_database_from_a_newer_version(tmp_path):
    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_future'")
    engine.dispose()
    with pytest.raises(SchemaError, match="newer version"):
        upgrade_database(app)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert version == "ffff_future"


def test_schema_head_names_the_newest_migration(app):
    from journal.schema import SCHEMA_HEAD

    with app.app_context():
        assert script_directory(app).get_current_head() == SCHEMA_HEAD


def test_a_served_worker_does_not_load_alembic(tmp_path):
    """The database is current: start-up checks its revision without Alembic."""
    import subprocess
    import sys

    app = create_app(make_config(tmp_path))
    upgrade_database(app)
    code = (
        "import sys, wsgi; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))"
    )
    env = {
        "JOURNAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "JOURNAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "JOURNAL_SECRET_KEY": "test",
        "PATH": "/usr/bin:/bin",
    }
    from journal import ROOT

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_connections_to_a_server_are_checked_before_use_and_a_sqlite_files_are_not(tmp_path):
    sqlite = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///:memory:"))
    postgres = create_app(
        make_config(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql://u:p@127.0.0.1:1/db")
    )
    with sqlite.app_context():
        assert db.engine.pool._pre_ping is False
    with postgres.app_context():
        assert db.engine.pool._pre_ping is True
