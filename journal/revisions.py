"""A number per user that changes whenever their journal changes, and never comes back.

Every ORM flush that adds, changes or deletes a user's entries, stages or topics, or the
user's own settings, gives ``users.revision`` a new random value in the same transaction.
The page cache (journal/cache.py) keys pages by it, so a change
anywhere, by any worker, makes every earlier rendering unreachable at once. Random rather
than counted: a restored backup or a new account cannot walk back into numbers that
pages were kept under.
"""

from __future__ import annotations

import secrets
from itertools import chain

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from .auth.models import User
from .editor.models import EditorProject, EditorSettings
from .entries.models import Entry
from .roadmap.models import Stage, Topic

# What the cached pages show. Tags and an entry's topics change with their entry; the
# calendar's "coded, not logged" days change with editor projects and settings (and with
# heartbeats, which are written without the ORM and call ``touch``).
TRACKED = (Entry, Stage, Topic, EditorProject, EditorSettings)


@event.listens_for(Session, "before_flush")
def _bump_revisions(session: Session, _context, _instances) -> None:
    users = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, TRACKED):
            users.add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None and session.is_modified(obj):
            users.add(obj.id)
    users.discard(None)
    for user_id in users:
        touch(session, user_id)


def touch(session: Session, user_id: int) -> None:
    """Give the user a new revision, for a change made outside the ORM's tracked objects."""
    session.execute(
        update(User).where(User.id == user_id).values(revision=new_revision()),
        execution_options={"synchronize_session": False},
    )


def new_revision() -> int:
    """A fresh revision: 62 random bits, within every database's BIGINT."""
    return secrets.randbits(62)
