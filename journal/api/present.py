"""What the API shows: the journal's objects as the response models of schemas.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..daily.services import StoppedTimer
from ..editor.suggestions import Suggestion
from ..entries.duration import duration_input, format_duration
from ..entries.queries import EntryRow, WeekSummary
from ..insights.panels import PacePanel, RangePanel, StageRow, StreakPanel, WeekGoal
from ..roadmap.models import Stage
from ..roadmap.queries import StageRef
from . import schemas


def utc(moment: datetime | None) -> datetime | None:
    """A stored time (naive, in UTC) as an aware one: JSON shows it with its ``Z``."""
    return moment.replace(tzinfo=UTC) if moment else None


def stage_ref(stage: Stage | StageRef) -> schemas.StageRef:
    return schemas.StageRef(id=stage.id, name=stage.name, color=stage.color)


def entry(item: EntryRow, *, undo_seconds: int | None = None) -> schemas.EntryOut:
    restorable = None
    if item.deleted_at is not None and undo_seconds is not None:
        restorable = utc(item.deleted_at + timedelta(seconds=undo_seconds))
    return schemas.EntryOut(
        id=item.id,
        date=item.study_date,
        minutes=item.minutes,
        duration=format_duration(item.minutes),
        stage=stage_ref(item.stage),
        topics=[schemas.TopicRef(id=topic.id, name=topic.name) for topic in item.topics],
        tags=item.tag_names,
        notes=item.notes,
        notes_html=item.notes_html,
        link=item.link,
        created_at=utc(item.created_at),
        updated_at=utc(item.updated_at),
        deleted_at=utc(item.deleted_at),
        restorable_until=restorable,
    )


def stage(item: Stage) -> schemas.StageOut:
    """The stage and its topics, each field read from the attribute of the same name."""
    return schemas.StageOut.model_validate(item, from_attributes=True)


def stage_minutes(rows: list[StageRow]) -> list[schemas.StageMinutes]:
    return [
        schemas.StageMinutes(stage=stage_ref(row.stage), minutes=row.minutes, share=row.share)
        for row in rows
    ]


def week(goal: WeekGoal, days: WeekSummary) -> schemas.WeekOut:
    return schemas.WeekOut(
        first=goal.first,
        last=goal.last,
        minutes=goal.minutes,
        goal_minutes=goal.goal,
        percent=goal.percent,
        remaining_minutes=goal.remaining,
        per_day_minutes=goal.per_day,
        days=[schemas.DayMinutes(date=day, minutes=minutes) for day, minutes in days.days],
        stages=stage_minutes(goal.rows),
    )


def timer(running, elapsed: int) -> schemas.TimerOut:
    if running is None:
        return schemas.TimerOut(running=False, stage=None, started_at=None, elapsed_minutes=0)
    return schemas.TimerOut(
        running=True,
        stage=stage_ref(running.stage),
        started_at=utc(running.started_at),
        elapsed_minutes=elapsed,
    )


def draft(stopped: StoppedTimer, stage_of: Stage) -> schemas.TimerStopped:
    return schemas.TimerStopped(
        draft=schemas.DraftEntry(
            date=stopped.started_on,
            duration=duration_input(stopped.minutes),
            minutes=stopped.minutes,
            stage=stage_ref(stage_of),
        ),
        capped=stopped.capped,
        message=stopped.message,
    )


def summary(
    chosen: RangePanel, goal: WeekGoal, days: WeekSummary, streak: StreakPanel, pace: PacePanel
) -> schemas.SummaryOut:
    current = streak.streaks.current
    return schemas.SummaryOut(
        range=schemas.RangeOut(
            key=chosen.range.key,
            label=chosen.range.label,
            first=chosen.range.first,
            last=chosen.range.last,
        ),
        totals=schemas.TotalsOut(
            minutes=chosen.totals.minutes,
            entries=chosen.totals.entries,
            active_days=chosen.totals.active_days,
        ),
        stages=stage_minutes(chosen.rows),
        week=week(goal, days),
        streak=schemas.StreakOut(
            current_days=streak.streaks.current_days,
            longest_days=streak.streaks.longest_days,
            current_since=current.first if current else None,
            today_counts=streak.streaks.today_counts,
            today_minutes=streak.today_minutes,
            daily_minimum_minutes=streak.minimum,
            rest_days_per_week=streak.rest_days,
        ),
        pace=schemas.PaceOut(
            weekly_pace_minutes=pace.weekly_pace,
            goal_minutes=pace.goal,
            all_reached=pace.all_reached,
            finish=pace.finish,
            stages=[
                schemas.StagePaceOut(
                    stage=stage_ref(row.stage),
                    logged_minutes=row.logged,
                    suggested_minutes=row.suggested,
                    percent=row.percent,
                    reached=row.reached,
                    finish=row.finish,
                    topics=schemas.TopicCountsOut(
                        total=row.topics.total,
                        learning=row.topics.learning,
                        done=row.topics.done,
                        skipped=row.topics.skipped,
                    ),
                )
                for row in pace.rows
            ],
        ),
    )


def editor_suggestion(item: Suggestion) -> schemas.EditorSuggestionOut:
    return schemas.EditorSuggestionOut(
        key=item.key,
        date=item.day,
        project=item.project.name,
        minutes=item.minutes,
        duration=item.duration,
        stage=stage_ref(item.stage) if item.stage else None,
        tag=item.tag,
    )
