"""In a real browser: attack strings run no script, htmx works under the CSP, failures show."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from journal.auth.services import get_user_by_name
from journal.clock import user_today
from journal.entries import services as entry_services
from journal.entries.forms import EntryForm
from journal.extensions import db
from journal.roadmap import services as roadmap_services
from journal.roadmap.models import Stage
from journal.validation import clean_text

from ..xss_corpus import OWN_CASES, blns
from .conftest import htmx_ready


class Watch:
    """Everything a page must not do: open a dialog, or ask for anything off the site."""

    def __init__(self, page, live_server):
        self.dialogs: list[str] = []
        self.off_site: list[str] = []
        page.on("dialog", self._dialog)

        def route(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                self.off_site.append(route.request.url)
                route.abort()

        page.route("**/*", route)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


# A page of hundreds of entries, on a busy machine, takes seconds to render and set up.
LONG_PAGE = 30_000


def htmx_idle(page) -> None:
    """Wait until no htmx request, swap or settle is under way on the page."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    expect(page.locator(busy)).to_have_count(0, timeout=LONG_PAGE)


def fill_with_attacks(app) -> dict[str, int]:
    """Alice's journal, full of attack strings: stage and topic names, notes, #tags."""
    app.config["PAGE_SIZE"] = 10_000  # every entry on one journal page
    strings = list(dict.fromkeys(OWN_CASES + list(blns())))
    with app.app_context():
        user = get_user_by_name("alice")
        today = user_today(user)
        stage_ids = []
        for number, string in enumerate(OWN_CASES):
            name = string[:80] if clean_text(string[:80]) else "blank"
            data = roadmap_services.StageInput(name, "#336699", None, string[:2000])
            stage = roadmap_services.create_stage(user, data)
            topic_name = string[:120] if clean_text(string[:120]) else "blank"
            roadmap_services.create_topic(stage, topic_name)
            stage_ids.append(stage.id)
            if number % 9 == 0:
                roadmap_services.set_stage_archived(stage, True)
        active = [
            stage for stage in db.session.scalars(select(Stage).where(Stage.user_id == user.id))
        ]
        active = [stage for stage in active if not stage.archived]
        entry_ids = []
        for number, string in enumerate(strings):
            stage = active[number % len(active)]
            form = {
                "date": (today - timedelta(days=number % 3)).isoformat(),
                "duration": "25m",
                "stage": str(stage.id),
                "topics": [str(topic.id) for topic in stage.topics[:1]],
                "notes": string,
            }
            entry, _ = entry_services.create_entry(user, EntryForm.read(form, user=user))
            entry_ids.append(entry.id)
        return {"stage": stage_ids[1], "entry": entry_ids[0], "entries": len(entry_ids)}


def test_pages_full_of_attack_strings_run_nothing(signed_in, live_server):
    page = signed_in
    watch = Watch(page, live_server)
    ids = fill_with_attacks(live_server.app)
    stage, entry = ids["stage"], ids["entry"]
    for path in (
        "/",
        "/journal",
        "/roadmap",
        "/week",
        "/entries/new",
        f"/entries/{entry}",
        f"/entries/{entry}/edit",
        f"/roadmap/stages/{stage}",
        f"/roadmap/stages/{stage}/edit",
    ):
        page.goto(live_server.url + path, timeout=LONG_PAGE)
        expect(page.locator("main")).to_be_visible(timeout=LONG_PAGE)
    page.goto(live_server.url + "/journal", timeout=LONG_PAGE)
    expect(page.locator("#journal-results article.entry")).to_have_count(
        ids["entries"], timeout=LONG_PAGE
    )
    # Template syntax in notes is text; names typed with markup show the markup as text.
    expect(page.locator("#journal-results")).to_contain_text("{{ 7*7 }}")
    page.goto(live_server.url + "/roadmap", timeout=LONG_PAGE)
    expect(page.locator("#roadmap")).to_contain_text('<hx-partial hx-target="body"')
    expect(page.locator("#roadmap")).to_contain_text("<script>alert('xss')</script>")
    page.goto(live_server.url + "/journal", timeout=LONG_PAGE)

    # htmx at work on these entries: search, inline edit and save, the topic picker. On a
    # page this long htmx takes a while to set up: type only once it listens to the form.
    htmx_ready(page.locator("form.filters"), timeout=LONG_PAGE)
    page.get_by_label("Search notes").fill("onerror")
    expect(page.locator("#journal-results")).to_contain_text(
        "matching the filters", timeout=LONG_PAGE
    )
    page.get_by_label("Search notes").fill("")
    expect(page.locator("#journal-results article.entry")).to_have_count(
        ids["entries"], timeout=LONG_PAGE
    )
    htmx_idle(page)
    page.goto(live_server.url + "/", timeout=LONG_PAGE)
    first = page.locator("#today-entries article.entry").first
    htmx_ready(first.get_by_role("link", name=re.compile("^Edit")), timeout=LONG_PAGE)
    first.get_by_role("link", name=re.compile("^Edit")).click()
    form = page.locator("form.entry-form-edit")
    htmx_ready(form, timeout=LONG_PAGE)
    form.get_by_label("Notes").fill(
        "Edited: <img src=x onerror=alert(2)> <script>alert(3)</script>"
    )
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#today-entries")).to_contain_text("Edited:")
    htmx_idle(page)
    stage_choice = page.locator("#quick-add").get_by_label("Stage")
    htmx_ready(stage_choice, timeout=LONG_PAGE)
    stage_choice.select_option(index=2)
    expect(page.locator("#quick-add-topics")).to_contain_text("(optional")
    htmx_idle(page)
    page.goto(live_server.url + "/roadmap", timeout=LONG_PAGE)
    # A stage edited in place: the link and then the form only once htmx listens to them,
    # and the saved heading waited for as long as this long page takes.
    second = page.locator(".stage").nth(1)
    edit = second.get_by_role("link", name=re.compile("^Edit"))
    htmx_ready(edit, timeout=LONG_PAGE)
    edit.click()
    form = second.locator("form.stage-form")
    htmx_ready(form, timeout=LONG_PAGE)
    form.get_by_role("button", name="Save stage").click()
    expect(second.locator("h2")).to_be_visible(timeout=LONG_PAGE)

    assert watch.dialogs == []
    assert watch.off_site == []
    assert page.problems.errors == []


def test_htmx_features_work_under_the_content_security_policy(signed_in, live_server):
    """Every kind of htmx interaction the journal has, with no CSP violation or error."""
    page = signed_in
    watch = Watch(page, live_server)
    live_server.app.config["PAGE_SIZE"] = 3
    quick = page.locator("#quick-add")
    for number in range(4):
        quick.get_by_label("Duration").fill(f"{10 + number}m")
        quick.get_by_label("Notes").fill(f"Session {number} #csp")
        quick.get_by_role("button", name="Add entry").click()
        expect(page.locator("#today-entries article.entry")).to_have_count(number + 1)
    # A refused form (422) swapped in place, then corrected.
    quick.get_by_label("Duration").fill("soon")
    quick.get_by_role("button", name="Add entry").click()
    expect(page.locator("#quick-add-duration-error")).to_be_visible()
    quick.get_by_label("Duration").fill("5m")
    quick.get_by_role("button", name="Add entry").click()
    expect(page.locator("#quick-add-duration-error")).to_have_count(0)
    # Stage change loads its topics; inline edit, cancel; delete and undo. The form was
    # just swapped in: choose only once htmx listens to its stage, and open the topics
    # only once the picker they come in has been swapped in and settled.
    htmx_ready(quick.get_by_label("Stage"), timeout=LONG_PAGE)
    quick.get_by_label("Stage").select_option(label="DevOps and deployment")
    expect(quick.locator("summary")).to_contain_text("from DevOps and deployment")
    htmx_idle(page)
    quick.locator("summary").click()
    expect(quick.get_by_label("Docker")).to_be_visible()
    entry = page.locator("#today-entries article.entry").first
    entry.get_by_role("link", name=re.compile("^Edit")).click()
    page.locator("form.entry-form-edit").get_by_role("link", name="Cancel").click()
    expect(page.locator("form.entry-form-edit")).to_have_count(0)
    page.locator("#today-entries article.entry").first.get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#today-entries article.entry")).to_have_count(5)
    # Journal: search as you type, filters, load more.
    page.get_by_role("link", name="Journal").click()
    expect(page.locator("#journal-results article.entry")).to_have_count(3)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#journal-results article.entry")).to_have_count(5)
    page.get_by_label("Search notes").fill("Session 2")
    expect(page.locator("#journal-results article.entry")).to_have_count(1)
    # Roadmap: add a stage, add, rename, archive and restore a topic, move a stage.
    page.get_by_role("link", name="Roadmap").click()
    page.locator("#new-stage summary").click()
    page.locator("#new-stage").get_by_label("Name").fill("Reading")
    page.locator("#new-stage").get_by_role("button", name="Add stage").click()
    expect(page.locator(".stage h2").filter(has_text="Reading")).to_have_count(1)
    stage = page.locator(".stage").first
    stage.get_by_placeholder("Add a topic").fill("Descriptors")
    stage.get_by_role("button", name="Add", exact=True).click()
    # Each row is swapped after each change: open its menu only once the swap has settled.
    topic = page.locator(".topic").filter(has_text="Descriptors")
    htmx_idle(page)
    topic.locator("summary").click()  # the row's menu
    topic.get_by_role("link", name=re.compile("^Rename")).click()
    htmx_ready(page.locator(".topic-editing form"), timeout=LONG_PAGE)
    page.locator(".topic-editing input[name=name]").fill("Descriptors, properly")
    page.locator(".topic-editing").get_by_role("button", name="Save").click()
    topic = page.locator(".topic").filter(has_text="Descriptors, properly")
    expect(page.locator(".topic-editing")).to_have_count(0)
    htmx_idle(page)
    topic.locator("summary").click()
    topic.get_by_role("button", name=re.compile("^Archive")).click()
    archived = page.locator(".topic").filter(has_text="Descriptors, properly")
    expect(archived.locator("button", has_text="Restore")).to_have_count(1)  # in its menu
    htmx_idle(page)
    archived.locator("summary").click()
    archived.get_by_role("button", name=re.compile("^Restore")).click()
    expect(archived.locator("button", has_text="Archive")).to_have_count(1)
    htmx_idle(page)
    page.get_by_role("button", name="Move down: Python fundamentals").click()
    expect(page.locator(".stage").nth(1).locator("h2")).to_have_text("Python fundamentals")

    assert watch.dialogs == []
    assert watch.off_site == []
    # The refused quick-add is a 422 by design; nothing else may appear.
    assert [e for e in page.problems.errors if "422" not in e] == []


def test_a_server_error_during_an_htmx_request_shows_a_message(signed_in, monkeypatch):
    page = signed_in

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(entry_services, "create_entry", broken)
    toast = page.locator("#request-error")
    expect(toast).to_be_hidden()
    page.locator("#quick-add").get_by_label("Duration").fill("30m")
    page.locator("#quick-add").get_by_label("Notes").fill("Will this be saved?")
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    expect(toast).to_be_visible()
    expect(toast).to_have_text(re.compile("Something went wrong on the server"))
    # The form keeps what was typed, so nothing is lost; the list did not change.
    expect(page.locator("#quick-add-notes")).to_have_value("Will this be saved?")
    expect(page.locator("#today-entries article.entry")).to_have_count(0)


def test_an_unreachable_server_shows_a_message(signed_in, live_server):
    page = signed_in
    live_server.stop()
    live_server._server.server_close()  # refuse connections instead of leaving them waiting
    page.locator("#quick-add").get_by_label("Duration").fill("30m")
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    toast = page.locator("#request-error")
    expect(toast).to_be_visible()
    expect(toast).to_have_text(re.compile("could not be reached"))


def test_an_expired_page_says_so(signed_in):
    """The session is gone (here: cookies cleared), so the CSRF token no longer matches."""
    page = signed_in
    page.context.clear_cookies()
    page.locator("#quick-add").get_by_label("Duration").fill("30m")
    page.locator("#quick-add").get_by_role("button", name="Add entry").click()
    toast = page.locator("#request-error")
    expect(toast).to_be_visible()
    expect(toast).to_have_text(re.compile("This page has expired"))


@pytest.mark.parametrize("path", ["/no-such-page", "/entries/999999"])
def test_error_pages_load_cleanly(signed_in, live_server, path):
    page = signed_in
    response = page.goto(live_server.url + path)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Today")).to_be_visible()
    # The 404 itself is reported by the browser; nothing else may be.
    assert [e for e in page.problems.errors if "404" not in e] == []
