"""Every model, imported in one place for the app, Alembic and the tests."""

from .auth.models import FailedLogin, LoginSession, User
from .entries.models import Entry, EntryTag, entry_topics
from .roadmap.models import Stage, Topic

__all__ = [
    "Entry",
    "EntryTag",
    "FailedLogin",
    "LoginSession",
    "Stage",
    "Topic",
    "User",
    "entry_topics",
]
