"""``flask --app journal purge-editor-time``: delete the editor time users no longer keep."""

from __future__ import annotations

import click
from flask import Blueprint

from .retention import purge_all

cli = Blueprint("editor_cli", __name__, cli_group=None)


@cli.cli.command("purge-editor-time")
def purge_command() -> None:
    """Delete every user's heartbeats older than the period they keep editor time for.

    Each request that brings heartbeats deletes a few of its user's expired ones; run this
    daily (a systemd timer or cron) so that the time of editors that fell silent goes too.
    """
    total = purge_all()
    click.echo(f"Removed {total:,} heartbeat{'s' if total != 1 else ''} older than kept.")
