"""The production entry point: ``gunicorn wsgi:app``.

The database's schema is brought up to date once before the server starts (``flask
--app journal db upgrade``: make serve, the systemd unit and the container run it); a
worker only checks it and refuses to start on a database that is behind or ahead.
"""

from journal import create_app
from journal.schema import require_current

app = create_app()
require_current(app)
