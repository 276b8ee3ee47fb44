"""Who an API request is: the bearer token in its Authorization header, and nothing else.

Cookies are never read, so a browser's session cannot act through the API and the API
needs no CSRF token. Failed token attempts are counted like failed log-ins (per token
start and per client address, in the database); every token's requests are rate-limited.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from ..auth import throttle
from ..auth.models import User
from . import tokens
from .models import ApiToken
from .problems import Problem

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CHALLENGE = 'Bearer realm="roadbook"'


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiToken


def authenticate(header: str | None, method: str) -> Caller:
    """The caller of a request with this Authorization header, or a Problem to answer."""
    if not header:
        raise _unauthorized(
            "Send your API token as “Authorization: Bearer <token>”; "
            "create one in Settings → API tokens.",
            "invalid_request",
        )
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise _unauthorized(
            "Only “Authorization: Bearer <token>” is accepted here.", "invalid_request"
        )
    # As for log-ins: checked before the token, and counted per token start and address.
    name = "token " + tokens.shown_part(secret)
    address = throttle.client_address()
    wait = throttle.refusal(name, address)
    if wait is not None:
        raise Problem(429, wait.message, headers={"Retry-After": str(wait.seconds)})
    token = tokens.find_token(secret)
    if token is None:
        throttle.record_failure(name, address)
        raise _unauthorized(
            "This token is not valid: it was revoked, or it is mistyped.", "invalid_token"
        )
    if token.expired:
        raise _unauthorized(
            f"This token expired on {token.expires_at:%Y-%m-%d}: create a new one in "
            "Settings → API tokens.",
            "invalid_token",
        )
    retry = tokens.spend(token)
    if retry is not None:
        raise Problem(
            429,
            f"Too many requests with this token: try again in {retry} s.",
            headers={"Retry-After": str(retry)},
        )
    if method not in SAFE_METHODS and not token.can_write:
        raise Problem(
            403,
            f"The token “{token.name}” may only read: create a token with read and write "
            "access to change your journal.",
        )
    return Caller(token.user, token)


def _unauthorized(detail: str, code: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": f'{CHALLENGE}, error="{code}"'})


def caller() -> Caller:
    """The caller of the API request being answered."""
    return g.api_caller
