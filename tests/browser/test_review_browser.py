"""The weekly review in a real browser: blockers however they were written, rendered as
Markdown and sanitized, and the links of the week, as in its Markdown download."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

NOTES = [
    ("**What blocked me:** `super()` in multiple inheritance.", None),
    ("Joins all evening.\n\nBlocked: LEFT vs INNER JOIN on *NULL* rows.", None),
    ("### What blocked me\nThe pip resolver.\n\n### Link to work\nhttps://x.test/repo", None),
    ("- Learned: fixtures\n- Blocker: flaky `time.sleep` tests", "https://x.test/pr/7"),
    ("Blocked: <img src=x onerror=alert(1)> and <script>alert(2)</script> [x](javascript:1)", None),
]


def journal_of_a_week(app, username="alice") -> str:
    """Entries on three days of last week (every one of them in the past, whatever day the
    tests run on; this week's Wednesday is refused on a Monday); the week's review path."""
    from journal.auth.services import get_user_by_name
    from journal.clock import user_today, week_bounds
    from journal.entries.forms import EntryForm
    from journal.entries.services import create_entry
    from journal.roadmap.services import stages_of

    with app.app_context():
        user = get_user_by_name(username)
        first = week_bounds(user_today(user), user.week_start)[0] - timedelta(days=7)
        stage = stages_of(user)[0]
        for n, (notes, link) in enumerate(NOTES):
            form = {
                "date": (first + timedelta(days=n % 3)).isoformat(),
                "duration": "30m",
                "stage": str(stage.id),
                "notes": notes,
                "link": link or "",
            }
            create_entry(user, EntryForm.read(form, user=user))
    return f"/review/{first.isoformat()}"


def test_the_review_shows_every_blocker_and_the_links(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + journal_of_a_week(live_server.app))
    blocked = page.locator("#review-blocked")
    expect(blocked.get_by_role("heading")).to_have_text("What blocked me")
    items = blocked.locator("li")
    expect(items).to_have_count(5)
    # Markdown, rendered: code is code, emphasis is emphasis, no backtick is left showing.
    expect(blocked.locator("code").first).to_have_text("super()")
    expect(blocked.locator("code").nth(1)).to_have_text("time.sleep")
    expect(blocked.locator("em")).to_have_text("NULL")
    expect(blocked).to_contain_text("The pip resolver.")
    assert "`" not in blocked.inner_text()
    # Sanitized: the image, script and script link are text or gone, never elements.
    expect(blocked.locator("img, script")).to_have_count(0)
    expect(blocked.locator("a[href^='javascript']")).to_have_count(0)
    # One wording for the prompt, on the whole page.
    expect(page.get_by_text("What blocked you")).to_have_count(0)

    links = page.locator("#review-links")
    expect(links.get_by_role("heading")).to_have_text("Links to work")
    expect(links.locator("a[href='https://x.test/repo']")).to_have_count(1)
    expect(links.locator("a[href='https://x.test/pr/7']")).to_have_count(1)

    # The download has the same blockers and links, as text.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Markdown").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## Links to work" in markdown and "https://x.test/pr/7" in markdown
    assert "`super()` in multiple inheritance." in markdown
    assert [e for e in page.problems.errors if ".md" not in e] == []


def test_a_week_without_blockers_says_how_to_note_one(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/review")
    blocked = page.locator("#review-blocked")
    expect(blocked).to_contain_text("Nothing noted this week.")
    expect(blocked).to_contain_text("What blocked me:")
    expect(page.locator("#review-links")).to_contain_text("No links this week.")
