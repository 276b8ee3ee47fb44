"""Entries saved through the service, as the form saves them (notes rendered, tags found)."""

from __future__ import annotations

from datetime import date, timedelta

from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.entries.services import EntryInput, create_entry
from journal.roadmap.services import stages_of

# What makes a page scroll sideways on a phone: a long code line, a long address and a long
# word (60 characters, no hyphen), in the notes and in the link.
LONG_URL = "https://example.test/" + "/".join(f"segment-{n:02d}" for n in range(12)) + "?q=1"
LONG_NOTES = (
    "Query plans, finally.\n\n"
    "```\nEXPLAIN ANALYZE SELECT entries.id, entries.study_date, stages.name FROM entries "
    "JOIN stages ON stages.id = entries.stage_id WHERE entries.user_id = 42 ORDER BY 2 DESC;"
    "\n```\n\n"
    f"Read {LONG_URL} twice. {'x' * 60} #sql"
)


def log(app, day_offset=0, minutes=30, notes="", stage=0, link=None, username="alice"):
    """Save an entry ``day_offset`` days before the user's today; return its id."""
    with app.app_context():
        user = get_user_by_name(username)
        day = user_today(user) - timedelta(days=day_offset)
        return log_on(app, day, minutes, notes, stage, link, username)


def log_on(app, day: date, minutes=30, notes="", stage=0, link=None, username="alice"):
    with app.app_context():
        user = get_user_by_name(username)
        data = EntryInput(
            study_date=day,
            minutes=minutes,
            stage_id=stages_of(user)[stage].id,
            topic_ids=(),
            notes=notes,
            link=link,
        )
        entry, _ = create_entry(user, data)
        return entry.id
