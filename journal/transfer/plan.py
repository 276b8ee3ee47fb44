"""What an import would do, worked out without writing anything: the preview, and the
checks that make a whole file fail before a single entry is saved."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import exists, select

from ..clock import user_today
from ..entries.duration import MAX_MINUTES
from ..entries.models import Entry
from ..entries.notes import NOTES_MAX_BYTES, extract_tags
from ..entries.services import EARLIEST_DATE, LINK_MAX
from ..extensions import db
from ..roadmap.models import Stage
from ..roadmap.services import (
    DESCRIPTION_MAX,
    MAX_WEEKS,
    STAGE_NAME_MAX,
    TOPIC_NAME_MAX,
    stages_of,
)
from ..validation import clean_text
from .jrnl_format import tag_line
from .records import (
    EntryRecord,
    FormatError,
    JournalData,
    StageRecord,
    TopicRecord,
    name_key,
    slug,
)


@dataclass
class ImportPlan:
    fmt: str
    to_add: list[EntryRecord] = field(default_factory=list)
    duplicates: list[EntryRecord] = field(default_factory=list)
    new_stages: list[StageRecord] = field(default_factory=list)
    new_topics: list[tuple[str, str]] = field(default_factory=list)
    # Entries whose file names no stage (nor a tag naming one): the chosen stage is theirs.
    stageless: int = 0
    # Those of them still waiting, when no stage was chosen: the import cannot go ahead.
    waiting: list[EntryRecord] = field(default_factory=list)
    # json into a journal without entries: the file's roadmap and time zone are restored.
    restore: bool = False
    timezone: str | None = None
    updated_stages: list[str] = field(default_factory=list)
    stage_choice: Stage | None = None
    file_stages: list[StageRecord] = field(default_factory=list)

    @property
    def unknown_durations(self) -> int:
        return sum(1 for entry in self.to_add + self.waiting if entry.minutes is None)

    @property
    def first_entries(self) -> list[EntryRecord]:
        """The first entries the import adds, by date, for the preview."""
        return sorted(self.to_add + self.waiting, key=lambda entry: entry.study_date)[:5]

    @property
    def without_stage(self) -> int:
        return len(self.waiting)

    @property
    def known_minutes(self) -> int:
        return sum(entry.minutes or 0 for entry in self.to_add)

    @property
    def ready(self) -> bool:
        return not self.without_stage

    @property
    def has_changes(self) -> bool:
        return bool(
            self.to_add
            or self.new_stages
            or self.new_topics
            or self.updated_stages
            or self.timezone
        )


def plan_import(user, data: JournalData, fmt: str, stage_choice: Stage | None = None) -> ImportPlan:
    """Check every entry and stage of ``data``; raise FormatError at the first fault."""
    stages = {name_key(stage.name): stage for stage in stages_of(user, archived=None)}
    by_slug = {slug(stage.name): stage for stage in stages.values()}
    plan = ImportPlan(fmt=fmt, stage_choice=stage_choice)
    _check_stages(data.stages)
    plan.file_stages = data.stages
    has_entries = db.session.scalar(
        select(exists().where(Entry.user_id == user.id, Entry.deleted_at.is_(None)))
    )
    plan.restore = data.full_roadmap and not has_entries
    latest = user_today(user) + timedelta(days=1)

    for entry in data.entries:
        entry.notes = _notes_with_tags(clean_text(entry.notes), entry.tags)
        if entry.stage is None:
            named = _stage_from_tags(entry.tags, by_slug)
            if named is None:
                plan.stageless += 1
                named = stage_choice
            if named is None:
                plan.waiting.append(entry)
            else:
                entry.stage = named.name
        _check_entry(entry, latest)

    existing = _existing_keys(user, [entry for entry in data.entries if entry.stage is not None])
    for entry in data.entries:
        if entry.stage is None:
            continue
        key = _key(entry)
        if existing[key] > 0:
            existing[key] -= 1
            plan.duplicates.append(entry)
        else:
            plan.to_add.append(entry)

    _plan_roadmap(plan, data, stages)
    if plan.restore:
        timezone = data.settings.get("timezone")
        plan.timezone = timezone if timezone and timezone != user.timezone else None
    return plan


def _notes_with_tags(notes: str, tags: list[str]) -> str:
    """Tags the file gives beside the notes (a spreadsheet's tags column) join the notes."""
    present = set(extract_tags(notes))
    missing = [tag for tag in dict.fromkeys(tags) if tag not in present and _is_tag(tag)]
    if not missing:
        return notes
    return f"{notes}\n\n{tag_line(missing)}" if notes else tag_line(missing)


def _is_tag(tag: str) -> bool:
    return extract_tags(f"#{tag}") == [tag]


def _stage_from_tags(tags: list[str], by_slug: dict[str, Stage]) -> Stage | None:
    for tag in tags:
        found = by_slug.get(tag.casefold().removeprefix("stage/"))
        if found is not None:
            return found
    return None


def _check_entry(entry: EntryRecord, latest: date) -> None:
    where = entry.where or f"entry of {entry.study_date.isoformat()}"
    if entry.study_date < EARLIEST_DATE:
        raise FormatError(f"{where}: the date {entry.study_date} is before 1970.")
    if entry.study_date > latest:
        raise FormatError(
            f"{where}: the date {entry.study_date} is in the future; "
            f"dates up to {latest.isoformat()} are accepted."
        )
    if entry.stage is not None:
        entry.stage = " ".join(entry.stage.split())
        if not entry.stage or len(entry.stage) > STAGE_NAME_MAX:
            raise FormatError(f"{where}: a stage name must be 1 to {STAGE_NAME_MAX} characters.")
    if entry.minutes is not None and not 1 <= entry.minutes <= MAX_MINUTES:
        raise FormatError(f"{where}: the duration must be from 1 minute to 24 hours.")
    size = len(entry.notes.encode("utf-8"))
    if size > NOTES_MAX_BYTES:
        raise FormatError(
            f"{where}: notes must be at most {NOTES_MAX_BYTES // 1000} kB; "
            f"these are {size / 1000:.0f} kB."
        )
    entry.topics = [" ".join(topic.split()) for topic in entry.topics if topic.strip()]
    if any(len(topic) > TOPIC_NAME_MAX for topic in entry.topics):
        raise FormatError(f"{where}: a topic name must be at most {TOPIC_NAME_MAX} characters.")
    entry.topics = list({name_key(topic): topic for topic in reversed(entry.topics)}.values())[::-1]
    if entry.link is not None:
        link = entry.link.strip()
        parts = urlsplit(link)
        if (
            len(link) > LINK_MAX
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or " " in link
        ):
            raise FormatError(
                f"{where}: the link must be a web address starting with http:// or https://."
            )
        entry.link = link or None


def _check_stages(stages: list[StageRecord]) -> None:
    seen: set[str] = set()
    for n, stage in enumerate(stages, start=1):
        where = f"stage {n} (“{stage.name}”)"
        stage.name = " ".join(stage.name.split())
        if not stage.name or len(stage.name) > STAGE_NAME_MAX:
            raise FormatError(f"{where}: a stage name must be 1 to {STAGE_NAME_MAX} characters.")
        if name_key(stage.name) in seen:
            raise FormatError(f"{where}: another stage in the file has the same name.")
        seen.add(name_key(stage.name))
        if stage.suggested_weeks is not None and not 1 <= stage.suggested_weeks <= MAX_WEEKS:
            raise FormatError(f"{where}: suggested weeks must be from 1 to {MAX_WEEKS}.")
        stage.description = clean_text(stage.description)
        if len(stage.description) > DESCRIPTION_MAX:
            raise FormatError(f"{where}: the description is longer than {DESCRIPTION_MAX}.")
        topic_names: set[str] = set()
        for topic in stage.topics:
            topic.name = " ".join(topic.name.split())
            if not topic.name or len(topic.name) > TOPIC_NAME_MAX:
                raise FormatError(
                    f"{where}: a topic name must be 1 to {TOPIC_NAME_MAX} characters."
                )
            if name_key(topic.name) in topic_names:
                raise FormatError(f"{where}: two topics are named “{topic.name}”.")
            topic_names.add(name_key(topic.name))


def _key(entry: EntryRecord) -> tuple:
    return (entry.study_date, name_key(entry.stage), entry.minutes, entry.notes)


def _existing_keys(user, entries: list[EntryRecord]) -> Counter:
    """How many entries the journal already has for each (date, stage, duration, notes)."""
    if not entries:
        return Counter()
    first = min(entry.study_date for entry in entries)
    last = max(entry.study_date for entry in entries)
    rows = db.session.execute(
        select(Entry.study_date, Stage.name, Entry.minutes, Entry.notes)
        .join(Stage, Stage.id == Entry.stage_id)
        .where(
            Entry.user_id == user.id,
            Entry.deleted_at.is_(None),
            Entry.study_date.between(first, last),
        )
    )
    return Counter((row[0], name_key(row[1]), row[2], row[3]) for row in rows)


def _plan_roadmap(plan: ImportPlan, data: JournalData, stages: dict[str, Stage]) -> None:
    """Stages and topics the import creates (json: the file's roadmap; else what entries use)."""
    wanted: dict[str, StageRecord] = {name_key(stage.name): stage for stage in data.stages}
    for entry in plan.to_add:
        record = wanted.setdefault(name_key(entry.stage), StageRecord(name=entry.stage))
        known = {name_key(topic.name) for topic in record.topics}
        for topic in entry.topics:
            if name_key(topic) not in known:
                record.topics.append(TopicRecord(name=topic))
                known.add(name_key(topic))
    for key, record in wanted.items():
        stage = stages.get(key)
        if stage is None:
            plan.new_stages.append(record)
            plan.new_topics += [(record.name, topic.name) for topic in record.topics]
            continue
        have = {name_key(topic.name) for topic in stage.topics}
        plan.new_topics += [
            (stage.name, topic.name) for topic in record.topics if name_key(topic.name) not in have
        ]
        if plan.restore and key in {name_key(s.name) for s in data.stages}:
            plan.updated_stages.append(stage.name)
