"""Importing a jrnl journal in a real browser: one place to choose the stage, and an
Import button that waits for it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

JRNL = Path(__file__).resolve().parents[1] / "fixtures" / "jrnl" / "journal.txt"


def test_import_waits_for_the_one_stage_choice(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/data")
    imports = page.locator("section", has=page.get_by_role("heading", name="Import"))
    # Before the preview nothing asks for a stage: no entry is known to need one yet.
    expect(imports.get_by_label("Stage", exact=False)).to_have_count(0)
    page.get_by_label("File to import").set_input_files(str(JRNL))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("and 2 more once you choose their stage below")
    expect(imports.locator("select", has_text="Beyond the basics")).to_have_count(1)
    button = preview.get_by_role("button", name="Import 3 entries")
    expect(button).to_be_disabled()
    expect(button).to_have_accessible_description("Choose the stage above first.")

    preview.get_by_label("Stage for the 2 entries that name none").select_option(
        label="Beyond the basics"
    )
    expect(button).to_be_enabled()
    button.click()
    expect(preview).to_contain_text("Imported 3 entries.")
    assert page.problems.errors == []


def test_the_server_refuses_an_import_without_the_stage(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/data")
    page.get_by_label("File to import").set_input_files(str(JRNL))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    button = preview.get_by_role("button", name="Import 3 entries")
    expect(button).to_be_disabled()
    # A page that skipped the check (an old tab, a script) sends the form anyway.
    button.evaluate(
        "button => { button.disabled = false; "
        "button.form.querySelector('select').required = false; }"
    )
    button.click()
    expect(preview.get_by_role("alert")).to_have_text(
        "2 entries name no stage: choose the stage for them. Nothing was imported."
    )
    expect(preview.get_by_role("button", name="Import 3 entries")).to_be_disabled()
    page.goto(live_server.url + "/journal")
    expect(page.locator("#journal-results article.entry")).to_have_count(0)
