"""Personal access tokens, without a request: create, list, revoke, look up, rate-limit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from wtforms import StringField

from ..auth.services import token_digest
from ..db import utcnow, write_transaction
from ..extensions import db
from ..forms import Form, Invalid, one_of
from ..validation import ValidationError, clean_name
from . import ratelimit
from .models import SCOPES, ApiToken

if TYPE_CHECKING:
    from ..auth.models import User

# Tokens start with this, so that a leaked one is recognisable (and searchable) as ours.
TOKEN_START = "rb_"
TOKEN_BYTES = 32  # 256 random bits
SHOWN_CHARACTERS = 6  # after TOKEN_START: enough to tell a handful apart
# A token is at most this long; a longer Authorization header is not looked up at all.
TOKEN_MAX = 100
MAX_TOKENS = 10
NAME_MAX = 60
# Choices of the form, in days; "" never expires.
EXPIRIES = {"30": "30 days", "90": "90 days", "365": "a year", "": "never"}
RATE = ratelimit.Rate("API", per_minute=120, burst=60)


@dataclass(frozen=True)
class TokenInput:
    name: str
    scope: str
    days: int | None


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


class TokenForm(Form):
    """Settings → API tokens → New token."""

    name = StringField()
    scope = StringField()
    expires = StringField()

    def validate_name(self, field):
        field.data = clean_name(field.data)
        if not field.data:
            raise Invalid("Name is required: say where the token is used, such as “laptop”.")
        if len(field.data) > NAME_MAX:
            raise Invalid(f"Name must be at most {NAME_MAX} characters.")

    def validate_scope(self, field):
        one_of(field, SCOPES, "Access must be read, or read and write.")

    def validate_expires(self, field):
        """Days, one of the choices; "" never expires."""
        one_of(field, EXPIRIES, "Expiry: choose one from the list.")

    def cleaned(self) -> TokenInput:
        days = self.expires.data
        return TokenInput(self.name.data, self.scope.data, int(days) if days else None)


def create_token(user: User, data: TokenInput) -> NewToken:
    """Make a token for ``user``; its secret is returned once, and only its hash kept."""
    secret = TOKEN_START + secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    with write_transaction() as session:
        count = session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))
        if count >= MAX_TOKENS:
            # Counted under the write lock: two forms sent at once cannot pass the limit.
            raise ValidationError.one(
                "name", f"You have {MAX_TOKENS} tokens, the most allowed: revoke one first."
            )
        token = ApiToken(
            user_id=user.id,
            name=data.name,
            token_hash=token_digest(secret),
            prefix=shown_part(secret),
            scope=data.scope,
            created_at=now,
            expires_at=now + timedelta(days=data.days) if data.days else None,
        )
        session.add(token)
    return NewToken(token, secret)


def shown_part(secret: str) -> str:
    """The first characters of a token: how lists and messages tell it apart."""
    return secret[: len(TOKEN_START) + SHOWN_CHARACTERS]


def tokens_of(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def token_count(user: User) -> int:
    return db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))


def get_token(user: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )


def revoke_token(token: ApiToken) -> None:
    """The token stops working at once: its row, and so its hash, is gone."""
    with write_transaction() as session:
        session.execute(delete(ApiToken).where(ApiToken.id == token.id))


def revoke_all(user: User) -> int:
    """Revoke every token of ``user``; return how many there were."""
    with write_transaction() as session:
        result = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return result.rowcount


# Every API request runs this one query: built once, with the token's user joined in.
_TOKEN_WITH_USER = select(ApiToken).options(joinedload(ApiToken.user))


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret this is (expired or not), or None."""
    if not secret.startswith(TOKEN_START) or len(secret) > TOKEN_MAX:
        return None
    return db.session.scalar(_TOKEN_WITH_USER.where(ApiToken.token_hash == token_digest(secret)))


def spend(token: ApiToken) -> int | None:
    """Count one request of ``token``: None when allowed, else the seconds to wait."""
    return RATE.spend(ApiToken, token.id)
