"""Editor time in the pages: its Settings section, and the suggestions on Today."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_login import current_user, login_required

from ..daily.services import template_for_new_entry
from ..entries.forms import new_entry_form
from ..htmx import is_partial, redirect_or_fragment, render, see_other
from ..validation import ValidationError, parse_id
from . import keys, settings, suggestions

bp = Blueprint("editor", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Editor time is private, and managed from a signed-in browser only."""


# Settings → Editor time ----------------------------------------------------------------


def _section(status: int = 200, **context):
    """The section on a page of its own, or for htmx the section the settings page holds."""
    context = {**settings.section_context(current_user), **context}
    html = render("editor/settings.html", "editor/_settings_section.html", **context)
    return html, status


@bp.get("/settings/editor")
def settings_page():
    """Your editor key, how heartbeats are kept, and your projects' stages."""
    return _section()


@bp.post("/settings/editor/key")
def create_key():
    """Make a key (replacing the one before) and show it, once: without htmx too, the answer
    is the page itself, since the key must not travel to another page in the session."""
    made = keys.create_key(current_user)
    return _section(201, created=made)


@bp.post("/settings/editor/key/revoke")
def revoke_key():
    revoked = keys.revoke_key(current_user)
    return _done("Editor key revoked: it no longer works." if revoked else "You had no key.")


@bp.post("/settings/editor")
def save_settings():
    """Privacy, retention and the session gap."""
    try:
        chosen = settings.EditorSettingsForm.read(request.form)
    except ValidationError as error:
        return _section(422, errors=error.errors, values=request.form)
    purged = settings.save_settings(current_user, chosen)
    message = "Editor settings saved."
    if purged:
        message += f" {purged:,} heartbeat{'s' if purged != 1 else ''} older than that removed."
    return _done(message)


@bp.post("/settings/editor/projects")
def save_projects():
    """Each project's stage, or that it is ignored."""
    try:
        chosen = settings.parse_mapping(current_user, request.form)
    except ValidationError as error:
        return _section(422, project_errors=error.errors, project_values=request.form)
    settings.save_mapping(current_user, chosen)
    return _done("Projects saved.")


def _done(message: str):
    return redirect_or_fragment(
        url_for("editor.settings_page"), lambda: _section(message=message), message=message
    )


# Suggestions on Today ------------------------------------------------------------------


@bp.get("/editor/suggestions")
def suggestion_list():
    """The editor time not logged yet; Today's panel refreshes from here."""
    return render("editor/suggestions.html", "editor/_suggestions.html", **_suggestions())


def _suggestions() -> dict:
    return {"editor_suggestions": suggestions.suggestions(current_user)}


@bp.get("/editor/log")
def log():
    """The entry form filled from a suggestion: date, duration, stage and the project's
    #tag, for the learner to add notes and save. For htmx, Today's quick-add in place."""
    suggestion = _suggestion(request.args)
    if suggestion is None:
        # Logged or dismissed meanwhile (in another tab, say): show what is left instead.
        if is_partial():
            response = make_response(render_template("editor/_suggestions.html", **_suggestions()))
            response.headers["HX-Retarget"] = "#editor-suggestions"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        flash("There is no editor time left to log for that project and day.", "info")
        return see_other(url_for("entries.today"))
    form = new_entry_form(
        current_user,
        url_for("entries.create"),
        form_id="quick-add" if is_partial() else "entry-form",
        stage_id=suggestion.stage.id if suggestion.stage else None,
        duration=suggestion.duration,
    )
    form.date.data = suggestion.day.isoformat()
    template = template_for_new_entry(current_user)
    form.notes.data = suggestion.notes + (f"\n\n{template}" if template else "")
    # The entry saved from this form carries the suggestion's key: it is then logged.
    form.idempotency_key = suggestion.key
    form.autofocus = "notes"
    form.htmx = is_partial()
    return render("editor/log.html", "entries/_entry_form.html", form=form, suggestion=suggestion)


@bp.post("/editor/dismiss")
def dismiss():
    """Dismiss a suggestion: that project's time of that day, up to now, is not suggested
    again."""
    day, project_id = _day_and_project(request.form)
    until = request.form.get("until", "")
    if day is None or project_id is None or not (until.isascii() and until.isdigit()):
        abort(400)
    suggestions.dismiss(current_user, day, project_id, int(until[:15]))
    return redirect_or_fragment(
        url_for("entries.today"),
        lambda: render_template("editor/_suggestions.html", **_suggestions()),
        message="Suggestion dismissed.",
    )


def _day_and_project(values) -> tuple[date | None, int | None]:
    try:
        day = date.fromisoformat((values.get("date") or "")[:10])
    except ValueError:
        day = None
    return day, parse_id(values.get("project"))


def _suggestion(values):
    day, project_id = _day_and_project(values)
    if day is None or project_id is None:
        return None
    return suggestions.suggestion_for(current_user, day, project_id)


@bp.app_context_processor
def _shared_with_other_pages():
    """Constants for the settings section (the views pass what it shows, see
    ``settings.section_context``: templates run no queries)."""
    return {
        "editor_retentions": settings.RETENTIONS,
        "editor_gaps": settings.GAPS,
    }
