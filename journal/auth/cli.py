"""``flask --app journal create-user NAME``: an account from the shell."""

from __future__ import annotations

import sys

import click
from flask import Blueprint, current_app

from ..schema import upgrade_database
from ..validation import ValidationError
from . import services

cli = Blueprint("accounts", __name__, cli_group=None)


@cli.cli.command("create-user")
@click.argument("username")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone name.")
def create_user_command(username: str, timezone: str) -> None:
    """Create an account. The password is asked for, or read from one line of standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    upgrade_database(current_app._get_current_object())
    if not services.valid_timezone(timezone):
        raise click.ClickException(f"Unknown time zone “{timezone}”; use a name like Europe/Paris.")
    try:
        user = services.create_user(
            username, password, timezone=timezone, is_owner=services.user_count() == 0
        )
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created user “{user.username}” with the default roadmap.")
