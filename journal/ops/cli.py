"""``flask --app journal backup|restore|migrate-data``: the journal's data from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app

from .backup import BACKUP_PREFIX, BackupError, backup_database, backup_target, prune
from .database_copy import DatabaseCopyError, migrate_data
from .restore import restore_database

cli = Blueprint("ops_cli", __name__, cli_group=None)


@cli.cli.command("backup")
@click.argument("path", required=False)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help=f"Then delete all but the KEEP newest {BACKUP_PREFIX}*.sqlite3 files in that folder.",
)
def backup_command(path: str | None, keep: int | None) -> None:
    """Write a consistent, checked copy of the journal to PATH (a file or a folder).

    Safe while the journal is running. PATH names the file, or a folder (an existing one,
    or one ending in /) to write a new roadbook-<time>.sqlite3 file in. Without PATH the
    copy goes to instance/backups/.
    """
    app = current_app._get_current_object()
    target = backup_target(path, Path(app.instance_path))
    try:
        written = backup_database(app, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes, checked).")
    if keep:
        for old in prune(written.parent, BACKUP_PREFIX, keep):
            click.echo(f"Deleted the older backup {old}")


@cli.cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the journal with the backup at PATH; the current database is kept aside.

    A damaged file, or one written by a newer version of Roadbook, is refused.
    """
    if not yes:
        click.confirm(f"Replace the whole journal with {path}?", abort=True)
    try:
        restored = restore_database(current_app._get_current_object(), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path} (schema revision {restored.revision}).")
    if restored.kept_aside:
        click.echo(f"The database as it was before is kept at {restored.kept_aside}")


@cli.cli.command("migrate-data")
@click.option("--to", "url", required=True, help="Database URL of an empty database.")
def migrate_data_command(url: str) -> None:
    """Copy the whole journal into another, empty database (SQLite to PostgreSQL, say).

    The target gets the newest schema first; every row keeps its id. Point
    JOURNAL_DATABASE_URL at the target afterwards.
    """
    try:
        counts = migrate_data(current_app._get_current_object(), url)
    except DatabaseCopyError as error:
        raise click.ClickException(str(error)) from None
    for table, count in counts.items():
        click.echo(f"{table}: {count} rows")
    click.echo(f"Copied {sum(counts.values())} rows. Set JOURNAL_DATABASE_URL to the new URL.")
