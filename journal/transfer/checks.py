"""The rules every imported entry and stage must meet: the same as for typed ones."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from ..entries.duration import MAX_MINUTES
from ..entries.notes import NOTES_MAX_BYTES
from ..entries.services import EARLIEST_DATE, LINK_MAX
from ..roadmap.services import DESCRIPTION_MAX, MAX_WEEKS, STAGE_NAME_MAX, TOPIC_NAME_MAX
from ..validation import clean_name, clean_text
from .records import DURATION_RANGE, EntryRecord, FormatError, StageRecord, name_key


def check_entry(entry: EntryRecord, latest: date) -> None:
    where = entry.where or f"entry of {entry.study_date.isoformat()}"
    if entry.study_date < EARLIEST_DATE:
        raise FormatError(f"{where}: the date {entry.study_date} is before 1970.")
    if entry.study_date > latest:
        raise FormatError(
            f"{where}: the date {entry.study_date} is in the future; "
            f"dates up to {latest.isoformat()} are accepted."
        )
    if entry.stage is not None:
        entry.stage = clean_name(entry.stage)
        if not entry.stage or len(entry.stage) > STAGE_NAME_MAX:
            raise FormatError(f"{where}: a stage name must be 1 to {STAGE_NAME_MAX} characters.")
    if entry.minutes is not None and not 1 <= entry.minutes <= MAX_MINUTES:
        raise FormatError(f"{where}: {DURATION_RANGE}")
    check_notes_size(entry.notes, where)
    entry.topics = [name for name in map(clean_name, entry.topics) if name]
    if any(len(topic) > TOPIC_NAME_MAX for topic in entry.topics):
        raise FormatError(f"{where}: a topic name must be at most {TOPIC_NAME_MAX} characters.")
    entry.topics = list({name_key(topic): topic for topic in reversed(entry.topics)}.values())[::-1]
    if entry.link is not None:
        link = clean_text(entry.link)
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


def check_notes_size(notes: str, where: str) -> None:
    size = len(notes.encode("utf-8"))
    if size > NOTES_MAX_BYTES:
        raise FormatError(
            f"{where}: notes must be at most {NOTES_MAX_BYTES // 1000} kB; "
            f"these are {size / 1000:.0f} kB."
        )


def check_stages(stages: list[StageRecord]) -> None:
    seen: set[str] = set()
    for n, stage in enumerate(stages, start=1):
        where = f"stage {n} (“{stage.name}”)"
        stage.name = clean_name(stage.name)
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
            topic.name = clean_name(topic.name)
            if not topic.name or len(topic.name) > TOPIC_NAME_MAX:
                raise FormatError(
                    f"{where}: a topic name must be 1 to {TOPIC_NAME_MAX} characters."
                )
            if name_key(topic.name) in topic_names:
                raise FormatError(f"{where}: two topics are named “{topic.name}”.")
            topic_names.add(name_key(topic.name))
