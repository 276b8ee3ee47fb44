"""Accounts and sessions, without a request."""

from __future__ import annotations

import hashlib
import re
import secrets
from contextlib import suppress
from datetime import timedelta

from flask import current_app
from sqlalchemy import Table, bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload

from ..db import DatabaseBusy, utcnow, write_transaction
from ..extensions import db
from ..roadmap.services import copy_default_roadmap
from ..validation import ValidationError
from .models import FailedLogin, LoginSession, User
from .names import normalize_username
from .passwords import hash_password, needs_rehash, password_problem, verify_password
from .timezones import timezone_names

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
USERNAME_RULE = (
    "Username must be 3 to 32 characters: letters, digits, dots, dashes or underscores, "
    "starting with a letter or digit."
)
# A session's last-seen time is written at most this often, to keep reads read-only.
TOUCH_EVERY = timedelta(minutes=5)


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


# Once an install has an account, the app stops asking (state of the app, kept where
# Flask keeps extensions' state, not in its configuration).
HAS_USERS = "journal.has_users"


def install_has_users() -> bool:
    """Whether the install has an account yet: asked of the database until it has one."""
    if current_app.extensions.get(HAS_USERS):
        return True
    if user_count() == 0:
        return False
    current_app.extensions[HAS_USERS] = True
    return True


def forget_has_users() -> None:
    """After the last account is deleted: the next visit offers to create the owner."""
    if user_count() == 0:
        current_app.extensions.pop(HAS_USERS, None)


def get_user_by_name(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalize_username(username)))


TIMEZONE_WRONG = "Time zone must be one from the list, such as Europe/Paris."


def valid_timezone(name: str | None) -> bool:
    return name in timezone_names()


def username_problem(username: str) -> str | None:
    """What is wrong with a username (normalized), if anything."""
    return None if USERNAME_RE.match(username) else USERNAME_RULE


def create_user(username: str, password: str, *, timezone: str = "UTC", is_owner=False) -> User:
    """Create an account with its own copy of the default roadmap."""
    username = normalize_username(username)
    errors = {}  # every problem at once, not one per try
    if problem := username_problem(username):
        errors["username"] = problem
    if problem := password_problem(password, username):
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    if not valid_timezone(timezone):
        timezone = "UTC"
    password_hash = hash_password(password)
    with write_transaction() as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise ValidationError.one("username", f"The username “{username}” is already taken.")
        if is_owner and session.scalar(select(User.id).limit(1)):
            # Checked under the write lock: two first visits at once make one owner.
            raise ValidationError.one("username", "This journal already has its owner.")
        user = User(
            username=username, password_hash=password_hash, timezone=timezone, is_owner=is_owner
        )
        session.add(user)
        session.flush()
        copy_default_roadmap(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the user whose password this is, or None (same answer for unknown names)."""
    user = get_user_by_name(username)
    if user is None:
        # Spend the same time as a real check, so response times do not reveal names.
        verify_password(_DUMMY_HASH.get(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        # Made with older settings: stored again with today's. Hashed before the write
        # transaction; a busy database leaves it for the next log-in.
        new_hash = hash_password(password)
        try:
            with write_transaction():
                user.password_hash = new_hash
        except DatabaseBusy:
            pass
    return user


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Replace the password and end every other session of the user."""
    if not verify_password(user.password_hash, current):
        raise ValidationError.one("current_password", "Current password is not correct.")
    problem = password_problem(new, user.username)
    if problem:
        raise ValidationError.one("new_password", problem)
    if new != confirm:
        raise ValidationError.one("confirm_password", "The two new passwords do not match.")
    password_hash = hash_password(new)
    with write_transaction() as session:
        user.password_hash = password_hash
        session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id,
                LoginSession.token_hash != token_digest(user.session_token or ""),
            )
        )


def update_settings(user: User, *, timezone: str) -> None:
    if not valid_timezone(timezone):
        raise ValidationError.one("timezone", TIMEZONE_WRONG)
    with write_transaction():
        user.timezone = timezone


def delete_account(user: User, password: str) -> None:
    """Delete the account and every row that belongs to it, once the password confirms it."""
    if not verify_password(user.password_hash, password):
        raise ValidationError.one("password", "Password is not correct.")
    with write_transaction() as session:
        for table in reversed(db.metadata.sorted_tables):  # rows that point elsewhere first
            owned = _owned_by(table, user.id)
            if owned is not None:
                session.execute(delete(table).where(owned))
        session.execute(delete(FailedLogin).where(FailedLogin.username == user.username))
        session.execute(delete(User.__table__).where(User.id == user.id))
    db.session.expunge_all()


def _owned_by(table: Table, user_id: int):
    """Which rows of ``table`` belong to the user: those with their ``user_id``, and those
    pointing at such rows (link tables such as an entry's topics). None: no such rows.

    Written against the schema, so that a table added later is covered without a change here.
    """
    if table.name == User.__tablename__:
        return None
    conditions = []
    if "user_id" in table.c:
        conditions.append(table.c.user_id == user_id)
    for key in table.foreign_keys:
        parent = key.column.table
        if parent.name == User.__tablename__:
            conditions.append(key.parent == user_id)
        elif "user_id" in parent.c:
            conditions.append(key.parent.in_(select(key.column).where(parent.c.user_id == user_id)))
    return or_(*conditions) if conditions else None


def start_session(user: User, *, remember: bool) -> str:
    """Record a new signed-in session and return its token (set on ``user`` too)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = (
        timedelta(days=current_app.config["REMEMBER_DAYS"])
        if remember
        else timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    )
    with write_transaction() as session:
        session.add(
            LoginSession(
                token_hash=token_digest(token),
                user_id=user.id,
                remember=remember,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
        )
    user.session_token = token
    return token


# Every request runs this one query: built once, with its user joined in.
_SESSION_WITH_USER = (
    select(LoginSession)
    .where(LoginSession.token_hash == bindparam("digest"))
    .options(joinedload(LoginSession.user))
)


def user_for_token(token: str) -> User | None:
    """The user of a live session, or None when the session ended, expired or sat idle."""
    row = db.session.scalar(_SESSION_WITH_USER, {"digest": token_digest(token)})
    if row is None:
        return None
    now = utcnow()
    idle_limit = timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    if row.expires_at <= now or (not row.remember and now - row.last_seen_at > idle_limit):
        with suppress(DatabaseBusy):  # refused all the same; the row goes another time
            end_session(token)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        # Bookkeeping: a page must not fail because the database was too busy to note it.
        with suppress(DatabaseBusy), write_transaction():
            row.last_seen_at = now
            if not row.remember:
                row.expires_at = now + idle_limit
    user = row.user
    user.session_token = token
    return user


def end_session(token: str | None) -> None:
    if not token:
        return
    with write_transaction() as session:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == token_digest(token)))


def token_digest(token: str) -> str:
    """How a random token is stored: SHA-256 suffices for 256 random bits (no guessing)."""
    return hashlib.sha256(token.encode()).hexdigest()


class _DummyHash:
    """A hash of a random password, made once, for timing-safe failed logins."""

    value: str | None = None

    def get(self) -> str:
        if self.value is None:
            self.value = hash_password(secrets.token_urlsafe(16))
        return self.value


_DUMMY_HASH = _DummyHash()
