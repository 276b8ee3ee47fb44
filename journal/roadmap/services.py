"""A user's roadmap: copy the default, then rename, recolour, reorder, add and archive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from ..db import utcnow, write_transaction
from ..extensions import db
from ..validation import ValidationError, clean_text, parse_id
from .default import DEFAULT_ROADMAP
from .models import TOPIC_STATES, Stage, Topic

if TYPE_CHECKING:
    from ..auth.models import User

COLOR_RE = re.compile(r"^#[0-9a-f]{6}$")
STAGE_NAME_MAX = 80
TOPIC_NAME_MAX = 120
DESCRIPTION_MAX = 2000
MAX_WEEKS = 520


@dataclass(frozen=True)
class StageInput:
    name: str
    color: str
    weeks: int | None
    description: str


def copy_default_roadmap(user: User) -> None:
    """Give ``user`` their own copy of the default roadmap (inside the caller's transaction).

    The stages are added as objects (their ids are needed), the topics in one bulk insert:
    added as objects, the unit of work sent a statement per topic.
    """
    stages = [
        Stage(
            user_id=user.id,
            position=position,
            name=default["name"],
            color=default["color"],
            suggested_weeks=default["weeks"],
            description=default["description"],
        )
        for position, default in enumerate(DEFAULT_ROADMAP, start=1)
    ]
    db.session.add_all(stages)
    db.session.flush()
    topics = [
        {"user_id": user.id, "stage_id": stage.id, "position": index, "name": name}
        for stage, default in zip(stages, DEFAULT_ROADMAP, strict=True)
        for index, name in enumerate(default["topics"], start=1)
    ]
    db.session.execute(insert(Topic), topics)


def stages_of(user: User, *, archived: bool | None = False) -> list[Stage]:
    """The user's stages in roadmap order, with their topics loaded.

    ``archived=False`` gives the active stages, True the archived ones, None all.
    """
    query = (
        select(Stage)
        .where(Stage.user_id == user.id)
        .options(selectinload(Stage.topics))
        .order_by(Stage.position, Stage.id)
    )
    if archived is True:
        query = query.where(Stage.archived_at.is_not(None))
    elif archived is False:
        query = query.where(Stage.archived_at.is_(None))
    return list(db.session.scalars(query))


def get_stage(user: User, stage_id: int | str | None) -> Stage | None:
    """The user's stage with this id, however it came (a form's text, a URL's number):
    the one way to look a stage up by id, read through ``parse_id``."""
    wanted = parse_id(stage_id)
    if wanted is None:
        return None
    return db.session.scalar(select(Stage).where(Stage.id == wanted, Stage.user_id == user.id))


def match_stage(user: User, text: str, *, archived: bool = False) -> Stage:
    """The stage ``text`` names, case aside: its whole name, else the one stage whose name,
    or a word in it, starts with ``text`` ("sql" finds "Databases and SQL"). Archived
    stages are matched only by their whole name unless ``archived``.

    Raises ValidationError on "stage" for a name that matches none, or several.
    """
    wanted = " ".join(text.split()).casefold()
    shown = " ".join(text.split())[:STAGE_NAME_MAX]
    if not wanted:
        raise ValidationError.one("stage", "Stage is required: name one of your stages.")
    stages = list(
        db.session.scalars(
            select(Stage).where(Stage.user_id == user.id).order_by(Stage.position, Stage.id)
        )
    )
    names = {stage.id: " ".join(stage.name.split()).casefold() for stage in stages}
    exact = [stage for stage in stages if names[stage.id] == wanted]
    if exact:
        return exact[0]
    candidates = [stage for stage in stages if archived or not stage.archived]
    for starts in (
        lambda name: name.startswith(wanted),
        lambda name: any(word.startswith(wanted) for word in _WORD_RE.split(name) if word),
    ):
        found = [stage for stage in candidates if starts(names[stage.id])]
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(f"“{stage.name}”" for stage in found[:5])
            raise ValidationError.one(
                "stage", f"Stage “{shown}” could be {listed}: type more of the name."
            )
    listed = ", ".join(f"“{stage.name}”" for stage in candidates[:10])
    raise ValidationError.one("stage", f"Stage “{shown}” matches none of your stages: {listed}.")


_WORD_RE = re.compile(r"[^\w]+")


def get_topic(user: User, topic_id: int) -> Topic | None:
    return db.session.scalar(select(Topic).where(Topic.id == topic_id, Topic.user_id == user.id))


def _name_error(label: str, name: str, longest: int) -> str | None:
    """What is wrong with a stage's or a topic's name: missing or too long; None: nothing."""
    if not name:
        return f"{label} is required."
    if len(name) > longest:
        return f"{label} must be at most {longest} characters."
    return None


def stage_name_error(name: str) -> str | None:
    return _name_error("Name", name, STAGE_NAME_MAX)


COLOR_WRONG = "Colour must be a hex colour such as #3b82f6."
WEEKS_WRONG = f"Suggested weeks must be a whole number from 1 to {MAX_WEEKS}."
DESCRIPTION_WRONG = f"Description must be at most {DESCRIPTION_MAX} characters."


def topic_name_error(name: str) -> str | None:
    return _name_error("Topic name", name, TOPIC_NAME_MAX)


def check_stage(data: StageInput) -> None:
    """What must stay true of a saved stage, however its fields were read."""
    errors: dict[str, str] = {}
    if message := stage_name_error(data.name):
        errors["name"] = message
    if not COLOR_RE.match(data.color):
        errors["color"] = COLOR_WRONG
    if data.weeks is not None and not 1 <= data.weeks <= MAX_WEEKS:
        errors["weeks"] = WEEKS_WRONG
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = DESCRIPTION_WRONG
    if errors:
        raise ValidationError(errors)


def check_topic_name(name: str) -> None:
    if message := topic_name_error(name):
        raise ValidationError.one("name", message)


def create_stage(user: User, data: StageInput) -> Stage:
    check_stage(data)
    with write_transaction() as session:
        last = session.scalar(select(func.max(Stage.position)).where(Stage.user_id == user.id))
        stage = Stage(
            user_id=user.id,
            position=(last or 0) + 1,
            name=data.name,
            color=data.color,
            suggested_weeks=data.weeks,
            description=data.description,
        )
        session.add(stage)
    return stage


def update_stage(stage: Stage, data: StageInput) -> None:
    check_stage(data)
    with write_transaction():
        stage.name = data.name
        stage.color = data.color
        stage.suggested_weeks = data.weeks
        stage.description = data.description


def set_stage_archived(stage: Stage, archived: bool) -> None:
    """Archive (or bring back) a stage; its entries and history are kept."""
    with write_transaction():
        stage.archived_at = utcnow() if archived else None


def move_stage(user: User, stage: Stage, direction: str) -> None:
    """Swap ``stage`` with its active neighbour above ("up") or below ("down")."""
    with write_transaction():
        _swap_with_neighbour(stage, stages_of(user), direction)


def stage_ends(user: User, stage: Stage) -> tuple[bool, bool]:
    """Whether ``stage`` is the first and whether it is the last of the active stages."""
    ids = [active.id for active in stages_of(user)] if not stage.archived else []
    return (not ids or ids[0] == stage.id), (not ids or ids[-1] == stage.id)


def create_topic(stage: Stage, name: str) -> Topic:
    check_topic_name(name)
    with write_transaction() as session:
        last = session.scalar(select(func.max(Topic.position)).where(Topic.stage_id == stage.id))
        topic = Topic(user_id=stage.user_id, stage_id=stage.id, position=(last or 0) + 1, name=name)
        session.add(topic)
    return topic


def rename_topic(topic: Topic, name: str) -> None:
    check_topic_name(name)
    with write_transaction():
        topic.name = name


def set_topic_archived(topic: Topic, archived: bool) -> None:
    with write_transaction():
        topic.archived_at = utcnow() if archived else None


def parse_topic_state(form: Mapping[str, str]) -> str | None:
    """A topic's new state: learning, done, skipped, or None (empty: not started)."""
    state = clean_text(form.get("state")) or None
    if state is not None and state not in TOPIC_STATES:
        raise ValidationError.one("state", "State must be learning, done or skipped.")
    return state


def set_topic_state(topic: Topic, state: str | None) -> None:
    with write_transaction():
        topic.state = state


def move_topic(topic: Topic, direction: str) -> None:
    with write_transaction():
        _swap_with_neighbour(topic, topic.stage.active_topics, direction)


def _swap_with_neighbour(item, siblings: list, direction: str) -> None:
    if direction not in ("up", "down"):
        raise ValidationError.one("direction", "Direction must be up or down.")
    ordered = sorted(siblings, key=lambda s: (s.position, s.id))
    # Renumber first, so equal or sparse positions cannot make a swap a no-op.
    for index, sibling in enumerate(ordered, start=1):
        sibling.position = index
    if item not in ordered:
        return
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        neighbour = ordered[other]
        item.position, neighbour.position = neighbour.position, item.position
