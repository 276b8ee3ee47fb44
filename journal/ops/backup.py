"""Backups: consistent copies of the live database, checked, restorable, and snapshots.

A SQLite file that the app is writing to must never be copied with ``cp``: the copy can be
corrupt. The online backup API, in one step, copies a consistent state while the workers
keep writing (WAL readers do not block writers), and every copy is checked with
``PRAGMA integrity_check`` before it is called a backup.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from flask import Flask

from ..db import sqlite_file, utcnow
from ..extensions import db
from ..schema import known_revision, script_directory

log = logging.getLogger(__name__)

BACKUP_PREFIX = "roadbook-"
SUFFIX = ".sqlite3"
# Snapshots taken before schema upgrades that are kept (JOURNAL_UPGRADE_SNAPSHOTS).
DEFAULT_SNAPSHOTS = 3


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message that says why."""


def sqlite_path(app: Flask) -> Path | None:
    """The file of the app's SQLite database; None for another database or an in-memory one."""
    with app.app_context():
        # A relative SQLite path is made absolute by the engine (in the instance folder).
        return sqlite_file(db.engine.url)


def stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


def free_path(folder: Path, stem: str, suffix: str = SUFFIX) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... when that name is taken."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def backup_target(path: str | None, instance: Path) -> Path:
    """Where ``backup [PATH]`` writes: the file PATH, a new file in the folder PATH (existing,
    or written with a trailing slash), or a new file in instance/backups."""
    if path and not (Path(path).is_dir() or path.endswith(os.sep)):
        return Path(path)
    folder = Path(path) if path else instance / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return free_path(folder, BACKUP_PREFIX + stamp())


def backup_database(app: Flask, target: Path) -> Path:
    """Write a consistent, checked copy of the app's database to ``target``.

    SQLite is copied with the online backup API. Another database (PostgreSQL) is copied
    into a new SQLite file in one repeatable-read transaction: a file that ``restore`` and
    ``migrate-data`` both read.
    """
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        source = sqlite_path(app)
        if source is not None:
            copy_sqlite(source, partial, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
        else:
            from .database_copy import copy_to_sqlite_file

            copy_to_sqlite_file(app, partial)
        os.chmod(partial, 0o600)  # it holds password hashes
        check_backup_file(app, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def copy_sqlite(source: Path, target: Path, *, busy_timeout_ms: int = 5000) -> None:
    """Copy the SQLite database ``source`` to a new file ``target`` in one backup step."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    dst = sqlite3.connect(target)
    try:
        # pages=-1: all at once, in one read transaction of the source, so writers that
        # commit meanwhile cannot make the copy start over or mix two states.
        src.backup(dst, pages=-1)
        # The copy stands alone in one file, whatever mode the live database runs in.
        dst.execute("PRAGMA journal_mode = DELETE").fetchall()
        dst.commit()
    except sqlite3.Error as error:
        dst.close()
        target.unlink(missing_ok=True)
        raise BackupError(f"{source} could not be copied: {error}. Nothing was changed.") from None
    finally:
        dst.close()
        src.close()
    _fsync(target)


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` find wrong (empty: sound)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [str(error)]
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        problems = [] if rows == ["ok"] else rows
        if not problems:
            dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
            problems = [f"row {row[1]} of {row[0]} points to a missing row" for row in dangling]
        return problems
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()


def file_revision(path: Path) -> str | None:
    """The schema revision recorded in a SQLite file; None when it has none."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.DatabaseError, TypeError):
        return None
    finally:
        connection.close()


def require_sqlite_file(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise BackupError(f"{path} is not a SQLite database. Nothing was changed.")


def check_backup_file(app: Flask, path: Path, name: Path | None = None) -> str:
    """Make sure ``path`` is a sound Roadbook database this version can use; its revision.

    ``name`` is the file to speak of in messages, when ``path`` is a private copy of it.
    """
    name = name or path
    require_sqlite_file(path)
    problems = [line for problem in integrity_problems(path) for line in problem.splitlines()]
    if problems:
        shown = "; ".join([line for line in problems if not line.startswith("***")][:3])
        raise BackupError(f"{name} is damaged (integrity check: {shown}). Nothing was changed.")
    revision = file_revision(path)
    if revision is None:
        raise BackupError(f"{name} is not a Roadbook database (it has no schema revision).")
    with app.app_context():
        known = known_revision(script_directory(app), revision)
    if not known:
        raise BackupError(
            f"{name} was written by a newer version of Roadbook (schema revision {revision}). "
            "Upgrade Roadbook first. Nothing was changed."
        )
    return revision


def snapshot_before_upgrade(app: Flask, revision: str) -> Path | None:
    """Copy the SQLite database aside before migrating it from ``revision``; keep a few."""
    live = sqlite_path(app)
    if live is None:
        log.warning(
            "Upgrading the database schema from revision %s: no automatic snapshot is taken "
            "of this database; take one yourself first (pg_dump).",
            revision,
        )
        return None
    if not live.exists():
        return None
    snapshot = free_path(live.parent, f"{live.stem}.pre-upgrade-{revision}-{stamp()}")
    copy_sqlite(live, snapshot, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    log.warning("Snapshot of the database before upgrading it: %s", snapshot)
    keep = int(app.config.get("UPGRADE_SNAPSHOTS", DEFAULT_SNAPSHOTS))
    prune(live.parent, f"{live.stem}.pre-upgrade-", keep)
    return snapshot


def prune(folder: Path, prefix: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest ``prefix*.sqlite3`` files in ``folder``."""
    files = sorted(
        (path for path in folder.glob(f"{prefix}*{SUFFIX}") if path.is_file()),
        key=lambda path: (path.stat().st_mtime_ns, path.name),
        reverse=True,
    )
    doomed = files[max(keep, 1) :]
    for path in doomed:
        path.unlink()
    return doomed


def download_name() -> str:
    return f"{BACKUP_PREFIX}{stamp()}{SUFFIX}"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
