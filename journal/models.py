"""Every model, imported in one place for the app, Alembic and the tests."""

from .auth.models import LoginSession, User
from .entries.models import Entry, EntryTag, entry_topics
from .roadmap.models import Stage, Topic

__all__ = ["Entry", "EntryTag", "LoginSession", "Stage", "Topic", "User", "entry_topics"]
