"""The daily loop's forms (see journal/forms.py)."""

from __future__ import annotations

from wtforms import BooleanField, TextAreaField

from ..forms import Form, Invalid, text_checked_by
from ..validation import clean_text
from .reviews import review_error
from .services import DEFAULT_TEMPLATE, template_error


class EntryTemplateForm(Form):
    """Settings → Reflection prompts: whether new entries start with them, and the prompts.

    The prompts are sent as ``text``; their control, message and error id say ``template``.
    """

    enabled = BooleanField()
    template = TextAreaField(name="text", default="")
    # "Restore the default prompts": the button that sends it puts them back.
    reset = BooleanField()

    def validate_template(self, field):
        field.data = DEFAULT_TEMPLATE if self.reset.data else clean_text(field.data)
        if message := template_error(self.enabled.data, field.data):
            raise Invalid(message)

    def cleaned(self) -> dict:
        """What ``save_entry_template`` takes."""
        return {"enabled": self.enabled.data, "text": self.template.data}


class ReviewForm(Form):
    """A week's review: the learner's own notes on it (Markdown)."""

    notes = TextAreaField(default="")

    def validate_notes(self, field):
        text_checked_by(field, review_error)

    def cleaned(self) -> str:
        return self.notes.data
