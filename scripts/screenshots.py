"""Write fresh screenshots of the main pages into docs/screenshots/.

Run by hand (or `make screenshots`) after a change to how pages look:
`.venv/bin/python scripts/screenshots.py`. It serves the journal from a throw-away SQLite
database holding two and a half weeks of a learner's sessions, signs in through the real
form, and saves every main page at phone (375 px) and laptop (1280 px) width, light and
dark, as `<page>-<phone|laptop>-<light|dark>.png`. Uses the system Chromium through
Playwright, like the browser tests (`JOURNAL_CHROMIUM` names another one).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("JOURNAL_CHROMIUM", "/usr/bin/chromium")
USERNAME, PASSWORD = "maya", "a demo passphrase for screenshots"
PAGES = {
    "today": "/",
    "journal": "/journal",
    "dashboard": "/dashboard",
    "review": "/review",
    "roadmap": "/roadmap",
    "settings": "/settings",
    "data": "/data",
}
# Width, window height, and where a long page is cut: its top is what a reader looks at,
# and the images stay small.
SIZES = {"phone": (375, 812, 1600), "laptop": (1280, 900, 1100)}

# (days ago, stage index, duration, notes): 18 days of a learner's sessions.
SESSIONS = [
    (17, 0, "1h", "Variables, types and `f-strings`. #python"),
    (16, 0, "45m", "Loops and comprehensions.\n\n## What blocked me\nNested comprehensions."),
    (15, 0, "1h30", "Functions, `*args` and `**kwargs`. #python"),
    (14, 0, "50m", "Classes and inheritance."),
    (13, 0, "2h", "**What blocked me:** `super()` in multiple inheritance. #oop"),
    (12, 0, "40m", "Error handling with `try`/`except`."),
    (11, 0, "1h15", "File I/O and `pathlib`. #python"),
    (10, 0, "1h", "Standard library: `json`, `datetime`, `re`."),
    (9, 1, "1h30", "SELECT, WHERE, ORDER BY in PostgreSQL. #sql"),
    (9, 0, "30m", "Generators and `yield`."),
    (8, 1, "2h", "JOINs, at last.\n\nBlocked: LEFT vs INNER JOIN on NULLs. #sql"),
    (7, 1, "1h", "Indexes and `EXPLAIN`. #sql"),
    (6, 1, "45m", "Foreign keys and transactions."),
    (5, 1, "1h45", "Schema design for a small shop. #sql"),
    (4, 2, "1h", "Flask: an app factory and a blueprint. #flask"),
    (4, 1, "30m", "SQLAlchemy models and a first migration."),
    (3, 2, "2h11", "Templates, forms and flash messages. #flask"),
    (2, 2, "1h20", "HTTP methods with `curl`. #http\n\n**What blocked me:** `curl -d` and JSON."),
    (1, 2, "55m", "Sessions and cookies.\n\nBlocked: where Flask keeps the session."),
    (
        0,
        2,
        "1h",
        "Deployed the blog to a small VPS. #deploy\n\n### Link to work\nhttps://x.test/blog",
    ),
]
TOPICS_DONE = {0: 8, 1: 4}  # stage index: how many of its first topics are done


def build_app(folder: Path):
    from journal import create_app
    from journal.schema import upgrade_database

    app = create_app(
        {
            "SECRET_KEY": "screenshots",
            "INSTANCE_PATH": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'journal.sqlite3'}",
        }
    )
    upgrade_database(app)
    return app


def seed(app) -> None:
    """The demo learner: sessions, topics marked done and learning, a weekly review."""
    from journal.auth.services import create_user
    from journal.clock import user_today, week_bounds
    from journal.daily.reviews import save_review
    from journal.entries.forms import EntryForm
    from journal.entries.services import create_entry
    from journal.roadmap.services import set_topic_state, stages_of

    with app.app_context():
        user = create_user(USERNAME, PASSWORD, timezone="Europe/Berlin", is_owner=True)
        stages = stages_of(user)
        today = user_today(user)
        for days_ago, stage, duration, notes in SESSIONS:
            form = {
                "date": (today - timedelta(days=days_ago)).isoformat(),
                "duration": duration,
                "stage": str(stages[stage].id),
                "notes": notes,
            }
            create_entry(user, EntryForm.read(form, user=user))
        for stage, done in TOPICS_DONE.items():
            topics = stages[stage].active_topics
            for topic in topics[:done]:
                set_topic_state(topic, "done")
            set_topic_state(topics[done], "learning")
        first, _ = week_bounds(today, user.week_start)
        save_review(user, first, "A good week: **JOINs** finally make sense.")


class Server:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=5)


def shoot(url: str, output: Path, pages: dict[str, str]) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for scheme in ("light", "dark"):
            for size, (width, height, cut) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(url + "/login")
                page.get_by_label("Username").fill(USERNAME)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(url + "/")
                for name, path in pages.items():
                    page.goto(url + path, wait_until="networkidle")
                    full = page.evaluate("document.scrollingElement.scrollHeight")
                    target = output / f"{name}-{size}-{scheme}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(full, cut)},
                    )
                    written.append(target)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the images")
    parser.add_argument("pages", nargs="*", choices=[*PAGES, []], help="pages (default: all)")
    args = parser.parse_args()
    pages = {name: PAGES[name] for name in args.pages} if args.pages else PAGES
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        seed(app)
        with Server(app) as server:
            written = shoot(server.url, args.output, pages)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
