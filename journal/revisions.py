"""A number per user that moves whenever their journal changes.

Every ORM flush that adds, changes or deletes a user's entries, stages or topics, or the
user's own settings, bumps ``users.revision`` in the same transaction. Rendered pages
kept in the render cache (journal/cache.py) are keyed by it, so a change anywhere, by
any worker, makes every earlier rendering unreachable at once.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from .auth.models import User
from .entries.models import Entry
from .roadmap.models import Stage, Topic

# What the cached pages show. Tags and an entry's topics change with their entry.
TRACKED = (Entry, Stage, Topic)


@event.listens_for(Session, "before_flush")
def _bump_revisions(session: Session, _context, _instances) -> None:
    users = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, TRACKED):
            users.add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None and session.is_modified(obj):
            users.add(obj.id)
    users.discard(None)
    if users:
        session.execute(
            update(User).where(User.id.in_(users)).values(revision=User.revision + 1),
            execution_options={"synchronize_session": False},
        )
