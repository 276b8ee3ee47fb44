"""Settings → API tokens: create a token (shown once), see when each was last used, revoke."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from ..htmx import found_or_404, redirect_or_fragment, render
from ..validation import ValidationError
from . import tokens

bp = Blueprint("api_tokens", __name__, url_prefix="/settings/tokens")


@bp.before_request
@login_required
def _signed_in():
    """Tokens are managed from a signed-in browser only (never with a token)."""


def _section(status: int = 200, **context):
    """The page, or for htmx the section the settings page includes."""
    context.setdefault("errors", {})
    context.setdefault("values", {"scope": "write", "expires": "365"})
    context.setdefault("api_tokens", tokens.tokens_of(current_user))
    html = render("api/tokens.html", "api/_tokens_section.html", **context)
    return html, status


@bp.get("")
def index():
    """Your tokens, and the form for a new one."""
    return _section()


@bp.post("")
def create():
    """Make a token and show it, once: it is never stored, so it cannot be shown again.

    Without htmx too the answer is the page itself, not a redirect: the token must not
    travel in the session cookie to the next page.
    """
    try:
        made = tokens.create_token(current_user, tokens.TokenForm.read(request.form))
    except ValidationError as error:
        return _section(422, errors=error.errors, values=request.form)
    return _section(201, created=made)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    token = found_or_404(tokens.get_token(current_user, token_id))
    tokens.revoke_token(token)
    return _done(f"Token “{token.name}” revoked: it no longer works.")


@bp.post("/revoke-all")
def revoke_all():
    count = tokens.revoke_all(current_user)
    return _done(f"{count} token{'s' if count != 1 else ''} revoked.")


def _done(message: str):
    return redirect_or_fragment(
        url_for("api_tokens.index"), lambda: _section(message=message), message=message
    )


@bp.app_context_processor
def _shared_with_other_pages():
    """For the settings section (the views pass the tokens: templates run no queries)."""
    return {"api_token_expiries": tokens.EXPIRIES}
