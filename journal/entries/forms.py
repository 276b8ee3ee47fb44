"""The entry form: the one place that knows what a valid entry is.

The Today page's quick-add, the entry form on its own page, an entry edited in place, the
JSON API and the scripts all read an entry through ``EntryForm`` (see journal/forms.py for
why its fields are read as text and checked in ``validate_<field>`` methods). The checks
leave each field's data as it was typed, to show back after an error, and keep what they
cleaned for ``cleaned()``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select
from wtforms import SelectMultipleField, StringField, TextAreaField

from ..clock import user_today
from ..daily.services import template_for_new_entry
from ..extensions import db
from ..forms import Form, Invalid, as_formdata
from ..roadmap.models import Stage, Topic
from ..roadmap.services import get_stage
from ..validation import clean_text, parse_id
from .duration import DurationError, duration_input, parse_duration
from .models import Entry
from .notes import NOTES_MAX_BYTES, drop_empty_sections
from .queries import last_used_stage_id, stage_choices
from .services import EARLIEST_DATE, LINK_MAX, EntryInput

if TYPE_CHECKING:
    from ..auth.models import User

FORM_ID_RE = re.compile(r"^(quick-add|entry-form|entry-\d+)$")
NOTES_ROWS_MAX = 24
# More topics than a stage offers on any page: a list this long is not the picker's.
TOPICS_SENT_MAX = 200

TOPICS_WRONG = "Topics: choose topics from the list."


class EntryForm(Form):
    """An entry's date, duration, stage, topics, notes and link, for ``user``.

    ``entry`` is the entry being edited: its archived stage and topics stay allowed. The
    rest of the attributes are the page's: which form this is (``form_id``, the prefix of
    its ids), where it posts, and the hidden fields that travel with it.
    """

    date = StringField(default="")
    duration = StringField(default="")
    stage = StringField(default="")
    # Checked against the user's topics in validate_topics, not against fixed choices.
    topics = SelectMultipleField(validate_choice=False, default=())
    notes = TextAreaField(default="")
    link = StringField(default="")

    def __init__(
        self,
        formdata: Mapping | None = None,
        *,
        user: User,
        entry: Entry | None = None,
        form_id: str | None = None,
        action: str = "",
        data: dict | None = None,
    ):
        # None makes a blank form: FlaskForm would otherwise read the request's form itself,
        # and the fresh form answering a save must not show what that save sent.
        formdata = as_formdata(formdata) if formdata is not None else None
        super().__init__(formdata=formdata, data=data)
        sent = formdata or {}
        self.user = user
        self.entry = entry
        self.form_id = form_id or (f"entry-{entry.id}" if entry else "entry-form")
        self.action = action
        # The save of a new entry carries a key: sent twice, it is saved once.
        self.idempotency_key = None if entry else (sent.get("idempotency_key") or uuid.uuid4().hex)
        # The notes started from the user's reflection prompts; unanswered ones are dropped.
        self.from_template = sent.get("template") == "1"
        # The day the Today page's lists beside the form were shown for (see entries.create).
        self.lists_day = str(sent.get("lists_day") or "")[:10]
        # Saved in place with htmx (quick-add, inline edit); on a page of its own, a plain form.
        self.htmx = True
        # The entry just saved, when it is dated before the lists beside the form show.
        self.saved_earlier: Entry | None = None
        # The date is the one the last entry was saved for, not today: it stays for a run.
        self.date_kept = False
        # The message under each field at fault ("form" above them all), once shown again.
        self.messages: dict[str, str] = {}
        # The field the browser focuses when htmx swaps the form in.
        self.autofocus: str | None = None
        self._cleaned: dict = {}

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show the form again with ``errors``; the first field at fault gets the focus."""
        self.messages = dict(errors)
        self.autofocus = next((f.name for f in self if f.name in errors), None)

    # The checks, in the order of the fields.

    def validate_date(self, field):
        text = clean_text(field.data)
        if not text:
            raise Invalid("Date is required.")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise Invalid("Date must be a date such as 2026-03-14.") from None
        if value < EARLIEST_DATE:
            raise Invalid("Date must be in 1970 or later.")
        latest = user_today(self.user) + timedelta(days=1)
        if value > latest:
            raise Invalid(f"Date can be at most one day ahead: {latest.isoformat()} or earlier.")
        self._cleaned["study_date"] = value

    def validate_duration(self, field):
        try:
            self._cleaned["minutes"] = parse_duration(field.data or "")
        except DurationError as error:
            raise Invalid(str(error)) from None

    def validate_stage(self, field):
        """One of the user's stages: an active one, or the archived one the entry has."""
        stage = get_stage(self.user, clean_text(field.data))
        if stage is None:
            raise Invalid("Stage: choose a stage of your roadmap.")
        if stage.archived and not (self.entry and self.entry.stage_id == stage.id):
            raise Invalid(f"Stage “{stage.name}” is archived: choose an active stage.")
        self._cleaned["stage"] = stage

    def validate_topics(self, field):
        """The user's topics of the chosen stage; an archived one only if the entry has it."""
        sent = field.data or []
        if not sent:
            self._cleaned["topic_ids"] = ()
            return
        parsed = [parse_id(value) for value in sent]
        if None in parsed or len(parsed) > TOPICS_SENT_MAX:
            raise Invalid(TOPICS_WRONG)
        ids = tuple(dict.fromkeys(parsed))
        query = select(Topic).where(Topic.id.in_(ids), Topic.user_id == self.user.id)
        found = list(db.session.scalars(query))
        stage = self._cleaned.get("stage")
        kept = {topic.id for topic in self.entry.topics} if self.entry else set()
        if len(found) != len(ids):
            raise Invalid(TOPICS_WRONG)
        if stage is not None and any(topic.stage_id != stage.id for topic in found):
            raise Invalid(f"Topics must belong to the stage “{stage.name}”.")
        if any(topic.archived and topic.id not in kept for topic in found):
            raise Invalid("Topics: an archived topic cannot be added.")
        self._cleaned["topic_ids"] = ids

    def validate_notes(self, field):
        notes = clean_text(field.data)
        if self.from_template:
            notes = drop_empty_sections(notes)
        size = len(notes.encode("utf-8"))
        if size > NOTES_MAX_BYTES:
            limit = NOTES_MAX_BYTES // 1000
            raise Invalid(f"Notes must be at most {limit} kB; these are {size / 1000:.0f} kB.")
        self._cleaned["notes"] = notes

    def validate_link(self, field):
        """Optional: a web address."""
        link = clean_text(field.data) or None
        if link is not None:
            parts = urlsplit(link)
            if len(link) > LINK_MAX:
                raise Invalid(f"Link must be at most {LINK_MAX} characters.")
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in link:
                raise Invalid("Link must be a web address starting with http:// or https://.")
        self._cleaned["link"] = link

    def cleaned(self) -> EntryInput:
        data = self._cleaned
        return EntryInput(
            study_date=data["study_date"],
            minutes=data["minutes"],
            stage_id=data["stage"].id,
            topic_ids=data["topic_ids"],
            notes=data["notes"],
            link=data["link"],
        )

    # What the page shows.

    @cached_property
    def stages(self) -> list[Stage]:
        """The stages the select offers: the active ones, and the archived one the entry has."""
        return stage_choices(self.user, keep=self.entry.stage_id if self.entry else None)

    @property
    def notes_rows(self) -> int:
        """Rows enough for the notes to show whole (a template's prompts too), within bounds."""
        lines = str(self.notes.data or "").count("\n") + 2
        return max(6 if self.entry else 3, min(lines, NOTES_ROWS_MAX))

    @property
    def chosen_stage(self) -> Stage | None:
        wanted = str(self.stage.data or "")
        return next((stage for stage in self.stages if str(stage.id) == wanted), None)

    @property
    def topic_choices(self) -> list[Topic]:
        """Topics offered for the chosen stage: the active ones and any the entry has."""
        stage = self.chosen_stage
        if stage is None:
            return []
        chosen = self.chosen_topics
        return [t for t in stage.topics if not t.archived or str(t.id) in chosen]

    @property
    def chosen_topics(self) -> set[str]:
        return {str(value) for value in self.topics.data or ()}


def new_entry_form(
    user: User, action: str, *, form_id: str = "quick-add", stage_id=None, duration: str = ""
) -> EntryForm:
    """A blank form for today, on the stage asked for or the one used last."""
    stages = stage_choices(user)
    wanted = stage_id or last_used_stage_id(user)
    if wanted not in {stage.id for stage in stages}:
        wanted = stages[0].id if stages else None
    template = template_for_new_entry(user)
    today = user_today(user).isoformat()
    values = {"date": today, "duration": duration, "stage": str(wanted or ""), "notes": template}
    form = EntryForm(user=user, form_id=form_id, action=action, data=values)
    form.stages = stages
    form.lists_day = today
    form.from_template = bool(template)
    return form


def edit_entry_form(user: User, entry: Entry, action: str) -> EntryForm:
    values = {
        "date": entry.study_date.isoformat(),
        "duration": duration_input(entry.minutes),
        "stage": str(entry.stage_id),
        "topics": [str(topic.id) for topic in entry.topics],
        "notes": entry.notes,
        "link": entry.link or "",
    }
    return EntryForm(user=user, entry=entry, action=action, data=values)


def safe_form_id(value: str | None, default: str = "entry-form") -> str:
    return value if value and FORM_ID_RE.match(value) else default
