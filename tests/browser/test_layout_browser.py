"""No page scrolls sideways, from a 320 px phone to a laptop, whatever the notes hold.

The walk takes every GET route of the app (routes added later are walked as they come),
fills in ids of a journal whose entries, review, stage and topic hold a long line of
code, a long URL and a 60-character word, and opens each page that answers with HTML;
the import preview, which only a POST shows, is opened from the Your data page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ..support import PASSWORD, AuthActions, csrf_token
from ..test_request_safety import build, url_values
from .conftest import sign_in

WIDTHS = (320, 375, 1280)
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosisandthensomemore"  # 60 letters
LONG_URL = "https://docs.example.test/" + "/".join(f"section-{n}" for n in range(14)) + "?q=1"
LONG_CODE = (
    "EXPLAIN ANALYZE SELECT entries.id, entries.study_date, stages.name, sum(entries.minutes) "
    "FROM entries JOIN stages ON stages.id = entries.stage_id WHERE entries.user_id = 42 "
    "GROUP BY entries.id, entries.study_date, stages.name ORDER BY entries.study_date DESC;"
)
NOTES = f"""Tried a query plan. #{LONG_WORD[:30].lower()}

```sql
{LONG_CODE}
```

Read {LONG_URL} and the word {LONG_WORD}, then `{LONG_CODE[:90]}`.

| column | what it holds |
| --- | --- |
| {LONG_WORD} | {LONG_URL} |

### What blocked me
{LONG_WORD} in `{LONG_CODE[:70]}` and {LONG_URL}

### Link to work
{LONG_URL}
"""
# The pages a learner uses, by the endpoint that serves them: the walk must reach them all.
MUST_SEE = {
    "entries.today",
    "entries.journal",
    "entries.show",
    "entries.edit",
    "entries.new",
    "entries.week",
    "insights.dashboard",
    "insights.panel",
    "daily.review",
    "daily.timer",
    "daily.template",
    "roadmap.index",
    "roadmap.stage",
    "roadmap.edit_stage",
    "roadmap.edit_topic",
    "auth.settings",
    "auth.password",
    "auth.delete_account",
    "transfer.index",
}


def long_journal(app, username="alice") -> None:
    """Entries, a review, a stage and a topic holding lines too long for any phone."""
    from journal.auth.services import get_user_by_name
    from journal.clock import user_today, week_bounds
    from journal.daily.reviews import save_review
    from journal.daily.services import start_timer
    from journal.entries.forms import EntryForm
    from journal.entries.services import create_entry
    from journal.roadmap.forms import StageForm
    from journal.roadmap.services import create_topic, stages_of, update_stage

    with app.app_context():
        user = get_user_by_name(username)
        stages = stages_of(user)
        today = user_today(user)
        for days_ago, stage in ((0, stages[0]), (1, stages[1]), (3, stages[0]), (9, stages[2])):
            form = {
                "date": (today - timedelta(days=days_ago)).isoformat(),
                "duration": "2h11",
                "stage": str(stage.id),
                "notes": NOTES,
                "link": LONG_URL,
            }
            create_entry(user, EntryForm.read(form, user=user))
        long_name = f"Stage {LONG_WORD[:50]}"
        fields = {"name": long_name, "color": "#3b82f6", "weeks": "4", "description": LONG_URL}
        update_stage(stages[0], StageForm.read(fields))
        create_topic(stages[0], LONG_WORD)
        save_review(user, week_bounds(today, user.week_start)[0], NOTES)
        start_timer(user, stages[0].id)


def html_pages(app) -> dict[str, str]:
    """Every GET route that shows alice an HTML page, by its URL: endpoint."""
    client = app.test_client()
    token = csrf_token(client.get("/login"))
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    values = url_values(app)
    pages = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule._converters["name"].items) if "name" in rule.arguments else [None]
        for name in names:
            url = build(rule, {**values, "name": name, "week": "2026-11-23"})
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[url] = rule.endpoint
    return pages


def too_wide(page) -> list[str]:
    """The elements reaching past the right edge (outside boxes that scroll), or []."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.scrollingElement.scrollWidth <= width) return [];
            const scrolls = el => {
                for (let up = el.parentElement; up; up = up.parentElement) {
                    const style = getComputedStyle(up).overflowX;
                    if (style === 'auto' || style === 'scroll' || style === 'hidden') return true;
                }
                return false;
            };
            const found = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                // Text spilling out of its box counts too (scrollWidth includes it), unless
                // the box scrolls or clips what overflows it.
                const spills = getComputedStyle(el).overflowX === 'visible';
                const right = spills ? Math.max(box.right, box.left + el.scrollWidth) : box.right;
                if (box.width && right > width + 0.5 && !scrolls(el)) {
                    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                    found.push(`${name} reaches ${Math.round(right)} px`);
                }
            }
            return [`page is ${document.scrollingElement.scrollWidth} px wide`,
                    ...found.slice(0, 6)];
        }"""
    )


@pytest.mark.parametrize("scheme", ["light"])
def test_no_page_scrolls_sideways_at_any_width(browser, live_server, scheme):
    app = live_server.app
    AuthActions(app, app.test_client()).create("alice")
    long_journal(app)
    pages = html_pages(app)
    assert set(pages.values()) >= MUST_SEE, MUST_SEE - set(pages.values())
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        sign_in(page, live_server.url)
        for url in pages:
            page.goto(live_server.url + url)
            if found := too_wide(page):
                problems.append(f"{url} at {width} px: {'; '.join(found)}")
        # The import preview: only a POST shows it.
        page.goto(live_server.url + "/data")
        page.get_by_label("File to import").set_input_files(
            files=[
                {
                    "name": f"{LONG_WORD}.txt",
                    "mimeType": "text/plain",
                    "buffer": f"[2026-11-20 09:00] {LONG_WORD} {LONG_URL}\n{LONG_CODE}\n".encode(),
                }
            ]
        )
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#import-preview")).to_contain_text("will be added")
        if found := too_wide(page):
            problems.append(f"import preview at {width} px: {'; '.join(found)}")
        context.close()
    assert not problems, "\n".join(problems)


def test_signed_out_pages_fit_a_phone(browser, live_server):
    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    problems = []
    for path in ("/login", "/login?next=/journal", "/no-such-page"):
        page.goto(live_server.url + path)
        if found := too_wide(page):
            problems.append(f"{path}: {'; '.join(found)}")
    context.close()
    assert not problems, "\n".join(problems)


def test_the_check_notices_a_page_that_scrolls_sideways(signed_in):
    """The test above would fail: a page made wider than the window is caught."""
    page = signed_in
    page.set_viewport_size({"width": 320, "height": 640})
    assert too_wide(page) == []
    page.evaluate(
        """() => {
            const wide = document.createElement('p');
            wide.id = 'wide';
            wide.textContent = 'A paragraph made too wide for the window.';
            wide.style.width = '900px';  // through the CSSOM: the CSP allows it
            document.querySelector('main').append(wide);
        }"""
    )
    found = too_wide(page)
    assert any("p#wide reaches" in line for line in found), found


def test_checkboxes_keep_their_size_beside_labels_that_wrap(signed_in, live_server):
    page = signed_in
    long_journal(live_server.app)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/entries/new")
    page.locator(".topic-picker summary").first.click()
    boxes = page.locator(".topic-options input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    sizes = boxes.evaluate_all(
        "boxes => boxes.map(b => b.getBoundingClientRect()).map(r => [r.width, r.height])"
    )
    assert sizes and all(abs(w - h) < 0.5 and w >= 16 for w, h in sizes), sizes
