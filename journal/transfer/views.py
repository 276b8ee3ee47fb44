"""Your data: download an export, upload a file, preview it, then import it."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..entries.models import Entry
from ..entries.queries import live
from ..events import ENTRIES_CHANGED, ROADMAP_CHANGED
from ..extensions import db
from ..htmx import is_partial, redirect_or_fragment, render, trigger
from ..roadmap.models import Stage
from ..roadmap.services import get_stage, stages_of
from ..validation import ValidationError
from .collect import parse_export_filters
from .formats import EXPORT_FORMATS, IMPORT_FORMATS
from .records import FormatError, slug
from .services import export_file, import_file, preview_import
from .uploads import (
    Upload,
    UploadsFull,
    discard_upload,
    load_upload,
    save_upload,
    sweep_expired,
)

bp = Blueprint("transfer", __name__)
bp.record_once(lambda state: sweep_expired(state.app))

FILENAME_MAX = 200
RETRY_AFTER_SECONDS = 300
UPLOADS_FULL = (
    "The server is holding as many imports waiting to be confirmed as it has room for. "
    "Nothing was imported; try again in a few minutes."
)


@bp.before_request
@login_required
def _signed_in():
    """Every data page is private."""


def _journal_summary():
    count, known, first, last = db.session.execute(
        select(
            func.count(Entry.id),
            func.count(Entry.minutes),
            func.min(Entry.study_date),
            func.max(Entry.study_date),
        ).where(*live(current_user.id))
    ).one()
    return {"entries": count, "unknown": count - known, "first": first, "last": last}


def _context(**extra):
    context = {
        "export_formats": EXPORT_FORMATS,
        "import_formats": IMPORT_FORMATS,
        "stages": stages_of(current_user, archived=None),
        "active_stages": stages_of(current_user),
        "summary": _journal_summary(),
        "export_values": {},
        "export_errors": {},
        "import_values": {},
        "plan": None,
        "upload": None,
        "error": None,
        "max_mb": _max_mb(),
        "slug": slug,
    }
    context.update(extra)
    return context


def _max_mb() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{limit / (1024 * 1024):g}"


@bp.get("/data")
def index():
    """Export the journal, or import a file; htmx refreshes the summary line from here."""
    if is_partial():
        return render_template("transfer/_summary.html", summary=_journal_summary())
    return render_template("transfer/index.html", **_context())


@bp.get("/data/export")
def export():
    """Download the journal (or part of it) as markdown, zip, json or csv."""
    errors: dict[str, str] = {}
    fmt = request.args.get("format", "")
    if fmt not in EXPORT_FORMATS:
        errors["format"] = "Format: choose one of the formats in the list."
    try:
        filters = parse_export_filters(current_user, request.args)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        context = _context(export_values=request.args, export_errors=errors)
        return render_template("transfer/index.html", **context), 422
    exported = export_file(current_user, fmt, filters)
    response = current_app.response_class(exported.data, content_type=exported.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _chosen_stage() -> tuple[Stage | None, str | None]:
    text = (request.form.get("stage") or "").strip()
    if not text:
        return None, None
    stage = get_stage(current_user, text)
    return (stage, None) if stage else (None, "Stage: choose a stage from the list.")


def _preview_page(status: int = 200, **context):
    html = render("transfer/index.html", "transfer/_import_preview.html", **_context(**context))
    return html, status


@bp.post("/data/import/preview")
def preview():
    """Read the uploaded file and show what importing it would do; nothing is saved."""
    values = {"format": request.form.get("format", ""), "stage": request.form.get("stage", "")}
    stage, stage_error = _chosen_stage()
    if stage_error:
        return _preview_page(422, error=stage_error, import_values=values)
    if values["format"] and values["format"] not in IMPORT_FORMATS:
        return _preview_page(422, error="Format: choose one from the list.", import_values=values)
    sent = request.files.get("file")
    if sent is not None and sent.filename:
        # A new file is kept only once its preview succeeded.
        name = sent.filename.replace("\\", "/").rsplit("/", 1)[-1][:FILENAME_MAX]
        upload = Upload("", sent.read(), name, values["format"])
    else:
        upload = load_upload(current_user, request.form.get("token"))
        if upload is None:
            return _preview_page(422, error="Choose a file to import.", import_values=values)
    try:
        plan = preview_import(current_user, upload.data, upload.filename, upload.fmt, stage)
        if not upload.token:
            upload = save_upload(current_user, upload.data, upload.filename, upload.fmt)
    except FormatError as error:
        discard_upload(current_user, upload.token)
        message = f"{error} Nothing was imported."
        return _preview_page(422, error=message, import_values=values)
    except UploadsFull:
        response = current_app.make_response(
            _preview_page(503, error=UPLOADS_FULL, import_values=values)
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except Exception:
        discard_upload(current_user, upload.token)  # no file outlives a failed preview
        raise
    return _preview_page(plan=plan, upload=upload, import_values=values)


@bp.post("/data/import")
def confirm():
    """Import the previewed file: every entry in one transaction, or none of them."""
    upload = load_upload(current_user, request.form.get("token"))
    if upload is None:
        message = "This preview has expired or was already imported. Choose the file again."
        return _preview_page(422, error=message)
    stage, stage_error = _chosen_stage()
    plan = None
    try:
        if stage_error:
            raise FormatError(stage_error)
        plan = import_file(current_user, upload.data, upload.filename, upload.fmt, stage)
    except FormatError as error:
        try:
            shown = preview_import(current_user, upload.data, upload.filename, upload.fmt, stage)
        except FormatError:
            shown = None
        values = {"stage": request.form.get("stage", "")}
        return _preview_page(
            422,
            plan=shown,
            upload=upload,
            import_values=values,
            error=f"{error} Nothing was imported.",
        )
    except Exception:
        discard_upload(current_user, upload.token)  # no file outlives a failed import
        raise
    discard_upload(current_user, upload.token)
    events = [ENTRIES_CHANGED]
    if plan.new_stages or plan.new_topics or plan.updated_stages:
        events.append(ROADMAP_CHANGED)
    message = done_message(plan)

    def import_done():
        html = render_template("transfer/_import_done.html", plan=plan, message=message)
        return trigger(current_app.make_response(html), *events)

    return redirect_or_fragment(url_for("transfer.index"), import_done, message=message)


def done_message(plan) -> str:
    added = len(plan.to_add)
    parts = [f"Imported {added} {'entry' if added == 1 else 'entries'}."]
    if plan.duplicates:
        skipped = len(plan.duplicates)
        parts.append(f"{skipped} {'duplicate was' if skipped == 1 else 'duplicates were'} skipped.")
    if plan.new_stages:
        parts.append("New stages: " + ", ".join(stage.name for stage in plan.new_stages) + ".")
    if plan.reviews:
        reviews = len(plan.reviews)
        parts.append(f"{reviews} weekly {'review' if reviews == 1 else 'reviews'} restored.")
    if plan.goals:
        parts.append("Your goals are the file's.")
    if plan.template:
        parts.append("The file's entry template is yours.")
    return " ".join(parts)


@bp.errorhandler(413)
def too_large(_error):
    """An upload over the size limit: say so where the preview would have been."""
    message = (
        f"The file is larger than {_max_mb()} MB, the limit for uploads. Nothing was imported. "
        "Export a shorter date range, use the zip format (it is compressed), or import the "
        "file from the command line: flask --app journal import USERNAME FILE."
    )
    return _preview_page(413, error=message)
