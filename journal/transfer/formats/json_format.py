"""The lossless format: every entry, stage, topic, setting, the entry template and the weekly
reviews. Schema: docs/export-format.md."""

from __future__ import annotations

import json
import re
from datetime import date

from ...daily.reviews import review_error
from ...daily.services import template_error
from ...entries.services import EARLIEST_DATE
from ...insights.settings import (
    DAILY_MINIMUM_MAX,
    REST_DAYS_MAX,
    WEEK_STARTS,
    WEEKLY_GOAL_MAX_HOURS,
)
from ...roadmap.models import TOPIC_STATES
from ...validation import MAX_ID, clean_text
from ..limits import MAX_REVIEWS, add_entry
from ..records import (
    EntryRecord,
    FormatError,
    JournalData,
    ReviewRecord,
    StageRecord,
    TemplateRecord,
    TopicRecord,
    iso_time,
    parse_time,
)

FORMAT = "roadbook-journal"
VERSION = 1
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# The last week a review can begin: its seven days still fit in the calendar.
LAST_WEEK = date(9999, 12, 25)
# The goals in "settings": each a whole number among those the settings page accepts.
GOALS = {
    "daily_minimum_minutes": range(1, DAILY_MINIMUM_MAX + 1),
    "weekly_goal_minutes": range(30, WEEKLY_GOAL_MAX_HOURS * 60 + 1),
    "week_start": sorted(WEEK_STARTS),
    "rest_days_per_week": range(REST_DAYS_MAX + 1),
}


def write_json(journal: JournalData) -> bytes:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "filters": journal.filters,
        "settings": journal.settings,
        "stages": [_stage(stage) for stage in journal.stages],
        "entries": [_entry(entry) for entry in journal.entries],
        "template": (
            {"enabled": journal.template.enabled, "text": journal.template.text}
            if journal.template
            else None
        ),
        "reviews": [_review(review) for review in journal.reviews],
    }
    editor = journal.editor() if journal.editor else None
    if editor:
        document["editor"] = editor
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _stage(stage: StageRecord) -> dict:
    return {
        "name": stage.name,
        "position": stage.position,
        "color": stage.color,
        "suggested_weeks": stage.suggested_weeks,
        "description": stage.description,
        "archived_at": iso_time(stage.archived_at),
        "created_at": iso_time(stage.created_at),
        "topics": [
            {
                "name": topic.name,
                "position": topic.position,
                "state": topic.state,
                "archived_at": iso_time(topic.archived_at),
                "created_at": iso_time(topic.created_at),
            }
            for topic in stage.topics
        ],
    }


def _entry(entry: EntryRecord) -> dict:
    return {
        "date": entry.study_date.isoformat(),
        "stage": entry.stage,
        "minutes": entry.minutes,
        "topics": entry.topics,
        "tags": entry.tags,
        "notes": entry.notes,
        "link": entry.link,
        "created_at": iso_time(entry.created_at),
        "updated_at": iso_time(entry.updated_at),
    }


def _review(review: ReviewRecord) -> dict:
    return {
        "week_start": review.week_start.isoformat(),
        "notes": review.notes,
        "created_at": iso_time(review.created_at),
        "updated_at": iso_time(review.updated_at),
    }


def is_roadbook_json(document: object) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def read_json(document: dict) -> JournalData:
    """Check a parsed Roadbook json document field by field and turn it into records."""
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FormatError("“version” must be a whole number such as 1.")
    if version > VERSION:
        raise FormatError(
            f"This file has format version {version}, written by a newer Roadbook; "
            f"this one reads version {VERSION}. Upgrade Roadbook to import it."
        )
    settings = document.get("settings") or {}
    if not isinstance(settings, dict):
        raise FormatError("“settings” must be an object.")
    timezone = settings.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        raise FormatError("settings: “timezone” must be a time zone name such as Europe/Paris.")
    chosen: dict[str, str | int] = {"timezone": timezone} if timezone else {}
    for key, allowed in GOALS.items():
        value = _int(settings, key, "settings")
        if value is None:
            continue
        if value not in allowed:
            if isinstance(allowed, range):
                expected = f"from {allowed[0]} to {allowed[-1]}"
            else:
                expected = " or ".join(f"{day} ({WEEK_STARTS[day]})" for day in allowed)
            raise FormatError(f"settings: “{key}” must be {expected}.")
        chosen[key] = value
    stages = [
        _read_stage(item, n) for n, item in enumerate(_list(document, "stages", "file"), start=1)
    ]
    entries: list[EntryRecord] = []
    for n, item in enumerate(_list(document, "entries", "file"), start=1):
        add_entry(entries, _read_entry(item, n))
    reviews = _list(document, "reviews", "file")
    if len(reviews) > MAX_REVIEWS:
        raise FormatError(
            f"file: more than {MAX_REVIEWS:,} weekly reviews, the most one import takes."
        )
    return JournalData(
        entries=entries,
        stages=stages,
        settings=chosen,
        template=_read_template(document.get("template")),
        reviews=_read_reviews(reviews),
        full_roadmap=True,
    )


def _read_template(item: object) -> TemplateRecord | None:
    if item is None:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("enabled"), bool):
        raise FormatError("template: must be an object with “enabled” (true or false) and “text”.")
    text = clean_text(_text(item, "text", "template"))
    if message := template_error(item["enabled"], text):
        raise FormatError(f"template: {message}")
    # Kept as the settings page keeps it: the prompts and a last line break.
    return TemplateRecord(item["enabled"], text + "\n" if text else "")


def _read_reviews(items: list) -> list[ReviewRecord]:
    reviews: dict[date, ReviewRecord] = {}
    for n, item in enumerate(items, start=1):
        where = f"review {n}"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: must be an object with a week_start and notes.")
        week_start = _date(item, "week_start", where, "2026-03-09")
        if not EARLIEST_DATE <= week_start <= LAST_WEEK:
            raise FormatError(
                f"{where}: “week_start” must be from {EARLIEST_DATE.isoformat()} "
                f"to {LAST_WEEK.isoformat()}."
            )
        where = f"review {n} (week of {week_start.isoformat()})"
        if week_start in reviews:
            raise FormatError(f"{where}: the file holds another review of that week.")
        notes = clean_text(_text(item, "notes", where))
        if message := review_error(notes):
            raise FormatError(f"{where}: {message}")
        reviews[week_start] = ReviewRecord(
            week_start=week_start,
            notes=notes,
            created_at=_time(item, "created_at", where),
            updated_at=_time(item, "updated_at", where),
            where=where,
        )
    return list(reviews.values())


def _list(obj: dict, key: str, where: str) -> list:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise FormatError(f"{where}: “{key}” must be a list.")
    return value


def _read_stage(item: object, n: int) -> StageRecord:
    where = f"stage {n}"
    if not isinstance(item, dict):
        raise FormatError(f"{where}: must be an object with a name.")
    name = _text(item, "name", where, required=True)
    where = f"stage {n} (“{name}”)"
    color = item.get("color")
    if color is not None and not (isinstance(color, str) and COLOR_RE.match(color)):
        raise FormatError(f"{where}: “color” must be a hex colour such as #3b82f6.")
    topics = []
    for m, topic in enumerate(_list(item, "topics", where), start=1):
        if not isinstance(topic, dict):
            raise FormatError(f"{where}, topic {m}: must be an object with a name.")
        topics.append(
            TopicRecord(
                name=_text(topic, "name", f"{where}, topic {m}", required=True),
                state=_state(topic, f"{where}, topic {m}"),
                has_state="state" in topic,
                position=_position(topic, f"{where}, topic {m}") or m,
                archived_at=_time(topic, "archived_at", f"{where}, topic {m}"),
                created_at=_time(topic, "created_at", f"{where}, topic {m}"),
            )
        )
    return StageRecord(
        name=name,
        position=_position(item, where) or n,
        color=color.lower() if color else None,
        suggested_weeks=_int(item, "suggested_weeks", where),
        description=_text(item, "description", where) or "",
        archived_at=_time(item, "archived_at", where),
        created_at=_time(item, "created_at", where),
        topics=topics,
    )


def _read_entry(item: object, n: int) -> EntryRecord:
    where = f"entry {n}"
    if not isinstance(item, dict):
        raise FormatError(f"{where}: must be an object with a date, a stage and notes.")
    study_date = _date(item, "date", where, "2026-03-14")
    where = f"entry {n} ({study_date.isoformat()})"
    minutes = item.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
        raise FormatError(f"{where}: “minutes” must be a whole number of minutes, or null.")
    return EntryRecord(
        study_date=study_date,
        stage=_text(item, "stage", where, required=True),
        minutes=minutes,
        notes=_text(item, "notes", where) or "",
        topics=_names(item, "topics", where),
        tags=_names(item, "tags", where),
        link=_text(item, "link", where),
        created_at=_time(item, "created_at", where),
        updated_at=_time(item, "updated_at", where),
        where=where,
    )


def _date(obj: dict, key: str, where: str, example: str) -> date:
    raw = obj.get(key)
    try:
        value = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        raise FormatError(f"{where}: “{key}” must be a date such as {example}.")
    return value


def _state(topic: dict, where: str) -> str | None:
    state = topic.get("state")
    if state is not None and state not in TOPIC_STATES:
        raise FormatError(f"{where}: “state” must be learning, done, skipped or null.")
    return state


def _text(obj: dict, key: str, where: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise FormatError(f"{where}: “{key}” must be {'a non-empty' if required else 'a'} text.")
    return value


def _int(obj: dict, key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise FormatError(f"{where}: “{key}” must be a whole number, or null.")
    return value


def _position(obj: dict, where: str) -> int | None:
    """A place in the roadmap's order: it must fit the database's whole-number column."""
    value = _int(obj, "position", where)
    if value is not None and not 0 <= value <= MAX_ID:
        raise FormatError(
            f"{where}: “position” must be a whole number from 0 to {MAX_ID}, or null."
        )
    return value


def _time(obj: dict, key: str, where: str):
    value = obj.get(key)
    if value is None:
        return None
    try:
        return parse_time(value) if isinstance(value, str) else _bad_time(where, key)
    except ValueError:
        return _bad_time(where, key)


def _bad_time(where: str, key: str):
    raise FormatError(f"{where}: “{key}” must be a time such as 2026-03-14T18:30:00Z, or null.")


def _names(obj: dict, key: str, where: str) -> list[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise FormatError(f"{where}: “{key}” must be a list of names.")
    return value
