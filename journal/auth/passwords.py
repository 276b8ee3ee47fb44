"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 1024

# The most used passwords in public breach lists; long enough to pass the length rule.
COMMON = frozenset(
    {
        "password", "password1", "password12", "password123", "passw0rd", "12345678",
        "123456789", "1234567890", "12345678910", "87654321", "qwertyuiop", "qwerty123",
        "qwertyui", "1q2w3e4r", "1q2w3e4r5t", "11111111", "00000000", "iloveyou", "sunshine",
        "princess", "football", "baseball", "superman", "starwars", "trustno1", "letmein1",
        "welcome1", "welcome123", "admin123", "administrator", "abcd1234", "abc12345",
        "changeme",
    }
)  # fmt: skip


def hasher() -> PasswordHasher:
    """The app's hasher: argon2id with the library's defaults unless configured."""
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def password_problem(password: str, username: str = "") -> str | None:
    """Say what makes ``password`` too weak, or return None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long."
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4:
        return "Password is too easy to guess: choose a less common one."
    if username and username.lower() in lowered:
        return "Password must not contain the username."
    return None
