"""Bring the database to the newest schema revision, safely, at start-up.

Alembic (through Flask-Migrate) is imported only when it is needed: a served worker whose
database is already at ``SCHEMA_HEAD`` never loads it, which keeps about 11 MB out of
every worker's memory.
"""

from __future__ import annotations

import fcntl
import re
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision\s*=\s*['\"]([^'\"]*)['\"]", re.MULTILINE)


def schema_head(folder: Path = MIGRATIONS) -> str | None:
    """The newest revision in ``folder``/versions, read from the files without Alembic:
    the one revision no other revision names as the one before it."""
    revisions, parents = set(), set()
    for script in (folder / "versions").glob("*.py"):
        for down, value in _REVISION.findall(script.read_text()):
            (parents if down else revisions).add(value)
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
    """Upgrade to the newest revision; refuse a database made by a newer version.

    A database that needs migrating is first copied aside (``ops.backup``), so a failed
    or unwanted upgrade can be undone with ``flask --app journal restore``.
    """
    registered = app.extensions.get("migrate")
    default_scripts = registered is None or Path(registered.directory) == MIGRATIONS
    if default_scripts and current_revision(app) == SCHEMA_HEAD:
        with app.app_context():
            db.engine.dispose()
        return
    with _migration_lock(Path(app.instance_path)), app.app_context():
        from flask_migrate import upgrade

        scripts = script_directory(app)
        revision = current_revision(app)
        if revision is not None and not known_revision(scripts, revision):
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


def known_revision(scripts, revision: str) -> bool:
    """Whether ``revision`` is one of this version's migrations."""
    from alembic.util import CommandError

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
