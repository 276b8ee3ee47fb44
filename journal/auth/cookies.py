"""Cookie flags: HttpOnly and SameSite=Lax always, Secure whenever the request came over HTTPS.

``JOURNAL_SECURE_COOKIES`` chooses when cookies carry ``Secure``: ``auto`` (the default)
when the request itself is HTTPS (``request.is_secure``, which follows X-Forwarded-Proto
once the app trusts its proxy), ``true`` always, ``false`` never (plain-HTTP testing only).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, has_request_context, request

MODES = ("auto", "true", "false")
MAX_REMEMBER_DAYS = 365


def secure_cookies_mode(value) -> str:
    """Normalise the setting: environment variables arrive as ``True``/``False`` or text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    mode = str(value).strip().lower()
    if mode not in MODES:
        raise ValueError(f"SECURE_COOKIES must be one of auto, true or false, not “{value}”.")
    return mode


def init_cookies(app: Flask) -> None:
    """Check the cookie settings and make every cookie the app sets follow them."""
    mode = secure_cookies_mode(app.config.get("SECURE_COOKIES", "auto"))
    days = app.config["REMEMBER_DAYS"]
    if not isinstance(days, int) or not 1 <= days <= MAX_REMEMBER_DAYS:
        raise ValueError(f"REMEMBER_DAYS must be a whole number from 1 to {MAX_REMEMBER_DAYS}.")
    app.config.update(
        SECURE_COOKIES=mode,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Flask-Login's fallback when no duration is given; login passes REMEMBER_DAYS too.
        REMEMBER_COOKIE_DURATION=timedelta(days=days),
        REMEMBER_COOKIE_REFRESH_EACH_REQUEST=False,
    )
    if mode == "true":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    app.response_class = CookieResponse


def cookies_must_be_secure() -> bool:
    if not has_request_context():
        return False
    mode = current_app.config.get("SECURE_COOKIES", "auto")
    return mode == "true" or (mode == "auto" and request.is_secure)


class CookieResponse(Response):
    """Flask's response, adding ``Secure`` to every cookie when the setting asks for it.

    The session cookie, Flask-Login's remember cookie and their deletions all pass
    through ``set_cookie``, so one place decides for all of them.
    """

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age=None,
        expires=None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        super().set_cookie(
            key,
            value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure or cookies_must_be_secure(),
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )
