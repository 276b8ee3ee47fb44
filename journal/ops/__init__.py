"""Running the journal: proxy headers, backups and restores, moving to another database."""

from __future__ import annotations

from flask import Flask

from .proxy import apply_proxy_fix


def init_app(app: Flask) -> None:
    """Trust the reverse proxy's headers if configured; add the backup page and commands."""
    from .cli import cli
    from .views import bp

    apply_proxy_fix(app)
    app.register_blueprint(bp)
    app.register_blueprint(cli)
