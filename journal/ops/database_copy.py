"""``migrate-data``: the whole journal copied into another database (SQLite to PostgreSQL).

Every row keeps its id. (A user's own import and export are journal/transfer/.) The
target is brought to the newest schema by the migrations, must hold no rows, and is
filled table by table in dependency order inside one transaction: it ends up with all of
the journal or none of it. The source is read in one consistent snapshot while the app
keeps running.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from ..config import normalize_database_url
from ..db import sqlite_file
from ..extensions import db
from ..schema import SchemaError, current_revision, script_directory, upgrade_database

BATCH = 1000
MIGRATIONS_TABLE = "alembic_version"


class DatabaseCopyError(Exception):
    """The journal cannot be moved there, with a message that says why."""


def migrate_data(app: Flask, url: str) -> dict[str, int]:
    """Copy every table of the app's database into the empty database at ``url``.

    Returns the number of rows copied per table.
    """
    with app.app_context():
        head = script_directory(app).get_current_head()
        source_engine = db.engine
    target = _target_app(app, normalize_database_url(url))
    with target.app_context():
        target_engine = db.engine
    try:
        if _same_database(source_engine.url, target_engine.url):
            raise DatabaseCopyError("The target is the journal's own database.")
        if current_revision(app) != head:
            raise DatabaseCopyError(
                "The journal's database is not at the newest schema: run "
                "`flask --app journal db upgrade` first."
            )
        try:
            upgrade_database(target)
        except SchemaError as error:
            raise DatabaseCopyError(str(error)) from None
        except SQLAlchemyError as error:
            reason = getattr(error, "orig", None) or error
            raise DatabaseCopyError(
                f"The target database could not be prepared: {reason}"
            ) from None
        return copy_tables(source_engine, target_engine)
    finally:
        target_engine.dispose()


def copy_to_sqlite_file(app: Flask, path: Path) -> dict[str, int]:
    """Copy the app's database (PostgreSQL, say) into a new, stand-alone SQLite file."""
    counts = migrate_data(app, f"sqlite:///{Path(path).resolve()}")
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        connection.close()
    return counts


def copy_tables(source_engine: Engine, target_engine: Engine) -> dict[str, int]:
    """Copy every row of every table, in dependency order, keeping primary keys."""
    tables = journal_tables(source_engine)
    counts: dict[str, int] = {}
    with _snapshot(source_engine) as source, target_engine.begin() as target:
        missing = [table.name for table in tables if not _has_table(target, table.name)]
        if missing:
            raise DatabaseCopyError(f"The target has no table {', '.join(missing)}.")
        filled = [table.name for table in tables if target.scalar(_count(table))]
        if filled:
            raise DatabaseCopyError(
                f"The target database is not empty (rows in {', '.join(filled)}). "
                "Nothing was copied; use a new, empty database."
            )
        for table in tables:
            counts[table.name] = _copy_table(source, target, table)
        if target.dialect.name == "postgresql":
            _reset_sequences(target, tables)
        for table in tables:
            copied = target.scalar(_count(table))
            if copied != counts[table.name]:  # pragma: no cover - a guard, not a path
                raise DatabaseCopyError(
                    f"{table.name}: {counts[table.name]} rows read, {copied} written"
                )
        if target.dialect.name == "postgresql":
            # The planner's statistics, at once, once the copy is known whole: PostgreSQL
            # gathers them only when autovacuum comes round, and until then plans every query
            # for tables of one row (the Journal's list query took 3.6 ms instead of 0.06).
            # Its manual says the same: run ANALYZE after a bulk load. (Several tables in one
            # ANALYZE: PostgreSQL 11 or later.)
            quote = target.dialect.identifier_preparer.quote
            target.execute(text("ANALYZE " + ", ".join(quote(table.name) for table in tables)))
    return counts


def journal_tables(engine: Engine) -> list[Table]:
    """The database's tables in dependency order, typed by the models where they exist."""
    reflected = MetaData()
    reflected.reflect(bind=engine)
    return [
        db.metadata.tables.get(table.name, table)
        for table in reflected.sorted_tables
        if table.name != MIGRATIONS_TABLE
    ]


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    query = select(table).order_by(*table.primary_key.columns)
    result = source.execution_options(yield_per=BATCH).execute(query)
    copied = 0
    for rows in result.partitions():
        target.execute(table.insert(), [dict(row._mapping) for row in rows])
        copied += len(rows)
    return copied


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Make PostgreSQL hand out ids after the copied ones (the copy set them explicitly)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        column = columns[0].name
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        )
        if sequence:
            connection.execute(
                text(
                    f"SELECT setval(:sequence, COALESCE(MAX({quote(column)}), 0) + 1, false) "
                    f"FROM {quote(table.name)}"
                ),
                {"sequence": sequence},
            )


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one state of the database, even while it changes."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection


def _count(table: Table):
    return select(func.count()).select_from(table)


def _has_table(connection: Connection, name: str) -> bool:
    return inspect(connection).has_table(name)


def _same_database(a: URL, b: URL) -> bool:
    if a.get_backend_name() == b.get_backend_name() == "sqlite":
        return sqlite_file(a) is not None and sqlite_file(a) == sqlite_file(b)
    return a.set(password=None) == b.set(password=None)


def _target_app(app: Flask, url: str) -> Flask:
    """An app bound to ``url``: the migrations need one to run against the target."""
    from .. import create_app

    return create_app(
        {
            # DATABASE_URL too, or a JOURNAL_DATABASE_URL in the environment would win.
            "DATABASE_URL": url,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": app.secret_key,
            "INSTANCE_PATH": app.instance_path,
            "TESTING": app.testing,
        }
    )
