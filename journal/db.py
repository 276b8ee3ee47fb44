"""Database plumbing: SQLite connection settings and write transactions.

SQLite under several workers needs WAL, a busy timeout and ``BEGIN IMMEDIATE`` for
transactions that write: a deferred transaction that reads and then writes fails
with "database is locked" instead of waiting (see the project's measurements).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import URL, Engine, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .extensions import db
from .validation import Refused

BEGIN_OPTION = "sqlite_begin"
# SQLite's "database is locked" (SQLITE_BUSY) and "table is locked" (SQLITE_LOCKED), in the
# low byte of every extended result code; PostgreSQL's lock_not_available.
SQLITE_BUSY_CODES = {5, 6}
POSTGRES_BUSY_STATE = "55P03"
BUSY_RETRY_SECONDS = 2


class DatabaseBusy(Refused):
    """A write could not get the database in time: nothing was written."""

    def __init__(self):
        super().__init__(
            "The journal is busy: nothing was saved. Please try again in a moment.",
            BUSY_RETRY_SECONDS,
        )


def is_busy(error: OperationalError) -> bool:
    """Whether ``error`` says the database was locked by another writer."""
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in SQLITE_BUSY_CODES
    return getattr(original, "sqlstate", None) == POSTGRES_BUSY_STATE


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def init_db(app: Flask) -> None:
    """Bind the database and tune SQLite connections (no connection is opened here)."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite database URL, absolute; None for another database or memory."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself, so write transactions can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block as one write transaction: all of it is committed, or none of it.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``, taking the write lock
    up front. A read transaction the request already holds is ended first, and what it
    loaded is expired, so the block reads current rows under the write lock.

    A write that cannot get the database within the busy timeout raises DatabaseBusy
    (nothing was written), which the request answers with 503 and ``Retry-After``.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    try:
        session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        if is_busy(error):
            raise DatabaseBusy() from error
        raise
    except BaseException:
        session.rollback()
        raise


def insert_or_ignore(session: Session, table: Table, rows: list[dict], unique: list[str]) -> int:
    """Insert ``rows``, skipping each that would repeat a row on the ``unique`` columns;
    return how many were inserted. One statement: ``ON CONFLICT DO NOTHING``, which SQLite
    and PostgreSQL both speak (SQLAlchemy writes it per dialect)."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(rows).on_conflict_do_nothing(index_elements=unique)
    return session.execute(statement).rowcount


@dataclass
class WriteSpan:
    """One write transaction: how long it held the write lock, how many statements it ran."""

    seconds: float = 0.0
    statements: int = 0


@contextmanager
def watch_writes(engine: Engine) -> Iterator[list[WriteSpan]]:
    """Record every write transaction (``BEGIN IMMEDIATE`` to its end) run inside the block.

    For measuring how long writes hold the lock (the benchmark, and tests that bound it);
    an executemany counts as one statement.
    """
    spans: list[WriteSpan] = []
    open_spans: dict[object, tuple[float, WriteSpan]] = {}

    def begun(connection):
        if connection.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE":
            open_spans[connection] = (time.perf_counter(), WriteSpan())

    def statement(connection, *_args):
        if connection in open_spans:
            open_spans[connection][1].statements += 1

    def ended(connection):
        if connection in open_spans:
            started, span = open_spans.pop(connection)
            span.seconds = time.perf_counter() - started
            spans.append(span)

    listeners = [
        ("begin", begun),
        ("before_cursor_execute", statement),
        ("commit", ended),
        ("rollback", ended),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield spans
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
