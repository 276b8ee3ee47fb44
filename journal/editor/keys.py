"""Editor keys: make, replace and revoke a user's key; find who a heartbeat request is from.

A key is a random UUID (version 4, lower case), the only shape the WakaTime clients accept
(the Go client also takes it with a ``waka_`` prefix). Like API tokens, it is random enough
that a SHA-256 hash of it is kept, never the key.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select

from ..api import ratelimit
from ..auth import throttle
from ..auth.models import User
from ..auth.services import token_digest
from ..db import utcnow, write_transaction
from ..extensions import db
from .models import EditorKey

KEY_RE = re.compile(
    r"^(?:waka_)?([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$"
)
SHOWN_CHARACTERS = 8
# A credential longer than this is not decoded or looked up at all.
CREDENTIAL_MAX = 200
# Editors send a request every minute or two; an offline queue drains 25 at a time.
RATE = ratelimit.Rate("EDITOR", per_minute=60, burst=30)


@dataclass(frozen=True)
class NewKey:
    key: EditorKey
    secret: str  # shown once, never stored
    replaced: bool  # the user had a key, which no longer works


class KeyRefused(Exception):
    """A heartbeat request that cannot be taken: its status, message and headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def key_of(user: User) -> EditorKey | None:
    return db.session.scalar(select(EditorKey).where(EditorKey.user_id == user.id))


def create_key(user: User) -> NewKey:
    """A new key for ``user``, replacing any earlier one (which stops working at once)."""
    secret = str(uuid.uuid4())
    with write_transaction() as session:
        replaced = session.execute(delete(EditorKey).where(EditorKey.user_id == user.id))
        key = EditorKey(
            user_id=user.id,
            key_hash=token_digest(secret),
            prefix=secret[:SHOWN_CHARACTERS],
            created_at=utcnow(),
        )
        session.add(key)
    return NewKey(key, secret, bool(replaced.rowcount))


def revoke_key(user: User) -> bool:
    """Delete the user's key; False when there was none."""
    with write_transaction() as session:
        result = session.execute(delete(EditorKey).where(EditorKey.user_id == user.id))
    return bool(result.rowcount)


def credential(authorization: str | None, api_key: str | None) -> str | None:
    """The key a request carries: ``Authorization: Basic base64(key)`` (as both WakaTime
    clients send it, also as ``key:`` or ``name:key``), ``Bearer key``, or ``?api_key=``."""
    if authorization and len(authorization) <= CREDENTIAL_MAX:
        scheme, _, value = authorization.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return value or None
            parts = [part for part in decoded.split(":") if part]
            shaped = [part for part in parts if KEY_RE.match(part)]
            return (shaped or parts or [None])[-1]
        if scheme.lower() == "bearer":
            return value or None
        return None
    if api_key and len(api_key) <= CREDENTIAL_MAX:
        return api_key.strip() or None
    return None


def authenticate(authorization: str | None, api_key: str | None) -> User:
    """The user whose key a heartbeat request carries, or KeyRefused to answer.

    As for API tokens: wrong keys are counted like failed log-ins (per key start and per
    address) and throttled the same way; each key's requests are rate-limited.
    """
    secret = credential(authorization, api_key)
    if not secret:
        raise KeyRefused(
            401,
            "Send your editor key: set api_key in ~/.wakatime.cfg to the key from "
            "Settings → Editor time.",
            {"WWW-Authenticate": 'Basic realm="roadbook"'},
        )
    name = "editor key " + secret[:SHOWN_CHARACTERS]
    # Counted apart from log-ins from the same address: an editor still sending a revoked
    # key every minute must not keep its user from signing in.
    address = ("editor " + throttle.client_address())[: throttle.KEY_MAX]
    wait = throttle.refusal(name, address)
    if wait is not None:
        raise KeyRefused(429, wait.message, {"Retry-After": str(wait.seconds)})
    match = KEY_RE.match(secret)
    found = None
    if match:
        found = db.session.scalar(
            select(EditorKey).where(EditorKey.key_hash == token_digest(match.group(1)))
        )
    if found is None:
        throttle.record_failure(name, address)
        raise KeyRefused(
            401,
            "This editor key is not valid: it was revoked or replaced, or it is mistyped.",
            {"WWW-Authenticate": 'Basic realm="roadbook", error="invalid_token"'},
        )
    retry = RATE.spend(EditorKey, found.id)
    if retry is not None:
        raise KeyRefused(
            429,
            f"Too many requests with this editor key: try again in {retry} s.",
            {"Retry-After": str(retry)},
        )
    return db.session.get(User, found.user_id)
