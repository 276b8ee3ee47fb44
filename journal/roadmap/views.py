"""The roadmap page and its inline editing of stages and topics."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from ..events import ROADMAP_CHANGED
from ..forms import Form
from ..htmx import (
    found_or_404,
    local_path,
    not_saved,
    page_or_fragment,
    redirect_or_fragment,
    render,
    trigger,
)
from ..validation import NOT_SAVED, ValidationError
from . import services
from .forms import StageForm, TopicForm

bp = Blueprint("roadmap", __name__, url_prefix="/roadmap")

# The edit forms: on a page of their own, or their fragment for htmx (an inline edit).
STAGE_FORM = ("roadmap/stage_edit.html", "roadmap/_stage_form.html")
TOPIC_FORM = ("roadmap/topic_edit.html", "roadmap/_topic_form.html")


@bp.before_request
@login_required
def _signed_in():
    """The roadmap is private."""


def _on_roadmap_page() -> bool:
    """Whether an htmx request comes from the roadmap page (not a stage's own page)."""
    current = urlsplit(request.headers.get("HX-Current-URL", "")).path
    return current == url_for("roadmap.index")


def _roadmap_context(**extra):
    return {
        "on_roadmap": True,
        "stages": services.stages_of(current_user),
        "archived_stages": services.stages_of(current_user, archived=True),
        "new_stage_errors": {},
        "new_stage_values": {},
        **extra,
    }


def _stage_or_404(stage_id: int):
    return found_or_404(services.get_stage(current_user, stage_id))


def _topic_or_404(topic_id: int):
    return found_or_404(services.get_topic(current_user, topic_id))


def _save(
    form: type[Form],
    save: Callable,
    pages: tuple[str, str],
    shown: Callable[[dict], dict],
    page_context: Callable[[], dict] = dict,
):
    """Read ``form`` from the request and ``save`` what it holds. When that cannot be done,
    the answer: ``pages`` (the page, or for htmx its fragment) again with the context
    ``shown`` gives for the errors, the form as it was sent (a 422; the page adds
    ``page_context``); else None."""
    try:
        save(form.read(request.form))
    except NOT_SAVED as error:
        answer = page_or_fragment(*pages, page_context=page_context, **shown(error.errors))
        return not_saved(answer, error)
    return None


def _changed(
    template: str, anchor: str = "", *, region_context: Callable[[], dict] = dict, **context
):
    """After a change: htmx gets the updated region, a plain form goes back to the roadmap
    (at ``anchor``, the row that changed, so the page does not open at its top).

    ``region_context`` makes the rest of the region's context: called only when the region
    is rendered, so a plain form's redirect reads no more than it must."""
    back = local_path(request.form.get("next")) or url_for("roadmap.index")

    def region():
        context.update(region_context())
        context.setdefault("on_roadmap", _on_roadmap_page())
        response = current_app.make_response(render_template(template, **context))
        return trigger(response, ROADMAP_CHANGED)

    return redirect_or_fragment(f"{back}#{anchor}" if anchor else back, region)


@bp.get("")
def index():
    """Every stage in order, with its topics; archived ones below."""
    return render("roadmap/index.html", "roadmap/_roadmap.html", **_roadmap_context())


@bp.post("/stages")
def add_stage():
    if refused := _save(
        StageForm,
        partial(services.create_stage, current_user),
        ("roadmap/index.html", "roadmap/_stage_new.html"),
        lambda errors: {"new_stage_errors": errors, "new_stage_values": request.form},
        page_context=_roadmap_context,
    ):
        return refused
    return _changed("roadmap/_roadmap.html", region_context=_roadmap_context)


@bp.get("/stages/<int:stage_id>")
def stage(stage_id: int):
    """A stage on its own page, or its heading for htmx (the end of an inline edit)."""
    stage = _stage_or_404(stage_id)
    return render(
        "roadmap/stage.html",
        "roadmap/_stage_head.html",
        stage=stage,
        on_roadmap=_on_roadmap_page(),
        stage_ends=services.stage_ends(current_user, stage),
    )


@bp.get("/stages/<int:stage_id>/edit")
def edit_stage(stage_id: int):
    stage = _stage_or_404(stage_id)
    values = {
        "name": stage.name,
        "color": stage.color,
        "weeks": stage.suggested_weeks or "",
        "description": stage.description,
    }
    return render(*STAGE_FORM, stage=stage, values=values, errors={})


@bp.post("/stages/<int:stage_id>")
def update_stage(stage_id: int):
    stage = _stage_or_404(stage_id)
    if refused := _save(
        StageForm,
        partial(services.update_stage, stage),
        STAGE_FORM,
        lambda errors: {"stage": stage, "values": request.form, "errors": errors},
    ):
        return refused
    return _changed(
        "roadmap/_stage_head.html",
        stage=stage,
        region_context=lambda: {"stage_ends": services.stage_ends(current_user, stage)},
    )


@bp.post("/stages/<int:stage_id>/move")
def move_stage(stage_id: int):
    stage = _stage_or_404(stage_id)
    direction = request.form.get("direction", "")
    try:
        services.move_stage(current_user, stage, direction)
    except ValidationError:
        abort(400)
    return _changed(
        "roadmap/_roadmap.html",
        f"stage-{stage.id}",
        region_context=partial(_roadmap_context, moved_stage=stage.id, direction=direction),
    )


@bp.post("/stages/<int:stage_id>/archive")
def archive_stage(stage_id: int):
    """Archive a stage: it leaves the forms, its entries and history stay."""
    services.set_stage_archived(_stage_or_404(stage_id), True)
    return _changed("roadmap/_roadmap.html", region_context=_roadmap_context)


@bp.post("/stages/<int:stage_id>/restore")
def restore_stage(stage_id: int):
    services.set_stage_archived(_stage_or_404(stage_id), False)
    return _changed("roadmap/_roadmap.html", region_context=_roadmap_context)


@bp.post("/stages/<int:stage_id>/topics")
def add_topic(stage_id: int):
    stage = _stage_or_404(stage_id)
    if refused := _save(
        TopicForm,
        partial(services.create_topic, stage),
        ("roadmap/stage.html", "roadmap/_topics.html"),
        lambda errors: {
            "stage": stage,
            "topic_errors": errors,
            "topic_value": request.form,
            "on_roadmap": False,
        },
    ):
        return refused
    return _changed("roadmap/_topics.html", stage=stage)


@bp.get("/topics/<int:topic_id>")
def topic(topic_id: int):
    """A topic's line (htmx), or its stage's page."""
    topic = _topic_or_404(topic_id)
    return render(
        "roadmap/stage.html",
        "roadmap/_topic.html",
        topic=topic,
        stage=topic.stage,
        on_roadmap=False,
    )


@bp.get("/topics/<int:topic_id>/edit")
def edit_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    return render(*TOPIC_FORM, topic=topic, value=topic.name, errors={})


@bp.post("/topics/<int:topic_id>")
def rename_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    if refused := _save(
        TopicForm,
        partial(services.rename_topic, topic),
        TOPIC_FORM,
        lambda errors: {"topic": topic, "value": request.form.get("name", ""), "errors": errors},
    ):
        return refused
    return _changed("roadmap/_topic.html", topic=topic)


@bp.post("/topics/<int:topic_id>/move")
def move_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    direction = request.form.get("direction", "")
    try:
        services.move_topic(topic, direction)
    except ValidationError:
        abort(400)
    context = {"stage": topic.stage, "moved": topic.id, "direction": direction}
    return _changed("roadmap/_topics.html", f"topic-{topic.id}", **context)


@bp.post("/topics/<int:topic_id>/state")
def set_topic_state(topic_id: int):
    """Mark a topic learning, done or skipped (an empty state clears it)."""
    topic = _topic_or_404(topic_id)
    try:
        state = services.parse_topic_state(request.form)
    except ValidationError:
        abort(400)
    services.set_topic_state(topic, state)
    return _changed(
        "roadmap/_topics.html", f"topic-{topic.id}", stage=topic.stage, changed=topic.id
    )


@bp.post("/topics/<int:topic_id>/archive")
def archive_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    services.set_topic_archived(topic, True)
    return _changed("roadmap/_topics.html", stage=topic.stage)


@bp.post("/topics/<int:topic_id>/restore")
def restore_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    services.set_topic_archived(topic, False)
    return _changed("roadmap/_topics.html", stage=topic.stage)
