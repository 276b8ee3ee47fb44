"""The dashboard and its panels: each panel is one URL, a page or its fragment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..auth.models import User
from ..auth.settings_page import render_settings_page
from ..cache import cached_page
from ..clock import user_today
from ..htmx import is_htmx, is_partial, not_saved, redirect_or_fragment, render
from ..validation import NOT_SAVED
from . import charts, panels, services
from .ranges import PRESETS, parse_range
from .settings import WEEK_STARTS, SettingsForm, form_values, save_settings

bp = Blueprint("insights", __name__, url_prefix="/dashboard")


@bp.before_request
@login_required
def _signed_in():
    """Insights are private."""


def _weeks_span() -> int:
    span = request.args.get("weeks", type=int)
    return span if span in charts.WEEK_SPANS else charts.WEEK_SPANS[0]


@dataclass(frozen=True)
class Panel:
    template: str
    title: str
    # The template's name for what the panel shows, and how it is worked out for the
    # user's today: only the panel's own aggregates run.
    name: str
    build: Callable[[User, date], object]
    # On the dashboard itself (the others are shown elsewhere: Today's chart).
    on_dashboard: bool = True

    def context(self, user: User, today: date) -> dict:
        return {self.name: self.build(user, today)}


def _signed_in_user() -> User:
    """The signed-in user itself, not Flask-Login's proxy: the panels read its settings in
    loops over days and weeks, and each read through the proxy is a lookup."""
    return current_user._get_current_object()


# Every panel by name, in the dashboard's order. Each is its own URL, refreshed on
# "entries-changed".
PANELS = {
    "week": Panel("insights/_week.html", "This week", "goal", panels.week_goal),
    "streak": Panel("insights/_streak.html", "Streak", "streak", panels.streak_panel),
    "totals": Panel(
        "insights/_totals.html", "All time", "totals", lambda user, _today: services.totals(user)
    ),
    "weeks": Panel(
        "insights/_weeks.html",
        "Hours per week",
        "weeks",
        lambda user, today: charts.weeks_chart(user, today, _weeks_span()),
    ),
    "calendar": Panel("insights/_calendar.html", "The last 365 days", "calendar", charts.calendar),
    "pace": Panel("insights/_pace.html", "Roadmap pace", "pace", panels.pace_panel),
    "week-stages": Panel(
        "insights/_week_stages.html",
        "This week by stage",
        "goal",
        panels.week_goal,
        on_dashboard=False,
    ),
}


def _range_context(user: User, today: date) -> dict:
    chosen = parse_range(request.args, today, user.week_start)
    return {"range_panel": panels.range_panel(user, chosen), "presets": PRESETS}


@bp.get("")
@cached_page
def dashboard():
    """Every panel; for htmx, the range panel (the range chooser swaps it)."""
    user = _signed_in_user()
    today = user_today(user)
    context = _range_context(user, today)
    if is_partial():
        response = make_response(render_template("insights/_range.html", **context))
        if request.headers.get("HX-Source") == "form#range-form":
            # The chooser's choice goes into the address bar; a panel refresh does not.
            chosen = context["range_panel"].range
            response.headers["HX-Push-Url"] = url_for("insights.dashboard", **chosen.as_args())
        return response
    for shown in PANELS.values():
        if shown.on_dashboard:
            context.update(shown.context(user, today))
    return render_template("insights/dashboard.html", **context)


@bp.get("/<any({}):name>".format(", ".join(f"'{name}'" for name in PANELS)))
def panel(name: str):
    """One panel on a page of its own, or its fragment for htmx."""
    shown = PANELS[name]
    user = _signed_in_user()
    context = shown.context(user, user_today(user))
    return render(
        "insights/panel.html", shown.template, panel=shown.template, title=shown.title, **context
    )


# Every settings form posts under /settings/... but the goals', which keep the URL that open
# pages and bookmarks hold; its page is the settings page (auth.settings_page).
@bp.get("/settings")
def settings_page():
    """The goals are edited on the settings page (a reload after a failed save lands here)."""
    return redirect(url_for("auth.settings") + "#insights-settings")


@bp.post("/settings")
def settings():
    """Save the daily minimum, weekly goal, week start and rest days."""
    try:
        chosen = SettingsForm.read(request.form)
        save_settings(current_user, chosen)
    except NOT_SAVED as error:
        context = {"insights_errors": error.errors, "insights_values": request.form}
        if is_htmx():
            return not_saved(render_template("insights/_settings_section.html", **context), error)
        return not_saved(render_settings_page(current_user, **context), error)
    return redirect_or_fragment(
        url_for("auth.settings") + "#insights-settings",
        lambda: render_template(
            "insights/_settings_section.html",
            insights_saved=True,
            insights_values=form_values(current_user),
        ),
        message="Insight settings saved.",
    )


@bp.app_context_processor
def _shared_with_other_pages():
    """A constant for the settings section (the views pass its values: templates run no
    queries)."""
    return {
        "insights_week_starts": WEEK_STARTS,
    }


bp.add_app_template_global(charts.heatmap_cells, "heatmap_cells")
bp.add_app_template_global(charts.heatmap_rows, "heatmap_rows")
