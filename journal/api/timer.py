"""The study timer through the API: its state, start, stop (a draft entry), discard."""

from __future__ import annotations

from spectree import Response

from ..daily import services
from ..entries.duration import format_duration
from ..roadmap.services import get_stage
from ..validation import ValidationError
from . import present, schemas
from .auth import caller
from .problems import Problem
from .spec import conflicting, endpoint
from .views import bp, resolve_stage

TAGS = ["timer"]


def _state() -> schemas.TimerOut:
    timer = services.running_timer(caller().user)
    return present.timer(timer, services.elapsed_seconds(timer) // 60 if timer else 0)


@bp.get("/timer")
@endpoint("getTimer", resp=Response(HTTP_200=schemas.TimerOut), tags=TAGS)
def timer():
    """The timer: running or not, for which stage, since when."""
    return _state()


@bp.post("/timer/start")
@endpoint(
    "startTimer",
    tags=TAGS,
    **conflicting("A timer is running already.", HTTP_201=schemas.TimerOut),
)
def start(json: schemas.TimerStart):
    """Start timing a session of a stage; one timer runs at a time."""
    user = caller().user
    stage = resolve_stage(user, json.stage)
    try:
        running, started = services.start_timer(user, stage.id)
    except ValidationError as error:
        raise Problem.invalid(error) from None
    if not started:
        elapsed = format_duration(services.elapsed_seconds(running) // 60)
        raise Problem(
            409,
            f"A timer for “{running.stage.name}” is running already ({elapsed}): "
            "stop or discard it first.",
            extra={"timer": _state().model_dump(mode="json")},
        )
    return _state(), 201


@bp.post("/timer/stop")
@endpoint(
    "stopTimer",
    tags=TAGS,
    **conflicting("No timer is running.", HTTP_200=schemas.TimerStopped),
)
def stop():
    """Stop the timer: the draft entry it leaves, to save with POST /entries."""
    user = caller().user
    try:
        stopped = services.stop_timer(user)
    except ValidationError as error:
        raise Problem(409, error.errors["timer"]) from None
    return present.draft(stopped, get_stage(user, stopped.stage_id))


@bp.delete("/timer")
@endpoint("discardTimer", resp=Response("HTTP_204"), tags=TAGS)
def discard():
    """Throw the running timer away (nothing is saved)."""
    services.discard_timer(caller().user)
    return "", 204
