"""Your data in a real browser: download an export, upload a jrnl file, preview, import."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

JRNL = Path(__file__).resolve().parents[1] / "fixtures" / "jrnl" / "journal.txt"


def test_settings_lead_to_the_data_page_and_markdown_downloads(signed_in, live_server):
    page = signed_in
    # Each page settles before the next navigation, so no request of it (such as the
    # favicon, fetched after the load event) is cut short and reported as failed.
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/settings", wait_until="networkidle")
    page.get_by_role("link", name="Export your journal", exact=True).click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "roadbook-alice.md"
    content = Path(download.value.path()).read_text()
    assert content.startswith("# Roadbook journal\n\n0 entries")
    # The browser turns the navigation into a download and reports it as aborted: expected.
    assert [e for e in page.problems.errors if "/data/export?" not in e] == []


def test_upload_preview_choose_a_stage_and_import_without_a_reload(signed_in, live_server):
    page = signed_in
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/data")
    page.evaluate("window.__noReload = true")
    page.get_by_label("File to import").set_input_files(str(JRNL))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("1 entry will be added (45 min), and 2 more once you choose")
    expect(preview).to_contain_text("1 entry gives no duration")
    # Choosing the stage updates the preview at once.
    preview.get_by_label("Stage for the 2 entries that name none").select_option(
        label="Beyond the basics"
    )
    expect(preview).to_contain_text("3 entries will be added")
    preview.get_by_role("button", name="Import 3 entries").click()
    expect(preview).to_contain_text("Imported 3 entries.")
    # The summary line above follows the import.
    expect(page.locator("#data-summary")).to_contain_text("Your journal has 3 entries")
    assert page.evaluate("window.__noReload === true")
    preview.get_by_role("link", name="Fill in the 1 unknown duration").click()
    entry = page.locator("article.entry")
    expect(entry).to_have_count(1)
    entry.get_by_role("link", name="Add duration").click()
    entry_form = page.locator("form.entry-form")
    entry_form.get_by_label("Duration").fill("40m")
    entry_form.get_by_role("button", name="Save").click()
    expect(page.locator("article.entry .entry-duration")).to_have_text("40 min")
    assert page.problems.errors == []


def test_a_malformed_file_and_a_file_too_large_say_why(signed_in, live_server, tmp_path):
    page = signed_in
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/data")
    bad = tmp_path / "sheet.csv"
    bad.write_text("date,stage,minutes,notes\nyesterday,Python fundamentals,5,x\n")
    page.get_by_label("File to import").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-preview [role=alert]")).to_have_text(
        "line 2: “date” must be a date such as 2026-03-14. Nothing was imported."
    )
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (5 * 1024 * 1024))
    page.get_by_label("File to import").set_input_files(str(big))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-preview [role=alert]")).to_contain_text(
        "The file is larger than 4 MB, the limit for uploads. Nothing was imported."
    )
    # Only the expected 422 and 413 answers; nothing else went wrong in the page.
    assert [e for e in page.problems.errors if "422" not in e and "413" not in e] == []
