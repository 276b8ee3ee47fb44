"""The production entry point: ``gunicorn wsgi:app``. Brings the database up to date first."""

from journal import create_app
from journal.schema import upgrade_database

app = create_app()
upgrade_database(app)
