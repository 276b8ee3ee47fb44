"""The databases tests run on: a fresh one per ``app``, holding the migrated schema.

SQLite by default. With ``JOURNAL_TEST_DATABASE_URL`` set to a PostgreSQL URL (a role
allowed to create databases; ``make test-postgres``), a small pool of PostgreSQL
databases, emptied between tests, instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from journal import create_app
from journal.extensions import db
from journal.schema import upgrade_database

from .support import make_config

TEST_DATABASE_URL = os.environ.get("JOURNAL_TEST_DATABASE_URL", "").strip()
NO_POSTGRES = "no PostgreSQL server configured (set JOURNAL_TEST_DATABASE_URL, see README)"


def postgres_url(url: str):
    """``url`` as a SQLAlchemy URL for psycopg 3, whatever driver it names."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise pytest.UsageError(f"JOURNAL_TEST_DATABASE_URL must be a PostgreSQL URL, not {url}")
    return parsed.set(drivername="postgresql+psycopg")


class Databases:
    """Hands out fresh databases holding the migrated schema and no rows.

    SQLite: a copy of a migrated template file. PostgreSQL: a database of a small pool,
    emptied with TRUNCATE (much faster than creating a database per test); one whose schema
    a test changed is replaced by a new copy of the migrated template.
    """

    def __init__(self, folder: Path, server_url: str = ""):
        self.folder = folder
        self.backend = "postgresql" if server_url else "sqlite"
        self._counter = itertools.count(1)
        self._created: list[str] = []  # every PostgreSQL database made, to drop at the end
        self._pool: set[str] = set()  # databases that fresh() hands out and takes back
        self._idle: list[str] = []  # pool databases not handed out now
        if server_url:
            self._server = postgres_url(server_url)
            base = self._server.database or "roadbook_test"
            self._prefix = f"{base}_{os.getpid()}"
            self._admin = create_engine(self._server, isolation_level="AUTOCOMMIT")
            self.template = f"{self._prefix}_template"
            self._drop(self.template)
            self._execute(f'CREATE DATABASE "{self.template}"')
            self._migrate(self.url_of(self.template))
            with self._connect(self.template) as connection:
                self._signature = self._schema_signature(connection)
                self._tables = self._table_names(connection)
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
        """The URL of a database holding the migrated schema and no rows."""
        if self.backend == "sqlite":
            target = folder / "journal.sqlite3"
            for leftover in folder.glob("journal.sqlite3-*"):
                leftover.unlink()
            shutil.copy(self.template_file, target)
            return f"sqlite:///{target}"
        while self._idle:
            name = self._idle.pop()
            if self._reset(name):
                return self.url_of(name)
            self._forget(name)
        name = self._new_name()
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._pool.add(name)
        return self.url_of(name)

    def empty(self) -> str:
        """The URL of a new PostgreSQL database without any table (dropped when released)."""
        name = self._new_name()
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url_of(f"{name}")

    def release(self, *urls: str) -> None:
        """Give back the databases at ``urls`` (their engines must be disposed)."""
        for name in (make_url(url).database for url in urls):
            if name in self._idle or name not in self._created:
                continue
            if name in self._pool:
                self._idle.append(name)  # checked and emptied when handed out again
            else:
                self._forget(name)

    def close(self) -> None:
        if self.backend == "postgresql":
            for name in list(self._created):
                self._drop(name)
            self._drop(self.template)
            self._admin.dispose()

    def _new_name(self) -> str:
        name = f"{self._prefix}_{next(self._counter)}"
        self._created.append(name)
        return name

    def _forget(self, name: str) -> None:
        self._created.remove(name)
        self._pool.discard(name)
        self._drop(name)

    def _end_own_connections(self, name: str) -> None:
        # Our own leftover connections only: autovacuum (a superuser) may be there too.
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid() AND usename = current_user"
        )

    def _reset(self, name: str) -> bool:
        """Empty a pool database; False when its schema is no longer the template's."""
        self._end_own_connections(name)
        tables = ", ".join(f'"{table}"' for table in self._tables if table != "alembic_version")
        with self._connect(name) as connection:
            if self._schema_signature(connection) != self._signature:
                return False
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return True

    @staticmethod
    def _schema_signature(connection) -> tuple | None:
        try:
            return Databases._read_signature(connection)
        except DBAPIError:  # a table the signature reads is gone
            return None

    @staticmethod
    def _read_signature(connection) -> tuple:
        columns = connection.exec_driver_sql(
            "SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type"
            " || ':' || is_nullable || ':' || coalesce(column_default, ''), ',' "
            "ORDER BY table_name, column_name)) FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ).scalar()
        indexes = connection.exec_driver_sql(
            "SELECT md5(string_agg(indexdef, ',' ORDER BY indexname)) FROM pg_indexes "
            "WHERE schemaname = 'public'"
        ).scalar()
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        return columns, indexes, tuple(version)

    @staticmethod
    def _table_names(connection) -> tuple[str, ...]:
        rows = connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return tuple(row[0] for row in rows)

    def _connect(self, name: str):
        engine = create_engine(self.url_of(name), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        return _DisposingConnection(engine)

    def _drop(self, name: str) -> None:
        """Drop a database once our connections to it are gone.

        Not ``WITH (FORCE)``: that refuses when an autovacuum worker is in the database, as
        this role may not end it; a plain DROP stops autovacuum itself. A connection still
        closing may hold the database a moment longer: try again for a few seconds.
        """
        for attempt in range(20):
            self._end_own_connections(name)
            try:
                self._execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except DBAPIError as error:
                in_use = getattr(error.orig, "sqlstate", None) == "55006"  # object_in_use
                if not in_use or attempt == 19:
                    raise
                time.sleep(0.25)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(statement)


class _DisposingConnection:
    def __init__(self, engine):
        self._engine = engine

    def __enter__(self):
        self._connection = self._engine.connect()
        return self._connection

    def __exit__(self, *exc):
        self._connection.close()
        self._engine.dispose()
        return False
