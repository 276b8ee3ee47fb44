"""Export a journal to a file; import a file into a journal, all of it or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..auth.models import User
from ..clock import user_zone
from ..db import write_transaction
from ..extensions import db
from ..roadmap.models import Stage
from .collect import ExportFilters, load_journal
from .formats import EXPORT_FORMATS, read_file
from .plan import ImportPlan, plan_import
from .records import FormatError, JournalData, slug
from .save import prepare_rows, save_rows

_NOT_IN_FILENAME = re.compile(r"[^a-z0-9-]")
_DASHES = re.compile(r"-+")

# How often an import is planned again when the journal changed while it was planned.
PLAN_ATTEMPTS = 3


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mimetype: str
    data: bytes
    entries: int


def export_file(user: User, fmt: str, filters: ExportFilters | None = None) -> ExportFile:
    """The user's journal (or the filtered part of it) in format ``fmt``."""
    chosen = EXPORT_FORMATS[fmt]
    filters = filters or ExportFilters()
    journal = load_journal(user, filters)
    parts = ["roadbook", user.username]
    if filters.date_from or filters.date_to:
        first = filters.date_from.isoformat() if filters.date_from else "start"
        last = filters.date_to.isoformat() if filters.date_to else "end"
        parts.append(f"{first}-to-{last}")
    # File names stay ASCII: they travel in a Content-Disposition header.
    stage_part = (
        slug(filters.stage.name).encode("ascii", "ignore").decode() if filters.stage else ""
    )
    stage_part = _DASHES.sub("-", _NOT_IN_FILENAME.sub("", stage_part)).strip("-")
    if stage_part:
        parts.append(stage_part)
    filename = "-".join(parts) + "." + chosen.extension
    return ExportFile(filename, chosen.mimetype, chosen.write(journal), len(journal.entries))


def read_upload(
    user: User, data: bytes, filename: str = "", fmt: str = ""
) -> tuple[str, JournalData]:
    """Read a file for ``user`` (jrnl's local times are in the user's time zone)."""
    return read_file(data, filename, fmt, zone=user_zone(user))


def preview_import(
    user: User, data: bytes, filename="", fmt="", stage: Stage | None = None
) -> ImportPlan:
    """What importing the file would do; raises FormatError when it cannot be imported."""
    fmt, journal = read_upload(user, data, filename, fmt)
    return plan_import(user, journal, fmt, stage)


def import_file(
    user: User, data: bytes, filename="", fmt="", stage: Stage | None = None
) -> ImportPlan:
    """Import the file: every entry, or none.

    Reading, checking, planning and rendering happen before the write lock; the write
    transaction only inserts the rows made ready. If the journal changed in between (its
    revision moved: another tab or device saved something), the plan is made again, so
    duplicates are still recognised and no stage is created twice.
    """
    for _attempt in range(PLAN_ATTEMPTS):
        revision = _revision(user.id)
        fmt_read, journal = read_upload(user, data, filename, fmt)
        plan = plan_import(user, journal, fmt_read, stage)
        if not plan.ready:
            raise FormatError(no_stage_message(plan.without_stage))
        user_id = user.id
        rows = prepare_rows(user_id, plan)
        try:
            with write_transaction() as session:
                if _revision(user_id, lock=True) != revision:
                    raise _JournalChanged
                save_rows(session, user_id, rows)
        except _JournalChanged:
            continue
        return plan
    raise FormatError(
        "Your journal kept changing while the file was being imported (another tab or "
        "device saving): nothing was imported. Import it again."
    )


class _JournalChanged(Exception):
    """The journal changed after the import was planned: plan it again."""


def _revision(user_id: int, *, lock: bool = False) -> int | None:
    """The user's revision: any change to their journal moves it (journal/revisions.py).

    ``lock`` (inside a write transaction) keeps it from moving until the commit; SQLite's
    write lock does that already, PostgreSQL needs the row locked.
    """
    query = select(User.revision).where(User.id == user_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def no_stage_message(count: int) -> str:
    if count == 1:
        return "1 entry names no stage: choose its stage."
    return f"{count} entries name no stage: choose the stage for them."
