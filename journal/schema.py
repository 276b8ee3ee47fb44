"""The database's schema: upgraded once before the server starts, checked as it starts.

Alembic (through Flask-Migrate) is imported only when it is needed: a served worker only
compares the database's revision with ``SCHEMA_HEAD``, which keeps about 11 MB out of
every worker's memory.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision\s*=\s*['\"]([^'\"]*)['\"]", re.MULTILINE)


def revisions_in(folder: Path = MIGRATIONS) -> tuple[set[str], set[str]]:
    """The revisions in ``folder``/versions, and those named as the one before another,
    read from the files without Alembic."""
    revisions, parents = set(), set()
    for script in (folder / "versions").glob("*.py"):
        for down, value in _REVISION.findall(script.read_text()):
            (parents if down else revisions).add(value)
    return revisions, parents


def schema_head(folder: Path = MIGRATIONS) -> str | None:
    """The newest revision: the one no other revision names as the one before it."""
    revisions, parents = revisions_in(folder)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


SCHEMA_HEAD = schema_head()


class SchemaError(RuntimeError):
    """The database cannot be used by this version of the journal."""


def register_migrations(app: Flask):
    """Flask-Migrate for this app (and its `flask db` commands), once."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    return app.extensions["migrate"]


def script_directory(app: Flask):
    from alembic.script import ScriptDirectory

    migrate = register_migrations(app)
    return ScriptDirectory.from_config(migrate.migrate.get_config(directory=migrate.directory))


def current_revision(app: Flask) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_database(app: Flask) -> None:
    """Upgrade to the newest revision, as ``flask db upgrade`` does (a SQLite database is
    copied aside first: see ``before_upgrade``); refuse a database made by a newer version.

    Run once before the server starts (``make serve``, the systemd unit's ``ExecStartPre``,
    the container's entry point), never by the workers: they only check (``require_current``).
    """
    registered = app.extensions.get("migrate")
    default_scripts = registered is None or Path(registered.directory) == MIGRATIONS
    if default_scripts and current_revision(app) == SCHEMA_HEAD:
        with app.app_context():
            db.engine.dispose()
        return
    with app.app_context():
        from flask_migrate import upgrade

        scripts = script_directory(app)
        revision = current_revision(app)
        refuse_unknown(scripts, revision)
        if revision != scripts.get_current_head():
            upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


def before_upgrade(app: Flask, connection, scripts, destination: str | None) -> None:
    """What every schema change does first (``migrations/env.py`` calls it): refuse a
    database made by a newer version, then copy a SQLite database aside (``ops.backup``),
    so that an unwanted upgrade can be undone with ``flask --app journal restore``."""
    from alembic.runtime.migration import MigrationContext
    from alembic.util import CommandError

    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None or destination is None:
        return  # a new database, or a command that reads the schema only
    refuse_unknown(scripts, revision)
    try:
        targets = {script.revision for script in scripts.get_revisions(destination) if script}
    except CommandError:  # a destination such as "+1": copy all the same
        targets = set()
    unchanged = targets == {revision}
    if not unchanged:
        from .ops.backup import snapshot_before_upgrade

        snapshot_before_upgrade(app, revision)


def refuse_unknown(scripts, revision: str | None) -> None:
    if revision is not None and not known_revision(scripts, revision):
        raise _newer(revision)


def _newer(revision: str) -> SchemaError:
    return SchemaError(
        f"The database is at schema revision {revision}, which this version of Roadbook "
        "does not know: it was written by a newer version. Upgrade Roadbook, or restore a "
        "backup made by this version. The database was not changed."
    )


def require_current(app: Flask) -> None:
    """Refuse to serve a database whose schema is not this version's (``wsgi.py``).

    Read without Alembic: a served worker never loads it (about 11 MB of memory).
    """
    revision = current_revision(app)
    with app.app_context():
        db.engine.dispose()
    if revision == SCHEMA_HEAD:
        return
    upgrade = (
        "Upgrade it first, once: `flask --app journal db upgrade` (make serve, the systemd "
        "unit and the container do so before they start the server)."
    )
    if revision is None:
        raise SchemaError(f"The database has no schema yet. {upgrade}")
    if revision in revisions_in()[0]:
        raise SchemaError(
            f"The database is at schema revision {revision}; this version of Roadbook "
            f"needs {SCHEMA_HEAD}. {upgrade}"
        )
    raise _newer(revision)


def known_revision(scripts, revision: str) -> bool:
    """Whether ``revision`` is one of this version's migrations."""
    from alembic.util import CommandError

    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False
