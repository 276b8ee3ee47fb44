"""Gunicorn settings for Roadbook: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Sized for a small server (1 vCPU, 512 MB): two worker processes with a few threads each.
Every setting can be changed from the environment (see docs/configuration.md).

The app is not loaded in the master process: each worker imports ``wsgi`` after the fork,
so no database connection is ever opened before a fork and shared between processes. The
schema is upgraded before gunicorn starts (``flask --app journal db upgrade``); a worker
only checks it, and refuses a database that is behind.
"""

from __future__ import annotations

import os
import sys


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


def _bind() -> list[str]:
    explicit = os.environ.get("JOURNAL_BIND", "").strip()
    if explicit:
        return [address.strip() for address in explicit.split(",") if address.strip()]
    return [f"127.0.0.1:{_number('PORT', 5000)}"]


bind = _bind()
workers = _number("JOURNAL_WORKERS", 2)
threads = _number("JOURNAL_THREADS", 4)
worker_class = "gthread"
preload_app = False

# A request that takes longer than this is stuck: its worker is replaced.
timeout = _number("JOURNAL_TIMEOUT", 30)
# On stop or reload, requests in flight get this long to finish.
graceful_timeout = _number("JOURNAL_GRACEFUL_TIMEOUT", 20)
# Behind a reverse proxy on the same machine, keep its connections open a little.
keepalive = _number("JOURNAL_KEEPALIVE", 5)
# Replace a worker after this many requests (0: never), so slow leaks cannot add up;
# the jitter keeps both workers from restarting at the same moment.
max_requests = _number("JOURNAL_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# Workers report they are alive through a file: in memory, not on a slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# One line per request on standard output: client, time, request (without the query
# string, which may hold search words), status, bytes, duration and user agent.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("JOURNAL_LOG_LEVEL", "info")

# Proxy headers are trusted by the app alone, when JOURNAL_BEHIND_PROXY says so
# (werkzeug's ProxyFix): gunicorn itself believes none of them.
forwarded_allow_ips = ""

# No runtime control socket (gunicorn 24+): systemd and signals manage the server, and two
# instances on one machine would otherwise fight over the same socket path.
control_socket_disable = True


def post_fork(server, worker):
    """If the app was preloaded after all (``--preload``), forget the master's connections."""
    module = sys.modules.get("wsgi")
    if module is None or not hasattr(module, "app"):
        return
    from journal.extensions import db

    with module.app.app_context():
        db.engine.dispose(close=False)
