"""Entries through the API: list with the Journal's filters, create, read, edit, delete, restore.

Every change is read by the entry form (EntryForm), with the same checks and messages, and
saved by the same services; the JSON body is turned into the form's fields first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import url_for
from flask.views import MethodView
from spectree import Response

from ..clock import user_today
from ..entries import queries, services
from ..entries.duration import duration_input
from ..entries.forms import EntryForm
from ..entries.models import Entry
from ..htmx import found_or_404
from ..validation import ValidationError
from . import present, schemas
from .auth import caller
from .problems import Problem
from .spec import conflicting, endpoint
from .views import bp, resolve_stage

if TYPE_CHECKING:
    from ..auth.models import User

TAGS = ["entries"]
ONE_ENTRY = Response(HTTP_200=schemas.EntryOut)


@bp.get("/entries")
@endpoint("listEntries", resp=Response(HTTP_200=schemas.EntryPage), tags=TAGS)
def list_entries(query: schemas.EntryQuery):
    """Your entries, newest first, with the Journal's filters; a page at a time."""
    user = caller().user
    args = {
        "from": query.date_from or "",
        "to": query.date_to or "",
        "tag": query.tag or "",
        "q": query.q or "",
        "duration": query.duration or "",
    }
    if query.stage:
        args["stage"] = str(resolve_stage(user, query.stage, archived=True).id)
    filters = queries.parse_filters(args)
    if query.cursor and queries.parse_cursor(query.cursor) is None:
        filters.errors["cursor"] = "Cursor: pass the next_cursor of a page as it came."
    if filters.errors:
        raise Problem.invalid(filters.errors)
    page = queries.journal_page(
        user, filters, cursor=query.cursor, limit=query.limit, with_tags=True
    )
    return schemas.EntryPage(
        entries=[present.entry(entry) for entry in page.entries],
        next_cursor=page.next_cursor,
        total_entries=page.total_entries,
        total_minutes=page.total_minutes,
    )


@bp.post("/entries")
@endpoint(
    "createEntry",
    resp=Response(
        HTTP_201=(schemas.EntryOut, "Saved."),
        HTTP_200=(schemas.EntryOut, "Sent before with this Idempotency-Key: the entry saved then."),
    ),
    tags=TAGS,
    extra={
        "responses": {
            "201": {"headers": {"Location": {"schema": {"type": "string"}}}},
            "200": {"headers": {"Idempotent-Replayed": {"schema": {"const": "true"}}}},
            "422": {
                "description": "A field is not valid, or the Idempotency-Key was used "
                "for a different entry."
            },
        }
    },
)
def create_entry(json: schemas.EntryCreate, headers: schemas.CreateHeaders):
    """Save a new entry: the same checks and durations as the entry form."""
    user = caller().user
    form = {
        "date": json.date or user_today(user).isoformat(),
        "duration": str(json.duration),
        "stage": json.stage or queries.last_used_stage_id(user),
        "topics": json.topics,
        "notes": json.notes,
        "link": json.link or "",
    }
    data = _parse(user, form)
    key = headers.idempotency_key
    if key:
        earlier = queries.entry_with_key(user, key)
        if earlier is not None and _differs(earlier, data):
            raise Problem.invalid(
                {"Idempotency-Key": "Idempotency-Key was already used for a different entry."}
            )
    entry, created = services.create_entry(user, data, key)
    answer = {"Location": url_for("api.entry", entry_id=entry.id)}
    if not created:
        answer["Idempotent-Replayed"] = "true"
    return present.entry(_shown(entry.id)), 201 if created else 200, answer


class EntryResource(MethodView):
    """One entry. A single route for its methods: an id out of range is a 404 for each."""

    @endpoint("getEntry", resp=ONE_ENTRY, tags=TAGS)
    def get(self, entry_id: int):
        """One entry."""
        return present.entry(_shown(entry_id))

    @endpoint("updateEntry", resp=ONE_ENTRY, tags=TAGS)
    def patch(self, entry_id: int, json: schemas.EntryUpdate):
        """Change the fields sent; the rest stay as they are."""
        user = caller().user
        entry = _entry_or_404(entry_id)
        sent = {name: getattr(json, name) for name in json.model_fields_set}
        form = {
            "date": entry.study_date.isoformat(),
            "duration": duration_input(entry.minutes),
            "stage": entry.stage_id,
            "topics": [topic.id for topic in entry.topics],
            "notes": entry.notes,
            "link": entry.link or "",
        }
        if "stage" in sent and sent["stage"] is not None and "topics" not in sent:
            form["topics"] = []  # the old stage's topics cannot stay with a new stage
        for name, value in sent.items():
            if value is None and name != "link":
                continue  # null leaves a field as it is; only a link can be taken away
            form[name] = str(value) if name == "duration" else value
        form["link"] = form["link"] or ""
        services.update_entry(entry, _parse(user, form, entry=entry))
        return present.entry(_shown(entry_id))

    @endpoint("deleteEntry", resp=ONE_ENTRY, tags=TAGS)
    def delete(self, entry_id: int):
        """Delete an entry; restore it within the undo window (restorable_until)."""
        services.delete_entry(_entry_or_404(entry_id))
        shown = _shown(entry_id, include_deleted=True)
        return present.entry(shown, undo_seconds=services.undo_seconds())


bp.add_url_rule("/entries/<int:entry_id>", view_func=EntryResource.as_view("entry"))


@bp.post("/entries/<int:entry_id>/restore")
@endpoint(
    "restoreEntry",
    tags=TAGS,
    **conflicting("Deleted too long ago to restore.", HTTP_200=schemas.EntryOut),
)
def restore_entry(entry_id: int):
    """Bring back a deleted entry (an entry that is not deleted stays as it is)."""
    entry = _entry_or_404(entry_id, include_deleted=True)
    try:
        services.restore_entry(entry)
    except ValidationError as error:
        raise Problem(409, error.errors["entry"]) from None
    return present.entry(_shown(entry_id))


def _entry_or_404(entry_id: int, *, include_deleted: bool = False) -> Entry:
    """The caller's entry, to change."""
    return found_or_404(queries.get_entry(caller().user, entry_id, include_deleted=include_deleted))


def _shown(entry_id: int, *, include_deleted: bool = False) -> queries.EntryRow:
    """The caller's entry as the API shows it."""
    return found_or_404(
        queries.entry_row(caller().user, entry_id, include_deleted=include_deleted, with_tags=True)
    )


def _parse(user: User, form: dict, *, entry: Entry | None = None) -> services.EntryInput:
    """The form's checks on the fields; a stage may be named, as the terminal client does."""
    errors: dict[str, str] = {}
    try:
        if form["stage"] is None:
            raise Problem.invalid({"stage": "Stage is required: name one of your stages."})
        form["stage"] = str(resolve_stage(user, form["stage"]).id)
    except Problem as problem:
        errors.update(problem.errors)
        form["stage"] = ""
    form["topics"] = [str(topic) for topic in form["topics"]]
    try:
        data = EntryForm.read(form, user=user, entry=entry)
    except ValidationError as error:
        raise Problem.invalid({**error.errors, **errors}) from None
    if errors:
        raise Problem.invalid(errors)
    return data


def _differs(entry: Entry, data: services.EntryInput) -> bool:
    """Whether a create sent again with an entry's key asks for another entry.

    Compared with the entry as it is; once edited since, any resend is taken as the
    original one (its answer is the entry as it is now).
    """
    if entry.updated_at != entry.created_at:
        return False
    return (
        entry.study_date,
        entry.minutes,
        entry.stage_id,
        tuple(sorted(topic.id for topic in entry.topics)),
        entry.notes,
        entry.link,
    ) != (
        data.study_date,
        data.minutes,
        data.stage_id,
        tuple(sorted(data.topic_ids)),
        data.notes,
        data.link,
    )
