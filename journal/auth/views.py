"""Sign-up, log in and out, settings and password."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..api.tokens import revoke_all, token_count
from ..editor.heartbeats import deletion_context
from ..entries.services import purge_deleted
from ..extensions import login_manager
from ..htmx import is_htmx, is_partial, local_path, not_saved, see_other
from ..validation import NOT_SAVED, ValidationError
from . import services, throttle
from .forms import AccountForm, TimezoneForm
from .settings_page import render_settings_page
from .throttle import TooManyAttempts
from .timezones import timezone_context

if TYPE_CHECKING:
    from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(token: str):
    return services.user_for_token(token)


@login_manager.unauthorized_handler
def unauthorized():
    """Send the browser to the login page; htmx is told to go there rather than swap it in."""
    target = url_for("auth.login", next=_return_to())
    if is_htmx():
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def _return_to() -> str | None:
    """The page to come back to after logging in: never a URL that only takes a POST."""
    if is_htmx():
        return local_path(urlsplit(request.headers.get("HX-Current-URL", "")).path) or None
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return None


@bp.before_app_request
def _first_visit():
    """A fresh install has no account yet: every page offers to create the owner."""
    if request.endpoint in ("auth.setup", "static", "core.healthz", "core.manifest"):
        return None
    if request.blueprint == "api":
        return None  # no account yet means no token: the API answers 401 itself
    if not services.install_has_users():
        return redirect(url_for("auth.setup"))
    return None


def _signup_open() -> bool:
    return str(current_app.config.get("SIGNUP", "closed")).lower() == "open"


def _create_account(template: str, *, is_owner: bool):
    try:
        user = services.create_user(**AccountForm.read(request.form), is_owner=is_owner)
        _sign_in(user, remember=False)
    except NOT_SAVED as error:
        page = render_template(template, errors=error.errors, values=request.form)
        return not_saved(page, error)
    flash(f"Welcome, {user.username}. Your roadmap is ready.", "success")
    return see_other(url_for("entries.today"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """The first visit to a fresh install creates the owner account."""
    if services.user_count() > 0:
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        return _create_account("auth/setup.html", is_owner=True)
    return render_template("auth/setup.html", errors={}, values={})


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if not _signup_open():
        abort(404)
    if request.method == "POST":
        return _create_account("auth/signup.html", is_owner=False)
    return render_template("auth/signup.html", errors={}, values={})


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("entries.today"))
    next_url = local_path(request.values.get("next"))
    if request.method == "GET":
        if services.user_count() == 0:
            return redirect(url_for("auth.setup"))
        return render_template("auth/login.html", error=None, values={}, next_url=next_url)
    username = request.form.get("username", "")
    values = {"username": username}
    try:
        # Counted before the password is checked, and the same for every name, known or not.
        attempt = throttle.reserve(username, throttle.client_address())
        user = services.authenticate(username, request.form.get("password", ""))
        if user is None:
            error = "Username or password is not correct."
            return render_template(
                "auth/login.html", error=error, values=values, next_url=next_url
            ), 401
        attempt.succeeded(clear=True)
        _sign_in(user, remember=bool(request.form.get("remember")))
    except NOT_SAVED as error:
        page = render_template(
            "auth/login.html", error=error.message, values=values, next_url=next_url
        )
        return not_saved(page, error)
    return see_other(next_url or url_for("entries.today"))


def _sign_in(user: User, *, remember: bool) -> None:
    # A fresh session at every login: nothing from before it (fixation) carries over.
    services.end_session(session.get("_user_id"))
    session.clear()
    services.start_session(user, remember=remember)
    duration = timedelta(days=current_app.config["REMEMBER_DAYS"])
    login_user(user, remember=remember, duration=duration)
    # Deleted entries past their Undo window leave for good at the latest now.
    purge_deleted(user.id)


@bp.post("/logout")
def logout():
    """End the session on the server too, so a copied cookie no longer signs anyone in."""
    _sign_out()
    flash("You are logged out.", "success")
    return see_other(url_for("auth.login"))


def _sign_out() -> None:
    if current_user.is_authenticated:
        services.end_session(current_user.session_token)
    # Clear first: logout_user() leaves a note in the session to delete the remember cookie.
    session.clear()
    logout_user()


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors: dict[str, str] = {}
    refused = None
    chosen = current_user.timezone
    if request.method == "POST":
        chosen = request.form.get("timezone", "")
        try:
            services.update_settings(current_user, timezone=TimezoneForm.read(request.form))
        except NOT_SAVED as error:
            errors, refused = error.errors, error
        else:
            flash("Settings saved.", "success")
            return see_other(url_for("auth.settings"))
    # A search of the time zones: the list alone for htmx, else the page with it narrowed.
    query = request.args.get("tz", "")
    if request.method != "POST":
        chosen = request.args.get("timezone", "")  # while searching: the zone picked so far
    selected = chosen if services.valid_timezone(chosen) else current_user.timezone
    if is_partial() and request.method != "POST":
        context = timezone_context(query, selected)
        return render_template("auth/_timezone_choice.html", errors=errors, **context)
    page = render_settings_page(
        current_user, timezone_query=query, selected=selected, errors=errors
    )
    return not_saved(page, refused) if refused else page


def _with_password(field: str, check) -> None:
    """Run ``check`` (it verifies the password first) as a try counted like a log-in: a
    wrong password stays counted; refused tries say why under the password ``field``."""
    try:
        attempt = throttle.reserve(current_user.username, throttle.client_address())
    except TooManyAttempts as error:
        error.field = field
        raise
    try:
        check()
    except ValidationError as error:
        if field not in error.errors:  # the password was right; something else was not
            attempt.succeeded()
        raise
    attempt.succeeded()


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "POST":
        form = request.form
        try:
            _with_password(
                "current_password",
                lambda: services.change_password(
                    current_user,
                    form.get("current_password", ""),
                    form.get("new_password", ""),
                    form.get("confirm_password", ""),
                ),
            )
        except NOT_SAVED as error:
            return not_saved(_password_page(errors=error.errors), error)
        message = "Password changed. Other devices have been signed out."
        if form.get("revoke_tokens"):
            revoked = revoke_all(current_user)
            message += f" {revoked} API token{'s' if revoked != 1 else ''} revoked."
        flash(message, "success")
        return see_other(url_for("auth.settings"))
    return _password_page(errors={})


def _password_page(**context) -> str:
    """The password form; it offers to revoke the API tokens too, when there are some."""
    count = token_count(current_user)
    return render_template("auth/password.html", api_token_count=count, **context)


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete the account and everything in it, once the password confirms it."""
    if request.method == "POST":
        try:
            _with_password(
                "password",
                lambda: services.delete_account(current_user, request.form.get("password", "")),
            )
        except NOT_SAVED as error:
            return not_saved(_delete_account_page(errors=error.errors), error)
        _sign_out()
        services.forget_has_users()
        flash("Your account and everything in it have been deleted.", "success")
        return see_other(url_for("auth.login"))
    return _delete_account_page(errors={})


def _delete_account_page(**context) -> str:
    """The deletion form, saying what goes with the account (API tokens, editor time)."""
    return render_template(
        "auth/delete_account.html",
        api_token_count=token_count(current_user),
        **deletion_context(current_user),
        **context,
    )
