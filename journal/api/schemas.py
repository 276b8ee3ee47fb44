"""The API's requests and responses as pydantic models: validation and the OpenAPI document.

Input models bound every size and leave the meaning of each value (a date in range, a
human duration, a stage of yours) to the services that check the page's forms, so the
API and the forms accept exactly the same entries with the same messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..entries.duration import INPUT_MAX
from ..entries.notes import NOTES_MAX_BYTES
from ..entries.queries import SEARCH_MAX
from ..entries.services import IDEMPOTENCY_KEY_RE, LINK_MAX
from ..roadmap.services import STAGE_NAME_MAX

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DateText = Annotated[
    str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}, examples=["2026-03-14"])
]
StageChoice = Annotated[
    StrictInt | Annotated[str, Field(min_length=1, max_length=STAGE_NAME_MAX)],
    Field(
        description="A stage's id, or its name: the whole name or a start of it or of a word "
        "in it, case aside (“sql” finds “Databases and SQL”) that fits one stage only.",
        examples=["sql"],
    ),
]
Duration = Annotated[
    StrictInt | Annotated[str, Field(max_length=INPUT_MAX)],
    Field(
        description="Minutes as a number, or as people type them: 45, 45m, 1.5h, 1h30, "
        "1h 30m, 90 min.",
        examples=["1h30"],
    ),
]
# The formats Settings → Your data offers (a test compares the two lists).
ExportFormat = Literal["markdown", "zip", "json", "csv"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# Requests ------------------------------------------------------------------------------


class EntryCreate(Input):
    date: DateText | None = Field(None, description="Today in your time zone when left out.")
    duration: Duration
    stage: StageChoice | None = Field(None, description="The last entry's stage when left out.")
    topics: list[StrictInt] = Field(default_factory=list, max_length=200)
    notes: str = Field("", max_length=NOTES_MAX_BYTES, description="Markdown; #tags become tags.")
    link: str | None = Field(None, max_length=LINK_MAX)


class EntryUpdate(Input):
    """Only the fields sent change. A new stage without topics leaves the entry none."""

    date: DateText | None = None
    duration: Duration | None = None
    stage: StageChoice | None = None
    topics: list[StrictInt] | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=NOTES_MAX_BYTES)
    link: str | None = Field(None, max_length=LINK_MAX)


class CreateHeaders(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_RE.pattern,
        description="Any 8 to 64 letters, digits, - or _ (a UUID will do), new for each "
        "entry: sending the same request again with it answers with the entry already "
        "saved instead of saving a second one.",
    )


class EntryQuery(Input):
    date_from: DateText | None = Field(None, alias="from")
    date_to: DateText | None = Field(None, alias="to")
    stage: Annotated[str, Field(max_length=STAGE_NAME_MAX)] | None = Field(
        None, description="A stage's id or name (as for new entries; archived ones too)."
    )
    tag: Annotated[str, Field(max_length=50)] | None = None
    q: Annotated[str, Field(max_length=SEARCH_MAX)] | None = Field(
        None, description="Words that must all appear in the notes."
    )
    duration: Literal["unknown"] | None = Field(
        None, description="“unknown”: only entries without a duration."
    )
    cursor: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="The next_cursor of the page before."
    )
    limit: int = Field(20, ge=1, le=100)


class StageQuery(Input):
    archived: bool = Field(False, description="Include archived stages.")


class SummaryQuery(Input):
    range: Literal["week", "month", "12-weeks", "year", "all", "custom"] | None = Field(
        None,
        description="“custom” takes from and to, and is the range when they are sent; "
        "else 12-weeks, as on the dashboard.",
    )
    date_from: DateText | None = Field(None, alias="from")
    date_to: DateText | None = Field(None, alias="to")


class ExportQuery(Input):
    format: ExportFormat = "markdown"
    date_from: DateText | None = Field(None, alias="from")
    date_to: DateText | None = Field(None, alias="to")
    stage: Annotated[str, Field(max_length=STAGE_NAME_MAX)] | None = None


class TimerStart(Input):
    stage: StageChoice


# Responses -----------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str
    detail: str


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class StageRef(BaseModel):
    id: int
    name: str
    color: str


class TopicRef(BaseModel):
    id: int
    name: str


class EntryOut(BaseModel):
    id: int
    date: dt.date
    minutes: int | None = Field(description="None: unknown (imported without one).")
    duration: str = Field(examples=["1 h 30 min"])
    stage: StageRef
    topics: list[TopicRef]
    tags: list[str]
    notes: str
    notes_html: str = Field(description="The notes rendered and sanitized.")
    link: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    restorable_until: dt.datetime | None = Field(
        None, description="When deleted: restore it before this time."
    )


class EntryPage(BaseModel):
    entries: list[EntryOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; None: last.")
    total_entries: int = Field(description="Entries matching the filters, on every page.")
    total_minutes: int


class TopicOut(BaseModel):
    id: int
    name: str
    state: Literal["learning", "done", "skipped"] | None
    archived: bool


class StageOut(BaseModel):
    id: int
    name: str
    color: str
    position: int
    suggested_weeks: int | None
    description: str
    archived: bool
    topics: list[TopicOut]


class StageList(BaseModel):
    stages: list[StageOut]


class TokenOut(BaseModel):
    name: str
    prefix: str
    scope: Literal["read", "write"]
    expires_at: dt.datetime | None


class MeOut(BaseModel):
    username: str
    timezone: str
    today: dt.date
    week_start: Literal["monday", "sunday"]
    weekly_goal_minutes: int
    daily_minimum_minutes: int
    token: TokenOut


class DayMinutes(BaseModel):
    date: dt.date
    minutes: int


class StageMinutes(BaseModel):
    stage: StageRef
    minutes: int
    share: int = Field(description="Percent of the minutes shown.")


class WeekOut(BaseModel):
    first: dt.date
    last: dt.date
    minutes: int
    goal_minutes: int
    percent: int
    remaining_minutes: int
    per_day_minutes: int = Field(description="A day, from today to the week's end, to reach it.")
    days: list[DayMinutes]
    stages: list[StageMinutes]


class TimerOut(BaseModel):
    running: bool
    stage: StageRef | None
    started_at: dt.datetime | None
    elapsed_minutes: int


class EditorSuggestionOut(BaseModel):
    """Editor time not logged yet: send it to POST /entries with ``key`` as its
    Idempotency-Key, and it is logged (it is not suggested again)."""

    key: str = Field(examples=["editor-20261129-3-1795954496026"])
    date: dt.date
    project: str = Field(description="The project as the editor named it; empty: none.")
    minutes: int
    duration: str = Field(examples=["1h20"], description="As the entry form takes it.")
    stage: StageRef | None = Field(description="The project's stage; None: not chosen yet.")
    tag: str | None = Field(description="The project as a #tag, for the notes.")


class TodayOut(BaseModel):
    date: dt.date
    entries: list[EntryOut]
    week: WeekOut
    timer: TimerOut
    editor_suggestions: list[EditorSuggestionOut] = Field(
        description="Time in your editors of the last seven days, not logged or dismissed."
    )


class RangeOut(BaseModel):
    key: str
    label: str
    first: dt.date | None
    last: dt.date | None


class TotalsOut(BaseModel):
    minutes: int
    entries: int
    active_days: int


class StreakOut(BaseModel):
    current_days: int
    longest_days: int
    current_since: dt.date | None
    today_counts: bool
    today_minutes: int
    daily_minimum_minutes: int
    rest_days_per_week: int


class TopicCountsOut(BaseModel):
    total: int
    learning: int
    done: int
    skipped: int


class StagePaceOut(BaseModel):
    stage: StageRef
    logged_minutes: int
    suggested_minutes: int | None
    percent: int | None
    reached: bool
    finish: dt.date | None = Field(description="When reached at the pace of the last 4 weeks.")
    topics: TopicCountsOut


class PaceOut(BaseModel):
    weekly_pace_minutes: int
    goal_minutes: int
    all_reached: bool
    finish: dt.date | None
    stages: list[StagePaceOut]


class SummaryOut(BaseModel):
    range: RangeOut
    totals: TotalsOut
    stages: list[StageMinutes]
    week: WeekOut
    streak: StreakOut
    pace: PaceOut


class DraftEntry(BaseModel):
    """What a stopped timer leaves to save: send it (with notes) to POST /entries."""

    date: dt.date
    duration: str = Field(examples=["1h30"])
    minutes: int
    stage: StageRef


class TimerStopped(BaseModel):
    draft: DraftEntry
    capped: bool = Field(description="It ran over 24 hours: the duration is capped.")
    message: str
