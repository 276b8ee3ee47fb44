"""Reading a user's roadmap for pages that only show it: plain rows, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from ..extensions import db
from .models import Stage

stages = Stage.__table__


@dataclass(frozen=True, slots=True)
class StageRef:
    """A stage as charts and entry rows show it."""

    id: int
    name: str
    color: str
    archived: bool
    suggested_weeks: int | None = None


# Built once, with a bound parameter: building a statement costs more than running it.
_STAGES = (
    select(
        stages.c.id,
        stages.c.name,
        stages.c.color,
        stages.c.archived_at.is_not(None),
        stages.c.suggested_weeks,
    )
    .where(stages.c.user_id == bindparam("user_id"))
    .order_by(stages.c.archived_at.is_not(None), stages.c.position, stages.c.id)
)


def stage_refs(user) -> dict[int, StageRef]:
    """Every stage of the user, archived too (old entries keep theirs): active ones first,
    each group in roadmap order."""
    rows = db.session.execute(_STAGES, {"user_id": user.id})
    return {row[0]: StageRef(*row) for row in rows}
