"""The dashboard and its panels: each panel is one URL, a page or its fragment."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..auth.timezones import timezone_context
from ..cache import journal_state, kept_page, render_cache
from ..clock import user_today
from ..htmx import is_htmx, is_partial, not_saved, render, see_other
from ..validation import NOT_SAVED
from . import charts, panels, services
from .ranges import PRESETS, parse_range
from .settings import WEEK_STARTS, form_values, parse_settings, save_settings

bp = Blueprint("insights", __name__, url_prefix="/dashboard")

# Panel name: (template, title). Each is its own URL, refreshed on "entries-changed".
PANELS = {
    "week": ("insights/_week.html", "This week"),
    "streak": ("insights/_streak.html", "Streak"),
    "totals": ("insights/_totals.html", "All time"),
    "weeks": ("insights/_weeks.html", "Hours per week"),
    "calendar": ("insights/_calendar.html", "The last 365 days"),
    "pace": ("insights/_pace.html", "Roadmap pace"),
    "week-stages": ("insights/_week_stages.html", "This week by stage"),
}


@bp.before_request
@login_required
def _signed_in():
    """Insights are private."""


def _weeks_span() -> int:
    span = request.args.get("weeks", type=int)
    return span if span in charts.WEEK_SPANS else charts.WEEK_SPANS[0]


def _context(name: str) -> dict:
    """What panel ``name`` needs; only its own aggregates run."""
    today = user_today(current_user)
    if name == "week" or name == "week-stages":
        return {"goal": panels.week_goal(current_user, today)}
    if name == "streak":
        return {"streak": panels.streak_panel(current_user, today)}
    if name == "totals":
        return {"totals": services.totals(current_user)}
    if name == "weeks":
        return {"weeks": charts.weeks_chart(current_user, today, _weeks_span())}
    if name == "calendar":
        return {"calendar": charts.calendar(current_user, today)}
    if name == "pace":
        return {"pace": panels.pace_panel(current_user, today)}
    raise KeyError(name)


def _range_context() -> dict:
    today = user_today(current_user)
    chosen = parse_range(request.args, today, current_user.week_start)
    return {"range_panel": panels.range_panel(current_user, chosen), "presets": PRESETS}


@bp.get("")
def dashboard():
    """Every panel; for htmx, the range panel (the range chooser swaps it)."""
    if is_partial():
        context = _range_context()
        response = make_response(render_template("insights/_range.html", **context))
        if request.headers.get("HX-Source") == "form#range-form":
            # The chooser's choice goes into the address bar; a panel refresh does not.
            chosen = context["range_panel"].range
            response.headers["HX-Push-Url"] = url_for("insights.dashboard", **chosen.as_args())
        return response
    key = ("dashboard", *journal_state())
    # The whole page is kept; its body too, for a session whose page is not kept yet.
    return kept_page(
        key,
        lambda: render_template(
            "insights/dashboard.html", body=render_cache().get_or_render(key, _dashboard_body)
        ),
    )


def _dashboard_body() -> str:
    context = _range_context()
    for name in ("week", "streak", "totals", "weeks", "calendar", "pace"):
        context.update(_context(name))
    return render_template("insights/_dashboard_body.html", **context)


@bp.get("/<any(week, streak, totals, weeks, calendar, pace, 'week-stages'):name>")
def panel(name: str):
    """One panel on a page of its own, or its fragment for htmx."""
    template, title = PANELS[name]
    return render("insights/panel.html", template, panel=template, title=title, **_context(name))


@bp.get("/settings")
def settings_page():
    """The goals are edited on the settings page (a reload after a failed save lands here)."""
    return redirect(url_for("auth.settings") + "#insights-settings")


@bp.post("/settings")
def settings():
    """Save the daily minimum, weekly goal, week start and rest days."""
    try:
        chosen = parse_settings(request.form)
        save_settings(current_user, chosen)
    except NOT_SAVED as error:
        context = {"insights_errors": error.errors, "insights_values": request.form}
        if is_htmx():
            return not_saved(render_template("insights/_settings_section.html", **context), error)
        context.update(timezone_context(selected=current_user.timezone))
        page = render_template("auth/settings.html", errors={}, **context)
        return not_saved(page, error)
    if not is_htmx():
        flash("Insight settings saved.", "success")
        return see_other(url_for("auth.settings") + "#insights-settings")
    return render_template("insights/_settings_section.html", insights_saved=True)


@bp.app_context_processor
def _shared_with_other_pages():
    """For the pieces other areas' pages include: the settings section, Today's chart."""
    return {
        "insights_week_starts": WEEK_STARTS,
        "insights_form_values": form_values,
        "insights_week_goal": lambda: panels.week_goal(current_user, user_today(current_user)),
    }


bp.add_app_template_global(charts.heatmap_cells, "heatmap_cells")
bp.add_app_template_global(charts.heatmap_rows, "heatmap_rows")
