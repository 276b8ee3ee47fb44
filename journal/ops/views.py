"""The owner's backup download on the settings page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user, login_required

from .backup import backup_database, download_name

bp = Blueprint("ops", __name__)


@bp.post("/settings/backup")
@login_required
def download_backup():
    """A fresh, checked copy of the whole journal database, for the owner only."""
    if not current_user.is_owner:
        abort(404)
    app = current_app._get_current_object()
    with tempfile.TemporaryDirectory(prefix="roadbook-backup-") as folder:
        path = backup_database(app, Path(folder) / "backup.sqlite3")
        # Opened before the folder goes: the open file is still read to the end.
        handle = path.open("rb")
    response = send_file(
        handle,
        mimetype="application/vnd.sqlite3",
        as_attachment=True,
        download_name=download_name(),
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
