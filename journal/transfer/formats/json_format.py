"""The lossless format: every entry, stage, topic and setting. Schema: docs/export-format.md."""

from __future__ import annotations

import json
import re
from datetime import date

from ...validation import MAX_ID
from ..limits import add_entry
from ..records import (
    EntryRecord,
    FormatError,
    JournalData,
    StageRecord,
    TopicRecord,
    iso_time,
    parse_time,
)

FORMAT = "roadbook-journal"
VERSION = 1
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def write_json(journal: JournalData) -> bytes:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "filters": journal.filters,
        "settings": journal.settings,
        "stages": [_stage(stage) for stage in journal.stages],
        "entries": [_entry(entry) for entry in journal.entries],
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
    stages = [
        _read_stage(item, n) for n, item in enumerate(_list(document, "stages", "file"), start=1)
    ]
    entries: list[EntryRecord] = []
    for n, item in enumerate(_list(document, "entries", "file"), start=1):
        add_entry(entries, _read_entry(item, n))
    return JournalData(
        entries=entries,
        stages=stages,
        settings={"timezone": timezone} if timezone else {},
        full_roadmap=True,
    )


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
    raw_date = item.get("date")
    try:
        study_date = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        study_date = None
    if study_date is None:
        raise FormatError(f"{where}: “date” must be a date such as 2026-03-14.")
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
