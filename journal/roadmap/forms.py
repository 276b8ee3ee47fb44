"""The roadmap's forms: a stage's fields, a topic's name (see journal/forms.py)."""

from __future__ import annotations

from wtforms import StringField

from ..forms import Form, Invalid, text_checked_by
from ..validation import clean_text, parse_int
from .services import (
    COLOR_RE,
    COLOR_WRONG,
    DESCRIPTION_MAX,
    DESCRIPTION_WRONG,
    MAX_WEEKS,
    WEEKS_WRONG,
    StageInput,
    stage_name_error,
    topic_name_error,
)


class StageForm(Form):
    """A stage: added at the end of the roadmap, or edited in place."""

    name = StringField()
    color = StringField()
    weeks = StringField()
    description = StringField()

    def validate_name(self, field):
        text_checked_by(field, stage_name_error)

    def validate_color(self, field):
        field.data = clean_text(field.data).lower()
        if not COLOR_RE.match(field.data):
            raise Invalid(COLOR_WRONG)

    def validate_weeks(self, field):
        """Optional: left empty, the stage is open-ended."""
        text = clean_text(field.data)
        field.data = parse_int(text, 1, MAX_WEEKS) if text else None
        if text and field.data is None:
            raise Invalid(WEEKS_WRONG)

    def validate_description(self, field):
        field.data = clean_text(field.data)
        if len(field.data) > DESCRIPTION_MAX:
            raise Invalid(DESCRIPTION_WRONG)

    def cleaned(self) -> StageInput:
        return StageInput(
            name=self.name.data,
            color=self.color.data,
            weeks=self.weeks.data,
            description=self.description.data,
        )


class TopicForm(Form):
    """A topic's name: added under its stage, or renamed in place."""

    name = StringField()

    def validate_name(self, field):
        text_checked_by(field, topic_name_error)

    def cleaned(self) -> str:
        return self.name.data
