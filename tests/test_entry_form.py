"""The entry form as the daily loop uses it: the duration preview, the date kept for a run
of backdated sessions, and the timer's stage."""

from __future__ import annotations

import re

from .helpers import HX, text
from .test_entries import add, entries


def preview_of(client, typed, form_id="quick-add"):
    response = client.get("/entries/duration", query_string={"duration": typed, "form_id": form_id})
    assert response.status_code == 200
    match = re.search(
        rf'<output id="{form_id}-duration-preview"[^>]*>(.*?)</output>', text(response), re.S
    )
    assert match, text(response)
    return match.group(1)


def test_the_duration_preview_says_what_the_form_will_save(client, auth):
    auth.login()
    assert preview_of(client, "1.5") == "= 1 h 30 min"
    assert preview_of(client, "90 min") == "= 1 h 30 min"
    assert preview_of(client, "2") == "= 2 min · for 2 hours, type 2h"
    assert preview_of(client, "") == ""
    assert preview_of(client, "1h75").startswith("Duration “1h75” is not understood")
    # The preview belongs to the form that asked; an odd form id falls back to the default.
    assert preview_of(client, "45", form_id="entry-12") == "= 45 min"
    assert preview_of(client, "45", form_id="entry-form") == "= 45 min"
    response = client.get("/entries/duration", query_string={"duration": "1", "form_id": "<x>"})
    assert 'id="entry-form-duration-preview"' in text(response)


def test_the_duration_preview_is_bounded_and_private(client, auth):
    response = client.get("/entries/duration", query_string={"duration": "1"})
    assert response.status_code == 302  # to the login page
    auth.login()
    assert len(preview_of(client, "9" * 100_000)) < 200


def test_what_the_preview_shows_is_what_is_saved(app, client, auth):
    auth.login()
    for typed, minutes in (("1.5", 90), ("2", 2), ("0.75", 45)):
        assert add(client, app, duration=typed).status_code == 200
        assert entries(app)[-1].minutes == minutes


def test_a_form_shown_with_a_duration_shows_its_preview(app, client, auth):
    auth.login()
    add(client, app, duration="50m", notes="x")
    entry = entries(app)[0]
    response = client.get(f"/entries/{entry.id}/edit", headers=HX)
    assert re.search(r'id="entry-\d+-duration-preview"[^>]*>= 50 min</output>', text(response))
    # After an error the message under the field says it once; the preview stays empty.
    response = add(client, app, duration="abc")
    assert response.status_code == 422
    assert text(response).count("is not understood") == 1
