"""The account forms (see journal/forms.py).

The password change and the account deletion are not form classes: their checks are
ordered, and the first is a counted try of the current password (auth.views._with_password)
after which nothing else is judged until it is right, where a form class judges every
field at once. services.change_password and services.delete_account read them.
"""

from __future__ import annotations

from wtforms import StringField

from ..forms import Form, Invalid, one_of
from .names import normalize_username
from .passwords import password_problem
from .services import TIMEZONE_WRONG, username_problem, valid_timezone
from .timezones import timezone_names


class AccountForm(Form):
    """Sign-up, and the owner's account on a fresh install."""

    username = StringField(default="")
    password = StringField(default="")
    # Set by the page from the browser's own zone; one it does not know is UTC.
    timezone = StringField(default="")

    def validate_username(self, field):
        field.data = normalize_username(field.data)
        if problem := username_problem(field.data):
            raise Invalid(problem)

    def validate_password(self, field):
        """Judged with the name it goes with (a password that is the name is refused)."""
        if problem := password_problem(field.data, self.username.data):
            raise Invalid(problem)

    def validate_timezone(self, field):
        if not valid_timezone(field.data):
            field.data = "UTC"

    def cleaned(self) -> dict:
        """What ``services.create_user`` takes."""
        return {
            "username": self.username.data,
            "password": self.password.data,
            "timezone": self.timezone.data,
        }


class TimezoneForm(Form):
    """Settings → Time zone."""

    timezone = StringField(default="")

    def validate_timezone(self, field):
        one_of(field, timezone_names(), TIMEZONE_WRONG)

    def cleaned(self) -> str:
        return self.timezone.data
