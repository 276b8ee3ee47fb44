"""Browser tests: Playwright driving the system Chromium against a live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from journal import create_app
from journal.extensions import db

from ..live import LiveServer
from ..support import PASSWORD, AuthActions, make_config

CHROMIUM = os.environ.get("JOURNAL_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# How long an action or an assertion waits for the state it needs (Playwright's defaults: 30 s
# and 5 s). A wait ends as soon as the state is there; the bound only decides when a test
# gives up, and a swap on a machine whose cores are busy with other work takes seconds.
WAIT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("JOURNAL_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required for the browser tests but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium to run these)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(databases, tmp_path, request, template_cache):
    """The journal served on loopback; ``@pytest.mark.live_config(KEY=value)`` configures it."""
    url = databases.fresh(tmp_path)
    marker = request.node.get_closest_marker("live_config")
    overrides = marker.kwargs if marker else {}
    # CSRF on, as in production: the browser must carry the token itself.
    config = make_config(
        tmp_path, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True, TESTING=False
    )
    app = create_app({**config, **overrides})
    app.jinja_env.bytecode_cache = template_cache
    server = LiveServer(app)
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()
    databases.release(url)


class PageProblems:
    """Console errors, failed requests and CSP violations seen by a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

    def _request_failed(self, request):
        # Aborted by the browser itself (the page navigated away, or a response became a
        # download): not a failure of the app. Refused or broken connections still count.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.problems = PageProblems(page)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        except PlaywrightError as error:  # a picture of the failure, not a second failure
            print(f"no screenshot of the failed page: {error}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def signed_in(page, live_server):
    """A page signed in as alice through the real login form."""
    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    sign_in(page, live_server.url)
    return page


@pytest.fixture
def roadmap_page(signed_in, live_server):
    """Alice's roadmap, signed in and marked: a reload from here on would drop the mark."""
    signed_in.goto(live_server.url + "/roadmap")
    mark_page(signed_in)
    return signed_in


def mark_page(page):
    """Put a marker on the window: it survives htmx swaps but not a page load."""
    page.evaluate("window.__noReload = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__noReload === true")


def signed_in_context(browser, live_server, **options):
    """A new browser context (``options``: viewport, java_script_enabled...) and a page in
    it, signed in as alice, a new account; the caller closes the context."""
    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.problems = PageProblems(page)
    sign_in(page, live_server.url)
    return context, page


def htmx_ready(locator, timeout: float | None = None) -> None:
    """Wait until htmx has set up ``locator``'s element: htmx marks an element it has
    processed, in the same step as it adds its listeners, so events sent after this are
    heard (a click before it submits the form as a page would, without htmx)."""
    expect(locator).to_have_attribute("data-htmx-powered", "true", timeout=timeout)


def sign_in(page, url: str, username: str = "alice", password: str = PASSWORD) -> None:
    """Log in through the real form and land on Today."""
    page.goto(url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")
