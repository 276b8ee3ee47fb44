"""Entry pages: Today, the Journal, one entry, and the form that saves them."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..cache import cached_page
from ..clock import user_moment, user_today
from ..daily.services import on_this_day, timer_panel
from ..editor.suggestions import suggestions
from ..events import ENTRIES_CHANGED
from ..htmx import (
    found_or_404,
    is_htmx,
    is_partial,
    local_path,
    not_saved,
    page_or_fragment,
    redirect_or_fragment,
    render,
    trigger,
)
from ..insights.panels import week_goal
from ..validation import NOT_SAVED, ValidationError, parse_id
from . import queries, services
from .duration import preview_duration
from .forms import EntryForm, edit_entry_form, new_entry_form, safe_form_id

bp = Blueprint("entries", __name__)

RECENT_DAYS = 7


@bp.before_request
def _signed_in():
    """Every entry page is private. The duration preview reads only what is typed: a page
    whose session expired keeps it, rather than being sent to the login page mid-word."""
    if request.endpoint != "entries.duration_preview":
        return _login_required()
    return None


@login_required
def _login_required():
    return None


def _today_context(**extra):
    today = user_today(current_user)
    return {
        "today": today,
        "today_entries": _today_entries(today),
        "recent_entries": _recent_entries(today),
        "week": queries.week_summary(current_user, today),
        **extra,
    }


def _today_entries(today):
    return queries.today_entries(current_user, today)


def _recent_entries(today):
    return queries.entries_between(
        current_user, today - timedelta(days=RECENT_DAYS), today - timedelta(days=1)
    )


def _list_showing(day, today) -> str | None:
    """Which of the Today page's lists shows entries of ``day``, if one does."""
    if today <= day <= today + timedelta(days=1):
        return "today_entries"
    if today - timedelta(days=RECENT_DAYS) <= day < today:
        return "recent_entries"
    return None


@bp.get("/")
def today():
    """Today: quick-add and the timer at the top, today's and recent entries, the week."""
    form = new_entry_form(current_user, url_for("entries.create"))
    _keep_date(form, request.args.get("date"))
    context = _today_context(
        form=form,
        **timer_panel(current_user),
        standalone=False,  # the timer's Stop fills this page's quick-add form in place
        on_this_day=on_this_day(current_user, user_today(current_user)),
    )
    if not is_partial():
        # The page's other cards: editor time not logged yet and this week by stage.
        context["editor_suggestions"] = suggestions(current_user)
        context["week_goal"] = week_goal(current_user, context["today"])
    return render("entries/today.html", "entries/_today_panel.html", **context)


@bp.get("/week")
def week():
    """This week's total; the Today page's panel refreshes from here."""
    summary = queries.week_summary(current_user, user_today(current_user))
    entries = queries.entries_between(current_user, summary.first, summary.last)
    return render("entries/week.html", "entries/_week_total.html", week=summary, entries=entries)


@bp.get("/journal")
@cached_page
def journal():
    """Every entry, newest first, filtered by stage, tag, dates and words in the notes."""
    filters = queries.parse_filters(request.args)
    cursor = request.args.get("after")
    page = queries.journal_page(
        current_user, filters, cursor=cursor, limit=current_app.config["PAGE_SIZE"]
    )
    if is_partial():
        fragment = "entries/_journal_more.html" if cursor else "entries/_journal_update.html"
        return render_template(fragment, filters=filters, page=page, more=bool(cursor))
    return render_template(
        "entries/journal.html",
        filters=filters,
        page=page,
        more=bool(cursor),
        stages=queries.stage_choices(current_user, archived=True),
        tags=queries.tag_counts(current_user),
    )


@bp.get("/tags")
def tags():
    """Every tag of the journal with how many entries carry it, each a link to them."""
    return render_template("entries/tags.html", tags=queries.tag_counts(current_user))


@bp.get("/entries/new")
def new():
    """The entry form on a page of its own; for htmx, the topic picker of a stage."""
    stage = parse_id(request.args.get("stage"))
    form_id = safe_form_id(request.args.get("form_id"), "entry-form")
    form = new_entry_form(
        current_user,
        url_for("entries.create"),
        form_id=form_id,
        stage_id=stage,
        duration=request.args.get("duration", "")[:20],
    )
    asked_date = request.args.get("date", "")
    if asked_date:
        form.date.data = asked_date[:10]  # checked like any typed date when saved
    form.htmx = False
    if is_partial():
        form.stage.data = str(stage or "")
    return render("entries/new.html", "entries/_topic_picker.html", form=form)


@bp.get("/entries/duration")
def duration_preview():
    """What a duration typed in the entry form means, shown beside the field as you type."""
    form_id = safe_form_id(request.args.get("form_id"), "entry-form")
    preview = preview_duration(request.args.get("duration", "")[:100])
    return render_template("entries/_duration_preview.html", p=f"{form_id}-", preview=preview)


bp.add_app_template_filter(preview_duration, "duration_preview")
bp.add_app_template_filter(queries.group_by_day, "by_day")


@bp.app_template_filter("entry_time")
def entry_time(entry) -> str:
    """The time of day an entry was logged (``18:30``), when it was logged on its own day."""
    logged = user_moment(current_user, entry.created_at)
    return f"{logged:%H:%M}" if logged.date() == entry.study_date else ""


@bp.post("/entries")
def create():
    """Save a new entry. htmx gets a fresh form and the refreshed list."""
    form_id = safe_form_id(request.form.get("form_id"), "entry-form")
    form = EntryForm(
        request.form, user=current_user, form_id=form_id, action=url_for("entries.create")
    )
    try:
        entry, _ = services.create_entry(
            current_user, form.checked(), request.form.get("idempotency_key")
        )
    except NOT_SAVED as error:
        return _not_saved("entries/new.html", form, error)
    # A date chosen for a run of backdated sessions stays for the next one, until it is
    # changed or the day changes (a page open past midnight starts from the new today).
    today = user_today(current_user)
    page_day = request.form.get("lists_day", "")[:10]
    kept = None
    if page_day == today.isoformat() and entry.study_date != today:
        kept = entry.study_date.isoformat()
    return redirect_or_fragment(
        url_for("entries.today", date=kept),
        lambda: _created(entry, form_id, kept, today, page_day),
        message="Entry saved.",
    )


def _created(entry, form_id: str, kept: str | None, today: date, page_day: str):
    """For htmx: a fresh quick-add form and the list the new entry shows in."""
    fresh = new_entry_form(current_user, url_for("entries.create"), form_id=form_id)
    fresh.stage.data = str(entry.stage_id)
    fresh.autofocus = "duration"
    _keep_date(fresh, kept)
    # Only the list the entry shows in is sent again, and an older entry is pointed to;
    # a page whose lists were shown for another day (open past midnight) gets them all.
    showing = _list_showing(entry.study_date, today)
    if showing is None:
        fresh.saved_earlier = entry
    whole_panel = page_day != today.isoformat()
    lists = {}
    if whole_panel or showing == "today_entries":
        lists["today_entries"] = _today_entries(today)
    if whole_panel or showing == "recent_entries":
        lists["recent_entries"] = _recent_entries(today)
    html = render_template(
        "entries/_created.html",
        form=fresh,
        new_entry_id=entry.id,
        today=today,
        whole_panel=whole_panel,
        **lists,
    )
    return trigger(current_app.make_response((html, 200)), ENTRIES_CHANGED)


def _keep_date(form, value: str | None) -> None:
    """Start ``form`` on the date ``value`` (the one the last entry was saved for)."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return
    today = user_today(current_user)
    if day != today and services.EARLIEST_DATE <= day <= today + timedelta(days=1):
        form.date.data = day.isoformat()
        form.date_kept = True


def _entry_or_404(entry_id: int, *, include_deleted: bool = False):
    """The signed-in user's entry, to change."""
    return found_or_404(queries.get_entry(current_user, entry_id, include_deleted=include_deleted))


def _row_or_404(entry_id: int):
    """The signed-in user's entry, to show."""
    return found_or_404(queries.entry_row(current_user, entry_id))


@bp.get("/entries/<int:entry_id>")
def show(entry_id: int):
    """One entry on its own page, or its row for htmx."""
    return render("entries/entry.html", "entries/_entry.html", entry=_row_or_404(entry_id))


@bp.get("/entries/<int:entry_id>/edit")
def edit(entry_id: int):
    entry = _entry_or_404(entry_id)
    form = edit_entry_form(current_user, entry, url_for("entries.update", entry_id=entry.id))
    form.htmx = is_partial()
    form.autofocus = "duration" if form.htmx else None
    return render("entries/edit.html", "entries/_entry_form.html", form=form)


@bp.post("/entries/<int:entry_id>")
def update(entry_id: int):
    entry = _entry_or_404(entry_id)
    action = url_for("entries.update", entry_id=entry.id)
    form = EntryForm(request.form, user=current_user, entry=entry, action=action)
    was_on = entry.study_date
    try:
        services.update_entry(entry, form.checked())
    except NOT_SAVED as error:
        return _not_saved("entries/edit.html", form, error)
    return redirect_or_fragment(
        url_for("entries.show", entry_id=entry.id),
        lambda: _changed_row(entry_id, "Entry updated.", was_on),
        message="Entry updated.",
    )


def _not_saved(page_template: str, form: EntryForm, error):
    """The form as it was sent, with why it was not saved (a 422 for htmx to swap in)."""
    form.show_errors(error.errors)
    form.htmx = is_htmx()
    page = page_or_fragment(page_template, "entries/_entry_form.html", form=form)
    return not_saved(page, error)


def _changed_row(entry_id: int, announcement: str, *days):
    entry = _row_or_404(entry_id)
    html = render_template(
        "entries/_entry_announced.html",
        entry=entry,
        announcement=announcement,
        focus_entry=True,
        **_totals_around(entry.study_date, *days),
    )
    return trigger(current_app.make_response(html), ENTRIES_CHANGED)


def _totals_around(*days) -> dict:
    """The totals a list shows around a changed entry: its days' and, on the Journal, the
    summary line, counted with the filters of the page the request came from."""
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    on_journal = page.path == url_for("entries.journal")
    filters = queries.parse_filters(MultiDict(parse_qsl(page.query)) if on_journal else {})
    totals = queries.day_totals(current_user, filters, days)
    return {
        "day_totals": [(day, totals.get(day, 0)) for day in sorted(set(days))],
        "journal_totals": queries.journal_totals(current_user, filters) if on_journal else None,
        "filters": filters,
    }


@bp.post("/entries/<int:entry_id>/delete")
def delete(entry_id: int):
    """Delete an entry; it can be restored with Undo for a while."""
    entry = _entry_or_404(entry_id)
    services.delete_entry(entry)

    def deleted_row():
        html = render_template(
            "entries/_entry_deleted.html", entry=entry, **_totals_around(entry.study_date)
        )
        return trigger(current_app.make_response(html), ENTRIES_CHANGED)

    return redirect_or_fragment(
        _back_to(url_for("entries.journal")), deleted_row, message=str(entry.id), category="undo"
    )


@bp.post("/entries/<int:entry_id>/restore")
def restore(entry_id: int):
    entry = _entry_or_404(entry_id, include_deleted=True)
    try:
        services.restore_entry(entry)
    except ValidationError as error:
        errors = error.errors
        return redirect_or_fragment(
            _back_to(url_for("entries.journal")),
            lambda: (
                render_template("entries/_entry_deleted.html", entry=entry, error=errors),
                422,
            ),
            message=errors["entry"],
            category="error",
        )
    return redirect_or_fragment(
        _back_to(url_for("entries.show", entry_id=entry.id)),
        lambda: _changed_row(entry_id, "Entry restored."),
        message="Entry restored.",
    )


def _back_to(default: str) -> str:
    """Where a form without htmx returns: its ``next`` field when it is a local path."""
    return local_path(request.form.get("next")) or default
