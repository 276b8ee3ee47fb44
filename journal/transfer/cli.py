"""``flask --app journal export USERNAME`` and ``flask --app journal import USERNAME PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from ..auth.services import get_user_by_name
from ..validation import ValidationError
from .collect import find_stage, parse_export_filters
from .formats import EXPORT_FORMATS, IMPORT_FORMATS
from .limits import file_bytes, megabytes
from .records import FormatError
from .services import export_file, import_file, preview_import

cli = Blueprint("transfer_cli", __name__, cli_group=None)


def _user(username: str):
    user = get_user_by_name(username)
    if user is None:
        raise click.ClickException(f"There is no user “{username}”.")
    return user


@cli.cli.command("export")
@click.argument("username")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="markdown",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option(
    "--from", "date_from", metavar="YYYY-MM-DD", help="Only entries on or after this date."
)
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only entries on or before this date.")
@click.option("--stage", metavar="NAME", help="Only the entries of this stage.")
def export_command(username, fmt, output, date_from, date_to, stage) -> None:
    """Export a user's journal to a file, or to standard output."""
    user = _user(username)
    try:
        filters = parse_export_filters(
            user, {"from": date_from, "to": date_to, "stage": stage}, stage_by_name=True
        )
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    exported = export_file(user, fmt, filters)
    if output is None:
        click.echo(exported.data, nl=False)  # bytes go to the binary stream as they are
        return
    output.write_bytes(exported.data)
    count = exported.entries
    click.echo(f"Exported {count} {'entry' if count == 1 else 'entries'} to {output}.", err=True)


@cli.cli.command("import")
@click.argument("username")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(list(IMPORT_FORMATS)), help="Default: recognised."
)
@click.option("--stage", metavar="NAME", help="The stage for entries that name none (jrnl).")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
def import_command(username, path, fmt, stage, dry_run) -> None:
    """Import a file into a user's journal: every entry, or nothing."""
    user = _user(username)
    chosen = None
    if stage:
        chosen = find_stage(user, stage)
        if chosen is None:
            raise click.ClickException(f"Stage “{stage}” is not one of {user.username}'s stages.")
    limit = file_bytes()
    if path.stat().st_size > limit:
        raise click.ClickException(
            f"{path.name} is larger than {megabytes(limit)}, the most one import reads. "
            "Import it in parts: export a date range at a time (--from, --to). "
            "Nothing was imported."
        )
    data = path.read_bytes()
    try:
        if dry_run:
            plan = preview_import(user, data, path.name, fmt or "", chosen)
        else:
            plan = import_file(user, data, path.name, fmt or "", chosen)
    except FormatError as error:
        hint = " Name it with --stage NAME." if "no stage" in str(error) else ""
        raise click.ClickException(f"{path.name}: {error}{hint} Nothing was imported.") from None
    verb = "Would import" if dry_run else "Imported"
    added = len(plan.to_add)
    click.echo(
        f"{verb} {added} {'entry' if added == 1 else 'entries'} from {path.name} ({plan.fmt})."
    )
    if plan.duplicates:
        click.echo(f"Skipped {len(plan.duplicates)} already in the journal (duplicates).")
    if plan.new_stages:
        click.echo("New stages: " + ", ".join(stage.name for stage in plan.new_stages) + ".")
    if plan.new_topics:
        click.echo(f"New topics: {len(plan.new_topics)}.")
    if plan.unknown_durations:
        click.echo(f"Duration unknown: {plan.unknown_durations} (fill them in from the Journal).")
    if dry_run and plan.without_stage:
        click.echo(f"{plan.without_stage} name no stage: choose one with --stage NAME.")
