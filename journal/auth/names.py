"""Usernames as they are stored and looked up."""

from __future__ import annotations


def normalize_username(username: str) -> str:
    """Case and surrounding space do not matter; NUL bytes (which no database text column
    accepts everywhere) are dropped before a name reaches a query."""
    return username.replace("\x00", "").strip().lower()
