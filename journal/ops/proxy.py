"""``JOURNAL_BEHIND_PROXY``: believe the ``X-Forwarded-*`` headers of a reverse proxy.

Behind Caddy or nginx the app sees every request coming from 127.0.0.1 over plain HTTP.
werkzeug's ProxyFix restores the client's address and scheme from the headers the proxy
adds, trusting only as many hops as there are proxies (a client can send the headers too).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Which headers to believe, per proxy hop. X-Forwarded-Host and -Port are off by default:
# the proxies in deploy/ pass the Host header through unchanged.
HEADERS = ("for", "proto", "host", "port", "prefix")
DEFAULT_HEADERS = {"for": True, "proto": True, "host": False, "port": False, "prefix": False}
TRUE_WORDS = {"true", "yes", "on"}
FALSE_WORDS = {"", "0", "false", "no", "off", "none"}


def proxy_hops(value) -> int:
    """How many proxies stand in front: ``JOURNAL_BEHIND_PROXY`` as a number (true means 1)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError("JOURNAL_BEHIND_PROXY cannot be negative")
        return value
    text = str(value or "").strip().lower()
    if text in FALSE_WORDS:
        return 0
    if text in TRUE_WORDS:
        return 1
    if text.isdecimal():
        return int(text)
    raise ValueError(
        f"JOURNAL_BEHIND_PROXY must be a number of proxies (or true/false), not {value!r}"
    )


def proxy_fix_options(config) -> dict[str, int]:
    """ProxyFix's hop counts: JOURNAL_PROXY_X_<HEADER> wins over the default for each header."""
    hops = proxy_hops(config.get("BEHIND_PROXY", 0))
    options = {}
    for header in HEADERS:
        setting = config.get(f"PROXY_X_{header.upper()}")
        if setting is None:
            options[f"x_{header}"] = hops if DEFAULT_HEADERS[header] else 0
        else:
            options[f"x_{header}"] = proxy_hops(setting)
    return options


def apply_proxy_fix(app: Flask) -> None:
    options = proxy_fix_options(app.config)
    if any(options.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **options)
