"""Where editors send heartbeats: WakaTime's API, as both of its command-line clients use it.

The Python client (13.1.0 and before) posts a list of heartbeats to the ``api_url`` of
``~/.wakatime.cfg`` itself; the Go client appends ``/users/current/heartbeats.bulk`` to it
(after taking that ending off a URL that already has it). With ``api_url =
https://journal.example.org/api/v1``, or that address ending in the bulk path, both land
here. A single heartbeat (an object, not a list) may go to ``/users/current/heartbeats``.

``/users/current/statusbar/today`` answers what editors show in their status bar: today's
editor time.

Its own blueprint: the API's other routes take ``rb_`` tokens as ``Bearer``; these take the
user's editor key, as Basic (how both clients send it), Bearer or ``?api_key=``. Like the
API, they read no cookie, so they need no CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request

from ..api.problems import Problem, answer_with_problems, json_body, problem_response
from ..clock import user_today
from ..extensions import csrf
from . import heartbeats, keys
from .sessions import minutes_of
from .suggestions import editor_ms_per_day

bp = Blueprint("editor_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# 25 heartbeats of a few hundred bytes each, with room for long paths.
BODY_MAX = 128 * 1024


@bp.before_request
def _authenticate():
    request.max_content_length = BODY_MAX
    g.editor_user = keys.authenticate(
        request.headers.get("Authorization"), request.args.get("api_key")
    )


@bp.errorhandler(keys.KeyRefused)
def _refused(refused: keys.KeyRefused):
    return problem_response(Problem(refused.status, refused.message, headers=refused.headers))


answer_with_problems(bp)


@bp.post("")
@bp.post("/")
@bp.post("/users/current/heartbeats")
@bp.post("/users/current/heartbeats.bulk")
def receive():
    """Heartbeats from an editor: a list gets 202 and an answer per heartbeat; a single
    one, its own answer (201, or 400 naming what is wrong)."""
    payload = json_body()
    if isinstance(payload, dict):
        body, status = heartbeats.receive(g.editor_user, [payload])[0]
        return _json(body, status)
    if not isinstance(payload, list):
        raise Problem.invalid(
            {"body": "Send a heartbeat (a JSON object) or a list of them."}, status=400
        )
    if len(payload) > heartbeats.MAX_PER_REQUEST:
        raise Problem.invalid(
            {
                "body": f"Send at most {heartbeats.MAX_PER_REQUEST} heartbeats in one request; "
                f"this one has {len(payload)}. Nothing was kept."
            },
            status=400,
        )
    answers = heartbeats.receive(g.editor_user, payload)
    return _json({"responses": [[body, status] for body, status in answers]}, 202)


@bp.get("/users/current/statusbar/today")
def statusbar_today():
    """Today's editor time, for the editor's status bar (the Go client's ``--today``)."""
    user = g.editor_user
    today = user_today(user)
    ms = editor_ms_per_day(user, today, today).get(today, 0)
    seconds = round(ms / 1000)
    hours, minutes = divmod(minutes_of(ms), 60)
    total = {
        "total_seconds": seconds,
        "hours": hours,
        "minutes": minutes,
        "digital": f"{hours}:{minutes:02d}",
        "decimal": f"{seconds / 3600:.2f}",
        "text": _wakatime_text(hours, minutes),
    }
    data = {
        "grand_total": total,
        "categories": [],
        "range": {"date": today.isoformat(), "timezone": user.timezone},
    }
    return _json({"data": data}, 200)


def _wakatime_text(hours: int, minutes: int) -> str:
    """``1 hr 20 mins``, as WakaTime writes a duration in the status bar."""
    parts = []
    if hours:
        parts.append(f"{hours} hr{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} min{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _json(body: dict, status: int):
    response = current_app.json.response(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
