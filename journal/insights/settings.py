"""The user's insight settings: daily minimum, weekly goal, week start and rest days."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from wtforms import StringField

from ..db import write_transaction
from ..forms import Form, Invalid
from ..validation import ValidationError, clean_text, parse_int

if TYPE_CHECKING:
    from ..auth.models import User

WEEK_STARTS = {0: "Monday", 6: "Sunday"}
DAILY_MINIMUM_MAX = 24 * 60
WEEKLY_GOAL_MAX_HOURS = 168
REST_DAYS_MAX = 3


@dataclass(frozen=True)
class InsightSettings:
    daily_minimum_minutes: int
    weekly_goal_minutes: int
    week_start: int
    rest_days_per_week: int


def form_values(user: User) -> dict[str, str]:
    """The user's settings as the form shows them (the goal in hours)."""
    hours = Decimal(user.weekly_goal_minutes) / 60
    return {
        "daily_minimum": str(user.daily_minimum_minutes),
        "weekly_goal": f"{hours:.2f}".rstrip("0").rstrip("."),
        "week_start": str(user.week_start),
        "rest_days": str(user.rest_days_per_week),
    }


DAILY_MINIMUM_WRONG = (
    f"Daily minimum must be a whole number of minutes from 1 to {DAILY_MINIMUM_MAX}."
)
WEEKLY_GOAL_WRONG = (
    f"Weekly goal must be a number of hours from 0.5 to {WEEKLY_GOAL_MAX_HOURS}, such as 10 or 7.5."
)
WEEK_START_WRONG = "Week starts on must be Monday or Sunday."
REST_DAYS_WRONG = f"Rest days must be a whole number from 0 to {REST_DAYS_MAX}."


class SettingsForm(Form):
    """Settings → Goals and streaks."""

    daily_minimum = StringField()
    weekly_goal = StringField()
    week_start = StringField()
    rest_days = StringField()

    def validate_daily_minimum(self, field):
        field.data = parse_int(clean_text(field.data), 1, DAILY_MINIMUM_MAX)
        if field.data is None:
            raise Invalid(DAILY_MINIMUM_WRONG)

    def validate_weekly_goal(self, field):
        """Hours, a decimal comma allowed; kept in whole minutes."""
        try:
            hours = Decimal(clean_text(field.data).replace(",", "."))
        except InvalidOperation:
            raise Invalid(WEEKLY_GOAL_WRONG) from None
        if not hours.is_finite() or not Decimal("0.5") <= hours <= WEEKLY_GOAL_MAX_HOURS:
            raise Invalid(WEEKLY_GOAL_WRONG)
        field.data = round(hours * 60)

    def validate_week_start(self, field):
        chosen = clean_text(field.data)
        if chosen not in {str(day) for day in WEEK_STARTS}:
            raise Invalid(WEEK_START_WRONG)
        field.data = int(chosen)

    def validate_rest_days(self, field):
        field.data = parse_int(clean_text(field.data), 0, REST_DAYS_MAX)
        if field.data is None:
            raise Invalid(REST_DAYS_WRONG)

    def cleaned(self) -> InsightSettings:
        return InsightSettings(
            self.daily_minimum.data,
            self.weekly_goal.data,
            self.week_start.data,
            self.rest_days.data,
        )


def check_settings(settings: InsightSettings) -> None:
    """What must stay true of saved settings, however they were read."""
    errors: dict[str, str] = {}
    if not 1 <= settings.daily_minimum_minutes <= DAILY_MINIMUM_MAX:
        errors["daily_minimum"] = DAILY_MINIMUM_WRONG
    if not 30 <= settings.weekly_goal_minutes <= WEEKLY_GOAL_MAX_HOURS * 60:
        errors["weekly_goal"] = WEEKLY_GOAL_WRONG
    if settings.week_start not in WEEK_STARTS:
        errors["week_start"] = WEEK_START_WRONG
    if not 0 <= settings.rest_days_per_week <= REST_DAYS_MAX:
        errors["rest_days"] = REST_DAYS_WRONG
    if errors:
        raise ValidationError(errors)


def save_settings(user: User, settings: InsightSettings) -> None:
    check_settings(settings)
    with write_transaction():
        user.daily_minimum_minutes = settings.daily_minimum_minutes
        user.weekly_goal_minutes = settings.weekly_goal_minutes
        user.week_start = settings.week_start
        user.rest_days_per_week = settings.rest_days_per_week
