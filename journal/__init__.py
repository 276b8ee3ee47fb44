"""Roadbook: a self-hosted learning journal for working through a roadmap."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from .auth.cookies import init_cookies
from .config import load_config
from .db import init_db
from .extensions import csrf, login_manager
from .schema import register_migrations
from .validation import IdConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, templates and filters."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "JOURNAL_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    init_db(app)
    if click.get_current_context(silent=True) is not None:
        # Run from the `flask` command: offer `flask db …`. Served, the workers never
        # import Alembic unless the schema needs upgrading (see journal/schema.py).
        register_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see your journal."
    login_manager.login_message_category = "info"
    init_cookies(app)

    from . import models, revisions  # noqa: F401  (models registered; revisions tracked)
    from .api.settings import bp as api_tokens_bp
    from .api.views import bp as api_bp
    from .auth.cli import cli as accounts_cli
    from .auth.views import bp as auth_bp
    from .core.views import bp as core_bp
    from .core.views import register_error_pages
    from .daily.views import bp as daily_bp
    from .editor.api import bp as editor_api_bp
    from .editor.cli import cli as editor_cli
    from .editor.views import bp as editor_bp
    from .entries.views import bp as entries_bp
    from .insights.views import bp as insights_bp
    from .ops import init_app as init_ops
    from .roadmap.views import bp as roadmap_bp
    from .templating import register_templating
    from .transfer.cli import cli as transfer_cli
    from .transfer.views import bp as transfer_bp

    app.url_map.converters["int"] = IdConverter  # before any route is added
    for blueprint in (
        core_bp,
        auth_bp,
        accounts_cli,
        entries_bp,
        insights_bp,
        roadmap_bp,
        daily_bp,
        transfer_bp,
        transfer_cli,
        api_bp,
        api_tokens_bp,
        editor_api_bp,
        editor_bp,
        editor_cli,
    ):
        app.register_blueprint(blueprint)
    init_ops(app)
    register_error_pages(app)
    register_templating(app)
    return app
