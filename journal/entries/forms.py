"""What the entry form needs to render: its values, choices and errors."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..clock import user_today
from ..daily.services import template_for_new_entry
from ..roadmap.models import Stage, Topic
from .duration import duration_input
from .models import Entry
from .queries import last_used_stage_id, stage_choices

if TYPE_CHECKING:
    from ..auth.models import User

FORM_ID_RE = re.compile(r"^(quick-add|entry-form|entry-\d+)$")
NOTES_ROWS_MAX = 24


@dataclass
class EntryForm:
    form_id: str
    action: str
    values: dict
    stages: list[Stage]
    errors: dict[str, str] = field(default_factory=dict)
    entry: Entry | None = None
    idempotency_key: str | None = None
    # The field the browser focuses when htmx swaps the form in (after a save or an error).
    autofocus: str | None = None
    # The notes start from the user's reflection prompts; unanswered ones are dropped on save.
    from_template: bool = False
    # Saved in place with htmx (quick-add, inline edit); on a page of its own, a plain form.
    htmx: bool = True
    # The entry just saved, when it is dated before the lists beside the form show.
    saved_earlier: Entry | None = None
    # The date is the one the last entry was saved for, not today: it stays for a run.
    date_kept: bool = False

    @property
    def notes_rows(self) -> int:
        """Rows enough for the notes to show whole (a template's prompts too), within bounds."""
        lines = str(self.values.get("notes") or "").count("\n") + 2
        return max(6 if self.entry else 3, min(lines, NOTES_ROWS_MAX))

    @property
    def stage(self) -> Stage | None:
        wanted = str(self.values.get("stage") or "")
        return next((stage for stage in self.stages if str(stage.id) == wanted), None)

    @property
    def topics(self) -> list[Topic]:
        """Topics offered for the chosen stage: the active ones and any the entry has."""
        stage = self.stage
        if stage is None:
            return []
        chosen = self.chosen_topics
        return [t for t in stage.topics if not t.archived or str(t.id) in chosen]

    @property
    def chosen_topics(self) -> set[str]:
        return {str(value) for value in self.values.get("topics", [])}


FIELD_ORDER = ("date", "duration", "stage", "topics", "notes", "link")


def new_entry_form(
    user: User, action: str, *, form_id: str = "quick-add", stage_id=None, duration: str = ""
) -> EntryForm:
    """A blank form for today, on the stage asked for or the one used last."""
    stages = stage_choices(user)
    wanted = stage_id or last_used_stage_id(user)
    if wanted not in {stage.id for stage in stages}:
        wanted = stages[0].id if stages else None
    template = template_for_new_entry(user)
    values = {
        "date": user_today(user).isoformat(),
        "duration": duration,
        "stage": str(wanted or ""),
        "topics": [],
        "notes": template,
        "link": "",
        # The day the Today page's lists beside the form were shown for (see entries.create).
        "lists_day": user_today(user).isoformat(),
    }
    form = EntryForm(form_id, action, values, stages, idempotency_key=uuid.uuid4().hex)
    form.from_template = bool(template)
    return form


def submitted_form(user: User, action: str, form: Mapping, errors, *, entry=None, form_id=None):
    """The form as the user sent it, to show again with ``errors``."""
    values = {
        "date": form.get("date", ""),
        "duration": form.get("duration", ""),
        "stage": form.get("stage", ""),
        "topics": form.getlist("topics") if hasattr(form, "getlist") else [],
        "notes": form.get("notes", ""),
        "link": form.get("link", ""),
        "lists_day": form.get("lists_day", "")[:10],
    }
    stages = stage_choices(user, keep=entry.stage_id if entry else None)
    chosen_id = form_id or (f"entry-{entry.id}" if entry else "entry-form")
    key = None if entry else (form.get("idempotency_key") or uuid.uuid4().hex)
    result = EntryForm(chosen_id, action, values, stages, errors, entry, key)
    result.autofocus = next((name for name in FIELD_ORDER if name in errors), None)
    result.from_template = form.get("template") == "1"
    return result


def edit_entry_form(user: User, entry: Entry, action: str) -> EntryForm:
    values = {
        "date": entry.study_date.isoformat(),
        "duration": duration_input(entry.minutes),
        "stage": str(entry.stage_id),
        "topics": [str(topic.id) for topic in entry.topics],
        "notes": entry.notes,
        "link": entry.link or "",
    }
    stages = stage_choices(user, keep=entry.stage_id)
    return EntryForm(f"entry-{entry.id}", action, values, stages, entry=entry)


def safe_form_id(value: str | None, default: str = "entry-form") -> str:
    return value if value and FORM_ID_RE.match(value) else default
