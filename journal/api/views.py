"""The JSON API, version 1: who you are, stages, today, the summary, exports, the document.

Views stay thin: read the validated request, call the services the pages call, answer
with a response model. Entries and the timer are in entries.py and timer.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, current_app, g, request
from spectree import Response

from ..clock import user_today
from ..daily.services import elapsed_seconds, running_timer
from ..editor.suggestions import suggestions as editor_suggestions
from ..entries import queries
from ..extensions import csrf
from ..insights import panels
from ..insights.ranges import parse_range
from ..roadmap.models import Stage
from ..roadmap.services import get_stage, match_stage, stages_of
from ..transfer.collect import parse_export_filters
from ..transfer.services import export_file
from ..validation import ValidationError
from . import present, schemas
from .auth import authenticate, caller
from .problems import Problem, answer_with_problems, json_body
from .spec import document, endpoint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API reads no cookie (only its Authorization header), so a forged cross-site request
# carries no credential: there is nothing for a CSRF token to protect.
csrf.exempt(bp)

# A request body is a JSON object of a few fields: notes (100 kB at most) and the rest.
BODY_MAX = 512 * 1024
PUBLIC = {"api.openapi"}


@bp.before_request
def _authenticate():
    request.max_content_length = BODY_MAX
    if request.endpoint in PUBLIC:
        return
    g.api_caller = authenticate(request.headers.get("Authorization"), request.method)
    if request.method in ("POST", "PATCH", "PUT") and request.content_length != 0:
        _check_body()


def _check_body() -> None:
    """A body, when there is one, must be JSON: spectree would read anything else as {}."""
    if request.get_data(cache=True):
        json_body()


answer_with_problems(bp)


@bp.after_request
def _no_store(response):
    # Personal data: no cache keeps it.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API (needs no token)."""
    return current_app.json.response(document())


@bp.get("/me")
@endpoint("getMe", resp=Response(HTTP_200=schemas.MeOut), tags=["account"])
def me():
    """Who the token belongs to, your settings, and the token itself."""
    user, token = caller().user, caller().token
    return schemas.MeOut(
        username=user.username,
        timezone=user.timezone,
        today=user_today(user),
        week_start="sunday" if user.week_start == 6 else "monday",
        weekly_goal_minutes=user.weekly_goal_minutes,
        daily_minimum_minutes=user.daily_minimum_minutes,
        token=schemas.TokenOut(
            name=token.name,
            prefix=token.prefix,
            scope=token.scope,
            expires_at=present.utc(token.expires_at),
        ),
    )


@bp.get("/stages")
@endpoint("listStages", resp=Response(HTTP_200=schemas.StageList), tags=["roadmap"])
def stages(query: schemas.StageQuery):
    """Your roadmap's stages in order, with their topics and each topic's state."""
    found = stages_of(caller().user, archived=None if query.archived else False)
    return schemas.StageList(stages=[present.stage(stage) for stage in found])


@bp.get("/today")
@endpoint("getToday", resp=Response(HTTP_200=schemas.TodayOut), tags=["journal"])
def today():
    """Today in your time zone: its entries, this week against the goal, the timer, and
    the editor time not logged yet."""
    user = caller().user
    day = user_today(user)
    running = running_timer(user)
    return schemas.TodayOut(
        date=day,
        entries=[
            present.entry(entry) for entry in queries.today_entries(user, day, with_tags=True)
        ],
        week=present.week(panels.week_goal(user, day), queries.week_summary(user, day)),
        timer=present.timer(running, elapsed_seconds(running) // 60 if running else 0),
        editor_suggestions=[
            present.editor_suggestion(item) for item in editor_suggestions(user, day)
        ],
    )


@bp.get("/summary")
@endpoint("getSummary", resp=Response(HTTP_200=schemas.SummaryOut), tags=["insights"])
def summary(query: schemas.SummaryQuery):
    """What the dashboard shows for a range: hours per stage, the week against the goal,
    the streak and the roadmap's pace."""
    user = caller().user
    day = user_today(user)
    dates = {"from": query.date_from or "", "to": query.date_to or ""}
    key = query.range or ("custom" if any(dates.values()) else "12-weeks")
    if key != "custom" and any(dates.values()):
        raise Problem.invalid({"range": "Range: from and to go with range=custom only."})
    chosen = parse_range({"range": key, **dates}, day, user.week_start)
    if chosen.errors:
        raise Problem.invalid(chosen.errors)
    return present.summary(
        panels.range_panel(user, chosen),
        panels.week_goal(user, day),
        queries.week_summary(user, day),
        panels.streak_panel(user, day),
        panels.pace_panel(user, day),
    )


EXPORT_TYPES = {
    "markdown": "text/markdown",
    "zip": "application/zip",
    "json": "application/json",
    "csv": "text/csv",
}


@bp.get("/export")
@endpoint(
    "exportJournal",
    resp=Response("HTTP_200"),
    tags=["journal"],
    extra={
        "responses": {
            "200": {
                "description": "The file, as Settings → Your data downloads it.",
                "content": {
                    media: {"schema": {"type": "string", "contentMediaType": media}}
                    for media in EXPORT_TYPES.values()
                },
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment, with the file's name.",
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    },
)
def export(query: schemas.ExportQuery):
    """Your journal, or part of it, in any format Settings → Your data offers."""
    user = caller().user
    args = {"from": query.date_from or "", "to": query.date_to or ""}
    if query.stage:
        args["stage"] = str(resolve_stage(user, query.stage, archived=True).id)
    try:
        filters = parse_export_filters(user, args)
    except ValidationError as error:
        raise Problem.invalid(error) from None
    exported = export_file(user, query.format, filters)
    response = current_app.response_class(exported.data, content_type=exported.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def resolve_stage(user: User, value: int | str, *, archived: bool = False) -> Stage:
    """The stage a request names by id (a number, or digits in a query) or by name."""
    if isinstance(value, int) or (value.isascii() and value.isdigit()):
        found = get_stage(user, value)
        if found is None:
            raise Problem.invalid({"stage": "Stage: no stage of yours has this id."})
        return found
    try:
        return match_stage(user, value, archived=archived)
    except ValidationError as error:
        raise Problem.invalid(error) from None


from . import entries, timer  # noqa: E402, F401  (their routes join the blueprint)

if TYPE_CHECKING:
    from ..auth.models import User
