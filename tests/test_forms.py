"""Forms: the ``field`` macro's markup, a form class's reading of what was sent, and the one
parser of a date range, each checked against values written out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from journal.api.tokens import TokenForm, TokenInput
from journal.auth.forms import AccountForm, TimezoneForm
from journal.daily.forms import EntryTemplateForm, ReviewForm
from journal.editor.settings import EditorSettingsForm, Settings
from journal.insights.settings import SettingsForm
from journal.roadmap.forms import StageForm
from journal.roadmap.services import StageInput, create_stage
from journal.validation import ValidationError, parse_date_range

from .support import app_with_users

FIELD = """{% from "_macros.html" import field %}
{%- call(ident, aria) field(
      'weeks', 'Suggested weeks', errors, 'stage-3-', optional=optional, hint=hint
) -%}
<input {{ ident }} type="number" value="{{ value }}" {{ aria }}>
{%- endcall %}"""


@pytest.fixture
def page(tmp_path):
    app = app_with_users(tmp_path)
    with app.test_request_context():
        yield lambda **context: " ".join(render_template_string(FIELD, **context).split())


def test_a_field_without_an_error(page):
    html = page(errors={}, value="4", optional="", hint="")
    assert html == (
        '<div class="field"> <label for="stage-3-weeks">Suggested weeks</label> '
        '<input id="stage-3-weeks" name="weeks" type="number" value="4" > </div>'
    )


def test_a_field_with_its_error_says_so_to_screen_readers(page):
    html = page(
        errors={"weeks": "Suggested weeks must be a whole number from 1 to 520."},
        value="<b>many</b>",
        optional="(optional)",
        hint="",
    )
    assert html == (
        '<div class="field"> <label for="stage-3-weeks">Suggested weeks '
        '<span class="optional">(optional)</span></label> '
        '<input id="stage-3-weeks" name="weeks" type="number" value="&lt;b&gt;many&lt;/b&gt;" '
        'aria-invalid="true" aria-describedby="stage-3-weeks-error"> '
        '<p class="field-error" id="stage-3-weeks-error">'
        "Suggested weeks must be a whole number from 1 to 520.</p> </div>"
    )


def test_a_hint_describes_the_control_before_its_error(page):
    html = page(errors={"weeks": "Wrong."}, value="x", optional="", hint="Leave empty: open-ended.")
    assert 'aria-invalid="true" aria-describedby="stage-3-weeks-hint stage-3-weeks-error"' in html
    assert '<p class="hint" id="stage-3-weeks-hint">Leave empty: open-ended.</p>' in html
    assert html.count("aria-describedby") == 1


def test_a_form_hands_cleaned_data_on(page):
    sent = {"name": "  Rust  ", "color": "#AABBCC", "weeks": "", "description": " Ownership "}
    assert StageForm.read(sent) == StageInput("Rust", "#aabbcc", None, "Ownership")
    chosen = SettingsForm.read(
        {"daily_minimum": "20", "weekly_goal": "7,5", "week_start": "6", "rest_days": "1"}
    )
    minutes = (chosen.daily_minimum_minutes, chosen.weekly_goal_minutes)
    assert minutes == (20, 450) and (chosen.week_start, chosen.rest_days_per_week) == (6, 1)


def test_a_form_names_every_field_at_fault_in_order(page):
    with pytest.raises(ValidationError) as refused:
        StageForm.read({"name": "", "color": "blue", "weeks": "0", "description": ""})
    assert list(refused.value.errors.items()) == [
        ("name", "Name is required."),
        ("color", "Colour must be a hex colour such as #3b82f6."),
        ("weeks", "Suggested weeks must be a whole number from 1 to 520."),
    ]
    with pytest.raises(ValidationError) as refused:
        SettingsForm.read({"daily_minimum": "15", "weekly_goal": "10", "week_start": "06"})
    assert refused.value.errors == {
        "week_start": "Week starts on must be Monday or Sunday.",
        "rest_days": "Rest days must be a whole number from 0 to 3.",
    }


def test_the_token_and_editor_forms_read_what_their_pages_send(page):
    sent = {"name": "  my   laptop ", "scope": "read", "expires": "30"}
    assert TokenForm.read(sent) == TokenInput("my laptop", "read", 30)
    assert TokenForm.read({"name": "ci", "scope": "write", "expires": ""}).days is None
    with pytest.raises(ValidationError) as refused:
        TokenForm.read({"name": " ", "scope": "admin", "expires": "7"})
    assert list(refused.value.errors.items()) == [
        ("name", "Name is required: say where the token is used, such as “laptop”."),
        ("scope", "Access must be read, or read and write."),
        ("expires", "Expiry: choose one from the list."),
    ]
    sent = {"keep_paths": "1", "retention_days": "90", "session_gap_minutes": "15"}
    assert EditorSettingsForm.read(sent) == Settings(True, 90, 15)
    # An unticked checkbox is not sent at all.
    sent = {"retention_days": "365", "session_gap_minutes": "5"}
    assert EditorSettingsForm.read(sent) == Settings(False, 365, 5)
    with pytest.raises(ValidationError) as refused:
        EditorSettingsForm.read({"retention_days": "31", "session_gap_minutes": "1e3"})
    assert set(refused.value.errors) == {"retention_days", "session_gap_minutes"}


def test_the_prompts_form_reads_the_prompts_sent_as_text(page):
    sent = {"enabled": "1", "text": "  ### Today\r\n"}
    assert EntryTemplateForm.read(sent) == {"enabled": True, "text": "### Today"}
    assert EntryTemplateForm.read({"text": ""}) == {"enabled": False, "text": ""}
    restored = EntryTemplateForm.read({"reset": "1", "text": "mine"})["text"]
    assert restored.startswith("### What I did")
    with pytest.raises(ValidationError) as refused:
        EntryTemplateForm.read({"enabled": "1", "text": " "})
    assert refused.value.errors == {
        "template": "Template is empty: write some prompts, or turn it off."
    }
    with pytest.raises(ValidationError) as refused:
        EntryTemplateForm.read({"text": "x" * 5001})
    assert refused.value.errors == {"template": "Template must be at most 5000 characters."}


def test_the_review_form_reads_the_notes_within_bounds(page):
    assert ReviewForm.read({"notes": "  Went well.\r\nMore SQL.  "}) == "Went well.\nMore SQL."
    assert ReviewForm.read({}) == ""
    with pytest.raises(ValidationError) as refused:
        ReviewForm.read({"notes": "é" * 5_001})  # two bytes each: 10,002 bytes
    assert refused.value.errors == {"notes": "Review must be at most 10 kB."}


def test_the_account_forms_read_a_name_a_password_and_a_time_zone(page):
    sent = {"username": "  Ada.L ", "password": "correct horse battery", "timezone": "Asia/Tokyo"}
    assert AccountForm.read(sent) == {
        "username": "ada.l",
        "password": "correct horse battery",
        "timezone": "Asia/Tokyo",
    }
    # The page sets the zone from the browser: one the journal does not know is UTC.
    sent = {"username": "ada", "password": "correct horse battery", "timezone": "Mars/Olympus"}
    assert AccountForm.read(sent)["timezone"] == "UTC"
    with pytest.raises(ValidationError) as refused:
        AccountForm.read({"username": "a", "password": "short"})
    assert list(refused.value.errors) == ["username", "password"]
    assert refused.value.errors["username"].startswith("Username must be 3 to 32 characters")
    assert TimezoneForm.read({"timezone": "Europe/Paris"}) == "Europe/Paris"
    with pytest.raises(ValidationError) as refused:
        TimezoneForm.read({"timezone": "Europe/Atlantis"})
    assert refused.value.errors == {
        "timezone": "Time zone must be one from the list, such as Europe/Paris."
    }


def test_the_service_still_refuses_what_must_not_be_saved(page):
    """The API and the command line call the services without a form."""
    with pytest.raises(ValidationError) as refused:
        create_stage(None, StageInput("", "#123456", 9999, ""))
    assert refused.value.errors == {
        "name": "Name is required.",
        "weeks": "Suggested weeks must be a whole number from 1 to 520.",
    }


@pytest.mark.parametrize(
    ("sent", "first", "last", "errors"),
    [
        ({}, None, None, {}),
        ({"from": " 2026-03-01 ", "to": ""}, date(2026, 3, 1), None, {}),
        ({"from": "2026-03-01", "to": "2026-03-01"}, date(2026, 3, 1), date(2026, 3, 1), {}),
        (
            {"from": "2026-03-14", "to": "2026-03-01"},
            date(2026, 3, 14),
            None,
            {"to": "To must be on or after From."},
        ),
        (
            {"from": "March", "to": "2026-02-30"},
            None,
            None,
            {
                "from": "From must be a date such as 2026-03-14.",
                "to": "To must be a date such as 2026-03-14.",
            },
        ),
    ],
)
def test_one_reading_of_a_date_range(sent, first, last, errors):
    assert parse_date_range(sent) == (first, last, errors)
