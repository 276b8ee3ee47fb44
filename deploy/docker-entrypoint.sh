#!/bin/sh
# The container's entry point: bring the database schema up to date once (a SQLite database
# is copied aside first), then run the container's command (gunicorn by default). A
# database written by a newer version stops the container here, with the reason in its log.
set -eu
flask --app journal db upgrade
exec "$@"
