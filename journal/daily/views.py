"""The study timer, the entry template settings and the weekly review."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..auth import rate_limit
from ..clock import user_moment, user_today, week_bounds
from ..entries.duration import duration_input
from ..entries.forms import new_entry_form
from ..entries.services import EARLIEST_DATE
from ..htmx import (
    is_partial,
    not_saved,
    page_or_fragment,
    redirect_or_fragment,
    render,
    see_other,
)
from ..templating import day_label
from ..validation import NOT_SAVED, ValidationError, parse_id
from . import reviews, services
from .forms import EntryTemplateForm, ReviewForm

bp = Blueprint("daily", __name__)
bp.add_app_template_filter(services.clock_label, "clock")


@bp.app_template_filter("timer_started")
def timer_started(timer) -> str:
    """When the running timer began: ``14:05`` today, else with its day."""
    started = user_moment(current_user, timer.started_at)
    at = f"{started:%H:%M}"
    return (
        at if started.date() == user_today(current_user) else f"{day_label(started.date())}, {at}"
    )


@bp.before_request
@login_required
def _signed_in():
    """The timer, template and reviews are private."""


def timer_context(*, standalone: bool | None = None, **extra):
    """What the timer panel shows. ``standalone``: the panel is not on the Today page, so
    Stop cannot fill a quick-add form in place (by default: where the htmx request is from).
    """
    if standalone is None:
        current = urlsplit(request.headers.get("HX-Current-URL", "")).path
        standalone = current != url_for("entries.today")
    return {**services.timer_panel(current_user), "standalone": standalone, **extra}


def _announced(template: str, message: str, **context):
    """A fragment, and a word for screen readers through the page's live region."""
    html = render_template(template, **context)
    return html + render_template("_announce.html", message=message)


@bp.get("/timer")
def timer():
    """The timer on a page of its own, or its panel for htmx (it refreshes itself)."""
    standalone = None if is_partial() else True
    return render("daily/timer.html", "daily/_timer.html", **timer_context(standalone=standalone))


@bp.post("/timer/start")
def start():
    try:
        _, started = services.start_timer(current_user, parse_id(request.form.get("stage")))
    except ValidationError as error:
        return _timer_refused(error, "stage")
    return redirect_or_fragment(
        url_for("entries.today"),
        lambda: _announced("daily/_timer.html", "Timer started.", **timer_context()),
        message="Timer started." if started else "A timer is already running.",
    )


def _timer_refused(error: ValidationError, field: str):
    return redirect_or_fragment(
        url_for("entries.today"),
        lambda: (render_template("daily/_timer.html", errors=error.errors, **timer_context()), 422),
        message=error.errors[field],
        category="error",
    )


@bp.post("/timer/stop")
def stop():
    """Stop the timer and open the entry form with the duration filled in."""
    try:
        stopped = services.stop_timer(current_user)
    except ValidationError as error:
        return _timer_refused(error, "timer")
    duration = duration_input(stopped.minutes)
    return redirect_or_fragment(
        url_for(
            "entries.new",
            stage=stopped.stage_id,
            duration=duration,
            date=stopped.started_on.isoformat(),
        ),
        lambda: _stopped(stopped, duration),
        message=stopped.message + " Save the entry to keep it.",
    )


def _stopped(stopped, duration: str):
    """For htmx: the quick-add form filled with the timed session, and the timer."""
    form = new_entry_form(
        current_user, url_for("entries.create"), form_id="quick-add", stage_id=stopped.stage_id
    )
    form.duration.data = duration
    form.date.data = stopped.started_on.isoformat()
    form.autofocus = "notes"
    context = timer_context()
    return render_template("daily/_stopped.html", form=form, message=stopped.message, **context)


@bp.post("/timer/discard")
def discard():
    services.discard_timer(current_user)
    return redirect_or_fragment(
        url_for("entries.today"),
        lambda: _announced("daily/_timer.html", "Timer discarded.", **timer_context()),
        message="Timer discarded.",
    )


@bp.route("/settings/template", methods=["GET", "POST"])
def template():
    """Choose and edit the prompts new entries start with."""
    errors: dict[str, str] = {}
    refused = None
    current = services.entry_template(current_user)
    values = {"enabled": current.enabled, "text": current.text or services.DEFAULT_TEMPLATE}
    if request.method == "POST":
        form = EntryTemplateForm(request.form)
        # Shown again as sent, or with the default prompts back.
        values = {"enabled": form.enabled.data, "text": form.template.data}
        if form.reset.data:
            values["text"] = services.DEFAULT_TEMPLATE
        try:
            services.save_entry_template(current_user, **form.checked())
        except NOT_SAVED as error:
            errors, refused = error.errors, error
        else:
            flash("Entry template saved.", "success")
            return see_other(url_for("auth.settings"))
    page = render_template("daily/template.html", values=values, errors=errors)
    return not_saved(page, refused) if refused else page


def _week_start(value: str | None) -> date:
    """The first day (by the user's week start) of the week holding ``value``, or today."""
    day = user_today(current_user)
    if value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            abort(404)
    if not EARLIEST_DATE <= day <= date(9999, 12, 24):
        abort(404)  # no journal week out there, and no arithmetic past the calendar's ends
    return week_bounds(day, current_user.week_start)[0]


@bp.get("/review")
@bp.get("/review/<week>")
def review(week: str | None = None):
    """A week's review: its entries, hours by stage, what blocked you, your own notes."""
    first = _week_start(week)
    data = reviews.gather_week(current_user, first, first + timedelta(days=6))
    return render(
        "daily/review.html", "daily/_review_note.html", week=data, errors={}, **_nav(first)
    )


def _nav(first: date) -> dict:
    this_week = week_bounds(user_today(current_user), current_user.week_start)[0]
    return {
        "previous_week": first - timedelta(days=7),
        "next_week": first + timedelta(days=7) if first < this_week else None,
    }


@bp.post("/review/<week>")
def save_review(week: str):
    first = _week_start(week)
    try:
        notes = ReviewForm.read(request.form)
        # Its Markdown is rendered on save: paid for from the write allowance first.
        rate_limit.spend(current_user.id, rate_limit.text_cost(notes))
        reviews.save_review(current_user, first, notes)
    except NOT_SAVED as error:
        data = reviews.gather_week(current_user, first, first + timedelta(days=6))
        context = {"week": data, "errors": error.errors, "values": request.form, **_nav(first)}
        page = page_or_fragment("daily/review.html", "daily/_review_note.html", **context)
        return not_saved(page, error)
    return redirect_or_fragment(
        url_for("daily.review", week=first.isoformat()),
        lambda: render_template(
            "daily/_review_note.html",
            week=reviews.gather_week(current_user, first, first + timedelta(days=6)),
            errors={},
            saved=True,
            **_nav(first),
        ),
        message="Review saved.",
    )


@bp.get("/review/<week>.md")
def review_markdown(week: str):
    """The week as a Markdown note, downloaded."""
    first = _week_start(week)
    data = reviews.gather_week(current_user, first, first + timedelta(days=6))
    response = current_app.make_response(reviews.review_markdown(data))
    response.mimetype = "text/markdown"
    response.headers["Content-Disposition"] = f'attachment; filename="week-{first.isoformat()}.md"'
    return response
