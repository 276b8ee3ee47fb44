"""Uploaded files kept between the preview and the confirmation.

The browser sends the file once, for the preview; confirming sends only a random token.
The server reads the very same bytes again, so what is imported is what was previewed
and nothing parsed is ever taken back from the client. Files live in the instance
folder, named after their owner, and are removed once imported or after an hour.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Upload:
    token: str
    data: bytes
    filename: str
    fmt: str


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(user, token: str) -> tuple[Path, Path]:
    base = _folder() / f"{int(user.id)}-{token}"
    return base.with_suffix(".upload"), base.with_suffix(".json")


def save_upload(user, data: bytes, filename: str, fmt: str) -> Upload:
    _sweep()
    token = secrets.token_urlsafe(24)
    body, meta = _paths(user, token)
    _write(body, data)
    _write(meta, json.dumps({"filename": filename, "format": fmt}).encode())
    return Upload(token, data, filename, fmt)


def load_upload(user, token: str | None) -> Upload | None:
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


def discard_upload(user, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        for path in _paths(user, token):
            path.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _sweep() -> None:
    """Remove uploads that were never confirmed."""
    limit = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
