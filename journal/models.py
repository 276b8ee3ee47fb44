"""Every model, imported in one place for the app, Alembic and the tests."""

from .api.models import ApiToken
from .auth.models import FailedLogin, LoginSession, User
from .daily.models import EntryTemplate, Timer, WeeklyReview
from .editor.models import Dismissal, EditorKey, EditorProject, EditorSettings, Heartbeat
from .entries.models import Entry, EntryTag, entry_topics
from .roadmap.models import Stage, Topic

__all__ = [
    "ApiToken",
    "Dismissal",
    "EditorKey",
    "EditorProject",
    "EditorSettings",
    "Entry",
    "EntryTag",
    "EntryTemplate",
    "FailedLogin",
    "Heartbeat",
    "LoginSession",
    "Stage",
    "Timer",
    "Topic",
    "User",
    "WeeklyReview",
    "entry_topics",
]
