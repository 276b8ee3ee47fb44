"""Saving a planned import: every row is made before the write lock, then inserted in bulk.

``prepare_rows`` does the slow part with no lock held: Markdown rendering, the positions
and colours of new stages and topics, which topics and tags each entry gets. ``save_rows``
runs inside the write transaction and does nothing but take ids and insert (or, restoring
a backup, update) rows, a few statements for the whole file.

Rows are made as dicts, then turned into tuples of values already converted for the
database (``Batch``). Rows of the import refer to stages and topics it creates by
placeholders, ``-1``, ``-2``… (the first, second… new one), replaced by real ids once
they are taken.
"""

from __future__ import annotations

import operator
import time
from dataclasses import dataclass, field

from sqlalchemy import Table, func, insert, select, text, update

from ..auth.models import User
from ..auth.services import valid_timezone
from ..daily.models import EntryTemplate, WeeklyReview
from ..db import insert_or_ignore, utcnow
from ..entries.models import Entry, EntryTag, entry_topics
from ..entries.notes import render_notes
from ..extensions import db
from ..revisions import new_revision
from ..roadmap.models import Stage, Topic
from .limits import RENDER_SECONDS_MAX, import_in_parts, megabytes, written_bytes
from .plan import ImportPlan
from .records import name_key

# Colours for stages an import creates without one (the default roadmap's palette).
PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"]


@dataclass
class Batch:
    """Rows of one table without their id: the columns' names, and each row's values in
    that order, converted for the database (SQLite stores dates as text)."""

    names: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)

    @classmethod
    def of(cls, table: Table, rows: list[dict], dialect) -> Batch:
        if not rows:
            return cls()
        names = tuple(rows[0])
        converters = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
        ]
        if not any(converters):
            return cls(names, [tuple(row.values()) for row in rows])
        pairs = list(zip(names, converters, strict=True))
        return cls(
            names,
            [
                tuple([convert(row[n]) if convert else row[n] for n, convert in pairs])
                for row in rows
            ],
        )


@dataclass
class ImportRows:
    # Dicts while they are made; Batches, their "stage_id" first, once ready.
    stages: list[dict] | Batch = field(default_factory=list)
    topics: list[dict] | Batch = field(default_factory=list)
    entries: list[dict] | Batch = field(default_factory=list)
    # (index of the entry in ``entries``, topic id or placeholder)
    entry_topics: list[tuple[int, int]] = field(default_factory=list)
    # (index of the entry in ``entries``, tag)
    entry_tags: list[tuple[int, str]] = field(default_factory=list)
    stage_updates: list[dict] = field(default_factory=list)
    topic_updates: list[dict] = field(default_factory=list)
    # The user's own settings a restore brings: time zone and goals.
    user_changes: dict = field(default_factory=dict)
    template: dict | None = None
    reviews: list[dict] = field(default_factory=list)


def prepare_rows(user_id: int, plan: ImportPlan) -> ImportRows:
    """The rows that saving ``plan`` writes, ready to insert: no lock is needed to make them."""
    rows = ImportRows(user_changes=dict(plan.goals))
    if valid_timezone(plan.timezone):
        rows.user_changes["timezone"] = plan.timezone
    now = utcnow()
    stage_ids, topic_ids = _roadmap_rows(rows, user_id, plan, now)
    render = Rendering()
    for entry in plan.to_add:
        key = name_key(entry.stage)
        index = len(rows.entries)
        created = entry.created_at or now
        notes_html = render(entry.notes, entry.where)
        rows.entries.append(
            {
                "stage_id": stage_ids[key],
                "user_id": user_id,
                "study_date": entry.study_date,
                "minutes": entry.minutes,
                "notes": entry.notes,
                "notes_html": notes_html,
                "link": entry.link,
                "created_at": created,
                "updated_at": entry.updated_at or created,
            }
        )
        rows.entry_topics += [(index, topic_ids[key, name_key(name)]) for name in entry.topics]
        rows.entry_tags += [(index, tag) for tag in entry.tags]
    for review in plan.reviews:
        created = review.created_at or now
        rows.reviews.append(
            {
                "user_id": user_id,
                "week_start": review.week_start,
                "notes": review.notes,
                "notes_html": render(review.notes, review.where),
                "created_at": created,
                "updated_at": review.updated_at or created,
            }
        )
    if plan.template is not None:
        text = plan.template.text
        rows.template = {"user_id": user_id, "enabled": plan.template.enabled and bool(text)}
        rows.template["text"] = text
    dialect = db.session.get_bind().dialect
    rows.stages = Batch.of(Stage.__table__, rows.stages, dialect)
    rows.topics = Batch.of(Topic.__table__, rows.topics, dialect)
    rows.entries = Batch.of(Entry.__table__, rows.entries, dialect)
    return rows


class Rendering:
    """Renders an import's notes one after another within its bounds: the time they take
    (``RENDER_SECONDS_MAX``) and the bytes they and their HTML come to (``written_bytes``)."""

    def __init__(self):
        self.deadline = time.monotonic() + RENDER_SECONDS_MAX
        self.written, self.most = 0, written_bytes()

    def __call__(self, notes: str, where: str) -> str:
        if time.monotonic() > self.deadline:
            raise import_in_parts(
                f"{where}: rendering the notes up to here took more than "
                f"{RENDER_SECONDS_MAX} seconds."
            )
        notes_html = render_notes(notes)
        self.written += len(notes.encode()) + len(notes_html.encode())
        if self.written > self.most:
            raise import_in_parts(
                f"{where}: the notes up to here and their rendering come to more than "
                f"{megabytes(self.most)}, the most one import writes."
            )
        return notes_html


def _roadmap_rows(rows: ImportRows, user_id: int, plan: ImportPlan, now):
    """New stages and topics (and, restoring a backup, the file's settings of existing ones).

    Returns the id (or placeholder) of every stage by name key, and of every topic by
    (stage key, topic key).
    """
    existing = plan.existing
    stage_ids = {key: stage.id for key, stage in existing.items()}
    topic_ids = {
        (key, name_key(topic.name)): topic.id
        for key, stage in existing.items()
        for topic in stage.topics
    }
    last_topic = {
        key: max((topic.position for topic in stage.topics), default=0)
        for key, stage in existing.items()
    }
    file_stages = {name_key(record.name): record for record in plan.file_stages}
    file_topics = {
        (key, name_key(topic.name)): topic
        for key, record in file_stages.items()
        for topic in record.topics
    }
    if plan.restore:
        for key, record in file_stages.items():
            if key in existing:
                _restore(rows, existing[key], record)
    position = max((stage.position for stage in existing.values()), default=0)
    for n, record in enumerate(plan.new_stages):
        if not plan.restore:
            position += 1
        key = name_key(record.name)
        stage_ids[key] = -(n + 1)
        last_topic[key] = 0
        rows.stages.append(
            {
                "user_id": user_id,
                "position": record.position if plan.restore and record.position else position,
                "name": record.name,
                "color": record.color or PALETTE[(len(existing) + n) % len(PALETTE)],
                "suggested_weeks": record.suggested_weeks,
                "description": record.description,
                "archived_at": record.archived_at,
                "created_at": record.created_at or now,
            }
        )
    created = {name_key(record.name) for record in plan.new_stages}
    for n, (stage_name, topic_name) in enumerate(plan.new_topics):
        key, topic_key = name_key(stage_name), name_key(topic_name)
        record = file_topics.get((key, topic_key))
        # The file's order holds in a stage it creates or restores; elsewhere topics go last.
        keep_order = record and record.position and (plan.restore or key in created)
        topic_position = record.position if keep_order else last_topic[key] + 1
        last_topic[key] = max(last_topic[key], topic_position)
        topic_ids[key, topic_key] = -(n + 1)
        rows.topics.append(
            {
                "stage_id": stage_ids[key],
                "user_id": user_id,
                "position": topic_position,
                "name": topic_name,
                "state": record.state if record else None,
                "archived_at": record.archived_at if record else None,
                "created_at": (record.created_at if record else None) or now,
            }
        )
    return stage_ids, topic_ids


def _restore(rows: ImportRows, stage: Stage, record) -> None:
    """A backup restored into a journal without entries: the file's settings of a stage."""
    rows.stage_updates.append(
        {
            "id": stage.id,
            "position": record.position or stage.position,
            "color": record.color or stage.color,
            "suggested_weeks": record.suggested_weeks,
            "description": record.description,
            "archived_at": record.archived_at,
            "created_at": record.created_at or stage.created_at,
        }
    )
    topics = {name_key(topic.name): topic for topic in stage.topics}
    for topic_record in record.topics:
        topic = topics.get(name_key(topic_record.name))
        if topic is not None:
            rows.topic_updates.append(
                {
                    "id": topic.id,
                    "position": topic_record.position or topic.position,
                    "state": topic_record.state if topic_record.has_state else topic.state,
                    "archived_at": topic_record.archived_at,
                    "created_at": topic_record.created_at or topic.created_at,
                }
            )


def save_rows(session, user_id: int, rows: ImportRows) -> None:
    """Insert the prepared rows, inside the caller's write transaction."""
    stage_ids = _insert_new(session, Stage.__table__, rows.stages)
    topic_ids = _insert_new(session, Topic.__table__, rows.topics, stage_ids)
    entry_ids = _insert_new(session, Entry.__table__, rows.entries, stage_ids)
    insert_many(
        session,
        entry_topics,
        ("entry_id", "topic_id"),
        [(entry_ids[index], _real(topic, topic_ids)) for index, topic in rows.entry_topics],
    )
    insert_many(
        session,
        EntryTag.__table__,
        ("entry_id", "name"),
        [(entry_ids[index], tag) for index, tag in rows.entry_tags],
    )
    if rows.stage_updates:
        session.execute(update(Stage), rows.stage_updates)
    if rows.topic_updates:
        session.execute(update(Topic), rows.topic_updates)
    # Written meanwhile (a review saved while the preview was open) wins: nothing is replaced.
    insert_or_ignore(session, WeeklyReview.__table__, rows.reviews, ["user_id", "week_start"])
    if rows.template is not None:
        insert_or_ignore(session, EntryTemplate.__table__, [rows.template], ["user_id"])
    # Bulk statements bypass the ORM's flush, which moves the revision: move it here.
    changes = {**rows.user_changes, "revision": new_revision()}
    session.execute(update(User).where(User.id == user_id).values(**changes))


def _insert_new(session, table: Table, batch: Batch, stage_ids=None):
    """Insert new rows under ids taken now; returns the ids. With ``stage_ids``, the rows'
    first value is their stage's id or placeholder, made real."""
    ids = reserve_ids(session, table, len(batch.rows))
    if stage_ids is None:
        rows = [(new_id, *row) for new_id, row in zip(ids, batch.rows, strict=True)]
    else:
        rows = [
            (new_id, _real(row[0], stage_ids), *row[1:])
            for new_id, row in zip(ids, batch.rows, strict=True)
        ]
    insert_many(session, table, ("id", *batch.names), rows)
    return ids


def insert_many(session, table: Table, names: tuple[str, ...], rows: list[tuple]) -> None:
    """``INSERT`` rows of values already converted for the database (see Batch), in one
    executemany.

    What ``session.execute(insert(table), dicts)`` does, without SQLAlchemy's general
    per-row work, which costs about as much time as SQLite's own inserting, and would be
    spent here holding the write lock.
    """
    if not rows:
        return
    connection = session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(names))
    if not compiled.positional:  # PostgreSQL's driver takes named parameters
        rows = [dict(zip(names, row, strict=True)) for row in rows]
    elif tuple(compiled.positiontup) != names:
        pick = operator.itemgetter(*(names.index(name) for name in compiled.positiontup))
        rows = [pick(row) for row in rows]
    connection.exec_driver_sql(str(compiled), rows)


def _real(ref: int, new_ids) -> int:
    return new_ids[-ref - 1] if ref < 0 else ref


def reserve_ids(session, table: Table, count: int):
    """Ids for ``count`` rows about to be inserted into ``table`` in this write transaction.

    PostgreSQL hands them out from the column's sequence. SQLite's write transaction holds
    the database's write lock from its start (BEGIN IMMEDIATE), so no one else can take
    an id before it commits: the next ids follow the highest one in the table, or for an
    AUTOINCREMENT table the highest one it ever held.
    """
    if not count:
        return range(0)
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": count},
            )
        )
    last = session.scalar(select(func.max(table.c.id))) or 0
    if table.dialect_options["sqlite"]["autoincrement"]:
        sequence = session.scalar(
            text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table.name}
        )
        last = max(last, sequence or 0)
    return range(last + 1, last + 1 + count)
