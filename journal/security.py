"""Response headers that every page carries, error pages included; for a signed-in user,
``Cache-Control: no-store``; over HTTPS, HSTS."""

from __future__ import annotations

from flask import Response, current_app, g, request, session

# htmx runs without eval here: no hx-on, no js: values, no trigger filters, and its
# indicator stylesheet is turned off, so neither scripts nor styles need 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static" and _signed_in():
        # A journal is private: no browser or proxy keeps a copy of any of its responses.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:  # HTTPS, directly or through a proxy the app trusts
        hsts = strict_transport_security(current_app.config)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", hsts)
    return response


def _signed_in() -> bool:
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated) or bool(session.get("_user_id"))


def strict_transport_security(config) -> str | None:
    """The HSTS header's value from ``HSTS_SECONDS`` (0: none) and ``HSTS_INCLUDE_SUBDOMAINS``."""
    seconds = int(config.get("HSTS_SECONDS") or 0)
    if seconds <= 0:
        return None
    return f"max-age={seconds}" + (
        "; includeSubDomains" if config.get("HSTS_INCLUDE_SUBDOMAINS") else ""
    )
