"""Restoring a backup into the live SQLite database, keeping the current journal aside."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..extensions import db
from ..schema import upgrade_database
from .backup import (
    SUFFIX,
    BackupError,
    check_backup_file,
    copy_sqlite,
    free_path,
    integrity_problems,
    require_sqlite_file,
    sqlite_path,
    stamp,
)


@dataclass(frozen=True)
class Restored:
    revision: str
    kept_aside: Path | None


def restore_database(app: Flask, path: Path) -> Restored:
    """Replace the app's SQLite database with the backup ``path``, keeping the current one aside.

    The backup is checked first (a damaged file or one from a newer version is refused).
    It is then written into the live database with the backup API, which takes the write
    lock: running workers wait a moment and then see the restored journal.
    """
    live = sqlite_path(app)
    if live is None:
        raise BackupError(
            "restore works on a SQLite database. For PostgreSQL, use pg_restore, or "
            "`flask --app journal migrate-data --to URL` from a backup file into an empty database."
        )
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    busy = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    live.parent.mkdir(parents=True, exist_ok=True)
    candidate = live.with_name(f".restore-{os.getpid()}{SUFFIX}")
    candidate.unlink(missing_ok=True)
    require_sqlite_file(path)
    try:
        # Check and restore the same bytes: a private copy of the file.
        copy_sqlite(path, candidate, busy_timeout_ms=busy)
        revision = check_backup_file(app, candidate, name=path)
        kept_aside = None
        if live.exists():
            kept_aside = free_path(live.parent, f"{live.stem}.before-restore-{stamp()}")
            copy_sqlite(live, kept_aside, busy_timeout_ms=busy)
        _write_into(candidate, live, busy)
    finally:
        candidate.unlink(missing_ok=True)
    problems = integrity_problems(live)
    if problems:  # pragma: no cover - the backup API does not write half a database
        raise BackupError(f"The restored database failed its check: {problems[:3]}")
    with app.app_context():
        db.engine.dispose()
    upgrade_database(app)
    return Restored(revision=revision, kept_aside=kept_aside)


def _write_into(source: Path, live: Path, busy_timeout_ms: int) -> None:
    """Copy ``source`` over the live database in one write transaction (all or nothing)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(live, timeout=busy_timeout_ms / 1000)
    try:
        dst.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        live_page = dst.execute("PRAGMA page_size").fetchone()[0]
        if src.execute("PRAGMA page_size").fetchone()[0] != live_page:
            # A WAL database only accepts a copy with its own page size.
            src.execute(f"PRAGMA page_size = {int(live_page)}")
            src.execute("VACUUM")
        src.backup(dst, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(
            f"The journal could not be replaced: {error}. Nothing was changed."
        ) from None
    finally:
        dst.close()
        src.close()
