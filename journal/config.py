"""Configuration: defaults here, then instance/config.py, then JOURNAL_* variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "SIGNUP": "closed",
    # The cookies' flags are not settings: journal/auth/cookies.py sets them, in one place.
    "REMEMBER_DAYS": 30,
    "SESSION_IDLE_HOURS": 12,
    "UNDO_SECONDS": 600,
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    # Import previews waiting to be confirmed (journal/transfer/uploads.py): per user, and
    # the disk they may take together.
    "IMPORT_PREVIEWS_PER_USER": 3,
    "IMPORT_PREVIEW_BYTES": 64 * 1024 * 1024,
    "PAGE_SIZE": 20,
    # Memory for the page cache of each worker (journal/cache.py); 0 turns it off.
    "RENDER_CACHE_BYTES": 4 * 1024 * 1024,
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # Strict-Transport-Security on responses that came over HTTPS (0 turns it off).
    "HSTS_SECONDS": 365 * 24 * 3600,
    "HSTS_INCLUDE_SUBDOMAINS": False,
    "WTF_CSRF_TIME_LIMIT": None,
}


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from defaults, the instance folder and the environment."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("JOURNAL")
    if test_config is not None:
        app.config.from_mapping(test_config)

    database_url = app.config.get("DATABASE_URL")
    if database_url:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "journal.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )

    # A server's connections can drop between requests: check each before use. A SQLite
    # file's cannot, and the check would cost every request a query.
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        {"pool_pre_ping": not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")},
    )

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def normalize_database_url(url: str) -> str:
    """A PostgreSQL URL without a driver gets psycopg 3, the driver installed with the app."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _instance_secret_key(instance: Path) -> str:
    """Read the generated secret key from the instance folder, creating it once."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Write aside, then link into place: if two processes race at first start,
        # exactly one key wins and both read it, never a half-written file.
        temp = instance / f".secret_key.{os.getpid()}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text().strip()
