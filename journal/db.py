"""Database plumbing: SQLite connection settings and write transactions.

SQLite under several workers needs WAL, a busy timeout and ``BEGIN IMMEDIATE`` for
transactions that write: a deferred transaction that reads and then writes fails
with "database is locked" instead of waiting (see the project's measurements).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from .extensions import db

BEGIN_OPTION = "sqlite_begin"


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
        if engine.url.database not in (None, "", ":memory:"):
            app.extensions["writer_queue"] = WriterQueue(
                Path(engine.url.database)
                .resolve()
                .with_name(Path(engine.url.database).name + ".lock"),
                timeout=app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000,
            )


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


_FORKED = threading.Lock()


class WriterQueue:
    """Writers of one SQLite file wait their turn here, not in SQLite's busy handler.

    A writer that finds the database locked is put to sleep by SQLite and retries after
    1, 2, 5, 10 … up to 100 ms, so under load a write waits far longer than the lock is
    held. Here writers queue instead: the threads of a worker on a lock, the workers on an
    ``flock`` of a file next to the database (``journal.sqlite3.lock``, empty), and the next
    one goes the moment the last one commits. SQLite's own lock still guards the data; this
    only orders the waiting. A writer that waited ``timeout`` seconds goes on anyway, and
    SQLite's busy timeout decides.
    """

    def __init__(self, path: Path, *, timeout: float):
        self.path = path
        self.timeout = timeout
        self._pid: int | None = None
        self._start_process()

    def _start_process(self) -> None:
        # Nothing of another process's turn is this one's: after a fork, a lock or a
        # file inherited from the parent would let the child write alongside it.
        inherited = getattr(self, "_fd", None)
        if inherited is not None:
            with contextlib.suppress(OSError):
                os.close(inherited)  # the parent's: closing it here leaves the parent's lock
        self._threads = threading.RLock()
        self._held = threading.local()  # how deep this thread is in its turn
        self._fd: int | None = None
        self._pid = os.getpid()

    @contextmanager
    def turn(self) -> Iterator[bool]:
        """Wait for this writer's turn; yields whether it has it (False after the timeout)."""
        deadline = time.monotonic() + self.timeout
        if self._pid != os.getpid():
            with _FORKED:
                if self._pid != os.getpid():
                    self._start_process()
        if not self._threads.acquire(timeout=self.timeout):
            yield False
            return
        depth = getattr(self._held, "depth", 0)
        self._held.depth = depth + 1
        try:
            if depth:  # a turn within this thread's own turn: it holds the file already
                yield True
                return
            fd = self._file()
            locked = self._flock(fd, deadline)
            try:
                yield locked
            finally:
                if locked:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._held.depth = depth
            self._threads.release()

    def _file(self) -> int:
        if self._fd is None:  # opened in this process, never inherited: see _start_process
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd

    @staticmethod
    def _flock(fd: int, deadline: float) -> bool:
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)


def _writers_turn():
    queue = current_app.extensions.get("writer_queue")
    return queue.turn() if queue is not None else nullcontext()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block as one write transaction: all of it is committed, or none of it.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``, taking the write lock
    up front. A read transaction the request already holds is ended first, and what it
    loaded is expired, so the block reads current rows under the write lock.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    with _writers_turn():
        session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
