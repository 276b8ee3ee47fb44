"""Forms: a WTForms class per HTML form reads what the page sent and checks each field in
its ``validate_<field>`` method; its cleaned data then goes to a service, which is
request-free and still checks what must stay true (the JSON API calls the same services).

Fields are read as text and checked by the form's own methods rather than by WTForms'
typed fields and stock validators: each message names the field as the page labels it
and says what is expected (``Daily minimum must be a whole number of minutes from 1 to
1440.``), and a value that does not parse is shown back exactly as typed. The controls
are written in the templates, around the ``field`` macro (templates/_macros.html).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError as Invalid

from .validation import ValidationError, clean_text

__all__ = ["Form", "Invalid", "as_formdata", "one_of", "text_checked_by"]


class Form(FlaskForm):
    class Meta:
        # CSRFProtect (journal/extensions.py) checks every POST of the app already, forms
        # built by hand and by htmx alike; a second token per form would add nothing.
        csrf = False

    @classmethod
    def read(cls, formdata: Mapping[str, str], **context):
        """The cleaned data of ``formdata``, or ValidationError naming each field at fault
        (the first message of each, in the form's order of fields). ``context`` is what a
        form's checks need besides the fields (the user whose stages an entry may name)."""
        return cls(formdata=as_formdata(formdata), **context).checked()

    def checked(self):
        """This form's cleaned data, or ValidationError as ``read`` says."""
        if not self.validate():
            raise ValidationError({name: messages[0] for name, messages in self.errors.items()})
        return self.cleaned()

    def cleaned(self):
        """What the service takes (each form says)."""
        raise NotImplementedError


def text_checked_by(field, problem) -> None:
    """Check a text: ``field``'s data becomes the text sent, cleaned, and ``problem`` (the
    service's own check: what is wrong with such a text, or None) must find nothing."""
    field.data = clean_text(field.data)
    if message := problem(field.data):
        raise Invalid(message)


def one_of(field, choices, message: str, read=clean_text) -> None:
    """Check a choice from a list: ``field``'s data becomes what ``read`` makes of the text
    sent, and must be one of ``choices``; else ``message``."""
    field.data = read(field.data)
    if field.data not in choices:
        raise Invalid(message)


def as_formdata(formdata: Mapping) -> MultiDict:
    """What a form reads: a request's form as it is; a plain dict (a JSON body turned into
    fields) with each list as a field sent several times."""
    return formdata if hasattr(formdata, "getlist") else MultiDict(formdata)
