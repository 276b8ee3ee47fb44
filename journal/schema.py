"""Bring the database to the newest schema revision, safely, at start-up."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from flask_migrate import upgrade

from .extensions import db, migrate


class SchemaError(RuntimeError):
    """The database cannot be used by this version of the journal."""


def script_directory(app: Flask) -> ScriptDirectory:
    config = migrate.get_config(directory=app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def current_revision(app: Flask) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(app: Flask) -> None:
    """Upgrade to the newest revision; refuse a database made by a newer version.

    A database that needs migrating is first copied aside (``ops.backup``), so a failed
    or unwanted upgrade can be undone with ``flask --app journal restore``.
    """
    with _migration_lock(Path(app.instance_path)), app.app_context():
        scripts = script_directory(app)
        revision = current_revision(app)
        if revision is not None and not _known(scripts, revision):
            raise SchemaError(
                f"The database is at schema revision {revision}, which this version of "
                "Roadbook does not know: it was written by a newer version. Upgrade Roadbook, "
                "or restore a backup made by this version. The database was not changed."
            )
        if revision != scripts.get_current_head():
            if revision is not None:
                from .ops.backup import snapshot_before_upgrade

                db.engine.dispose()
                snapshot_before_upgrade(app, revision)
            upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


@contextmanager
def _migration_lock(instance: Path):
    """One process migrates at a time (gunicorn workers start together)."""
    instance.mkdir(parents=True, exist_ok=True)
    with open(instance / ".migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
