"""What an import would do, worked out without writing anything: the preview, and the
checks that make a whole file fail before a single entry is saved.

Everything here runs before the write lock is taken, in time linear in the file.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from ..clock import user_today
from ..daily.models import EntryTemplate, WeeklyReview
from ..entries.models import Entry
from ..entries.notes import extract_tags
from ..entries.queries import live
from ..extensions import db
from ..insights.settings import WEEK_STARTS
from ..roadmap.models import Stage
from ..roadmap.services import stages_of
from ..validation import clean_text
from .checks import check_entry, check_stages
from .formats.jrnl_format import tag_line
from .formats.json_format import GOALS as GOAL_KEYS
from .limits import MAX_ENTRY_LINKS, MAX_STAGES, MAX_TOPICS, import_in_parts
from .records import (
    EntryRecord,
    FormatError,
    JournalData,
    ReviewRecord,
    StageRecord,
    TemplateRecord,
    TopicRecord,
    name_key,
    slug,
)

if TYPE_CHECKING:
    from ..auth.models import User


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
    # json into a journal without entries: the file's roadmap, time zone, goals, entry
    # template (when the journal has none) and weekly reviews (of weeks it has none of)
    # are restored.
    restore: bool = False
    timezone: str | None = None
    goals: dict[str, int] = field(default_factory=dict)
    template: TemplateRecord | None = None
    reviews: list[ReviewRecord] = field(default_factory=list)
    updated_stages: list[str] = field(default_factory=list)
    stage_choice: Stage | None = None
    file_stages: list[StageRecord] = field(default_factory=list)
    # The journal's stages (with their topics) as they were when the plan was made.
    existing: dict[str, Stage] = field(default_factory=dict)

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
            or self.goals
            or self.template
            or self.reviews
        )


def plan_import(
    user: User, data: JournalData, fmt: str, stage_choice: Stage | None = None
) -> ImportPlan:
    """Check every entry and stage of ``data``; raise FormatError at the first fault."""
    stages = {name_key(stage.name): stage for stage in stages_of(user, archived=None)}
    by_slug = {slug(stage.name): stage for stage in stages.values()}
    plan = ImportPlan(fmt=fmt, stage_choice=stage_choice, existing=stages)
    check_stages(data.stages)
    plan.file_stages = data.stages
    has_entries = db.session.scalar(select(exists().where(*live(user.id))))
    plan.restore = data.full_roadmap and not has_entries
    latest = user_today(user) + timedelta(days=1)

    links = 0
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
        check_entry(entry, latest)
        entry.tags = extract_tags(entry.notes)  # the tags saved: those the notes hold
        links += len(entry.tags) + len(entry.topics)
        if links > MAX_ENTRY_LINKS:
            raise import_in_parts(
                f"{entry.where}: the entries up to here name more than {MAX_ENTRY_LINKS:,} tags "
                "and topics in all, the most one import takes."
            )

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
        _plan_settings(plan, data, user)
    return plan


def _plan_settings(plan: ImportPlan, data: JournalData, user: User) -> None:
    """What a restore brings besides the roadmap: the goals that differ, the template when
    the journal has none, the reviews of weeks it has none of."""
    plan.goals = {
        key: value
        for key, value in data.settings.items()
        if key in GOAL_KEYS and getattr(user, key) != value
    }
    if data.template is not None and db.session.get(EntryTemplate, user.id) is None:
        plan.template = data.template
    week_start = data.settings.get("week_start", user.week_start)
    for review in data.reviews:
        if review.week_start.weekday() != week_start:
            first = WEEK_STARTS[week_start]
            raise FormatError(
                f"{review.where}: weeks begin on a {first} in this journal, and "
                f"{review.week_start.isoformat()} is not a {first}."
            )
    if data.reviews:
        reviewed = set(
            db.session.scalars(
                select(WeeklyReview.week_start).where(WeeklyReview.user_id == user.id)
            )
        )
        plan.reviews = [review for review in data.reviews if review.week_start not in reviewed]


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


def _key(entry: EntryRecord) -> tuple:
    return (entry.study_date, name_key(entry.stage), entry.minutes, entry.notes)


def _existing_keys(user: User, entries: list[EntryRecord]) -> Counter:
    """How many entries the journal already has for each (date, stage, duration, notes)."""
    if not entries:
        return Counter()
    first = min(entry.study_date for entry in entries)
    last = max(entry.study_date for entry in entries)
    rows = db.session.execute(
        select(Entry.study_date, Stage.name, Entry.minutes, Entry.notes)
        .join(Stage, Stage.id == Entry.stage_id)
        .where(*live(user.id), Entry.study_date.between(first, last))
    )
    return Counter((row[0], name_key(row[1]), row[2], row[3]) for row in rows)


def topic_order(lists: list[list[str]]) -> list[str]:
    """Every name in ``lists``, in an order that keeps the order of each list.

    An entry lists its topics in roadmap order, so topics created in this order show on
    every entry as they did where the file came from. Ties go to the name seen first.
    """
    first_seen: dict[str, tuple[int, str]] = {}
    after: dict[str, set[str]] = defaultdict(set)
    waiting_on: Counter = Counter()
    for names in lists:
        keys = [name_key(name) for name in names]
        for key, name in zip(keys, names, strict=True):
            first_seen.setdefault(key, (len(first_seen), name))
        for before, later in itertools.pairwise(keys):
            if later != before and later not in after[before]:
                after[before].add(later)
                waiting_on[later] += 1
    ready = [first_seen[key][0] for key in first_seen if not waiting_on[key]]
    by_index = {index: key for key, (index, _) in first_seen.items()}
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        key = by_index[heapq.heappop(ready)]
        order.append(key)
        for later in after[key]:
            waiting_on[later] -= 1
            if not waiting_on[later]:
                heapq.heappush(ready, first_seen[later][0])
    # Lists that contradict each other (a hand-edited file) leave a cycle: first seen first.
    placed = set(order)
    order += [key for key in first_seen if key not in placed]
    return [first_seen[key][1] for key in order]


def _plan_roadmap(plan: ImportPlan, data: JournalData, stages: dict[str, Stage]) -> None:
    """Stages and topics the import creates (json: the file's roadmap; else what entries use)."""
    wanted: dict[str, StageRecord] = {name_key(stage.name): stage for stage in data.stages}
    topic_lists: dict[str, list[list[str]]] = defaultdict(list)
    for entry in plan.to_add:
        wanted.setdefault(name_key(entry.stage), StageRecord(name=entry.stage))
        topic_lists[name_key(entry.stage)].append(entry.topics)
    for key, lists in topic_lists.items():
        record = wanted[key]
        known = {name_key(topic.name) for topic in record.topics}
        for topic in topic_order(lists):
            if name_key(topic) not in known:
                record.topics.append(TopicRecord(name=topic))
                known.add(name_key(topic))
    if len(wanted) > MAX_STAGES:
        raise import_in_parts(
            f"The file names {len(wanted):,} stages; one import takes at most {MAX_STAGES}."
        )
    topics = sum(len(record.topics) for record in wanted.values())
    if topics > MAX_TOPICS:
        raise import_in_parts(
            f"The file names {topics:,} topics; one import takes at most {MAX_TOPICS:,}."
        )
    file_stages = {name_key(stage.name) for stage in data.stages}
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
        if plan.restore and key in file_stages:
            plan.updated_stages.append(stage.name)
