"""Uploaded files kept between the preview and the confirmation.

The browser sends the file once, for the preview; confirming sends only a random token.
The server reads the very same bytes again, so what is imported is what was previewed
and nothing parsed is ever taken back from the client. Files live in the instance
folder, named after their owner, and are removed once imported, when their preview
fails, or after an hour.

They share the disk with the database, so they are bounded: a file is kept only for a
preview that succeeded; a user has at most ``IMPORT_PREVIEWS_PER_USER`` waiting (a new one
replaces their oldest); all of them together take at most ``IMPORT_PREVIEW_BYTES``, each
counted as at least ``MIN_CHARGE``, so the folder also holds a bounded number of files.
Past that, a new preview is refused until others are confirmed or expire.

Expired files are swept by every upload, before the quotas are counted, and when the app
starts. That needs no timer: files are only ever added by an upload, which sweeps first,
so what they take stays under the cap whatever the traffic; a file past its hour is never
read again, and waits at most until the next upload or restart to be removed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from ..auth.models import User

MAX_AGE_SECONDS = 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MIN_CHARGE = 64 * 1024


class UploadsFull(Exception):
    """The previews waiting take all the room the server gives them: try again later."""


@dataclass(frozen=True)
class Upload:
    token: str
    data: bytes
    filename: str
    fmt: str


def _folder(app: Flask | None = None) -> Path:
    folder = Path((app or current_app).instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(user: User, token: str) -> tuple[Path, Path]:
    base = _folder() / f"{int(user.id)}-{token}"
    return base.with_suffix(".upload"), base.with_suffix(".json")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One upload at a time counts and writes, across the threads and workers."""
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def save_upload(user: User, data: bytes, filename: str, fmt: str) -> Upload:
    """Keep a previewed file; raise UploadsFull when the waiting previews fill their room."""
    folder = _folder()
    with _locked(folder):
        _sweep(folder)
        waiting = _waiting(folder)
        mine = sorted(
            (path for path in waiting if path.name.startswith(f"{int(user.id)}-")),
            key=lambda path: waiting[path][0],
        )
        per_user = int(current_app.config["IMPORT_PREVIEWS_PER_USER"])
        for oldest in mine[: max(0, len(mine) - per_user + 1)]:
            _remove(oldest)
            del waiting[oldest]
        used = sum(charge for _, charge in waiting.values())
        if used + max(len(data), MIN_CHARGE) > int(current_app.config["IMPORT_PREVIEW_BYTES"]):
            raise UploadsFull
        token = secrets.token_urlsafe(24)
        body, meta = _paths(user, token)
        try:
            _write(meta, json.dumps({"filename": filename, "format": fmt}).encode())
            _write(body, data)
        except BaseException:
            _remove(body)
            raise
    return Upload(token, data, filename, fmt)


def load_upload(user: User, token: str | None) -> Upload | None:
    """The user's own upload with this token, if it is still there."""
    if not token or not TOKEN_RE.match(token):
        return None
    body, meta = _paths(user, token)
    try:
        if time.time() - body.stat().st_mtime > MAX_AGE_SECONDS:
            discard_upload(user, token)
            return None
        info = json.loads(meta.read_text())
        return Upload(token, body.read_bytes(), info.get("filename", ""), info.get("format", ""))
    except (OSError, ValueError):
        return None


def discard_upload(user: User, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        _remove(_paths(user, token)[0])


def _remove(body: Path) -> None:
    body.unlink(missing_ok=True)
    body.with_suffix(".json").unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _waiting(folder: Path) -> dict[Path, tuple[float, int]]:
    """Every upload kept: when it was written, and what it counts against the quota."""
    found = {}
    for path in folder.glob("*.upload"):
        try:
            status = path.stat()
        except OSError:
            continue
        found[path] = (status.st_mtime, max(status.st_size, MIN_CHARGE))
    return found


def _sweep(folder: Path) -> None:
    """Remove uploads that were never confirmed, and their descriptions."""
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if path.suffix not in (".upload", ".json"):
            continue
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def sweep_expired(app: Flask) -> None:
    """At start-up: remove what a stopped server left waiting past its hour."""
    folder = Path(app.instance_path) / "imports"
    if folder.is_dir():
        with _locked(folder):
            _sweep(folder)
